import { performance } from 'node:perf_hooks';

/** Milliseconds per named stage of one request (rounded to µs), plus the total. */
export class Stopwatch {
  private readonly started = performance.now();
  readonly stages: Record<string, number> = {};

  time<T>(stage: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  async timeAsync<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  add(stage: string, ms: number): void {
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
