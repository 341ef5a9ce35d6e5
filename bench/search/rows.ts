import type { ClipEncoder } from '../../sidecar/clip/index.ts';
import { cpuDuring, type CpuSpent, type ElasticsearchCpu } from './cpu.ts';
import { httpCalls, paced, saturateCalls, saturateHttp, sequential, type Call, type HttpTarget, type Measured, type PacedResult, type SequentialResult } from './load.ts';
import { stageMedians } from './stats.ts';

/** How every row is loaded, the same for all of them. */
export interface LoadSettings {
  connections: number;
  durationS: number;
  warmupS: number;
  /** Requests of the one-at-a-time run. */
  single: number;
}

/** A row: in-process calls (the encoder) or an HTTP target (Elasticsearch or the sidecar). */
export type RowSpec = { name: string; target: string; sanity?: () => Promise<void> } & ({ kind: 'calls'; call: Call } | { kind: 'http'; http: HttpTarget; withTook?: boolean });

/** CPU milliseconds per answered request, by process. */
export interface CpuPerRequest {
  elasticsearch: number;
  sidecar?: number;
  /** The bench process: the in-process encoder (embed row) or the load tool (HTTP rows). */
  bench: number;
  /** Other programs on the machine during the run, as a share of all cores (0–1). */
  others_share?: number;
}

export interface RowResult {
  row: string;
  target: string;
  single: Omit<SequentialResult, 'tooks'>;
  saturated: Measured;
  half: PacedResult;
  cpu_ms_per_request: { single: CpuPerRequest; saturated: CpuPerRequest; half: CpuPerRequest };
  /** p50 per stage of the sidecar's own `took_ms`, one request at a time. */
  stages_p50?: Record<string, number>;
  /** Extra facts a row reports (the sidecar's cache counters during it). */
  notes?: Record<string, unknown>;
  /** The most of the machine other programs took during any of the three runs (0–1), of each attempt in order; the row is the quietest attempt. */
  others_share_by_attempt?: number[];
}

/** What a row needs beyond its spec: the processes to account, and when a row counts as disturbed. */
export interface RowContext {
  sidecarPid?: number;
  cores: number;
  esIdlePerS: number;
  log: (line: string) => void;
  /** A row during which other programs took more of the machine than this (0–1) is measured again … */
  maxOthers: number;
  /** … up to this many attempts in all, after `waitQuiet()`. */
  attempts: number;
  waitQuiet(): Promise<unknown>;
}

/** The most of the machine other programs took during any of a row's three runs. */
export function othersShare(row: RowResult): number {
  return Math.max(...Object.values(row.cpu_ms_per_request).map((c) => c.others_share ?? 0));
}

function perRequest(cpu: CpuSpent, answered: number, cores: number, esIdlePerS: number): CpuPerRequest {
  const n = Math.max(1, answered);
  const ms = (s: number) => Math.round((s / n) * 1e5) / 100;
  return {
    // Elasticsearch's own background work (its idle CPU, measured before the rows) is not the requests'.
    elasticsearch: ms(Math.max(0, cpu.elasticsearch_s - esIdlePerS * cpu.wall_s)),
    ...(cpu.sidecar_s !== undefined ? { sidecar: ms(cpu.sidecar_s) } : {}),
    bench: ms(cpu.bench_s),
    ...(cpu.others_s !== undefined ? { others_share: Math.round((cpu.others_s / (cores * cpu.wall_s)) * 1000) / 1000 } : {}),
  };
}

/**
 * One row: a warm-up at saturation (not recorded), `single` requests one at a time on one
 * connection, saturation for `durationS`, then evenly paced requests at half the saturated rate.
 * CPU of Elasticsearch, the sidecar (when `sidecarPid`), this process and the rest of the machine
 * is taken around each of the three runs. Other sessions share this machine: when they took more
 * than `maxOthers` of it during the row, the row is measured again once the machine is quiet, up to
 * `attempts` times, and the quietest attempt is kept (every attempt's share is in the result).
 */
