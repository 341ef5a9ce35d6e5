// bench/proxy.ts — `npm run bench:proxy`: what the sidecar's Elasticsearch front adds to a call it
// passes through, measured beside the same call sent to Elasticsearch directly, in one run.
//
// On a generated world (2,000 photos by default, `--photos`; tables and clustered vectors from the
// bench cache, ingested once into `bench-proxy-<photos>` on a node of this bench's own), with the
// sidecar as deployed (a child `pixrank serve`, logging at its default level), rows:
//   _search size 10     a plain match query on descriptions, `_source` of two fields (an app's page)
//   _search size 200    the same with 200 hits (a larger answer streamed through)
// Each row: one request at a time, direct and through the front interleaved in pairs (the order
// within a pair alternates), each on its own keep-alive connection, the query texts cycling a pool
// (Elasticsearch caches no results of `size > 0` searches). Pairs share the moment they ran in, so
// the load other programs put on this shared machine falls on both sides alike.
// Columns: p50/p90/p99/mean of each side; "added" = p50 through the front − p50 direct, and the
// median of the per-pair differences; the sidecar's CPU per call over the row (utime + stime of its
// process from /proc: it serves nothing else meanwhile), which does not depend on how busy the
// machine is, where the added latency does (a call through the front waits for one more process
// to be scheduled). Goal: ≤ 2 ms added at p50 for the plain `_search`.
//
// Prints the table and the machine; writes bench/results/proxy.json (`--out FILE`).
// Usage: npm run bench:proxy [-- --photos 2000] [--pairs 1000] [--warmup 100] [--out FILE]
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client as HttpClient } from 'undici';
import { cacheDir } from '../es-mappings/paths.ts';
import { provisionCluster } from '../es-mappings/provision.ts';
import { machine } from './machine.ts';
import { processCpuSeconds } from './search/cpu.ts';
import { spawnServe, type RunningSidecar } from './search/sidecar.ts';
import { percentile, round1, summarize, type LatencySummary } from './search/stats.ts';
import { ingestWorld, queryPool, worldWithVectors } from './search/world.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '2000' },
    users: { type: 'string', default: '300' },
    pairs: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '100' },
    out: { type: 'string' },
  },
});
const photos = Number(values.photos);
const pairs = Number(values.pairs);
const warmup = Number(values.warmup);
const outFile = resolve(values.out ?? new URL('./results/proxy.json', import.meta.url).pathname);
/** The vectors' width: any works for a pass-through; the one the cached bench worlds have. */
const DIMS = 512;
const GOAL_ADDED_P50_MS = 2;
const log = (line: string) => process.stderr.write(`${line}\n`);

const cluster = await provisionCluster({ log, ignoreStartedInstance: true, instanceDir: join(cacheDir(), 'bench', 'es-proxy') });
const alias = `bench-proxy-${photos}`;
const world = await worldWithVectors(photos, Number(values.users), DIMS, log);
await ingestWorld(cluster.client, world, alias, DIMS, log);
await cluster.client.indices.refresh({ index: alias });
const sidecar = await startFront(alias);
log(`bench proxy: Elasticsearch ${cluster.version} at ${cluster.url}, the front at ${sidecar.url}`);

interface Side {
  name: 'direct' | 'front';
  client: HttpClient;
  latencies: number[];
  errors: number;
}

