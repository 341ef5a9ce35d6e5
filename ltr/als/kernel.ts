import { wasm, type WasmMemory, type WasmModule } from './wasm-api.ts';
import { arenaViews, type ArenaLayout, type ArenaViews, type Side } from './arena.ts';
import { CG_KERNEL_WASM_BASE64 } from './cg-kernel-wasm.ts';
import { cgScratch, finishGram, gramPartial, GRAM_BLOCK, solveRows, type CgProblem } from './conjugate-gradient.ts';
import { createError } from '../../es-mappings/errors.ts';

/** `wasm`: the f32x4 SIMD kernel (cg-kernel.wat), as `implicit` computes in float32; `js`: float64 JS. */
export type KernelKind = 'wasm' | 'js';

export interface KernelSettings {
  kind: KernelKind;
  alpha: number;
  steps: number;
  regularization: number;
}

let compiled: WasmModule | undefined;

/** The compiled wasm kernel (compiled once per thread; a Module can also be posted to workers). */
export function kernelModule(): WasmModule {
  compiled ??= new wasm.Module(Buffer.from(CG_KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

/** Below this much work `auto` picks the float64 JS kernel: tiny fits gain nothing from SIMD, and keep float64's margin. */
export const WASM_MIN_WORK = 5e7;

/**
 * The kernel of a fit: `auto` is wasm for fits of at least WASM_MIN_WORK multiply-adds when SIMD is
 * there and f is a multiple of 4, else JS. Never depends on the thread count.
 */
export function pickKernel(f: number, wanted: KernelKind | 'auto' = 'auto', work = Number.POSITIVE_INFINITY): KernelKind {
  if (wanted === 'js' || (wanted === 'auto' && work < WASM_MIN_WORK)) return 'js';
  let ok = f % 4 === 0;
  if (ok) {
    try {
      kernelModule();
    } catch {
      ok = false;
    }
  }
  if (wanted === 'wasm' && !ok) throw createError('INVALID_ARGUMENT', `als: the wasm kernel needs factors divisible by 4 and WebAssembly SIMD (factors: ${f})`);
  return ok ? 'wasm' : 'js';
}

interface WasmExports {
  solve(x: number, y: number, yty: number, indptr: number, indices: number, values: number, f: number, alpha: number, steps: number, from: number, to: number, scratch: number): void;
  gram(y: number, f: number, from: number, to: number, out: number): void;
}

/** One thread's handle on the arena: Gram blocks and CG rows, by either kernel. */
export class CgKernel {
  readonly views: ArenaViews;
  private readonly wasm: WasmExports | undefined;
  private readonly scratch: Float64Array;

  constructor(
    memory: WasmMemory,
    readonly layout: ArenaLayout,
    readonly settings: KernelSettings,
    /** This thread's number: its slice of the wasm scratch. */
    readonly thread: number,
    module?: WasmModule,
  ) {
    this.views = arenaViews(memory.buffer, layout);
    this.scratch = cgScratch(layout.f);
    if (settings.kind === 'wasm') {
      const instance = new wasm.Instance(module ?? kernelModule(), { env: { memory } });
      this.wasm = instance.exports as unknown as WasmExports;
    }
  }

  /** Rows in the side's factor matrix. */
  rows(side: Side): number {
    return side === 'users' ? this.layout.users : this.layout.items;
  }

  gramBlocks(fixed: Side): number {
    return Math.ceil(this.rows(fixed) / GRAM_BLOCK);
  }

  /** Partial Gram matrix of block `block` of the fixed side's factors. */
  gram(fixed: Side, block: number): void {
    const { f } = this.layout;
    const from = block * GRAM_BLOCK;
    const to = Math.min(this.rows(fixed), from + GRAM_BLOCK);
    const factors = fixed === 'users' ? this.layout.userFactors : this.layout.itemFactors;
    if (this.wasm) this.wasm.gram(factors.offset, f, from, to, this.layout.partials32.offset + block * f * f * 4);
    else gramPartial(fixed === 'users' ? this.views.userFactors : this.views.itemFactors, f, from, to, this.views.partials64, block * f * f);
  }

  /** Sums the blocks in order into Y^T·Y + λI (the main thread does this between the two phases). */
  finishGram(fixed: Side): void {
    const { f } = this.layout;
    const blocks = this.gramBlocks(fixed);
    if (this.wasm) {
      const sums = new Float64Array(blocks * f * f);
      sums.set(this.views.partials32.subarray(0, blocks * f * f));
      const out = new Float64Array(f * f);
      finishGram(sums, blocks, f, this.settings.regularization, out);
      this.views.yty32.set(out);
    } else {
      finishGram(this.views.partials64, blocks, f, this.settings.regularization, this.views.yty64);
    }
  }

  /** CG for rows [from, to) of the side being solved. */
  solve(side: Side, from: number, to: number): void {
    const { f } = this.layout;
    const { alpha, steps } = this.settings;
    const csr = side === 'users' ? this.layout.byUser : this.layout.byItem;
    const x = side === 'users' ? this.layout.userFactors : this.layout.itemFactors;
    const y = side === 'users' ? this.layout.itemFactors : this.layout.userFactors;
    if (this.wasm) {
      const scratch = this.layout.scratch.offset + this.thread * 3 * f * 4;
      this.wasm.solve(x.offset, y.offset, this.layout.yty32.offset, csr.indptr.offset, csr.indices.offset, csr.values.offset, f, alpha, steps, from, to, scratch);
      return;
    }
    const v = this.views;
    const m = side === 'users' ? v.byUser : v.byItem;
    const problem: CgProblem = {
      x: side === 'users' ? v.userFactors : v.itemFactors,
      y: side === 'users' ? v.itemFactors : v.userFactors,
      yty: v.yty64,
      indptr: m.indptr,
      indices: m.indices,
      values: m.values,
      f,
      alpha,
      steps,
    };
    solveRows(problem, from, to, this.scratch);
  }
}
