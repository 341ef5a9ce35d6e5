import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Client } from '../es-mappings/client.ts';
import type { ClipEncoder } from './clip/index.ts';
import type { ElasticReads } from './retrieval/elastic-reads.ts';
import type { EventWriter } from './events/event-writer.ts';
import type { SidecarMetrics } from './http/metrics.ts';
import type { LearningSettings } from './learning/learning-settings.ts';
import type { ProfileStore } from './profiles/profile-store.ts';
import type { SecondPass } from '../ltr/second-pass.ts';
import type { QueryEmbedder } from './search/query-embedder.ts';
import type { RankingDefaults } from './pipeline/request-options.ts';
import type { TextStore, VectorStore } from './retrieval/photo-cache.ts';
import type { TableSync } from './retrieval/table-sync.ts';
import type { EsProxyAuth } from './es-front/forwarded-headers.ts';
import type { UrlFetchPolicy } from './similar/fetch-image.ts';
import type { Experiment } from './experiments/experiment.ts';

/** Everything a request handler may use; built once by `openServices` (or by a test). */
export interface SidecarServices {
  /** The client, for what is not a request's read: the probes, and naming the connection in error answers. */
  es: Client;
  /** Every read a request makes of Elasticsearch (the lists, vectors, texts, feedback, the ES-compatible search). */
  reads: ElasticReads;
  /** The photos alias searched. */
  index: string;
  /** CLIP (text and image); clip and hybrid modes and /similar by image need it. */
  encoder?: ClipEncoder;
  queries?: QueryEmbedder;
  /** The second pass of personalized requests: the LambdaMART model of `--models`, else the profile blend. */
  secondPass?: SecondPass;
  /** The running online experiment of /search (`serve --experiment FILE`; swapped on SIGHUP). */
  experiment?: Experiment;
  profiles: ProfileStore;
  /** Photos' CLIP vectors (held in the photo table, else cached; Elasticsearch keeps them out of `_source`). */
  vectors: VectorStore;
  /** Keeps the photo table of `vectors` and `texts` loaded (`serve`); absent, photos are read by id. */
  tableSync?: TableSync;
  /** The texts and URLs of photos on served pages (held in the photo table, else cached). */
  texts: TextStore;
  searchEvents: EventWriter;
  feedbackEvents: EventWriter;
  ranking: RankingDefaults;
  /** Feature logging and randomized swaps; absent: `DEFAULT_LEARNING` (logging on, no swaps). */
  learning?: LearningSettings;
  metrics: SidecarMetrics;
  logger: Logger;
  limits: SidecarLimits;
}

/** The request a handler serves: its id (logs, events) and the signal its Elasticsearch calls take. */
export interface RequestScope {
  requestId: string;
  /** Aborted at the time limit or when the client goes away; absent outside HTTP (`pixrank search`). */
  signal?: AbortSignal;
}

/** What a handler passes down: the request id, and the signal of the time limit and the client's connection. */
export function scopeOf(c: Context): RequestScope {
  return { requestId: c.get('requestId'), signal: c.get('requestSignal') };
}

export interface SidecarLimits {
  /** Largest request body (JSON or an uploaded image), bytes. */
  bodyBytes: number;
  /** Longest a request may take before a 504. */
  requestTimeoutMs: number;
  /** Fetching an image by URL for /similar. */
  urlFetch: UrlFetchPolicy;
  /** When set, every route but health, metrics and docs needs `Authorization: Bearer <key>` or `x-api-key`. */
  apiKeys?: string[];
  /**
   * The Elasticsearch front (`_search` and every call passed to the cluster): refuse scripts,
   * `query_string`, `q=` and the script/query-language APIs in what is read (on by default).
   */
  compatDenyScripts: boolean;
  /** The Elasticsearch front: whether writes and admin calls pass (`--es-proxy-writes`), and whose credentials go with a call without its own (`--es-proxy-auth`). */
  esProxy: { writes: boolean; auth: EsProxyAuth };
}
