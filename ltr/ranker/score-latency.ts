import { mean, quantileSorted } from 'simple-statistics';
/**
 * How long the second pass takes: milliseconds to score N candidates with a model, as the sidecar
 * does per request (one `score` call on an N × nFeatures matrix). For `bench/ranker.ts`.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RankerModel } from './model.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface ScoreLatencyOptions {
  /** Candidate counts to measure (default [100, 500]). */
  candidates?: readonly number[];
  /** Timed calls per count (default 2000). */
  iterations?: number;
  /** Untimed calls first, so the JIT has compiled the scoring loop (default 200). */
  warmup?: number;
  /**
   * Rows to draw candidates from (row-major, the model's features), e.g. logged feature vectors:
   * tree walks depend on the values. Default: uniform [0, 1) values, seeded.
   */
  pool?: Float32Array;
  seed?: number;
}

export interface ScoreLatency {
  candidates: number;
  iterations: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

/**
 * Times `model.score` on `candidates` rows drawn from the pool (a different window every call).
 *
 * @example
 * for (const r of measureScoreLatency(model)) console.log(r.candidates, r.p50Ms, r.p99Ms);
 */
export function measureScoreLatency(model: RankerModel, options: ScoreLatencyOptions = {}): ScoreLatency[] {
  const counts = options.candidates ?? [100, 500];
  const iterations = options.iterations ?? 2000;
  const warmup = options.warmup ?? 200;
  const nF = model.nFeatures;
  if (!Number.isInteger(iterations) || iterations < 1) throw createError('INVALID_ARGUMENT', `score latency: iterations must be a positive integer, got ${iterations}`);
  let pool = options.pool;
  if (pool && (pool.length === 0 || pool.length % nF !== 0)) throw createError('INVALID_ARGUMENT', `score latency: a pool of ${pool.length} values is not whole rows of ${nF} features`);
  if (!pool) {
    const rng = xoroshiro128plus(options.seed ?? 1);
    pool = Float32Array.from({ length: 4096 * nF }, () => uniformFloat64(rng));
  }
  const poolRows = pool.length / nF;
  return counts.map((candidates) => {
    if (!Number.isInteger(candidates) || candidates < 1) throw createError('INVALID_ARGUMENT', `score latency: candidates must be positive integers, got ${candidates}`);
    const matrix = new Float32Array(candidates * nF);
    let cursor = 0;
    const fill = (): void => {
      for (let r = 0; r < candidates; r++) {
        const from = ((cursor + r) % poolRows) * nF;
        matrix.set(pool.subarray(from, from + nF), r * nF);
      }
      cursor = (cursor + candidates) % poolRows;
    };
    let sink = 0;
    for (let i = 0; i < warmup; i++) {
      fill();
      sink += model.score(matrix, candidates)[0]!;
    }
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      fill();
      const start = performance.now();
      sink += model.score(matrix, candidates)[0]!;
      times[i] = performance.now() - start;
    }
    if (Number.isNaN(sink)) throw createError('MODEL_INVALID', 'score latency: the model scored NaN');
    const sorted = Array.from(times).sort((a, b) => a - b);
    return { candidates, iterations, p50Ms: quantileSorted(sorted, 0.5), p99Ms: quantileSorted(sorted, 0.99), meanMs: mean(sorted), maxMs: sorted[iterations - 1]! };
  });
}
