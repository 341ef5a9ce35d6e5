import { describe, expect, it } from 'vitest';
import { ratiosLines, sequencedLine } from './report.ts';
import type { RowResult } from './rows.ts';
import { SEQUENCED_ROW } from './sequenced-row.ts';

const summary = { n: 50, p50: 21.4, p90: 25, p99: 30, max: 31, mean: 22, errors: 0, rps: 45, seconds: 1.1 };
const cpu = { elasticsearch: 5, bench: 9 };
const row = (name: string, notes?: Record<string, unknown>): RowResult => ({
  row: name,
  target: 'test',
  single: summary,
  saturated: summary,
  half: { ...summary, offered_rps: 22, start_lag_p99: 0.1 },
  cpu_ms_per_request: { single: cpu, saturated: cpu, half: cpu },
  ...(notes ? { notes } : {}),
});

describe('sequencedLine', () => {
  it('puts each half of the sequence beside the same part run back to back', () => {
    const line = sequencedLine([row('embed'), row(SEQUENCED_ROW, { embed_p50: 7.5, msearch_p50: 13.2, back_to_back: { embed_p50: 4.1, msearch_p50: 11.9 } })]);
    expect(line).toBe(`${SEQUENCED_ROW}, one at a time: p50 21.4 ms; its halves' p50: embed 7.5 ms (back to back 4.1 ms), msearch 13.2 ms (back to back 11.9 ms)`);
  });

  it('says nothing of a back-to-back row not measured, and nothing at all without the row', () => {
    expect(sequencedLine([row(SEQUENCED_ROW, { embed_p50: 7.5, msearch_p50: 13.2, back_to_back: {} })])).toBe(`${SEQUENCED_ROW}, one at a time: p50 21.4 ms; its halves' p50: embed 7.5 ms, msearch 13.2 ms`);
    expect(sequencedLine([row('embed')])).toBeUndefined();
  });
});

describe('ratiosLines', () => {
  it('aligns the values after the longest name and adds the goals', () => {
    expect(ratiosLines({ hybrid_over_parts: 1.2, personalized_over_sequenced_parts: 1.05 }, { hybrid_over_parts: '≤ 1.15' }).split('\n')).toEqual([
      '  hybrid_over_parts                      1.2   (goal ≤ 1.15)',
      '  personalized_over_sequenced_parts     1.05',
    ]);
  });
});
