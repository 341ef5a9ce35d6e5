import type { Ratios } from './stats.ts';
import { othersShare, type RowResult } from './rows.ts';
import { SEQUENCED_ROW } from './sequenced-row.ts';

const fmt = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : String(x));

/** The rows × columns table of one size, as Markdown. */
export function rowsTable(rows: readonly RowResult[]): string {
  const lines = [
    '| row | 1-at-a-time p50 ms | p99 ms | saturated req/s | sat. p50 ms | sat. p99 ms | half rate req/s | half p50 ms | half p99 ms | errors | CPU ms/req saturated: ES | sidecar | bench | others % (attempts) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const cpu = r.cpu_ms_per_request.saturated;
    const errors = r.single.errors + r.saturated.errors + r.half.errors;
    // The most of the machine other programs took during any of the row's three runs.
    const others = othersShare(r);
    const tries = r.others_share_by_attempt?.length ?? 1;
    lines.push(
      `| ${r.row} | ${fmt(r.single.p50)} | ${fmt(r.single.p99)} | ${fmt(r.saturated.rps)} | ${fmt(r.saturated.p50)} | ${fmt(r.saturated.p99)} | ${fmt(r.half.offered_rps)} | ${fmt(r.half.p50)} | ${fmt(r.half.p99)} | ${errors} | ${fmt(cpu.elasticsearch)} | ${fmt(cpu.sidecar)} | ${fmt(cpu.bench)} | ${Math.round(others * 100)}${tries > 1 ? ` (${tries})` : ''} |`,
    );
  }
  return lines.join('\n');
}

/** The sidecar's own per-stage p50 (ms, its `took_ms`) per row, one request at a time. */
export function stagesTable(rows: readonly RowResult[]): string {
  const withStages = rows.filter((r) => r.stages_p50);
  const stages = [...new Set(withStages.flatMap((r) => Object.keys(r.stages_p50!)))].sort((a, b) => (a === 'total' ? 1 : b === 'total' ? -1 : 0));
  return [`| row | ${stages.join(' | ')} |`, `|---|${stages.map(() => '---:').join('|')}|`, ...withStages.map((r) => `| ${r.row} | ${stages.map((s) => fmt(r.stages_p50![s])).join(' | ')} |`)].join('\n');
}

/** The sidecar's query-embedding cache over all its rows: fresh queries mean no hits. */
export function cacheLine(rows: readonly RowResult[]): string {
  const total = (key: string) => rows.reduce((sum, r) => sum + (((r.notes?.sidecar_cache_counters as Record<string, number> | undefined)?.[key]) ?? 0), 0);
  return `sidecar caches during its rows: query embeddings ${total('query_embedding_hit')} hits, ${total('query_embedding_miss')} misses; photo vectors ${total('vector_hit')} hits, ${total('vector_miss')} misses`;
}

/** The `embed → es msearch` row's halves one at a time beside the same parts run back to back; undefined without that row. */
export function sequencedLine(rows: readonly RowResult[]): string | undefined {
  const row = rows.find((r) => r.row === SEQUENCED_ROW);
  if (!row) return undefined;
  const notes = (row.notes ?? {}) as { embed_p50?: number; msearch_p50?: number; back_to_back?: { embed_p50?: number; msearch_p50?: number } };
  const alone = (ms: number | undefined) => (ms === undefined ? '' : ` (back to back ${ms} ms)`);
  return `${SEQUENCED_ROW}, one at a time: p50 ${fmt(row.single.p50)} ms; its halves' p50: embed ${fmt(notes.embed_p50)} ms${alone(notes.back_to_back?.embed_p50)}, msearch ${fmt(notes.msearch_p50)} ms${alone(notes.back_to_back?.msearch_p50)}`;
}

export function ratiosLines(ratios: Ratios, goals: Record<string, string>): string {
  const width = Math.max(0, ...Object.keys(ratios).map((name) => name.length));
  return Object.entries(ratios)
    .map(([name, value]) => `  ${name.padEnd(width)} ${String(value).padStart(8)}${goals[name] ? `   (goal ${goals[name]})` : ''}`)
    .join('\n');
}