const texts = queryPool(7).map((text) => text.split(' ').slice(0, 2).join(' '));
const rows: Array<{ row: string; size: number; direct: LatencySummary; front: LatencySummary; added_p50_ms: number; paired_median_added_ms: number; front_cpu_ms_per_call: number | null; errors: { direct: number; front: number } }> = [];
const load = { before: loadavg().map(round1) };
try {
  for (const size of [10, 200]) {
    const sides: Side[] = [
      { name: 'direct', client: new HttpClient(cluster.url, { pipelining: 1 }), latencies: [], errors: 0 },
      { name: 'front', client: new HttpClient(sidecar.url, { pipelining: 1 }), latencies: [], errors: 0 },
    ];
    const headers = { 'content-type': 'application/json', ...authHeaders() };
    let next = 0;
    const body = () => JSON.stringify({ query: { match: { description: texts[next++ % texts.length] } }, size, _source: ['photo_id', 'description'] });
    const once = async (side: Side, text: string): Promise<number | undefined> => {
      const started = performance.now();
      const response = await side.client.request({ method: 'POST', path: `/${alias}/_search`, headers, body: text });
      await response.body.arrayBuffer();
      const ms = performance.now() - started;
      return response.statusCode === 200 ? ms : undefined;
    };
    for (let i = 0; i < warmup; i++) for (const side of sides) await once(side, body());
    const differences: number[] = [];
    const cpuBefore = processCpuSeconds(sidecar.pid);
    for (let i = 0; i < pairs; i++) {
      const text = body();
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      const timed: Partial<Record<Side['name'], number>> = {};
      for (const side of order) {
        const ms = await once(side, text);
        if (ms === undefined) side.errors += 1;
        else {
          side.latencies.push(ms);
          timed[side.name] = ms;
        }
      }
      if (timed.direct !== undefined && timed.front !== undefined) differences.push(timed.front - timed.direct);
    }
    const cpuAfter = processCpuSeconds(sidecar.pid);
    const [direct, front] = sides.map((s) => summarize(s.latencies)) as [LatencySummary, LatencySummary];
    rows.push({
      row: `_search size ${size}`,
      size,
      direct,
      front,
      added_p50_ms: round1(front.p50 - direct.p50),
      paired_median_added_ms: round1(percentile([...differences].sort((a, b) => a - b), 50)),
      // The sidecar does nothing else meanwhile: its CPU over the row is the front's, per call.
      front_cpu_ms_per_call: cpuBefore !== undefined && cpuAfter !== undefined ? round2(((cpuAfter - cpuBefore) * 1000) / pairs) : null,
      errors: { direct: sides[0]!.errors, front: sides[1]!.errors },
    });
    await Promise.all(sides.map((s) => s.client.close()));
  }
} finally {
  await sidecar.stop();
  await cluster.release();
}
Object.assign(load, { after: loadavg().map(round1) });

const header = ['row', 'side', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', 'added p50 ms', 'paired median added ms', 'sidecar CPU ms/call'];
const lines = rows.flatMap((r) => [
  [r.row, 'Elasticsearch direct', r.direct.n, r.direct.p50, r.direct.p90, r.direct.p99, r.direct.mean, '', '', ''],
  [r.row, 'through the front', r.front.n, r.front.p50, r.front.p90, r.front.p99, r.front.mean, r.added_p50_ms, r.paired_median_added_ms, r.front_cpu_ms_per_call ?? 'n/a'],
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
const format = (cells: Array<string | number>) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('  ');
const plain = rows[0]!;
const met = plain.added_p50_ms <= GOAL_ADDED_P50_MS;
process.stdout.write(`\n${format(header)}\n${lines.map(format).join('\n')}\n\n`);
process.stdout.write(`goal: the front adds ≤ ${GOAL_ADDED_P50_MS} ms p50 to a plain _search: ${plain.added_p50_ms} ms added (paired median ${plain.paired_median_added_ms} ms): ${met ? 'met' : 'NOT met'}\n`);
process.stdout.write(`machine: ${JSON.stringify(machine())}; load average before ${load.before.join(' ')}, after ${(load as { after?: number[] }).after?.join(' ')}\n`);
await mkdir(dirname(outFile), { recursive: true });
await writeFile(outFile, `${JSON.stringify({ bench: 'proxy', date: new Date().toISOString(), elasticsearch: cluster.version, photos, pairs, warmup, rows, goal: { added_p50_ms_at_most: GOAL_ADDED_P50_MS, met }, load, machine: machine() }, null, 2)}\n`);
log(`bench proxy: wrote ${outFile}`);

/** The credentials of the node, for the direct side (the front adds the sidecar's own). */
function authHeaders(): Record<string, string> {
  const { username, password, apiKey } = cluster.connection;
  if (apiKey) return { authorization: `ApiKey ${apiKey}` };
  if (username) return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
  return {};
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** `pixrank serve` as a child process (the product as deployed) over `index`, on a free port. */
async function startFront(index: string): Promise<RunningSidecar> {
  // Its access log (one line a request, as deployed) goes to a file, not through this process: reading
  // it here would take CPU from the timing side.
  const logFile = join(tmpdir(), `bench-proxy-sidecar-${process.pid}.log`);
  const front = await spawnServe(cluster, ['--index', index], { logFile });
  log(`bench proxy: the sidecar's log is ${logFile}`);
  return front;
}
