// bench/experiments.ts — `npm run bench:experiments -- --interleave A,B,… --ab C,D,…`: how many
// searches an experiment needs, interleaving beside A/B, from experiments already run.
//
// Each named experiment was served by `pixrank serve --experiment FILE` and played by
// `pixrank simulate` (the runs differ in their seed). Its logged searches (search-events) and
// feedback (feedback-events) are read once; the report is recomputed on the first n searches served
// for n = every `--step` searches up to the run's length, exactly as `pixrank experiment report
// --first n` computes it. Per method and n: the share of runs with p < `--alpha` (and naming the
// same winner as at the run's end), the median p; per run, the first n from which p stays below alpha
// ("searches to significance"). `--credit downloads` counts downloads instead of clicks (interleaving's
// wins, A/B's metric). Prints the tables; writes bench/results/experiments.json (`--out`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { withCluster } from '../es-mappings/with-cluster.ts';
import { readExperimentEvents, type ExperimentEvents } from '../sidecar/experiments/report/read-events.ts';
import { abReport, interleaveReport } from '../sidecar/experiments/report/report.ts';
import { machine } from './machine.ts';

const { values } = parseArgs({
  options: {
    interleave: { type: 'string', default: '' },
    ab: { type: 'string', default: '' },
    step: { type: 'string', default: '100' },
    alpha: { type: 'string', default: '0.01' },
    credit: { type: 'string', default: 'clicks' },
    out: { type: 'string' },
  },
});
const names = { interleave: values.interleave.split(',').filter(Boolean), ab: values.ab.split(',').filter(Boolean) };
const step = Number(values.step);
const alpha = Number(values.alpha);
if (values.credit !== 'clicks' && values.credit !== 'downloads') throw new Error(`bench experiments: --credit is clicks or downloads, got ${values.credit}`);
const credit: 'clicks' | 'downloads' = values.credit;
const outFile = resolve(values.out ?? new URL('./results/experiments.json', import.meta.url).pathname);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface RunCurve {
  experiment: string;
  method: 'interleave' | 'ab';
  searches: number;
  /** At the run's end. */
  final: { p: number; winner: string | null; statistic: number };
  /** p after the first n searches. */
  curve: Array<{ n: number; p: number; winner: string | null }>;
  /** The first n from which p stays below alpha with the final winner, or null. */
  searches_to_significance: number | null;
}

function verdictAt(events: ExperimentEvents, n: number): { p: number; winner: string | null; statistic: number } {
  const searches = events.searches.slice(0, n);
  if (events.method === 'interleave') {
    const r = interleaveReport('x', [events.arms[0]!, events.arms[1]!], searches, events.feedback, { alpha, credit, resamples: 1 });
    return { p: r.p, winner: r.winner, statistic: r.delta };
  }
  const r = abReport('x', events.arms, searches, events.feedback, { alpha, credit });
  return { p: r.p, winner: r.winner, statistic: r.diff };
}

const runs: RunCurve[] = await withCluster(async ({ client }) => {
  const out: RunCurve[] = [];
  for (const method of ['interleave', 'ab'] as const) {
    for (const name of names[method]) {
      const events = await readExperimentEvents(client, name);
      if (events.method !== method) throw new Error(`bench experiments: ${name} is ${events.method}, listed as ${method}`);
      const total = events.searches.length;
      const final = verdictAt(events, total);
      const curve = [];
      for (let n = step; n <= total; n += step) curve.push({ n, ...verdictAt(events, n) });
      let from: number | null = null;
      for (const point of curve) {
        if (point.p < alpha && final.winner !== null && point.winner === final.winner) from ??= point.n;
        else from = null;
      }
      log(`bench experiments: ${name} (${method}): ${total} searches, final p ${final.p.toExponential(2)} winner ${final.winner ?? '(no arm)'}; significant from ${from ?? '–'}`);
      out.push({ experiment: name, method, searches: total, final, curve: curve.map(({ n, p, winner }) => ({ n, p, winner })), searches_to_significance: from });
    }
  }
  return out;
});

const checkpoints = [...new Set(runs.flatMap((r) => r.curve.map((c) => c.n)))].sort((a, b) => a - b).filter((n) => n % (step * 5) === 0 || n === step * 2);
const summary = (['interleave', 'ab'] as const).flatMap((method) => {
  const of = runs.filter((r) => r.method === method);
  if (of.length === 0) return [];
  const reached = of.map((r) => r.searches_to_significance).filter((n): n is number => n !== null);
  return [
    {
      method,
      runs: of.length,
      at: checkpoints.map((n) => {
        const points = of.flatMap((r) => r.curve.filter((c) => c.n === n));
        return { n, runs: points.length, share_significant: points.length === 0 ? null : points.filter((c) => c.p < alpha).length / points.length, median_p: points.length === 0 ? null : median(points.map((c) => c.p)) };
      }),
      runs_significant_at_end: of.filter((r) => r.final.p < alpha).length,
      median_searches_to_significance: reached.length === of.length ? median(reached) : null,
      searches_to_significance: of.map((r) => r.searches_to_significance),
    },
  ];
});

console.log(`\nbench:experiments — share of runs with p < ${alpha} after the first n searches (and median p); credit: ${credit}\n`);
console.log(`| method | runs | ${checkpoints.map((n) => `n=${n}`).join(' | ')} | significant at end | median searches to significance |`);
console.log(`|---|---:|${checkpoints.map(() => '---:').join('|')}|---:|---:|`);
for (const s of summary) {
  const cells = s.at.map((a) => (a.share_significant === null ? '–' : `${Math.round(a.share_significant * 100)}% (p ${a.median_p!.toPrecision(2)})`));
  console.log(`| ${s.method} | ${s.runs} | ${cells.join(' | ')} | ${s.runs_significant_at_end}/${s.runs} | ${s.median_searches_to_significance ?? `not all runs (${s.searches_to_significance.map((n) => n ?? '–').join(', ')})`} |`);
}
console.log(`\nper run: ${runs.map((r) => `${r.experiment} ${r.searches_to_significance ?? '–'}`).join('; ')}`);

await mkdir(join(outFile, '..'), { recursive: true });
await writeFile(outFile, `${JSON.stringify({ benchmark: 'experiments', date: new Date().toISOString(), machine: machine(), alpha, step, credit, summary, runs }, null, 2)}\n`);
log(`bench experiments: wrote ${outFile}`);
