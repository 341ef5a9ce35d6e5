/**
 * The part of the WebAssembly JS API the ALS kernel uses. The project's TypeScript lib is ES2023
 * without DOM, whose types are where WebAssembly.Memory and friends live; Node has them at runtime.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** A compiled module: opaque here; it can be instantiated or posted to a worker. */
export interface WasmModule {
  readonly compiledWasm?: never;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
