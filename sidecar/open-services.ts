import { pino, type Logger } from 'pino';
import type { Client } from '../es-mappings/client.ts';
import { FEEDBACK_EVENTS_INDEX, SEARCH_EVENTS_INDEX } from '../es-mappings/templates.ts';
import { loadClipEncoder, threadsFromEnv } from './clip/index.ts';
import { createEventWriter, type EventWriter } from './events/event-writer.ts';
import { describeExperiment, openExperimentFile } from './experiments/experiment.ts';
import { SidecarMetrics } from './http/metrics.ts';
import { ProfileStore } from './profiles/profile-store.ts';
import { LtrSecondPass } from './rerank/ltr-pass.ts';
import { ProfileBlendPass } from './rerank/profile-blend.ts';
import { DEFAULT_RANKING, type RankingDefaults } from './pipeline/request-options.ts';
import { DEFAULT_LEARNING, type LearningSettings } from './learning/learning-settings.ts';
import { elasticReads } from './retrieval/elastic-reads.ts';
import { TextStore, VectorStore } from './retrieval/photo-cache.ts';
import { PhotoTable } from './retrieval/photo-table.ts';
import { listsFromTable, TableSync } from './retrieval/table-sync.ts';
import { QueryEmbedder } from './search/query-embedder.ts';
import type { SidecarLimits, SidecarServices } from './services.ts';
import { DEFAULT_URL_FETCH } from './similar/fetch-image.ts';

export interface OpenServicesOptions {
  es: Client;
  index: string;
  /** A CLIP model folder; without one only keyword search and /similar by photo id work. */
  modelDir?: string;
  quantized?: boolean;
  /** A `pixrank train` folder: its LambdaMART second pass replaces the profile blend. */
  modelsDir?: string;
  /** An experiment file (`serve --experiment`): /search serves its arms. */
  experimentFile?: string;
  logger?: Logger;
  limits?: Partial<SidecarLimits>;
  ranking?: Partial<RankingDefaults>;
  /** Feature logging and randomized swaps (`pixrank serve --swap-share`, `--no-feature-log`). */
  learning?: Partial<LearningSettings>;
  /**
   * Hold the photos' vectors and display fields in memory (`serve`; see photo-table.ts): up to
   * `photos` of them, loaded in the background at start and refreshed every `refreshMs`. Without it
   * they are read by id through the LRUs (`pixrank search`, one query; most tests).
   */
  photoTable?: { photos: number; refreshMs: number; overlapMs?: number };
  /** Event flush interval (ms); tests shorten it. */
  flushIntervalMs?: number;
  processMetrics?: boolean;
}

export type OpenedServices = SidecarServices & { close(): Promise<void> };

/** The photo table of a serving sidecar (`serve`, `start`): up to 250,000 photos, refreshed every 30 s. */
export const DEFAULT_PHOTO_TABLE = { photos: 250_000, refreshMs: 30_000 };

export const DEFAULT_LIMITS: SidecarLimits = {
  bodyBytes: 12 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  urlFetch: DEFAULT_URL_FETCH,
  compatDenyScripts: true,
  // Read-only, and the sidecar's credentials for calls without their own: what the one ES-compatible
  // `_search` did before the front passed every other call on.
  esProxy: { writes: false, auth: 'sidecar' },
};

