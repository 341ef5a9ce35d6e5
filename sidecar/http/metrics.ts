import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The sidecar's Prometheus metrics, on a registry of its own (one per app). */
export class SidecarMetrics {
  readonly registry = new Registry();
  readonly requests = new Histogram({
    name: 'pixrank_http_request_duration_seconds',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly stages = new Histogram({
    name: 'pixrank_stage_duration_seconds',
    help: 'Time per ranking stage (embed, retrieve, fuse, policy, rerank)',
    labelNames: ['route', 'stage'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly queryCache = new Counter({
    name: 'pixrank_query_embedding_cache_total',
    help: 'Query embeddings served from the cache (hit) or computed (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly vectorCache = new Counter({
    name: 'pixrank_vector_cache_total',
    help: 'Photo vectors served from the sidecar cache (hit) or read from Elasticsearch (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly textCache = new Counter({
    name: 'pixrank_text_cache_total',
    help: 'Photo texts of served pages from the sidecar cache (hit) or read from Elasticsearch (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly esErrors = new Counter({
    name: 'pixrank_elasticsearch_errors_total',
    help: 'Elasticsearch calls that failed, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly eventsLost = new Counter({
    name: 'pixrank_events_lost_total',
    help: 'Events (searches, feedback) Elasticsearch refused or that were lost with the connection',
    labelNames: ['index'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  recordStages(route: string, stages: Record<string, number>): void {
    for (const [stage, ms] of Object.entries(stages)) if (stage !== 'total') this.stages.observe({ route, stage }, ms / 1000);
  }
}
