import { wasm, type WasmMemory } from './wasm-api.ts';
import type { Csr } from '../interactions.ts';
import { GRAM_BLOCK } from './conjugate-gradient.ts';
import { createError } from '../../es-mappings/errors.ts';

/** Which factor matrix a half-sweep solves: users (items fixed) or items (users fixed). */
export type Side = 'users' | 'items';

/** Byte offsets and lengths (in elements) of one region of the arena. */
export interface Region {
  offset: number;
  length: number;
}

/**
 * Where everything of one fit lives in one shared memory, as plain numbers so that a worker can
 * rebuild the same views from the memory and this object (nothing is copied per sweep).
 */
export interface ArenaLayout {
  f: number;
  users: number;
  items: number;
  threads: number;
  userFactors: Region;
  itemFactors: Region;
  byUser: { indptr: Region; indices: Region; values: Region };
  byItem: { indptr: Region; indices: Region; values: Region };
  /** Y^T·Y + λI of the fixed side, float32 (the wasm kernel) and float64 (the JS kernel). */
  yty32: Region;
  yty64: Region;
  /** One f × f partial Gram matrix per block of GRAM_BLOCK rows, float32 and float64. */
  partials32: Region;
  partials64: Region;
  /** Per-thread scratch of the wasm kernel: 3·f float32 each. */
  scratch: Region;
  /** Int32 work counters the threads claim chunks from. */
  counters: Region;
  bytes: number;
}

export const PAGE = 65536;


/** The interactions of a fit both ways (users × items and its transpose). */
export interface FitMatrix {
  byUser: Csr;
  byItem: Csr;
}

/** Lays out a fit of `data` with f factors for `threads` threads (16-byte aligned regions). */
export function arenaLayout(data: FitMatrix, f: number, threads: number): ArenaLayout {
  let at = 0;
  const take = (length: number, bytesPer: number): Region => {
    const region = { offset: at, length };
    at += Math.ceil((length * bytesPer) / 16) * 16;
    return region;
  };
  const csr = (m: Csr) => ({ indptr: take(m.indptr.length, 4), indices: take(m.indices.length, 4), values: take(m.values.length, 4) });
  const users = data.byUser.indptr.length - 1;
  const items = data.byItem.indptr.length - 1;
  const blocks = Math.max(1, Math.ceil(Math.max(users, items) / GRAM_BLOCK));
  const layout = {
    f,
    users,
    items,
    threads,
    counters: take(4, 4),
    userFactors: take(users * f, 4),
    itemFactors: take(items * f, 4),
    byUser: csr(data.byUser),
    byItem: csr(data.byItem),
    yty32: take(f * f, 4),
    yty64: take(f * f, 8),
    partials32: take(blocks * f * f, 4),
    partials64: take(blocks * f * f, 8),
    scratch: take(threads * 3 * f, 4),
  };
  return { ...layout, bytes: at };
}

/** Typed-array views of a layout over a memory's buffer. */
export interface ArenaViews {
  userFactors: Float32Array;
  itemFactors: Float32Array;
  byUser: Csr;
  byItem: Csr;
  yty32: Float32Array;
  yty64: Float64Array;
  partials32: Float32Array;
  partials64: Float64Array;
  counters: Int32Array;
}

export function arenaViews(buffer: ArrayBufferLike, layout: ArenaLayout): ArenaViews {
  const f32 = (r: Region) => new Float32Array(buffer, r.offset, r.length);
  const i32 = (r: Region) => new Int32Array(buffer, r.offset, r.length);
  const f64 = (r: Region) => new Float64Array(buffer, r.offset, r.length);
  const csr = (r: ArenaLayout['byUser']): Csr => ({ indptr: i32(r.indptr), indices: i32(r.indices), values: f32(r.values) });
  return {
    userFactors: f32(layout.userFactors),
    itemFactors: f32(layout.itemFactors),
    byUser: csr(layout.byUser),
    byItem: csr(layout.byItem),
    yty32: f32(layout.yty32),
    yty64: f64(layout.yty64),
    partials32: f32(layout.partials32),
    partials64: f64(layout.partials64),
    counters: i32(layout.counters),
  };
}

/**
 * A shared WebAssembly memory holding the layout (its buffer is a SharedArrayBuffer, so JS views,
 * the wasm kernel and every worker see the same bytes), with the interactions copied in once.
 */
export function createArena(data: FitMatrix, f: number, threads: number): { memory: WasmMemory; layout: ArenaLayout; views: ArenaViews } {
  const layout = arenaLayout(data, f, threads);
  const pages = Math.max(1, Math.ceil(layout.bytes / PAGE));
  if (pages > 32768) throw createError('INVALID_ARGUMENT', `als: a fit of ${layout.users} users × ${layout.items} items × ${f} factors needs ${(layout.bytes / 2 ** 30).toFixed(1)} GiB, over the 2 GiB the kernel addresses`);
  const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  const views = arenaViews(memory.buffer, layout);
  for (const side of ['byUser', 'byItem'] as const) {
    views[side].indptr.set(data[side].indptr);
    views[side].indices.set(data[side].indices);
    views[side].values.set(data[side].values);
  }
  return { memory, layout, views };
}
