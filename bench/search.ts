// bench/search.ts — `npm run bench:search`: the request users make, measured beside its parts, in one run.
//
// At each size (`--photos 10000,100000`, default both; `--quick` = 2,000 photos and short runs, for
// trying it, with 300 users), on a generated world with users, their downloads (ingest puts them in feedback-events,
// so the users have profiles) and a `pixrank train` models folder (trained once per world into the
// bench cache, reused after), rows:
//   components, each timed alone with the sidecar's own request bodies (bench/search/bodies.ts):
//     embed            the CLIP text encoder, in this process, as the sidecar loads it (int8, one
//                      intra-op thread unless PIXRANK_ORT_THREADS), one fresh query per call
//     es keyword       the sidecar's keyword `_search`, straight to Elasticsearch
//     es knn           the sidecar's kNN `_search` (a pre-embedded query vector)
//     es msearch       both as one `_msearch`
//     embed → es msearch  the two as a request runs them (bench/search/sequenced-row.ts): per call one
//                      fresh query embedded, then its msearch sent and the whole answer read. The
//                      encoder called back to back (the embed row) is faster than the same call with
//                      an msearch between two (caches and CPU state: 3.5–4.5 ms against ~7.5 ms at
//                      100k), so the rows above time each part as no request runs it. CPU: this
//                      process's and Elasticsearch's. The p50 of each half one at a time is in the
//                      row's notes (embed_p50, msearch_p50), beside the embed and es msearch rows'.
//   through the real sidecar (a child `pixrank serve --model M --models DIR` process):
//     /search keyword, clip, hybrid; hybrid personalized (`user`, `country`, `personalize: true`: the
//     learned second pass); /recommend/:user; /similar by photo id; the personalized search again on
//     a sidecar running an interleaving experiment (bench/search/experiment-row.ts).
// Columns per row: one request at a time on one connection (p50/p99, timed here); saturated
// (`--connections` connections as fast as answered: autocannon for HTTP rows, as many concurrent
// callers for the encoder) req/s and p50/p99; p50/p99 at half the saturated rate, requests started
// at evenly spaced instants (see bench/search/load.ts on why not autocannon's overallRate); CPU ms
// per request of Elasticsearch, the sidecar and this process while saturated, and the share of the
// machine other programs took (the most of the row's three runs).
// Every query is fresh: query texts never repeat within a sidecar's life (its query-embedding cache
// never hits: the row's cache counters from /metrics are in the JSON), users and photos rotate. The
// direct Elasticsearch rows cycle a pool of pre-built requests (Elasticsearch caches no results of
// `size > 0` searches, so a repeat is no cache hit).
//
// Ratios (per size, in the JSON and printed), from numbers of the same run:
//   personalized_over_parts = p50 personalized hybrid ÷ (p50 embed + p50 es msearch), one at a time
//   hybrid_over_parts       = p50 hybrid ÷ the same
//   personalized_over_sequenced_parts = p50 personalized hybrid ÷ p50 `embed → es msearch`, one at a time:
//                             the request over its parts run in sequence, as it runs them
//   hybrid_over_sequenced_parts = p50 hybrid ÷ the same
//   sequenced_over_parts    = p50 `embed → es msearch` ÷ (p50 embed + p50 es msearch): what the parts
//                             cost in sequence over what each costs back to back
//   throughput_over_ceiling = saturated personalized req/s ÷ ceiling, where
//                             ceiling = cores ÷ (CPU s per embed + CPU s per es msearch), each part's
//                             CPU per request measured in its own saturated run of this run:
//                             the embed's is this process's CPU (process.cpuUsage: every thread, so
//                             onnxruntime's too) ÷ the embeddings done; the msearch's is
//                             Elasticsearch's (utime + stime of its JVM in /proc/<pid>/stat, the pid
//                             from `_nodes/_local` process.id; for a node elsewhere its
//                             `_nodes/_local/stats/process` cpu.total_in_millis) less its idle CPU
//                             (measured for 3 s before the rows) ÷ the msearches answered. It is the
//                             request rate the machine would reach if its cores did nothing but
//                             the parts (no sidecar, no load tool, no HTTP between them). Saturated,
//                             not one at a time: a busy Elasticsearch burns CPU per second of
//                             activity (at 2,000 photos one msearch at a time cost 8.1 ms of its CPU,
//                             saturated 5.3 ms), which one-at-a-time runs charge to each request; the
//                             ceiling from the one-at-a-time CPU is in the JSON beside it.
//   recommend_over_search   = p50 /recommend ÷ p50 personalized /search, one at a time
//   feature_logging_overhead = p50 personalized /search (feature vectors logged, the default) ÷ p50 of
//                             the same search on a sidecar started with --no-feature-log, one at a time
//   experiment_over_personalized = p50 of the personalized search on a sidecar serving an
//                             interleaving experiment (both arms the trained models: two second
//                             passes and the team draft) ÷ p50 personalized /search, one at a time
// Other sessions share this machine, so the load average (os.loadavg) and the CPU other programs
// took during each row (the machine's busy time in /proc/stat less Elasticsearch's, the sidecar's and
// this process's) are recorded. Before a size is measured the bench waits (up to `--wait-idle` s)
// until the 1-minute load average is at most `--max-load` (1.5) and other programs take at most
// `--max-others` (0.15) of the machine over 5 s, and says so when it gave up waiting; a row during
// which other programs took more than `--max-others` is measured again once it is quiet, up to
// `--attempts` (3) times in all, keeping the quietest attempt (each attempt's share is in the JSON).
//
// `--rows "embed,es msearch,embed → es msearch,/search hybrid"` measures only the rows named
// (bench/search/row-selection.ts; default all; a name may hold a comma, as the experiment and
// logging-off rows' do); a ratio whose rows were not measured is left out. The setup (world, index,
// models, the direct requests, Elasticsearch's warm-up) is the same whatever the rows, so a row
// measured alone is measured as in a full run; a sidecar is started only for its rows.
//
// Prints the tables, the ratios and the machine; writes bench/results/search.json (`--out FILE`).
// Usage: npm run bench:search [-- --photos 10000,100000 | --quick] [--duration 15] [--warmup 5]
//        [--single 200] [--connections 8] [--users 2000] [--model DIR | --world-model] [--fp32]
//        [--reingest] [--max-load 1.5] [--max-others 0.15] [--attempts 3] [--wait-idle 900]
//        [--rows "NAME,NAME,…"] [--out FILE]
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir, pythonEnvRoot } from '../es-mappings/paths.ts';
import { provisionCluster } from '../es-mappings/provision.ts';
import { exportClip, loadClipEncoder, threadsFromEnv, WORLD_MODEL_DIR } from '../sidecar/clip/index.ts';
import { Random } from '../ltr/random.ts';
import { cpuDuring, elasticsearchCpu } from './search/cpu.ts';
import { machine } from './machine.ts';
import { sidecarRequests, type WireRequest } from './search/bodies.ts';
import { saturateHttp, type HttpTarget } from './search/load.ts';
import { cacheLine, ratiosLines, rowsTable, sequencedLine, stagesTable } from './search/report.ts';
import { elasticsearchIdleCpu, embedCall, measureRow, type LoadSettings, type RowResult, type RowSpec } from './search/rows.ts';
import { cacheCounters, counterDelta, startSidecar } from './search/sidecar.ts';
import { EXPERIMENT_ROW, measureExperimentRow } from './search/experiment-row.ts';
import { LOGGING_OFF_ROW, measureLoggingOffRow } from './search/logging-row.ts';
import { ratios, type Ratios } from './search/stats.ts';
import { SIDECAR_ROWS, selectRows } from './search/row-selection.ts';
import { SEQUENCED_ROW, sequencedCall, sequencedSanity } from './search/sequenced-row.ts';
import { createError } from '../es-mappings/errors.ts';
import { ingestWorld, mergeIndex, queryPool, trainedModels, usersWithDownloads, worldWithVectors } from './search/world.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    single: { type: 'string' },
    connections: { type: 'string', default: '8' },
    users: { type: 'string' },
    model: { type: 'string' },
    'world-model': { type: 'boolean', default: false },
    fp32: { type: 'boolean', default: false },
    reingest: { type: 'boolean', default: false },
    'max-load': { type: 'string', default: '1.5' },
    'max-others': { type: 'string', default: '0.15' },
    attempts: { type: 'string', default: '3' },
    'wait-idle': { type: 'string', default: '900' },
    rows: { type: 'string' },
    out: { type: 'string' },
  },
});
const quick = values.quick;
const selection = selectRows(values.rows);
const sizes = (values.photos ?? (quick ? '2000' : '10000,100000')).split(',').map(Number);
const settings: LoadSettings = {
  connections: Number(values.connections),
  durationS: Number(values.duration ?? (quick ? 5 : 15)),
  warmupS: Number(values.warmup ?? (quick ? 2 : 5)),
  single: Number(values.single ?? (quick ? 50 : 200)),
};
const users = Number(values.users ?? (quick ? 300 : 2000));
const maxLoad = Number(values['max-load']);
const waitIdleS = Number(values['wait-idle']);
const maxOthers = Number(values['max-others']);
const attempts = Number(values.attempts);
const quantized = !values.fp32;
const outFile = resolve(values.out ?? new URL('./results/search.json', import.meta.url).pathname);
const cores = availableParallelism();
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const secondsOf = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
const started = Date.now();

