import { createHash } from 'node:crypto';
import { FEATURES, PIXRANK_FEATURESET } from '../../ltr/features/pixrank-featureset.ts';
import { rowToJson, type LoggedRow, type SearchLogFields } from '../../ltr/learning/logged-search.ts';
import { Random } from '../../ltr/random.ts';
import type { RerankContext, SecondPass } from '../../ltr/second-pass.ts';
import type { RankedHit } from '../pipeline/pipeline.ts';
import { servingFeatures } from '../rerank/feature-inputs.ts';
import { adjacentSwap } from './adjacent-swap.ts';
import type { LearningSettings } from './learning-settings.ts';

export interface LearningInput {
  /** The served order of the request (second pass, else first stage; after the policy). */
  ranked: readonly RankedHit[];
  page: { page: number; k: number };
  requestId: string;
  settings: LearningSettings;
}

/** What the feature log is computed from: known once the answer is out (the profile read beside the request, the window's vectors). */
export interface FeatureLogInput {
  /**
   * Every candidate the second pass ranks (or would), in any order: the unshown rows are sampled from
   * it, and features are computed over it, as the pass computes them (its rank features are relative
   * to the whole window). Without it, `ranked`.
   */
  window?: readonly RankedHit[];
  /** The request as the featureset reads it (user, query, country, language, query vector, profile when read). */
  context: RerankContext;
  /** The loaded second pass: its models compute the features of a request it did not score. */
  pass?: SecondPass;
}

/** A request's own seeded random: the same request id makes the same choices (a test, a replay). */
export function requestRandom(requestId: string): Random {
  return new Random(createHash('sha256').update(requestId).digest().readInt32LE(0));
}

/**
 * Learning's part of a served search, after ranking and before the page is cut: the randomized
 * adjacent swap (first pages only), and the feature log — every candidate on the page and
 * `windowSample` drawn uniformly from the rest of the window, each with its vector and shown
 * position. A request the second pass scored logs the vectors it scored; an unpersonalized one
 * computes them the same way (same extraction, over the same window, with the loaded models).
 * The swap changes the page, so it is made now; the log is made by `log()`, which the search route
 * calls after the answer went out (for an unpersonalized search it is a second pass's worth of work).
 */
export function learningStage(input: LearningInput): { ranked: readonly RankedHit[]; log: (features: FeatureLogInput) => SearchLogFields } {
  const { page, settings } = input;
  const random = requestRandom(input.requestId);
  const explored = page.page === 1 ? adjacentSwap(input.ranked, page.k, { share: settings.swapShare, depth: settings.swapDepth }, random) : { ranked: input.ranked };
  const ranked = explored.ranked;
  const swap: SearchLogFields = explored.swap ? { swap: explored.swap } : {};
  if (!settings.logFeatures || ranked.length === 0) return { ranked, log: () => swap };
  return { ranked, log: (features) => ({ ...swap, ...featureLog(input, features, ranked, random) }) };
}

/** The page's rows and the window's sample, with their feature vectors (`random` continues the request's own). */
function featureLog(input: LearningInput, features: FeatureLogInput, ranked: readonly RankedHit[], random: Random): SearchLogFields {
  const { page, settings } = input;
  const start = (page.page - 1) * page.k;
  const onPage = ranked.slice(start, start + page.k);
  const window = features.window ?? ranked;
  const shownAt = new Map(onPage.map((hit, i) => [hit.id, start + i + 1]));
  const rest = window.flatMap((hit, i) => (shownAt.has(hit.id) ? [] : [i]));
  const sample = sampleOf(rest, settings.windowSample, random);
  const rows = vectorsOf(features, window);
  const indexOf = new Map(window.map((hit, i) => [hit.id, i]));
  const width = FEATURES.length;
  const logged: LoggedRow[] = [
    // A shown hit missing from the window (not expected) is logged with its own scored vector, or not at all.
    ...onPage.flatMap((hit) => {
      const i = indexOf.get(hit.id);
      const values = hit.features ?? (i !== undefined ? rows(i, width) : undefined);
      return values ? [{ id: hit.id, shown: shownAt.get(hit.id)!, values: rowToJson(values) }] : [];
    }),
    ...sample.map((i) => ({ id: window[i]!.id, shown: null, values: rowToJson(rows(i, width)) })),
  ];
  return { featureset: { name: PIXRANK_FEATURESET.name, version: PIXRANK_FEATURESET.version }, logged };
}

/** The i-th window hit's vector: the one the second pass scored, else one row of the window's matrix, computed once. */
function vectorsOf(input: FeatureLogInput, window: readonly RankedHit[]): (i: number, width: number) => Float32Array {
  let matrix: Float32Array | undefined;
  return (i, width) => {
    const scored = window[i]!.features;
    if (scored) return scored;
    matrix ??= input.pass?.features ? input.pass.features(input.context, [...window]) : servingFeatures(input.context, window);
    return matrix.subarray(i * width, (i + 1) * width);
  };
}

/** `count` of `items` uniformly without replacement (partial Fisher–Yates), in their given order. */
function sampleOf(items: number[], count: number, random: Random): number[] {
  const pool = items.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = random.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n).sort((a, b) => a - b);
}
