import { errors } from '@elastic/elasticsearch';
import { pino, type Logger } from 'pino';
import { createClient } from '../es-mappings/client.ts';
import { encodeVectorBytes } from '../es-mappings/vector-bytes.ts';
import { createApp } from '../sidecar/app.ts';
import { afterAnswer, type EventWriter } from '../sidecar/events/event-writer.ts';
import { SidecarMetrics } from '../sidecar/http/metrics.ts';
import { DEFAULT_LIMITS } from '../sidecar/open-services.ts';
import { DEFAULT_RANKING } from '../sidecar/pipeline/request-options.ts';
import { ProfileStore } from '../sidecar/profiles/profile-store.ts';
import { ProfileBlendPass } from '../sidecar/rerank/profile-blend.ts';
import type { ElasticReads, Interaction, ListOptions, ListQuery, PhotoRow, Retrieved } from '../sidecar/retrieval/elastic-reads.ts';
import { TextStore, VectorStore } from '../sidecar/retrieval/photo-cache.ts';
import type { PhotoSource } from '../sidecar/retrieval/elastic-reads.ts';
import type { Candidate } from '../ltr/second-pass.ts';
import type { SidecarLimits, SidecarServices } from '../sidecar/services.ts';

/** A photo of an in-memory world: what ranking and display read of it. */
export interface MemoryPhoto {
  id: string;
  photographer?: string;
  downloads?: number;
  description?: string;
  vector?: number[];
}

/** What the in-memory reads answer; a retriever's list is given best first, as `[id, score]`. */
export interface MemoryWorld {
  photos: MemoryPhoto[];
  keyword?: Array<[string, number]>;
  knn?: Array<[string, number]>;
  /** Feedback per user, newest first. */
  interactions?: Record<string, Interaction[]>;
  /** What the ES-compatible route's forwarded search answers (Elasticsearch's response body). */
  forward?: Record<string, unknown>;
}

/**
 * The reads of `ElasticReads` answered from lists in memory, for unit tests of the serving logic.
 * They answer what the queries would have answered (candidates, texts, vectors), not how:
 * filters are not applied (that is Elasticsearch's part, tested in the `.es.test.ts` files).
 */
export function memoryReads(world: MemoryWorld): ElasticReads {
  const byId = new Map(world.photos.map((p) => [p.id, p]));
  const popular = (): Array<[string, number]> => [...world.photos].sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0)).map((p) => [p.id, p.downloads ?? 0]);
  const retrieved = (query: ListQuery, options: ListOptions): Retrieved => {
    const list = query.kind === 'keyword' ? (world.keyword ?? []) : query.kind === 'knn' ? (world.knn ?? []) : popular();
    const excluded = new Set(options.excludeIds ?? []);
    const hits = list.filter(([id]) => byId.has(id) && !excluded.has(id)).slice(0, options.size);
    return {
      list: { name: query.name, hits: hits.map(([id, score]) => ({ id, score })) },
      candidates: new Map(hits.map(([id]) => [id, candidateOf(byId.get(id)!)])),
      request: { in_memory: query.name },
      took: 0,
    };
  };
  return {
    lists: async (queries, options) => queries.map((query) => retrieved(query, options)),
    texts: async (ids) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, sourceOf(byId.get(id)!)] as const] : []))),
    vectors: async (ids) => new Map(ids.flatMap((id) => (byId.get(id)?.vector ? [[id, Float32Array.from(byId.get(id)!.vector!)] as const] : []))),
    // Read by id only: the in-memory world has no table to load (photo-table tests load one of their own).
    scanPhotos: async () => undefined,
    indexedAfter: async () => false,
    exists: async (id) => byId.has(id),
    interactions: async (user, options) => (world.interactions?.[user] ?? []).slice(0, options.size),
    forward: async () => structuredClone(world.forward ?? { took: 0, hits: { hits: [] } }),
  };
}

function candidateOf(photo: MemoryPhoto): Candidate {
  return { photo_id: photo.id, photographer: photo.photographer ?? null, country: null, downloads: photo.downloads ?? null, views: null, submitted_at: null };
}

function sourceOf(photo: MemoryPhoto): PhotoSource {
  return { photo_id: photo.id, description: photo.description ?? null, photographer: { username: photo.photographer ?? null } };
}

/**
 * A read that answers only when its request gives up, the way the client does: it fails with
 * RequestAbortedError once the signal it was handed aborts. `seen` keeps that signal for the test.
 */
