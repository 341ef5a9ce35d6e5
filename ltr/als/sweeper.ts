import type { WasmMemory, WasmModule } from './wasm-api.ts';
import { Worker } from 'node:worker_threads';
import type { ArenaLayout, Side } from './arena.ts';
import { CgKernel, kernelModule, type KernelSettings } from './kernel.ts';
import { createError } from '../../es-mappings/errors.ts';

/** Rows a thread claims at a time (implicit: OpenMP dynamic schedule, chunk 8). */
export const SOLVE_CHUNK = 32;

/** `gram`: Y^T·Y blocks of the fixed side; `solve`: CG rows of the side being solved. */
export type Phase = 'gram' | 'solve';

export function otherSide(side: Side): Side {
  return side === 'users' ? 'items' : 'users';
}

/**
 * Claims units of a phase from the shared counter until none is left. Which thread takes a unit
 * does not change its result (rows are independent within a half-sweep, Gram blocks are summed in
 * block order afterwards), so a fit is the same whatever the thread count.
 */
export function workPhase(kernel: CgKernel, phase: Phase, side: Side): void {
  const counters = kernel.views.counters;
  if (phase === 'gram') {
    const fixed = otherSide(side);
    const blocks = kernel.gramBlocks(fixed);
    for (let b = Atomics.add(counters, 0, 1); b < blocks; b = Atomics.add(counters, 0, 1)) kernel.gram(fixed, b);
    return;
  }
  const rows = kernel.rows(side);
  for (let c = Atomics.add(counters, 0, 1); c * SOLVE_CHUNK < rows; c = Atomics.add(counters, 0, 1)) {
    kernel.solve(side, c * SOLVE_CHUNK, Math.min(rows, (c + 1) * SOLVE_CHUNK));
  }
}

export interface WorkerInit {
  memory: WasmMemory;
  layout: ArenaLayout;
  settings: KernelSettings;
  thread: number;
  module: WasmModule | undefined;
}

export interface PhaseMessage {
  phase: Phase;
  side: Side;
}

export type WorkerReply = { ok: true } | { ok: false; error: string };


class SweepWorker {
  private readonly worker: Worker;
  private pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  /** Resolves when the worker has loaded its modules (it then waits for its WorkerInit). */
  readonly loaded: Promise<void>;

  constructor(thread: number) {
    this.worker = new Worker(new URL('./sweep-worker-entry.mjs', import.meta.url));
    this.worker.on('message', (reply: WorkerReply) => this.settle(reply.ok ? undefined : createError('PROCESS_FAILED', `als worker ${thread}: ${reply.error}`)));
    this.worker.on('error', (error) => this.settle(createError('PROCESS_FAILED', `als worker ${thread}: ${error.message}`)));
    this.worker.on('exit', (code) => this.settle(createError('PROCESS_FAILED', `als worker ${thread}: exited with code ${code}`)));
    this.loaded = this.next();
    // A failure to load surfaces at start(); until then nobody awaits this promise.
    this.loaded.catch(() => {});
  }

  private settle(error: Error | undefined): void {
    const pending = this.pending;
    this.pending = undefined;
    if (error) this.failure ??= error;
    if (!pending) return;
    if (error) pending.reject(error);
    else pending.resolve();
  }

  /** Resolves on the worker's next reply (loaded, initialised, or the end of a phase). */
  next(message?: PhaseMessage | WorkerInit): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<void>((resolve, reject) => (this.pending = { resolve, reject }));
    if (message) this.worker.postMessage(message);
    return reply;
  }

  async stop(): Promise<void> {
    this.pending = undefined;
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** Workers starting up (loading modules takes ~0.3 s): spawn early, while the fit prepares its arena. */
export class WorkerPool {
  readonly workers: SweepWorker[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, (_, i) => new SweepWorker(i + 1));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

/**
 * Runs half-sweeps on the main thread plus the pool's workers, all on one shared memory. With an
 * empty pool everything runs on the main thread.
 */
export class Sweeper {
  private constructor(
    private readonly kernel: CgKernel,
    private readonly workers: SweepWorker[],
  ) {}

  /** Hands the pool the arena; the sweeper owns the pool from here (close() stops it). */
  static async start(memory: WasmMemory, layout: ArenaLayout, settings: KernelSettings, pool: WorkerPool): Promise<Sweeper> {
    const module = settings.kind === 'wasm' ? kernelModule() : undefined;
    const kernel = new CgKernel(memory, layout, settings, 0, module);
    const sweeper = new Sweeper(kernel, pool.workers);
    try {
      await Promise.all(pool.workers.map((w) => w.loaded));
      await Promise.all(pool.workers.map((w, i) => w.next({ memory, layout, settings, thread: i + 1, module })));
    } catch (error) {
      await sweeper.close();
      throw error;
    }
    return sweeper;
  }

  /** Solves every row of `side` with the other side fixed. */
  async halfSweep(side: Side): Promise<void> {
    await this.phase('gram', side);
    this.kernel.finishGram(otherSide(side));
    await this.phase('solve', side);
  }

  private async phase(phase: Phase, side: Side): Promise<void> {
    Atomics.store(this.kernel.views.counters, 0, 0);
    const done = this.workers.map((w) => w.next({ phase, side }));
    let failed: unknown;
    try {
      workPhase(this.kernel, phase, side);
    } catch (error) {
      failed = error;
    }
    const results = await Promise.allSettled(done);
    if (failed) throw failed;
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