const RANDOM_B32 = join(cacheDir(), 'models', 'clip-b32-random');
const modelDir = values['world-model'] ? WORLD_MODEL_DIR : (values.model ?? RANDOM_B32);
const modelKind = values['world-model'] ? 'world CLIP shipped in sidecar/clip/world-model (small, 256-d)' : values.model ? 'given with --model' : 'random weights in ViT-B/32 sizes (the realistic encoder cost)';
if (modelDir === RANDOM_B32 && !existsSync(join(RANDOM_B32, 'config.json'))) {
  log(`bench search: exporting the ViT-B/32-sized random model to ${RANDOM_B32} (first run only; makes a Python virtualenv with torch from PyPI, minutes)`);
  await exportClip({ out: RANDOM_B32, randomB32: true, seed: 0, log, env: { root: pythonEnvRoot() } });
}

const cluster = await provisionCluster({ log, ignoreStartedInstance: true, instanceDir: join(cacheDir(), 'bench', 'es-search') });
const es = cluster.client;
const esCpu = await elasticsearchCpu(es);
log(`bench search: Elasticsearch CPU time from ${esCpu.source}`);
const threads = threadsFromEnv() ?? 1;
const encoder = await loadClipEncoder(modelDir, { quantized, textCacheSize: 0, threads });
const model = { dir: modelDir, kind: modelKind, dims: encoder.dims, quantized, threads };
log(`bench search: CLIP ${modelDir} (${modelKind}), ${encoder.dims}-d, ${quantized ? 'int8' : 'fp32'}, ${threads} intra-op thread(s)`);
const apiKey = process.env.PIXRANK_API_KEYS?.split(',')[0]?.trim();
const esHeaders: Record<string, string> = {};
if (cluster.connection.apiKey) esHeaders.authorization = `ApiKey ${cluster.connection.apiKey}`;
else if (cluster.connection.username) esHeaders.authorization = `Basic ${Buffer.from(`${cluster.connection.username}:${cluster.connection.password ?? ''}`).toString('base64')}`;

