import { performance } from 'node:perf_hooks';

/**
 * Every stage a request can time. `search-events` logs them under `took_ms`, whose mapping is
 * strict: a stage missing there makes every event that timed it refused (and lost), so a new stage
 * goes here and in es-mappings/templates/search-events.json (stopwatch.test.ts checks both agree).
 */
export const STAGES = ['profile', 'embed', 'retrieve_early', 'retrieve', 'fuse', 'vectors', 'features', 'policy', 'rerank', 'combine', 'display', 'log'] as const;
export type Stage = (typeof STAGES)[number];

/** Milliseconds per named stage of one request (rounded to µs), plus the total. */
export class Stopwatch {
  private readonly started = performance.now();
  readonly stages: Partial<Record<Stage, number>> = {};

  time<T>(stage: Stage, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  async timeAsync<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  add(stage: Stage, ms: number): void {
    this.stages[stage] = round((this.stages[stage] ?? 0) + ms);
  }

  /** The stages and `total` since construction. */
  result(): Record<string, number> {
    return { ...this.stages, total: round(performance.now() - this.started) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
