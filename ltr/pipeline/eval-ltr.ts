import { eventsBefore, eventsBetween, queriesOf, readWorldEvents } from '../data/events.ts';
import { DEFAULT_CUTOFFS, evaluateQuery, meanMetrics, type Metrics } from '../eval/metrics.ts';
import { pairedDifference, type PairedDifference } from '../eval/paired.ts';
import { ROW_NAMES, rowRuns, type RowName } from '../eval/rows.ts';
import { writeTrecRun, type RunRow } from '../eval/trec.ts';
import type { FirstStageOptions } from '../replay/first-stage.ts';
import { replayQueries } from '../replay/replay.ts';
import { UserHistory } from '../replay/user-history.ts';
import type { LoadedModels } from './models-dir.ts';
import type { PipelineProgress } from './progress.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface EvalLtrOptions extends FirstStageOptions {
  dataDir: string;
  models: LoadedModels;
  /** Write qrels.tsv and one <row>.run per row (TREC format) here. */
  runDir?: string;
  progress: PipelineProgress;
}

/** The metric rows are compared on, query by query, against the baseline row. */
export const COMPARED_METRIC = 'ndcg@10';
export const BASELINE_ROW: RowName = 'keyword';

export interface EvalResult {
  queries: number;
  /** Each row's mean metrics and, on COMPARED_METRIC, its paired difference from BASELINE_ROW. */
  rows: Array<{ name: RowName; metrics: Metrics; vsBaseline?: PairedDifference }>;
}

/**
 * `pixrank eval`: the test period of the models' time split. Queries are its (user, keyword) pairs;
 * relevant are the photos that user downloaded for that keyword then. Every query goes through the
 * real retrieval once; each row ranks the same candidates its own way (rows.ts). Features use the
 * models as trained (history + ranker window) and the users' downloads before the test period.
 */
export async function evalLtr(options: EvalLtrOptions): Promise<EvalResult> {
  const { manifest, base, ranker } = options.models;
  const world = await readWorldEvents(options.dataDir);
  if (world.events.length !== manifest.conversions) {
    options.progress.log(`eval: warning: ${options.dataDir} has ${world.events.length} conversions, the models were trained on data with ${manifest.conversions}`);
  }
  const { testFrom, end } = manifest.split;
  const queries = queriesOf(eventsBetween(world.events, testFrom, Math.max(end, world.events.at(-1)!.time + 1)));
  if (queries.length === 0) throw createError('NOT_ENOUGH_DATA', `eval: no conversions after ${new Date(testFrom).toISOString()} (the models' test period) in ${options.dataDir}`);
  let done = 0;
  const replayed = await replayQueries(queries, {
    ...options,
    models: base,
    history: new UserHistory(eventsBefore(world.events, testFrom)),
    onQuery: () => options.progress.tick('replay test period', ++done, queries.length),
  });

  const perRow = new Map<RowName, Metrics[]>(ROW_NAMES.map((name) => [name, []]));
  const runRows = new Map<RowName, RunRow[]>(ROW_NAMES.map((name) => [name, []]));
  for (const r of replayed) {
    const runs = rowRuns(r, ranker);
    for (const name of ROW_NAMES) {
      const run = runs[name] ?? { ids: [], scores: [] };
      const cut = { ids: run.ids.slice(0, 100) };
      perRow.get(name)!.push(evaluateQuery(cut.ids, r.query.relevant, DEFAULT_CUTOFFS));
      // No scores: the run files get N − rank, which trec_eval sorts back into this order (ties and float noise would not).
      runRows.get(name)!.push({ qid: r.query.id, ranked: cut.ids });
    }
  }
  if (options.runDir) {
    await writeTrecRun(options.runDir, replayed.map((r) => ({ qid: r.query.id, relevant: r.query.relevant })), Object.fromEntries(runRows));
  }
  const compared = (name: RowName) => perRow.get(name)!.map((m) => m[COMPARED_METRIC]!);
  return {
    queries: replayed.length,
    rows: ROW_NAMES.map((name) => {
      const vsBaseline = name === BASELINE_ROW ? undefined : pairedDifference(compared(name), compared(BASELINE_ROW));
      return { name, metrics: meanMetrics(perRow.get(name)!), ...(vsBaseline ? { vsBaseline } : {}) };
    }),
  };
}

/**
 * The table `pixrank eval` prints: one row per configuration, NDCG/P/recall/MRR/MAP/hit at 10 and
 * more, and each row's NDCG@10 difference from keyword with its 95% interval and paired-test p.
 */
export function formatEvalTable(result: EvalResult): string {
  const keys = ['ndcg@10', 'ndcg@20', 'ndcg@100', 'p@10', 'recall@10', 'recall@100', 'mrr@10', 'map@10', 'hit@10'];
  const compared = [`Δ${COMPARED_METRIC} vs ${BASELINE_ROW} [95% CI]`, 'p'];
  const header = `| row | ${[...keys, ...compared].join(' | ')} |`;
  const rule = `|---|${[...keys, ...compared].map(() => '---:').join('|')}|`;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
  const difference = (d: PairedDifference | undefined) => (d ? [`${signed(d.delta)} [${signed(d.low)}, ${signed(d.high)}]`, d.p < 0.001 ? '<0.001' : d.p.toFixed(3)] : ['', '']);
  const lines = result.rows.map((row) => `| ${row.name} | ${[...keys.map((k) => (row.metrics[k] ?? Number.NaN).toFixed(4)), ...difference(row.vsBaseline)].join(' | ')} |`);
  return [`${result.queries} test queries`, header, rule, ...lines].join('\n');
}