interface SizeResult {
  photos: number;
  users_with_downloads: number;
  index: string;
  models: { dir: string; trained_now: boolean; train_seconds: number };
  setup_seconds: number;
  measure_seconds: number;
  load: { waited_s: number; loadavg_start: number[]; loadavg_end: number[]; high: boolean };
  es_idle_cpu_ms_per_s: number;
  queries_sent_to_sidecar: number;
  rows: RowResult[];
  ratios: Ratios;
}
const results: SizeResult[] = [];

/** The share of the machine (0–1) other programs took over `seconds`: everything busy but Elasticsearch, the sidecar and this process. */
async function othersNow(sidecarPid: number | undefined, seconds = 5): Promise<number> {
  const { cpu } = await cpuDuring(esCpu, sidecarPid, () => sleep(seconds * 1000));
  return (cpu.others_s ?? 0) / (cores * cpu.wall_s);
}

/**
 * Waits, for `waitIdleS` at most, until other programs take at most `maxOthers` of the machine and,
 * with `loadAverage` (before a size, not between rows: the bench's own last row is in it then), the
 * 1-minute load average is at most `maxLoad`. Returns the seconds waited.
 */
async function waitQuiet(sidecarPid: number | undefined, loadAverage: boolean): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const others = await othersNow(sidecarPid);
    const load = loadavg()[0]!;
    const waited = Math.round((Date.now() - t0) / 1000);
    if ((others <= maxOthers && (!loadAverage || load <= maxLoad)) || waited >= waitIdleS) return waited;
    log(`bench search: other programs take ${Math.round(others * 100)}% of the machine, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; waiting for ≤ ${Math.round(maxOthers * 100)}%${loadAverage ? ` and ≤ ${maxLoad}` : ''} (${waited} of ${waitIdleS} s)`);
    await sleep(10_000);
  }
}