export async function measureRow(spec: RowSpec, settings: LoadSettings, es: ElasticsearchCpu, context: RowContext): Promise<RowResult> {
  await spec.sanity?.();
  const attempts: RowResult[] = [];
  for (let attempt = 1; ; attempt++) {
    const result = await measureOnce(spec, settings, es, context);
    attempts.push(result);
    const share = othersShare(result);
    if (share <= context.maxOthers || attempt >= context.attempts) break;
    context.log(`bench search:   ${spec.name}: other programs took ${Math.round(share * 100)}% of the machine meanwhile (> ${Math.round(context.maxOthers * 100)}%); measuring it again (${attempt + 1} of ${context.attempts})`);
    await context.waitQuiet();
  }
  const quietest = attempts.reduce((a, b) => (othersShare(b) < othersShare(a) ? b : a));
  return { ...quietest, others_share_by_attempt: attempts.map((a) => Math.round(othersShare(a) * 1000) / 1000) };
}

async function measureOnce(spec: RowSpec, settings: LoadSettings, es: ElasticsearchCpu, context: RowContext): Promise<RowResult> {
  const { log } = context;
  const saturate = (seconds: number): Promise<Measured> => (spec.kind === 'http' ? saturateHttp(spec.http, settings.connections, seconds) : saturateCalls(spec.call, settings.connections, seconds));
  await saturate(settings.warmupS);

  const single1 = spec.kind === 'http' ? httpCalls(spec.http, { connections: 1, withTook: spec.withTook }) : { call: spec.call, close: async () => {} };
  const { result: single, cpu: singleCpu } = await cpuDuring(es, context.sidecarPid, () => sequential(single1.call, settings.single));
  await single1.close();
  log(`bench search:   ${spec.name}: one at a time p50 ${single.p50} ms, p99 ${single.p99} ms`);

  const { result: saturated, cpu: saturatedCpu } = await cpuDuring(es, context.sidecarPid, () => saturate(settings.durationS));
  log(`bench search:   ${spec.name}: saturated ${saturated.rps} req/s (p50 ${saturated.p50} ms, p99 ${saturated.p99} ms)`);

  const rate = Math.max(1, Math.round(saturated.rps / 2));
  // Enough connections that no request waits for one: the pacing, not the pool, decides when each starts.
  const pool = spec.kind === 'http' ? httpCalls(spec.http, { connections: Math.max(settings.connections, 64) }) : { call: spec.call, close: async () => {} };
  const { result: half, cpu: halfCpu } = await cpuDuring(es, context.sidecarPid, () => paced(pool.call, rate, settings.durationS));
  await pool.close();
  log(`bench search:   ${spec.name}: at ${rate} req/s p50 ${half.p50} ms, p99 ${half.p99} ms`);

  const { tooks, ...singleSummary } = single;
  return {
    row: spec.name,
    target: spec.target,
    single: singleSummary,
    saturated,
    half,
    cpu_ms_per_request: {
      single: perRequest(singleCpu, single.n, context.cores, context.esIdlePerS),
      saturated: perRequest(saturatedCpu, saturated.n, context.cores, context.esIdlePerS),
      half: perRequest(halfCpu, half.n, context.cores, context.esIdlePerS),
    },
    ...(tooks.length > 0 ? { stages_p50: stageMedians(tooks) } : {}),
  };
}

/** Elasticsearch's CPU seconds per second of wall time while nothing is sent to it. */
export async function elasticsearchIdleCpu(es: ElasticsearchCpu, seconds: number): Promise<number> {
  const { cpu } = await cpuDuring(es, undefined, () => new Promise((resolve) => setTimeout(resolve, seconds * 1000)));
  return cpu.elasticsearch_s / cpu.wall_s;
}

/** The raw text embedding row: the sidecar's encoder configuration in this process, one fresh query per call. */
export function embedCall(encoder: ClipEncoder, nextText: () => string): Call {
  return async () => {
    const [vector] = await encoder.embedText([nextText()]);
    return { ok: vector !== undefined && vector.length === encoder.dims };
  };
}
