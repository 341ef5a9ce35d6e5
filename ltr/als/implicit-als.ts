import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpy, readNpy } from '../../ingest/vectors/npy.ts';
import { Random } from '../random.ts';
import { dot } from '../vectors.ts';
import type { Csr, InteractionMatrix } from '../interactions.ts';
import { topK, type FitOptions, type Recommender, type RecommendOptions, type Scored } from '../recommender.ts';
import { availableParallelism } from 'node:os';
import { createArena } from './arena.ts';
import { degreeOrder, inverse } from './degree-order.ts';
import { gramian, leastSquaresCg } from './conjugate-gradient.ts';
import { pickKernel, type KernelKind } from './kernel.ts';
import { Sweeper, WorkerPool } from './sweeper.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface AlsOptions {
  factors?: number;
  regularization?: number;
  /** Confidence c_ui = 1 + alpha · count. */
  alpha?: number;
  iterations?: number;
  /** CG steps per row and sweep (implicit's default: 3). */
  cgSteps?: number;
  /** Threads of a fit (the main thread and threads − 1 workers); default os.availableParallelism(). */
  threads?: number;
  /**
   * Below this much work (multiply-adds of the whole fit, roughly) a fit stays on the main thread:
   * a worker takes ~0.25 s to start (tsx included), more than it saves on a fit shorter than ~0.5 s.
   * Default: that half second, 4e9 with the wasm kernel and 4e8 with JS. 0 always uses workers.
   */
  parallelThreshold?: number;
  /** `wasm` (f32x4 SIMD, float32 like implicit; needs factors % 4 = 0), `js` (float64), or `auto`. */
  kernel?: KernelKind | 'auto';
}

const FORMAT_VERSION = 1;

/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008) solved by conjugate gradient as `implicit`
 * does: alternating sweeps over users and items, typed arrays throughout. Fold-in gives a user who
 * was not in the training data factors from their interactions without retraining.
 */
export class ImplicitAls implements Recommender {
  readonly kind = 'als';
  readonly factors: number;
  readonly regularization: number;
  readonly alpha: number;
  readonly iterations: number;
  readonly cgSteps: number;
  readonly threads: number;
  readonly parallelThreshold: number | undefined;
  readonly kernel: KernelKind | 'auto';
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  private data: InteractionMatrix | undefined;
  private userIds: string[] = [];
  private itemIds: string[] = [];
  private userIndex = new Map<string, number>();
  private itemIndex = new Map<string, number>();
  private seen: Csr | undefined;

  constructor(options: AlsOptions = {}) {
    this.factors = options.factors ?? 64;
    this.regularization = options.regularization ?? 0.01;
    this.alpha = options.alpha ?? 40;
    this.iterations = options.iterations ?? 15;
    this.cgSteps = options.cgSteps ?? 3;
    this.threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    this.parallelThreshold = options.parallelThreshold;
    this.kernel = options.kernel ?? 'auto';
  }

  /** Threads a fit of this size uses: one under the threshold, else `threads`. */
  threadsFor(data: InteractionMatrix): number {
    const work = this.work(data);
    const threshold = this.parallelThreshold ?? (pickKernel(this.factors, this.kernel, work) === 'wasm' ? 4e9 : 4e8);
    return work < threshold ? 1 : this.threads;
  }

  /** Multiply-adds of a fit, roughly: 4 passes of dot + axpy per interaction and 4 f × f products per row, per half-sweep. */
  private work(data: InteractionMatrix): number {
    const f = this.factors;
    return this.iterations * (16 * f * data.byUser.indices.length + 5 * f * f * (data.userIds.length + data.itemIds.length));
  }

