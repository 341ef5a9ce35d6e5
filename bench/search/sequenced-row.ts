import { Pool } from 'undici';
import type { ClipEncoder } from '../../sidecar/clip/index.ts';
import type { WireRequest } from './bodies.ts';
import type { Call } from './load.ts';

export const SEQUENCED_ROW = 'embed → es msearch';

/** The sidecar's body builders of bench/search/bodies.ts (`sidecarRequests`). */
export interface MsearchBodies {
  keyword(text: string): Promise<WireRequest>;
  knn(vector: Float32Array): Promise<WireRequest>;
  msearch(keyword: WireRequest, knn: WireRequest): WireRequest;
}

export interface SequencedCallOptions {
  encoder: ClipEncoder;
  bodies: MsearchBodies;
  nextText: () => string;
  /** Elasticsearch's origin and the headers of its requests (authorization). */
  origin: string;
  headers: Record<string, string>;
  /** Connections of the pool: enough that no caller waits for one (the paced run starts many at once). */
  connections: number;
}

/**
 * The two parts of a text search as a request runs them: per call, one fresh query embedded by the
 * bench's encoder, then the sidecar's msearch for that text and vector (the same bodies as the
 * `es msearch` row: `textLists` + `listRequest`, `_msearch?include_named_queries_score=true`) sent
 * to Elasticsearch and its whole answer read. Measured this way because the encoder called back to
 * back (the `embed` row) is faster than the same call with an msearch between two: the parts rows
 * alone time each under conditions no request has.
 *
 * Each answer's `took` is `{ embed, msearch }` in ms: the encoder's call, then building the bodies,
 * the round trip and reading the answer (the one-at-a-time run's p50 of each goes into the row's notes).
 */
export function sequencedCall(options: SequencedCallOptions): { call: Call; close(): Promise<void> } {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const call: Call = async () => {
    const text = options.nextText();
    const t0 = performance.now();
    const [vector] = await options.encoder.embedText([text]);
    const t1 = performance.now();
    if (vector === undefined) return { ok: false };
    const request = options.bodies.msearch(await options.bodies.keyword(text), await options.bodies.knn(vector));
    const response = await pool.request({ method: 'POST', path: request.path, headers: { ...options.headers, 'content-type': request.contentType }, body: request.body });
    // Read as the `es msearch` row reads its answer: the whole body, as text.
    await response.body.text();
    const t2 = performance.now();
    return { ok: response.statusCode >= 200 && response.statusCode < 300, took: { embed: t1 - t0, msearch: t2 - t1 } };
  };
  return { call, close: () => pool.close() };
}

/**
 * One call's answer checked before the row is measured: a 200 whose two responses (keyword, kNN)
 * have no error and whose kNN list has hits. Returns what is wrong, or undefined.
 */
export async function sequencedSanity(options: Omit<SequencedCallOptions, 'connections'>): Promise<string | undefined> {
  const text = options.nextText();
  const [vector] = await options.encoder.embedText([text]);
  if (vector === undefined) return 'the encoder gave no vector';
  const request = options.bodies.msearch(await options.bodies.keyword(text), await options.bodies.knn(vector));
  const response = await fetch(`${options.origin}${request.path}`, { method: 'POST', headers: { ...options.headers, 'content-type': request.contentType }, body: request.body });
  const json = (await response.json()) as { responses?: Array<{ error?: unknown; hits?: { hits?: unknown[] } }> };
  if (response.status !== 200) return `status ${response.status}: ${JSON.stringify(json).slice(0, 300)}`;
  const answers = json.responses ?? [];
  if (answers.length !== 2) return `${answers.length} responses, not 2`;
  const failed = answers.find((a) => a.error !== undefined);
  if (failed) return `a search failed: ${JSON.stringify(failed.error).slice(0, 300)}`;
  // A kNN list always has hits (a keyword list may have none for some text).
  if ((answers[1]!.hits?.hits?.length ?? 0) === 0) return 'the kNN list has no hits';
  return undefined;
}