try {
  for (const photos of sizes) {
    const setupStarted = Date.now();
    const alias = encoder.dims === 512 ? `bench-search-${photos}` : `bench-search-${photos}-d${encoder.dims}`;
    const world = await worldWithVectors(photos, users, encoder.dims, log);
    if (values.reingest) await es.indices.delete({ index: `${alias}-v*`, ignore_unavailable: true, allow_no_indices: true });
    await ingestWorld(es, world, alias, encoder.dims, log);
    const models = await trainedModels(es, world, alias, encoder, log);
    await mergeIndex(es, alias, log);
    const people = await usersWithDownloads(world);

    // Fresh inputs: query texts (never repeated within this size), users, photos, each rotating.
    const pool = queryPool(photos);
    let nextTextAt = 0;
    const nextText = (): string => pool[nextTextAt++ % pool.length]!;
    const rotate = <T>(items: readonly T[], offset: number) => {
      let i = offset;
      return () => items[i++ % items.length]!;
    };
    const photoIds = new Random(photos).sample(world.photoIds, world.photoIds.length);

    // The direct Elasticsearch rows: the sidecar's own requests for a pool of queries, built up front.
    const directCount = Math.min(3000, Math.floor(pool.length / 4));
    log(`bench search: building the sidecar's keyword and kNN requests for ${directCount} queries (embedding them)`);
    const requests = await sidecarRequests(cluster, alias);
    const direct: Array<{ keyword: WireRequest; knn: WireRequest; msearch: WireRequest }> = [];
    for (let i = 0; i < directCount; i += 64) {
      const texts = Array.from({ length: Math.min(64, directCount - i) }, nextText);
      const vectors = await encoder.embedText(texts);
      for (let j = 0; j < texts.length; j++) {
        const keyword = await requests.keyword(texts[j]!);
        const knn = await requests.knn(vectors[j]!);
        direct.push({ keyword, knn, msearch: requests.msearch(keyword, knn) });
      }
    }
    const setupSeconds = (Date.now() - setupStarted) / 1000;

    const waited = await waitQuiet(undefined, true);
    const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
    if (loadStart[0]! > maxLoad) log(`bench search: measuring with a load average of ${loadStart[0]} (> ${maxLoad}): numbers are lower than on a quiet machine; run again`);
    const measureStarted = Date.now();
    const esIdlePerS = await elasticsearchIdleCpu(esCpu, 3);
    log(`bench search: ${alias}: measuring (${people.length} users with downloads; Elasticsearch idle CPU ${(esIdlePerS * 1000).toFixed(1)} ms/s)`);

    const directTarget = (pick: (d: (typeof direct)[number]) => WireRequest): HttpTarget => {
      const next = rotate(direct, 0);
      const first = pick(direct[0]!);
      return {
        origin: cluster.url,
        method: 'POST',
        headers: { ...esHeaders, 'content-type': first.contentType },
        next: () => {
          const r = pick(next());
          return { path: r.path, body: r.body };
        },
      };
    };
    const rows: RowResult[] = [];
    const context = { cores, esIdlePerS, log, maxOthers, attempts, waitQuiet: () => waitQuiet(undefined, false) };
    const sequencedOptions = { encoder, bodies: requests, nextText, origin: cluster.url, headers: esHeaders };
    const sequenced = sequencedCall({ ...sequencedOptions, connections: Math.max(settings.connections, 64) });
    const components: RowSpec[] = [
      { name: 'embed', target: 'CLIP text encoder (in-process)', kind: 'calls', call: embedCall(encoder, nextText) },
      { name: 'es keyword', target: 'Elasticsearch _search', kind: 'http', http: directTarget((d) => d.keyword) },
      { name: 'es knn', target: 'Elasticsearch _search', kind: 'http', http: directTarget((d) => d.knn) },
      { name: 'es msearch', target: 'Elasticsearch _msearch (keyword + knn)', kind: 'http', http: directTarget((d) => d.msearch) },
      {
        name: SEQUENCED_ROW,
        target: 'CLIP text encoder (in-process), then Elasticsearch _msearch of that text and vector',
        kind: 'calls',
        call: sequenced.call,
        sanity: async () => {
          const problem = await sequencedSanity(sequencedOptions);
          if (problem) throw createError('INTERNAL', `bench search: ${SEQUENCED_ROW}: ${problem}`);
        },
      },
    ];
    // Elasticsearch's JIT is still compiling the search paths for a while after a start: warm it up
    // on the msearch (both queries) before the first row, so that row is not slower than the others.
    const warmup = Math.max(10, 2 * settings.warmupS);
    log(`bench search: warming Elasticsearch up for ${warmup} s`);
    await saturateHttp(directTarget((d) => d.msearch), settings.connections, warmup);
    try {
      for (const spec of components) {
        if (!selection.has(spec.name)) continue;
        const row = await measureRow(spec, settings, esCpu, context);
        if (spec.name === SEQUENCED_ROW) {
          // The halves' p50 one at a time go to the notes, beside the same parts timed back to back; not
          // to stages_p50, which is the sidecar's own took_ms.
          const { stages_p50: halves, ...rest } = row;
          const backToBack = (name: string) => rows.find((r) => r.row === name)?.single.p50;
          rows.push({ ...rest, notes: { embed_p50: halves?.embed, msearch_p50: halves?.msearch, back_to_back: { embed_p50: backToBack('embed'), msearch_p50: backToBack('es msearch') } } });
        } else rows.push(row);
      }
    } finally {
      await sequenced.close();
      await requests.close();
    }

    const textsBeforeSidecar = nextTextAt;
    const sidecar = SIDECAR_ROWS.some((name) => selection.has(name)) ? await startSidecar(cluster, { index: alias, model: modelDir, quantized, modelsDir: models.dir }) : undefined;
    if (sidecar) {
      try {
        const headers = { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) };
        const post = (path: string, body: () => Record<string, unknown>): HttpTarget => ({ origin: sidecar.url, method: 'POST', headers, next: () => ({ path, body: JSON.stringify(body()) }) });
        const expect = async (target: HttpTarget, check: (json: Record<string, unknown>) => string | undefined) => {
          const { path, body } = target.next();
          const response = await fetch(`${target.origin}${path}`, { method: target.method, headers: target.headers, ...(body !== undefined ? { body } : {}) });
          const json = (await response.json()) as Record<string, unknown>;
          const problem = response.status !== 200 ? `status ${response.status}: ${JSON.stringify(json).slice(0, 300)}` : check(json);
          if (problem) throw new Error(`bench search: ${target.method} ${path}: ${problem}`);
        };
        const pageOf10 = (json: Record<string, unknown>) => ((json.hits as unknown[]).length === 10 ? undefined : `${(json.hits as unknown[]).length} hits, not 10`);
        const personalizedAndPage = (json: Record<string, unknown>) => (json.personalized === true && json.model_version ? pageOf10(json) : `not personalized by the trained models (personalized ${json.personalized}, model_version ${json.model_version})`);
        const searchUser = rotate(people, 0);
        const recommendUser = rotate(people, Math.floor(people.length / 2));
        const similarPhoto = rotate(photoIds, 0);
        const sidecarRows: Array<{ spec: RowSpec; check: (json: Record<string, unknown>) => string | undefined }> = [
          { spec: { name: '/search keyword', target: 'sidecar', kind: 'http', withTook: true, http: post('/search', () => ({ q: nextText(), mode: 'keyword', k: 10 })) }, check: pageOf10 },
          { spec: { name: '/search clip', target: 'sidecar', kind: 'http', withTook: true, http: post('/search', () => ({ q: nextText(), mode: 'clip', k: 10 })) }, check: pageOf10 },
          { spec: { name: '/search hybrid', target: 'sidecar', kind: 'http', withTook: true, http: post('/search', () => ({ q: nextText(), mode: 'hybrid', k: 10 })) }, check: pageOf10 },
          {
            spec: {
              name: '/search hybrid personalized',
              target: 'sidecar (second pass: trained models)',
              kind: 'http',
              withTook: true,
              http: post('/search', () => {
                const u = searchUser();
                return { q: nextText(), mode: 'hybrid', k: 10, user: u.user, ...(u.country ? { country: u.country } : {}), personalize: true };
              }),
            },
            check: personalizedAndPage,
          },
          {
            spec: { name: '/recommend/:user', target: 'sidecar (second pass: trained models)', kind: 'http', withTook: true, http: { origin: sidecar.url, method: 'GET', headers, next: () => ({ path: `/recommend/${encodeURIComponent(recommendUser().user)}?k=10` }) } },
            check: (json) => (json.strategy === 'profile' ? personalizedAndPage(json) : `strategy ${json.strategy}, not profile`),
          },
          { spec: { name: '/similar photo_id', target: 'sidecar', kind: 'http', withTook: true, http: post('/similar', () => ({ photo_id: similarPhoto(), k: 10 })) }, check: pageOf10 },
        ];
        for (const { spec, check } of sidecarRows) {
          if (spec.kind !== 'http' || !selection.has(spec.name)) continue;
          const before = await cacheCounters(sidecar.url);
          const row = await measureRow({ ...spec, sanity: () => expect(spec.http, check) }, settings, esCpu, { ...context, sidecarPid: sidecar.pid, waitQuiet: () => waitQuiet(sidecar.pid, false) });
          row.notes = { sidecar_cache_counters: counterDelta(before, await cacheCounters(sidecar.url)) };
          rows.push(row);
        }
      } finally {
        await sidecar.stop();
      }
    }
    {
      const searchUser = rotate(people, Math.floor(people.length / 3));
      const body = () => {
        const u = searchUser();
        return { q: nextText(), mode: 'hybrid', k: 10, user: u.user, ...(u.country ? { country: u.country } : {}), personalize: true };
      };
      const headers = { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) };
      const variant = { cluster, sidecar: { index: alias, model: modelDir, quantized, modelsDir: models.dir }, body, headers, settings, esCpu, context };
      if (selection.has(EXPERIMENT_ROW)) rows.push(await measureExperimentRow(variant));
      if (selection.has(LOGGING_OFF_ROW)) rows.push(await measureLoggingOffRow(variant));
    }
    const sent = nextTextAt - textsBeforeSidecar;
    // A text comes back only after the whole pool (21,600) went by: long out of the sidecar's 2,048-entry LRU (the counters show it).
    if (nextTextAt > pool.length) log(`bench search: ${nextTextAt} query texts used of a pool of ${pool.length}: the pool went round (see the query-embedding cache counters)`);

    // A row not measured (--rows) is undefined here, and so are the ratios that need it.
    const row = (name: string) => rows.find((r) => r.row === name);
    const r = ratios({
      p50: {
        embed: row('embed')?.single.p50,
        msearch: row('es msearch')?.single.p50,
        sequenced: row(SEQUENCED_ROW)?.single.p50,
        hybrid: row('/search hybrid')?.single.p50,
        personalized: row('/search hybrid personalized')?.single.p50,
        recommend: row('/recommend/:user')?.single.p50,
        experiment: row(EXPERIMENT_ROW)?.single.p50,
        loggingOff: row(LOGGING_OFF_ROW)?.single.p50,
      },
      personalizedRps: row('/search hybrid personalized')?.saturated.rps,
      cpuPerRequest: { embed: secondsOf(row('embed')?.cpu_ms_per_request.saturated.bench), msearch: secondsOf(row('es msearch')?.cpu_ms_per_request.saturated.elasticsearch) },
      cpuPerRequestOneAtATime: { embed: secondsOf(row('embed')?.cpu_ms_per_request.single.bench), msearch: secondsOf(row('es msearch')?.cpu_ms_per_request.single.elasticsearch) },
      cores,
    });
    const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
    results.push({
      photos,
      users_with_downloads: people.length,
      index: alias,
      models: { dir: models.dir, trained_now: models.trained, train_seconds: Math.round(models.seconds) },
      setup_seconds: Math.round(setupSeconds),
      measure_seconds: Math.round((Date.now() - measureStarted) / 1000),
      load: { waited_s: waited, loadavg_start: loadStart, loadavg_end: loadEnd, high: loadStart[0]! > maxLoad },
      es_idle_cpu_ms_per_s: Math.round(esIdlePerS * 10000) / 10,
      queries_sent_to_sidecar: sent,
      rows,
      ratios: r,
    });
  }
} finally {
  await encoder.close();
  await cluster.release();
}