  async fit(data: InteractionMatrix, options: FitOptions = {}): Promise<void> {
    const f = this.factors;
    const threads = this.threadsFor(data);
    // Workers load while this thread reorders and copies the data.
    const pool = new WorkerPool(threads - 1);
    let prepared;
    try {
      prepared = this.prepare(data, threads, options.seed ?? 0);
    } catch (error) {
      await pool.close();
      throw error;
    }
    const { order, memory, layout, views } = prepared;
    const settings = { kind: pickKernel(f, this.kernel, this.work(data)), alpha: this.alpha, steps: this.cgSteps, regularization: this.regularization };
    const sweeper = await Sweeper.start(memory, layout, settings, pool);
    try {
      for (let it = 0; it < this.iterations; it++) {
        await sweeper.halfSweep('users');
        await sweeper.halfSweep('items');
        options.onProgress?.({ step: it + 1, steps: this.iterations });
        // Let the event loop breathe between sweeps (progress bars, signals).
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await sweeper.close();
    }
    // Back to the original numbering, out of the shared memory (the model does not keep the arena alive).
    this.userFactors = unpermute(views.userFactors, order.userOrder, f);
    this.itemFactors = unpermute(views.itemFactors, order.itemOrder, f);
    this.adopt(data.userIds, data.itemIds, data.byUser);
    this.data = data;
  }

  /** The fit's arena: the data in degree order, random starting factors (0–0.01) from the seed. */
  private prepare(data: InteractionMatrix, threads: number, seed: number) {
    const f = this.factors;
    const order = degreeOrder(data.byUser, data.byItem);
    const arena = createArena(order, f, threads);
    // Drawn in the original numbering (users, then items), placed where the ordering puts each row.
    const random = new Random(seed);
    for (const [target, at] of [[arena.views.userFactors, inverse(order.userOrder)], [arena.views.itemFactors, inverse(order.itemOrder)]] as const) {
      for (let r = 0; r < at.length; r++) for (let a = 0; a < f; a++) target[at[r]! * f + a] = random.float() * 0.01;
    }
    return { order, ...arena };
  }

  private adopt(userIds: string[], itemIds: string[], seen: Csr | undefined): void {
    this.userIds = userIds;
    this.itemIds = itemIds;
    this.userIndex = new Map(userIds.map((id, i) => [id, i]));
    this.itemIndex = new Map(itemIds.map((id, i) => [id, i]));
    this.seen = seen;
  }

  /** Factors for a user from their interactions, items fixed (a new user, or new activity). */
  foldIn(interactions: ReadonlyArray<{ item: string; weight: number }>): Float32Array {
    const f = this.factors;
    const cells = new Map<number, number>();
    for (const { item, weight } of interactions) {
      const i = this.itemIndex.get(item);
      if (i !== undefined && weight > 0) cells.set(i, (cells.get(i) ?? 0) + weight);
    }
    const sorted = [...cells].sort((a, b) => a[0] - b[0]);
    const row: Csr = { indptr: Int32Array.from([0, sorted.length]), indices: Int32Array.from(sorted.map((c) => c[0])), values: Float32Array.from(sorted.map((c) => c[1])) };
    const x = new Float32Array(f);
    // From zero, more CG steps than a sweep: there is no previous estimate to refine.
    leastSquaresCg(x, this.itemFactors, this.itemGram(), row, f, this.alpha, Math.max(this.cgSteps, f));
    return x;
  }

  /** YᵀY + λI of the item factors, computed once per set of them (and at load): the sidecar folds in a user per request, and at 100,000 items it cost 50–75 ms each time. */
  private itemGram(): Float64Array {
    if (this.gram?.of !== this.itemFactors) this.gram = { of: this.itemFactors, value: gramian(this.itemFactors, this.itemIds.length, this.factors, this.regularization) };
    return this.gram.value;
  }

  private gram: { of: Float32Array; value: Float64Array } | undefined;

  userVector(user: string): Float32Array | undefined {
    const u = this.userIndex.get(user);
    return u === undefined ? undefined : this.userFactors.subarray(u * this.factors, (u + 1) * this.factors);
  }

  itemVector(item: string): Float32Array | undefined {
    const i = this.itemIndex.get(item);
    return i === undefined ? undefined : this.itemFactors.subarray(i * this.factors, (i + 1) * this.factors);
  }

  async recommend(users: readonly string[], options: RecommendOptions): Promise<Scored[][]> {
    const candidates = options.candidates ? new Set(options.candidates.flatMap((id) => (this.itemIndex.has(id) ? [this.itemIndex.get(id)!] : []))) : undefined;
    return users.map((user) => {
      const u = this.userIndex.get(user);
      if (u === undefined) return [];
      const scores = this.scoresOf(this.userFactors.subarray(u * this.factors, (u + 1) * this.factors));
      const seen = options.filterSeen !== false && this.seen ? new Set(this.seen.indices.subarray(this.seen.indptr[u]!, this.seen.indptr[u + 1]!)) : undefined;
      return topK(scores, options.k, (i) => (seen?.has(i) ?? false) || (candidates !== undefined && !candidates.has(i))).map((i) => ({ item: this.itemIds[i]!, score: scores[i]! }));
    });
  }

  async score(user: string, items: readonly string[]): Promise<Float32Array> {
    const x = this.userVector(user);
    return x ? this.scoreVector(x, items) : new Float32Array(items.length).fill(Number.NaN);
  }

  /** Scores of `items` for user factors `x` (trained, or from `foldIn`); NaN for an item not seen at fit. */
  scoreVector(x: Float32Array, items: readonly string[]): Float32Array {
    return Float32Array.from(items, (item) => {
      const y = this.itemVector(item);
      return y ? dot(x, y) : Number.NaN;
    });
  }

  async similarItems(item: string, k: number): Promise<Scored[]> {
    const target = this.itemIndex.get(item);
    if (target === undefined) return [];
    const f = this.factors;
    const norms = new Float32Array(this.itemIds.length);
    for (let i = 0; i < norms.length; i++) norms[i] = Math.hypot(...this.itemFactors.subarray(i * f, (i + 1) * f));
    const t = this.itemFactors.subarray(target * f, (target + 1) * f);
    const scores = new Float32Array(norms.length);
    for (let i = 0; i < norms.length; i++) {
      const d = norms[i]! * norms[target]!;
      scores[i] = d > 0 ? dot(t, this.itemFactors.subarray(i * f, (i + 1) * f)) / d : 0;
    }
    return topK(scores, k, (i) => i === target).map((i) => ({ item: this.itemIds[i]!, score: scores[i]! }));
  }

  private scoresOf(x: Float32Array): Float32Array {
    const f = this.factors;
    const scores = new Float32Array(this.itemIds.length);
    for (let i = 0; i < scores.length; i++) scores[i] = dot(x, this.itemFactors.subarray(i * f, (i + 1) * f));
    return scores;
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const f = this.factors;
    await writeFile(join(dir, 'user_factors.npy'), encodeNpy({ rows: this.userIds.length, cols: f, data: this.userFactors }));
    await writeFile(join(dir, 'item_factors.npy'), encodeNpy({ rows: this.itemIds.length, cols: f, data: this.itemFactors }));
    const seen = this.seen ?? this.data?.byUser;
    await writeFile(
      join(dir, 'model.json'),
      `${JSON.stringify({ kind: this.kind, format: FORMAT_VERSION, factors: f, regularization: this.regularization, alpha: this.alpha, iterations: this.iterations, cgSteps: this.cgSteps, users: this.userIds, items: this.itemIds, seen: seen ? { indptr: Array.from(seen.indptr), indices: Array.from(seen.indices) } : null })}\n`,
    );
  }

  static async load(dir: string): Promise<ImplicitAls> {
    const meta = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      kind: string;
      format: number;
      factors: number;
      regularization: number;
      alpha: number;
      iterations: number;
      cgSteps: number;
      users: string[];
      items: string[];
      seen: { indptr: number[]; indices: number[] } | null;
    };
    if (meta.kind !== 'als' || meta.format !== FORMAT_VERSION) throw createError('MODEL_INVALID', `als: ${dir} holds a ${meta.kind} model of format ${meta.format}, not als format ${FORMAT_VERSION}`);
    const model = new ImplicitAls(meta);
    const users = await readNpy(join(dir, 'user_factors.npy'));
    const items = await readNpy(join(dir, 'item_factors.npy'));
    if (users.cols !== meta.factors || items.cols !== meta.factors || users.rows !== meta.users.length || items.rows !== meta.items.length) {
      throw createError('MODEL_INVALID', `als: ${dir}: factor files do not match model.json (${users.rows}×${users.cols}, ${items.rows}×${items.cols})`);
    }
    model.userFactors = users.data;
    model.itemFactors = items.data;
    const seen = meta.seen ? { indptr: Int32Array.from(meta.seen.indptr), indices: Int32Array.from(meta.seen.indices), values: new Float32Array(meta.seen.indices.length) } : undefined;
    model.adopt(meta.users, meta.items, seen);
    // A loaded model serves fold-ins: their Gram matrix is paid here, not by the first request.
    model.itemGram();
    return model;
  }
}

/** Rows of `factors` (position p holds original row order[p]) back in original order. */
function unpermute(factors: Float32Array, order: Int32Array, f: number): Float32Array {
  const out = new Float32Array(factors.length);
  for (let p = 0; p < order.length; p++) out.set(factors.subarray(p * f, (p + 1) * f), order[p]! * f);
  return out;
}
