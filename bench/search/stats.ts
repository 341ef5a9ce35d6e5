/** Latency summaries and the ratios of `npm run bench:search` (pure functions, unit-tested). */

/** Nearest-rank percentile (p in 0–100) of ascending `sorted`; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  /** Requests answered without error. */
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50/p90/p99/max/mean of latencies in ms, rounded to 0.1 ms. */
export function summarize(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: round1(percentile(sorted, 50)), p90: round1(percentile(sorted, 90)), p99: round1(percentile(sorted, 99)), max: round1(sorted.at(-1) ?? Number.NaN), mean: round1(mean) };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Per-stage p50 of the `took_ms` objects of the sidecar's responses (stages missing from some responses count where present). */
export function stageMedians(tooks: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const byStage = new Map<string, number[]>();
  for (const took of tooks) for (const [stage, ms] of Object.entries(took)) (byStage.get(stage) ?? byStage.set(stage, []).get(stage)!).push(ms);
  return Object.fromEntries([...byStage].map(([stage, values]) => [stage, round1(percentile([...values].sort((a, b) => a - b), 50))]));
}

/** What the ratios are computed from, all measured in the same run at one size; a row not measured (`--rows`) is left undefined. */
export interface RatioInputs {
  /** p50 ms, one request at a time. */
  p50: {
    embed?: number;
    msearch?: number;
    /** The `embed → es msearch` row: one fresh query embedded, then its msearch sent, in sequence. */
    sequenced?: number;
    hybrid?: number;
    personalized?: number;
    recommend?: number;
    /** The personalized search on a sidecar serving an interleaving experiment. */
    experiment?: number;
    /** The personalized search on a sidecar started with --no-feature-log. */
    loggingOff?: number;
  };
  /** Saturated req/s of the personalized hybrid /search. */
  personalizedRps?: number;
  /**
   * CPU seconds per request of the parts while saturated (as the personalized row's req/s is):
   * the encoder (in-process) and Elasticsearch's msearch of both lists.
   */
  cpuPerRequest?: { embed?: number; msearch?: number };
  /** The same, one request at a time (for comparison: it also charges each request the CPU a process burns per second while busy). */
  cpuPerRequestOneAtATime?: { embed?: number; msearch?: number };
  /** Cores of the machine (Elasticsearch, the sidecar and the load tool share them). */
  cores: number;
}

export interface Ratios {
  personalized_over_parts?: number;
  hybrid_over_parts?: number;
  personalized_over_sequenced_parts?: number;
  hybrid_over_sequenced_parts?: number;
  sequenced_over_parts?: number;
  throughput_over_ceiling?: number;
  recommend_over_search?: number;
  /** The parts' ceiling in req/s: cores ÷ (CPU s per request of embed + msearch), saturated. */
  ceiling_rps?: number;
  /** The same ceiling from the one-at-a-time CPU per request (not used by the ratio). */
  ceiling_rps_one_at_a_time_cpu?: number;
  experiment_over_personalized?: number;
  feature_logging_overhead?: number;
}

/** a + b, or undefined when either is. */
const sum = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a + b);
/** a ÷ b rounded to 0.001, or undefined when either is undefined (a row not measured). */
const over = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : round3(a / b));

/**
 * The ratios of issue J, each left out when a row it needs was not measured:
 * - personalized_over_parts = p50 personalized hybrid ÷ (p50 embed + p50 msearch of both lists),
 *   the parts each measured back to back;
 * - hybrid_over_parts = p50 plain hybrid ÷ the same parts;
 * - personalized_over_sequenced_parts, hybrid_over_sequenced_parts = the same p50s ÷ p50 of the
 *   `embed → es msearch` row, the two parts run one after the other per call as a request runs
 *   them (the encoder run back to back is faster than the same call with other work between two);
 * - sequenced_over_parts = p50 `embed → es msearch` ÷ (p50 embed + p50 msearch): what running the
 *   parts in sequence costs over running each back to back;
 * - throughput_over_ceiling = saturated personalized req/s ÷ ceiling, where ceiling = cores ÷ (CPU
 *   seconds per request of the embedding + CPU seconds per request of the msearch, each measured
 *   saturated): the request rate the machine would reach if every core did nothing but the parts;
 * - recommend_over_search = p50 /recommend ÷ p50 personalized /search;
 * - experiment_over_personalized = p50 personalized search with an interleaving experiment ÷ p50 personalized;
 * - feature_logging_overhead = p50 personalized ÷ p50 the same with feature logging off.
 */
export function ratios(input: RatioInputs): Ratios {
  const { p50 } = input;
  const parts = sum(p50.embed, p50.msearch);
  const cpuParts = sum(input.cpuPerRequest?.embed, input.cpuPerRequest?.msearch);
  const ceiling = cpuParts === undefined ? undefined : input.cores / cpuParts;
  const cpuPartsOneAtATime = sum(input.cpuPerRequestOneAtATime?.embed, input.cpuPerRequestOneAtATime?.msearch);
  const all: Ratios = {
    personalized_over_parts: over(p50.personalized, parts),
    hybrid_over_parts: over(p50.hybrid, parts),
    personalized_over_sequenced_parts: over(p50.personalized, p50.sequenced),
    hybrid_over_sequenced_parts: over(p50.hybrid, p50.sequenced),
    sequenced_over_parts: over(p50.sequenced, parts),
    throughput_over_ceiling: over(input.personalizedRps, ceiling),
    recommend_over_search: over(p50.recommend, p50.personalized),
    ceiling_rps: ceiling === undefined ? undefined : round1(ceiling),
    ceiling_rps_one_at_a_time_cpu: cpuPartsOneAtATime === undefined ? undefined : round1(input.cores / cpuPartsOneAtATime),
    experiment_over_personalized: over(p50.experiment, p50.personalized),
    feature_logging_overhead: over(p50.personalized, p50.loggingOff),
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as Ratios;
}