const GOALS = { personalized_over_parts: '≤ 1.3', hybrid_over_parts: '≤ 1.15', throughput_over_ceiling: '≥ 0.8', recommend_over_search: '≤ 1.5', experiment_over_personalized: '≤ 1.1', feature_logging_overhead: '≤ 1.1' };
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\nbench:search — CLIP ${model.dir} (${model.kind}; ${model.dims}-d, ${quantized ? 'int8' : 'fp32'}, ${threads} thread(s)); ${settings.connections} connections saturated for ${settings.durationS} s, half rate evenly paced for ${settings.durationS} s, ${settings.single} requests one at a time; fresh queries`);
for (const size of results) {
  console.log(`\n## ${size.photos} photos (${size.index}, ${size.users_with_downloads} users with downloads; load average ${size.load.loadavg_start.join(' ')} at start${size.load.high ? ' — HIGH, run again' : ''})\n`);
  console.log(rowsTable(size.rows));
  console.log(`\n${cacheLine(size.rows)}`);
  if (size.rows.some((r) => r.stages_p50)) {
    console.log(`\nsidecar stages, p50 ms one at a time (took_ms):\n`);
    console.log(stagesTable(size.rows));
  }
  const sequencedParts = sequencedLine(size.rows);
  if (sequencedParts) console.log(`\n${sequencedParts}`);
  const ceiling = size.ratios.ceiling_rps === undefined ? '' : ` (ceiling = ${cores} cores ÷ CPU s per (embed + es msearch), saturated = ${size.ratios.ceiling_rps} req/s; from one-at-a-time CPU ${size.ratios.ceiling_rps_one_at_a_time_cpu} req/s)`;
  console.log(`\nratios at ${size.photos} photos${ceiling}${selection.names === 'all' ? '' : '; only those whose rows were measured'}:`);
  console.log(ratiosLines(size.ratios, GOALS));
}
console.log(`\nmachine: ${JSON.stringify(machine())}; Elasticsearch ${cluster.version}; ${seconds} s in all`);

