import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const watFile = fileURLToPath(new URL('./cg-kernel.wat', import.meta.url));
const outFile = fileURLToPath(new URL('./cg-kernel-wasm.ts', import.meta.url));

/** cg-kernel.wat assembled to WebAssembly bytes (SIMD, shared memory, bulk memory). */
export async function assembleKernel(): Promise<Uint8Array> {
  const text = await readFile(watFile, 'utf8');
  const tools = await wabt();
  const module = tools.parseWat('cg-kernel.wat', text, { simd: true, threads: true, bulk_memory: true });
  try {
    module.resolveNames();
    // wabt.js's validate() ignores the threads feature ("memories may not be shared"); V8 validates on compile.
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that carries the bytes, so running needs no assembler. */
export function kernelModuleSource(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,100}/g) ?? [];
  return `// Generated from cg-kernel.wat by \`node --import tsx ltr/als/build-kernel.ts\`; do not edit.\nexport const CG_KERNEL_WASM_BASE64 =\n${lines.map((l) => `  '${l}'`).join(' +\n')};\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = await assembleKernel();
  await writeFile(outFile, kernelModuleSource(bytes));
  console.log(`build-kernel: ${bytes.length} bytes -> ${outFile}`);
}
