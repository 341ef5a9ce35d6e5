import type { Logger } from 'pino';
import type { Client } from '../es-mappings/client.ts';
import type { ClipEncoder } from './clip/index.ts';
import type { ElasticReads } from './elastic-reads.ts';
import type { EventWriter } from './events/event-writer.ts';
import type { SidecarMetrics } from './http/metrics.ts';
import type { ProfileStore } from './profiles/profile-store.ts';
import type { SecondPass } from '../ltr/second-pass.ts';
import type { QueryEmbedder } from './search/query-embedder.ts';
import type { RankingDefaults } from './search/ranking-options.ts';
import type { VectorStore } from './search/vector-store.ts';
import type { UrlFetchPolicy } from './similar/fetch-image.ts';

/** Everything a request handler may use; built once by `openServices` (or by a test). */
export interface SidecarServices {
  /** The client, for what only Elasticsearch itself can answer: the probes and the ES-compatible `_search`. */
  es: Client;
  /** Every read a request makes for ranking and display (search, kNN, vectors, texts, feedback). */
  reads: ElasticReads;
  /** The photos alias searched. */
  index: string;
  /** CLIP (text and image); clip and hybrid modes and /similar by image need it. */
  encoder?: ClipEncoder;
  queries?: QueryEmbedder;
  /** The second pass of personalized requests: the LambdaMART model of `--models`, else the profile blend. */
  secondPass?: SecondPass;
  profiles: ProfileStore;
  /** Photos' CLIP vectors (cached; Elasticsearch keeps them out of `_source`). */
  vectors: VectorStore;
  searchEvents: EventWriter;
  feedbackEvents: EventWriter;
  ranking: RankingDefaults;
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

export interface SidecarLimits {
  /** Largest request body (JSON or an uploaded image), bytes. */
  bodyBytes: number;
  /** Longest a request may take before a 504. */
  requestTimeoutMs: number;
  /** Fetching an image by URL for /similar. */
  urlFetch: UrlFetchPolicy;
  /** When set, every route but health, metrics and docs needs `Authorization: Bearer <key>` or `x-api-key`. */
  apiKeys?: string[];
  /** ES-compatible _search: refuse scripts and query_string in the body (on by default). */
  compatDenyScripts: boolean;
}
