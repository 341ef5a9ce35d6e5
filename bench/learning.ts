// bench/learning.ts — what `train --from-events` learned, judged by the truth of a generated world
// (which the product never reads): on the last fifth of the logged searches (by time; the searches
// the rankers validated on, and the ones without feedback too), NDCG@10 of each models folder's
// ranker over each search's logged rows (the page and the window sample, vectors as served),
// against the order the sidecar served. A photo's gain is what the simulator's user would click
// if they looked at it: relevance to the query's topic (1 main topic, 0.5 secondary) × taste
// (their colors, their photographers; bench/simulate/click-model.ts), without the click noise. And each folder's estimated examination propensities beside
// the simulator's θ_k = k^−η. Prints a table, writes bench/results/learning.json.
// Usage: npm run bench:learning -- --data WORLD --index NAME --models DIR[,DIR…] [--since DATE] [--until DATE] [--eta 0.7]
import { mkdir, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createError } from '../es-mappings/errors.ts';
import { withCluster } from '../es-mappings/with-cluster.ts';
import { readWorldEvents } from '../ltr/data/events.ts';
import { FEATURES } from '../ltr/features/pixrank-featureset.ts';
import { rowFromJson, type LoggedSearch } from '../ltr/learning/logged-search.ts';
import { readLoggedSearches } from '../ltr/learning/read-events.ts';
import { readModelsDir } from '../ltr/pipeline/models-dir.ts';
import { attraction, DEFAULT_CLICK_MODEL } from './simulate/click-model.ts';
import { readPopulation } from './simulate/population.ts';
import { machine } from './machine.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    index: { type: 'string' },
    models: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    eta: { type: 'string', default: String(DEFAULT_CLICK_MODEL.eta) },
  },
});
if (!values.data || !values.index || !values.models) throw createError('INVALID_ARGUMENT', 'bench learning: --data WORLD --index NAME --models DIR[,DIR…] are required');
const eta = Number(values.eta);
const model = { ...DEFAULT_CLICK_MODEL, eta, noiseClick: 0 };
const population = await readPopulation(values.data);
const photographers = (await readWorldEvents(values.data)).photos;
const users = new Map(population.users.map((u) => [u.id, u]));
const topicOfWord = new Map<string, string>();
for (const [topic, words] of Object.entries(population.topicWords)) for (const word of words) if (!topicOfWord.has(word)) topicOfWord.set(word, topic);

const folders = await Promise.all(values.models.split(',').map(async (dir) => ({ dir, ...(await readModelsDir(dir)) })));
const searches = await withCluster(({ client }) => readLoggedSearches(client, { index: values.index!, ...(values.since ? { since: values.since } : {}) }));
const until = values.until ? Date.parse(values.until) : Infinity;
const logged = searches.filter((s) => Date.parse(s['@timestamp']) < until && s.logged && s.logged.length > 0 && s.user && s.query && users.has(s.user) && topicOfWord.has(s.query)).sort((a, b) => Date.parse(a['@timestamp']) - Date.parse(b['@timestamp']));
const held = logged.slice(Math.floor(logged.length * 0.8));

/** NDCG@10 of `scores` (higher first, ties by logged order) with linear gains. */
function ndcg10(scores: ArrayLike<number>, gains: readonly number[]): number {
  const order = gains.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const dcg = order.slice(0, 10).reduce((sum, row, i) => sum + gains[row]! / Math.log2(i + 2), 0);
  const ideal = [...gains].sort((a, b) => b - a).slice(0, 10).reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return ideal === 0 ? Number.NaN : dcg / ideal;
}

const width = FEATURES.length;
const totals = new Map<string, { sum: number; n: number }>();
const add = (name: string, value: number): void => {
  if (Number.isNaN(value)) return;
  const t = totals.get(name) ?? { sum: 0, n: 0 };
  t.sum += value;
  t.n += 1;
  totals.set(name, t);
};
for (const search of held as Array<LoggedSearch & { logged: NonNullable<LoggedSearch['logged']> }>) {
  const user = users.get(search.user!)!;
  const topic = topicOfWord.get(search.query!)!;
  const rows = search.logged;
  const gains = rows.map((row) => attraction(population, user, topic, { photo_id: row.id, photographer: photographers.get(row.id)?.photographer ?? null }, model).click);
  // The served order: shown rows by position, then the unshown sample.
  add('served order', ndcg10(rows.map((row) => (row.shown === null ? -1e9 : -row.shown)), gains));
  const features = new Float32Array(rows.length * width);
  rows.forEach((row, i) => features.set(rowFromJson(row.values), i * width));
  for (const folder of folders) add(basename(folder.dir), ndcg10(folder.ranker.score(features, rows.length), gains));
}

const theta = (k: number): number => k ** -eta;
const lines: string[][] = [['ranking', 'truth NDCG@10', 'searches']];
for (const [name, t] of totals) lines.push([name, (t.sum / t.n).toFixed(4), String(t.n)]);
console.log(`${held.length} held-out logged searches of ${values.index} (last fifth of ${logged.length}); gain = the simulated user's P(click | looked) without noise`);
const widths = [0, 1, 2].map((c) => Math.max(...lines.map((r) => r[c]!.length)));
for (const r of lines) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));

const propensities = folders.flatMap((f) => (f.manifest.events ? [{ models: basename(f.dir), ...f.manifest.events.propensities }] : []));
for (const p of propensities.slice(0, 1)) {
  console.log(`\nexamination propensity θ_k / θ_1 (${p.source}, ${p.searches} randomized searches) vs the simulator's k^-${eta}`);
  console.log('rank  estimated   true   error');
  p.theta.forEach((t, i) => console.log(`${String(i + 1).padStart(4)}  ${t.toFixed(3).padStart(9)}  ${theta(i + 1).toFixed(3).padStart(5)}  ${(((t - theta(i + 1)) / theta(i + 1)) * 100).toFixed(1).padStart(5)}%`));
}

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/learning.json', import.meta.url),
  `${JSON.stringify(
    {
      machine: machine(),
      data: { world: values.data, index: values.index, since: values.since ?? null, until: values.until ?? null, logged_searches: logged.length, held_out: held.length },
      gain: 'relevance to the query topic (1 main, 0.5 secondary) × taste (color, photographer), squashed as the simulator does; no click noise',
      ndcg_at_10: Object.fromEntries([...totals].map(([name, t]) => [name, { mean: t.sum / t.n, searches: t.n }])),
      models: folders.map((f) => ({ dir: f.dir, ips: f.manifest.events?.ips ?? null, ranker: f.manifest.ranker })),
      propensities: propensities.map((p) => ({ ...p, true: p.theta.map((_, i) => theta(i + 1)), relative_error: p.theta.map((t, i) => (t - theta(i + 1)) / theta(i + 1)) })),
    },
    null,
    2,
  )}\n`,
);
