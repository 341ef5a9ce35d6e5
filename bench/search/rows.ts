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
 * is taken around each of the three runs.
 */
export async function measureRow(spec: RowSpec, settings: LoadSettings, es: ElasticsearchCpu, context: { sidecarPid?: number; cores: number; esIdlePerS: number; log: (line: string) => void }): Promise<RowResult> {
  const { log } = context;
  await spec.sanity?.();
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