await mkdir(join(outFile, '..'), { recursive: true });
await writeFile(
  outFile,
  `${JSON.stringify(
    {
      benchmark: 'search',
      date: new Date(started).toISOString(),
      machine: machine(),
      elasticsearch: cluster.version,
      elasticsearch_cpu_from: esCpu.source,
      model,
      settings: { ...settings, half_rate: 'evenly spaced starts at round(saturated req/s ÷ 2) (open loop)', users_per_world: users, max_load: maxLoad, max_others: maxOthers, attempts, rows: selection.names },
      definitions: {
        personalized_over_parts: 'p50 /search hybrid personalized ÷ (p50 embed + p50 es msearch), one request at a time',
        hybrid_over_parts: 'p50 /search hybrid ÷ (p50 embed + p50 es msearch), one request at a time',
        personalized_over_sequenced_parts: `p50 /search hybrid personalized ÷ p50 ${SEQUENCED_ROW} (per call: one fresh query embedded in this process, then the sidecar's msearch of that text and vector sent to Elasticsearch and its answer read), one request at a time`,
        hybrid_over_sequenced_parts: `p50 /search hybrid ÷ p50 ${SEQUENCED_ROW}, one request at a time`,
        sequenced_over_parts: `p50 ${SEQUENCED_ROW} ÷ (p50 embed + p50 es msearch), one request at a time: the parts in sequence, as a request runs them, over each part run back to back`,
        throughput_over_ceiling: 'saturated /search hybrid personalized req/s ÷ (cores ÷ (CPU s per embed + CPU s per es msearch)), each part saturated in this run; embed CPU = this process (process.cpuUsage, all threads) ÷ embeddings; msearch CPU = Elasticsearch CPU time (/proc/<pid>/stat of its JVM, else _nodes/_local/stats/process cpu.total_in_millis) less its idle CPU ÷ msearches',
        recommend_over_search: 'p50 /recommend ÷ p50 /search hybrid personalized, one request at a time',
        experiment_over_personalized: `p50 ${EXPERIMENT_ROW} (a sidecar serving an interleaving experiment whose two arms both run the trained second pass) ÷ p50 /search hybrid personalized (no experiment), one request at a time`,
        feature_logging_overhead: `p50 /search hybrid personalized (served feature vectors logged to search-events, the default) ÷ p50 ${LOGGING_OFF_ROW} (serve --no-feature-log), one request at a time`,
      },
      goals: { photos: 100000, ...GOALS },
      seconds,
      sizes: results,
    },
    null,
    2,
  )}\n`,
);
log(`bench search: wrote ${outFile}`);
