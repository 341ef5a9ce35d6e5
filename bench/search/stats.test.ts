import { describe, expect, it } from 'vitest';
import { percentile, ratios, stageMedians, summarize } from './stats.ts';

describe('percentile', () => {
  it('is the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts, rounds to 0.1 ms and counts', () => {
    expect(summarize([3.14, 1.04, 2.26, 10])).toEqual({ n: 4, p50: 2.3, p90: 10, p99: 10, max: 10, mean: 4.1 });
  });
});

describe('stageMedians', () => {
  it('takes each stage where it appears', () => {
    expect(stageMedians([{ embed: 5, total: 20 }, { embed: 7, total: 30, rerank: 1 }, { embed: 6, total: 25 }])).toEqual({ embed: 6, total: 25, rerank: 1 });
  });
});

describe('ratios', () => {
  it('computes the four ratios and the ceiling from the parts', () => {
    const r = ratios({
      p50: { embed: 5, msearch: 15, hybrid: 23, personalized: 40, recommend: 60 },
      personalizedRps: 40,
      // 5 ms + 15 ms of CPU per request on 2 cores: 100 req/s.
      cpuPerRequest: { embed: 0.005, msearch: 0.015 },
      cpuPerRequestOneAtATime: { embed: 0.005, msearch: 0.035 },
      cores: 2,
    });
    expect(r).toEqual({ personalized_over_parts: 2, hybrid_over_parts: 1.15, throughput_over_ceiling: 0.4, recommend_over_search: 1.5, ceiling_rps: 100, ceiling_rps_one_at_a_time_cpu: 50 });
  });

  it('puts the requests beside the parts run in sequence, and the sequence beside the parts run back to back', () => {
    // embed 4 + msearch 12 back to back = 16 ms; the same two in sequence 20 ms (the encoder slower between msearches).
    const r = ratios({ p50: { embed: 4, msearch: 12, sequenced: 20, hybrid: 23, personalized: 30 }, cores: 2 });
    expect(r).toEqual({
      personalized_over_parts: 1.875,
      hybrid_over_parts: 1.438,
      personalized_over_sequenced_parts: 1.5,
      hybrid_over_sequenced_parts: 1.15,
      sequenced_over_parts: 1.25,
    });
  });

  it('keeps the experiment and logging ratios as they were computed in bench/search.ts', () => {
    const r = ratios({ p50: { personalized: 30, experiment: 33, loggingOff: 24 }, cores: 2 });
    expect(r).toEqual({ experiment_over_personalized: 1.1, feature_logging_overhead: 1.25 });
  });

  it('leaves out every ratio a row it needs was not measured for: no NaN, no 0, no key', () => {
    const r = ratios({ p50: { embed: 4, msearch: 12, sequenced: 20, hybrid: 23 }, cpuPerRequest: { embed: 0.004 }, cores: 2 });
    expect(r).toEqual({ hybrid_over_parts: 1.438, hybrid_over_sequenced_parts: 1.15, sequenced_over_parts: 1.25 });
    expect(Object.keys(ratios({ p50: {}, cores: 2 }))).toEqual([]);
    // Without the sequenced row, the ratios over it are gone and the others stay.
    expect(ratios({ p50: { embed: 5, msearch: 15, personalized: 40 }, cores: 2 })).toEqual({ personalized_over_parts: 2 });
  });
});
