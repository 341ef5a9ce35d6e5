import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleKernel, kernelModuleSource } from './build-kernel.ts';

describe('the wasm kernel', () => {
  it('cg-kernel-wasm.ts holds cg-kernel.wat as assembled now (rebuild: node --import tsx ltr/als/build-kernel.ts)', async () => {
    const committed = await readFile(fileURLToPath(new URL('./cg-kernel-wasm.ts', import.meta.url)), 'utf8');
    expect(committed).toBe(kernelModuleSource(await assembleKernel()));
  });
});