export function hangingRead(): { seen: AbortSignal[]; read: (options: { signal?: AbortSignal }) => Promise<never> } {
  const seen: AbortSignal[] = [];
  return {
    seen,
    read: (options) =>
      new Promise<never>((_, reject) => {
        const signal = options.signal;
        if (!signal) return reject(new Error('test: the read was given no signal, so nothing could ever abort it'));
        seen.push(signal);
        signal.addEventListener('abort', () => reject(new errors.RequestAbortedError('Request aborted')), { once: true });
      }),
  };
}

/** An event writer that keeps what it is given. */
export function memoryEvents(): EventWriter & { documents: Array<Record<string, unknown>>; written(): Promise<Array<Record<string, unknown>>> } {
  const documents: Array<Record<string, unknown>> = [];
  const write = (document: Record<string, unknown>) => void documents.push(document);
  // Documents made after the answer are made as the real writer makes them, and wait for nothing else.
  const later = afterAnswer(write, (error) => {
    throw error;
  });
  return {
    documents,
    /** Every document, once those made after their answers are in. */
    async written() {
      await later.settled();
      return documents;
    },
    write,
    writeAfter: later.writeAfter,
    close: () => later.settled(),
    pending: 0,
  };
}

/** A pino logger whose JSON lines land in `lines`. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

export type MemoryServices = SidecarServices & { searchEvents: ReturnType<typeof memoryEvents>; feedbackEvents: ReturnType<typeof memoryEvents> };

/**
 * Services over in-memory reads, with the sidecar's own caches, profile store, ranking defaults and
 * (unless replaced) the profile-blend second pass. The client points at an address where nothing
 * listens: what uses it directly (the probes) answers as with Elasticsearch down, unless a test
 * gives its own.
 */
export function memoryServices(reads: ElasticReads, overrides: Partial<Omit<SidecarServices, 'limits'>> & { limits?: Partial<SidecarLimits> } = {}): MemoryServices {
  const { limits, ...rest } = overrides;
  const vectors = rest.vectors ?? new VectorStore(reads, { index: 'photos' });
  const texts = rest.texts ?? new TextStore(reads, { index: 'photos' });
  const profiles = rest.profiles ?? new ProfileStore(reads, vectors, { index: 'photos' });
  return {
    es: createClient({ url: 'http://127.0.0.1:1' }, { requestTimeout: 1_000, maxRetries: 0 }),
    index: 'photos',
    secondPass: new ProfileBlendPass(),
    ranking: DEFAULT_RANKING,
    metrics: new SidecarMetrics(),
    logger: pino({ level: 'silent' }),
    ...rest,
    reads,
    vectors,
    texts,
    profiles,
    searchEvents: memoryEvents(),
    feedbackEvents: memoryEvents(),
    limits: { ...DEFAULT_LIMITS, ...limits },
  };
}

/** The app over in-memory services. */
export function memoryApp(reads: ElasticReads, overrides: Parameters<typeof memoryServices>[1] = {}): { app: ReturnType<typeof createApp>; services: MemoryServices } {
  const services = memoryServices(reads, overrides);
  return { app: createApp(services), services };
}

/** POST a JSON body (or a string as it is) to the app (no network). */
export function postJson(app: ReturnType<typeof createApp>, path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init }));
}

/** The JSON answer of an app request, with its status and headers. */
export async function answer<T>(response: Response | Promise<Response>): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as T, headers: r.headers };
}

export type ProblemBody = { error: { status: number; message: string; issues?: Array<{ path: string; message: string }> } };

/** A photo as the photo table's scan yields it: `vector` as clip_f32 bytes, a description. */
export function photoRow(id: string, vector: number[], indexedAt?: number, description = `photo ${id}`): PhotoRow {
  const facts = { photo_id: id, photographer: null, country: null, downloads: null, views: null, submitted_at: null };
  return { id, bytes: Buffer.from(encodeVectorBytes(vector), 'base64'), source: { photo_id: id, description }, facts, ...(indexedAt !== undefined ? { indexedAt } : {}) };
}

/** Scans over photos p0…p{n-1}, vector [i, 1], indexed at 1,000·i ms; records each scan's `since`. */
export function scannedIndex(n: number, scans = true) {
  const since: Array<number | undefined> = [];
  const photos = Array.from({ length: n }, (_, i) => ({ id: `p${i}`, vector: [i, 1], at: 1_000 * i }));
  const reads: Pick<ElasticReads, 'scanPhotos'> = {
    async scanPhotos(options) {
      if (!scans) return undefined;
      since.push(options.since);
      return (async function* () {
        for (const p of photos) if (options.since === undefined || p.at >= options.since) yield photoRow(p.id, p.vector, p.at);
      })();
    },
  };
  return { reads, since, photos };
}
