import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Client as HttpClient, Pool } from 'undici';
import { summarize, type LatencySummary } from './stats.ts';

/**
 * The three ways each row is loaded:
 * - `sequential`: one request at a time on one connection (timed here, µs resolution);
 * - saturated: N connections as fast as answered — autocannon for HTTP rows (`saturateHttp`), N
 *   concurrent callers for the in-process encoder (`saturateCalls`);
 * - `paced`: requests started at evenly spaced instants at a given rate (open loop: a slow answer
 *   does not delay the next start), each timed from its start. Not autocannon's `overallRate`: that
 *   lets each connection send its whole per-second quota back to back at the start of every second
 *   (httpClient.js `reqsMadeThisSecond`), i.e. a burst of saturation each second, and its coordinated-
 *   omission correction uses an interval of `Math.ceil(1 / rate)` = 1 ms (run.js), which adds a
 *   made-up sample for every millisecond of each answer and so halves the p50 it reports.
 */

/** One request; `took` is the sidecar's own per-stage timing when the caller wants it. */
export type Call = () => Promise<{ ok: boolean; took?: Record<string, number> }>;

export interface Measured extends LatencySummary {
  errors: number;
  /** Answered requests per second over the run. */
  rps: number;
  seconds: number;
}

export interface SequentialResult extends Measured {
  tooks: Array<Record<string, number>>;
}

export async function sequential(call: Call, count: number): Promise<SequentialResult> {
  const latencies: number[] = [];
  const tooks: Array<Record<string, number>> = [];
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const answer = await call().catch(() => ({ ok: false, took: undefined }));
    const ms = performance.now() - t0;
    if (!answer.ok) {
      errors += 1;
      continue;
    }
    latencies.push(ms);
    if (answer.took) tooks.push(answer.took);
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...summarize(latencies), errors, rps: Math.round((latencies.length / seconds) * 10) / 10, seconds, tooks };
}

/** `concurrency` callers, each calling again as soon as answered, for `durationS`. */
export async function saturateCalls(call: Call, concurrency: number, durationS: number): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const answer = await call().catch(() => ({ ok: false }));
        if (answer.ok) latencies.push(performance.now() - t0);
        else errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ...summarize(latencies), errors, rps: Math.round((latencies.length / seconds) * 10) / 10, seconds };
}

export interface PacedResult extends Measured {
  offered_rps: number;
  /** p99 of how late a request started after its instant (ms): the load tool keeping up. */
  start_lag_p99: number;
}

/** `rate` requests per second at evenly spaced instants for `durationS`, whatever the answers' speed. */
export async function paced(call: Call, rate: number, durationS: number): Promise<PacedResult> {
  const interval = 1000 / rate;
  const total = Math.max(1, Math.round(rate * durationS));
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  const inFlight: Array<Promise<void>> = [];
  const started = performance.now() + 5;
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0.5) await sleep(wait);
    const t0 = performance.now();
    lags.push(Math.max(0, t0 - due));
    inFlight.push(
      call()
        .catch(() => ({ ok: false }))
        .then((answer) => {
          if (answer.ok) latencies.push(performance.now() - t0);
          else errors += 1;
        }),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  return {
    ...summarize(latencies),
    errors,
    rps: Math.round((latencies.length / seconds) * 10) / 10,
    seconds,
    offered_rps: rate,
    start_lag_p99: summarize(lags).p99,
  };
}

/** An HTTP request that changes with every call (fresh query text, user, vector, photo). */
export interface HttpTarget {
  origin: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The next request's path and body. */
  next(): { path: string; body?: string };
}

/** A Call over one connection (sequential) or a pool of them (paced); parses the body when `withTook`. */
export function httpCalls(target: HttpTarget, options: { connections: number; withTook?: boolean }): { call: Call; close(): Promise<void> } {
  const dispatcher = options.connections === 1 ? new HttpClient(target.origin, { pipelining: 1 }) : new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const call: Call = async () => {
    const { path, body } = target.next();
    const response = await dispatcher.request({ method: target.method, path, headers: target.headers, ...(body !== undefined ? { body } : {}) });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (!options.withTook || !ok) {
      await response.body.text();
      return { ok };
    }
    const json = (await response.body.json()) as { took_ms?: Record<string, number> };
    return { ok, ...(json.took_ms ? { took: json.took_ms } : {}) };
  };
  return { call, close: () => dispatcher.close() };
}

/** Saturation of an HTTP row by autocannon: `connections` connections for `durationS`. */
export async function saturateHttp(target: HttpTarget, connections: number, durationS: number): Promise<Measured> {
  const result = await autocannon({
    url: target.origin,
    connections,
    duration: durationS,
    requests: [
      {
        method: target.method,
        path: '/',
        headers: target.headers,
        setupRequest: (request) => {
          const { path, body } = target.next();
          return { ...request, path, ...(body !== undefined ? { body } : {}) };
        },
      },
    ],
  });
  const answered = result['2xx'];
  return {
    n: answered,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: Math.round(result.latency.mean * 10) / 10,
    errors: result.errors + result.timeouts + result.non2xx,
    rps: Math.round((answered / result.duration) * 10) / 10,
    seconds: result.duration,
  };
}