/** Builds everything the routes use; `close()` flushes the event buffers and frees the model. */
export async function openServices(options: OpenServicesOptions): Promise<OpenedServices> {
  // JSON logs go to stderr: stdout stays the command's own output.
  // Written asynchronously: the access log's line is written after the handler and before the answer
  // goes out, and a synchronous write held every answer for it (about 1 ms a line on this 2-core VM,
  // where system calls are dear: 855 ms of 800 calls' CPU profile; bench/proxy.ts measures the effect).
  // `close()` flushes what is still buffered.
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'pixrank-sidecar' } }, pino.destination({ dest: 2, sync: false }));
  const metrics = new SidecarMetrics({ processMetrics: options.processMetrics });
  // One intra-op thread per run: concurrent requests already keep the cores busy (with Elasticsearch
  // beside them), and a second thread only adds hand-offs — 53 instead of 44 hybrid req/s under load
  // at 100k photos on 2 cores, the same single-request latency (README, Performance).
  const threads = threadsFromEnv() ?? 1;
  const encoder = options.modelDir ? await loadClipEncoder(options.modelDir, { quantized: options.quantized, textCacheSize: 0, threads }) : undefined;
  if (encoder) logger.info({ model: encoder.modelDir, dims: encoder.dims, quantized: encoder.quantized, threads }, 'clip model loaded');
  const eventErrors = (index: string) => (message: string, lost: number) => {
    metrics.eventsLost.inc({ index }, lost);
    logger.warn({ index, lost }, message);
  };
  const writer = (index: string): EventWriter => createEventWriter(options.es, { index, flushIntervalMs: options.flushIntervalMs, onError: eventErrors(index) });
  const reads = elasticReads(options.es);
  const table = options.photoTable && options.photoTable.photos > 0 ? new PhotoTable(options.photoTable.photos) : undefined;
  const vectors = new VectorStore(reads, {
    index: options.index,
    ...(table ? { table } : {}),
    onLookup: (hits, misses) => {
      metrics.vectorCache.inc({ result: 'hit' }, hits);
      metrics.vectorCache.inc({ result: 'miss' }, misses);
    },
  });
  const texts = new TextStore(reads, {
    index: options.index,
    ...(table ? { table } : {}),
    onLookup: (hits, misses) => {
      metrics.textCache.inc({ result: 'hit' }, hits);
      metrics.textCache.inc({ result: 'miss' }, misses);
    },
  });
  const tableSync = table ? new TableSync(table, reads, { index: options.index, logger, refreshMs: options.photoTable!.refreshMs, ...(options.photoTable!.overlapMs !== undefined ? { overlapMs: options.photoTable!.overlapMs } : {}) }) : undefined;
  const profiles = new ProfileStore(reads, vectors, { index: options.index });
  const served = tableSync ? listsFromTable(reads, table!, tableSync) : reads;
  const secondPass = options.modelsDir ? await LtrSecondPass.open(options.modelsDir) : new ProfileBlendPass();
  logger.info({ secondPass: secondPass.version, ...(options.modelsDir ? { models: options.modelsDir } : {}) }, 'second pass loaded');
  const experiment = options.experimentFile ? await openExperimentFile(options.experimentFile) : undefined;
  if (experiment) logger.info(describeExperiment(experiment), 'experiment loaded');
  const services: SidecarServices = {
    es: options.es,
    reads: served,
    index: options.index,
    encoder,
    queries: encoder ? new QueryEmbedder(encoder, { onLookup: (hit) => metrics.queryCache.inc({ result: hit ? 'hit' : 'miss' }) }) : undefined,
    secondPass,
    ...(experiment ? { experiment } : {}),
    profiles,
    vectors,
    ...(tableSync ? { tableSync } : {}),
    texts,
    searchEvents: writer(SEARCH_EVENTS_INDEX),
    feedbackEvents: writer(FEEDBACK_EVENTS_INDEX),
    ranking: { ...DEFAULT_RANKING, ...options.ranking },
    learning: { ...DEFAULT_LEARNING, ...options.learning },
    metrics,
    logger,
    limits: { ...DEFAULT_LIMITS, apiKeys: apiKeysFromEnv(), ...options.limits },
  };
  return {
    ...services,
    async close() {
      tableSync?.stop();
      await Promise.all([services.searchEvents.close(), services.feedbackEvents.close()]);
      await encoder?.close();
      await flushed(logger);
    },
  };
}

/** The log's buffered lines written out; never waits more than a second (a closed stderr never answers). */
async function flushed(logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((resolve) => logger.flush(() => resolve())), new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)))]);
  clearTimeout(timer);
}

/** `PIXRANK_API_KEYS=key1,key2` turns on API-key auth for every route but probes, metrics and docs. */
function apiKeysFromEnv(): string[] | undefined {
  const keys = (process.env.PIXRANK_API_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k.length > 0);
  return keys.length > 0 ? keys : undefined;
}
