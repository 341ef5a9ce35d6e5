/**
 * The one module that owns TensorFlow.js: it imports it and picks a backend, once per process.
 * Order: the native backend of `@tensorflow/tfjs-node` when that package is installed (it is not a
 * dependency: it cannot install everywhere), else WebAssembly (`@tensorflow/tfjs-backend-wasm`, SIMD
 * where the runtime has it), else tfjs's plain JavaScript 'cpu' backend. `PIXRANK_TF_BACKEND`
 * (tensorflow | wasm | cpu) asks for one; it still falls through when that one does not load.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createError } from '../../es-mappings/errors.ts';

export { tf };
export type Tensor = tf.Tensor;
export type Tensor1D = tf.Tensor1D;
export type Tensor2D = tf.Tensor2D;
export type Variable = tf.Variable;

export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TfBackend {
  name: TfBackendName;
  /** Why the backends before it were passed over (empty when the first choice loaded). */
  notes: string[];
  /** Whether the wasm build runs with SIMD (only for 'wasm'). */
  simd?: boolean;
}

let loading: Promise<TfBackend> | undefined;

/** Loads a backend once; every caller gets the same answer. */
export function tfReady(): Promise<TfBackend> {
  loading ??= pickBackend();
  return loading;
}

const ORDER: TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];

async function pickBackend(): Promise<TfBackend> {
  const asked = process.env.PIXRANK_TF_BACKEND;
  if (asked !== undefined && !ORDER.includes(asked as TfBackendName)) throw createError('INVALID_CONFIG', `tf: PIXRANK_TF_BACKEND=${asked}; expected one of ${ORDER.join(', ')}`);
  const order = asked ? ORDER.slice(ORDER.indexOf(asked as TfBackendName)) : ORDER;
  const notes: string[] = [];
  for (const name of order) {
    try {
      await load(name);
      if (!(await tf.setBackend(name))) throw createError('RUNTIME_UNAVAILABLE', 'setBackend returned false');
      await tf.ready();
      return { name, notes, ...(name === 'wasm' ? { simd: Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) } : {}) };
    } catch (error) {
      notes.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw createError('RUNTIME_UNAVAILABLE', `tf: no backend loaded (${notes.join('; ')})`);
}

async function load(name: TfBackendName): Promise<void> {
  if (name === 'tensorflow') {
    // A name in a variable: the package is optional and has no types here; importing it registers
    // the 'tensorflow' backend with the same tfjs-core.
    const nativePackage = '@tensorflow/tfjs-node';
    await import(nativePackage);
  } else if (name === 'wasm') {
    // The .wasm files sit beside the package's entry point; in Node they are read from disk.
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  }
}
