import type { Featureset } from '../ranker/featureset.ts';
import type { RankingGroup } from '../ranker/lambdamart.ts';
import { joinEvents, type JoinedEvents } from './join-events.ts';
import { gradeOf, isAttracted } from './labels.ts';
import { rowFromJson, type LoggedFeedback, type LoggedSearch } from './logged-search.ts';
import { estimatePropensities, ipsWeight, pairClicks, type Propensities } from './propensity.ts';

/** One logged search as the ranker learns from it: its shown rows, labels, IPS weights and positions. */
export interface LoggedGroup extends RankingGroup {
  requestId: string;
  time: number;
  /** Each row's shown position (1-based). */
  positions: Int32Array;
}

export interface LearningSetOptions {
  featureset: Featureset;
  /** Weigh each click by 1/θ of its shown rank (default true); false: every pair weighs 1. */
  ips?: boolean;
  /** The depth of the randomized pairs (default 10). */
  depth?: number;
  windowMs?: number;
  minClicks?: number;
}

export interface LearningSet {
  /** Searches with feedback on a shown photo, oldest first. */
  groups: LoggedGroup[];
  propensities: Propensities;
  join: Omit<JoinedEvents, 'feedback'>;
  counts: { searches: number; withFeatures: number; otherFeatureset: number; feedback: number; groups: number; clickedRows: number };
}

/**
 * From the logs to the ranker's training set. Each logged search with the featureset the ranker
 * is trained on becomes a group of its shown rows (the vectors as serving computed them), labelled
 * by the feedback joined to it (`gradeOf`); rows logged but not shown are left out (nobody looked
 * at them, so they say nothing). The propensities come from the searches that randomized a pair;
 * with `ips`, each labelled row weighs 1/θ of the rank it was shown at.
 */
export function learningSet(searches: readonly LoggedSearch[], feedback: readonly LoggedFeedback[], options: LearningSetOptions): LearningSet {
  const depth = options.depth ?? 10;
  const joined = joinEvents(searches, feedback, options.windowMs === undefined ? {} : { windowMs: options.windowMs });
  const swapped = searches.flatMap((search) => {
    if (!search.swap || !search.logged) return [];
    const given = joined.feedback.get(search.request_id);
    const clickedRanks = search.logged.flatMap((row) => (row.shown !== null && given?.has(row.id) && isAttracted(given.get(row.id)!) ? [row.shown] : []));
    return [{ swap: search.swap, clickedRanks }];
  });
  const propensities = estimatePropensities(pairClicks(swapped, depth), options.minClicks === undefined ? {} : { minClicks: options.minClicks });
  const { featureset } = options;
  const width = featureset.features.length;
  let withFeatures = 0;
  let otherFeatureset = 0;
  let clickedRows = 0;
  const groups: LoggedGroup[] = [];
  for (const search of searches) {
    if (!search.logged || !search.featureset) continue;
    if (search.featureset.name !== featureset.name || search.featureset.version !== featureset.version) {
      otherFeatureset++;
      continue;
    }
    withFeatures++;
    const given = joined.feedback.get(search.request_id);
    if (!given) continue;
    const rows = search.logged.filter((row) => row.shown !== null && row.values.length === width);
    const labels = Float32Array.from(rows, (row) => gradeOf(given.get(row.id) ?? []));
    if (!labels.some((l) => l > 0)) continue;
    const features = new Float32Array(rows.length * width);
    rows.forEach((row, i) => features.set(rowFromJson(row.values), i * width));
    const positions = Int32Array.from(rows, (row) => row.shown!);
    clickedRows += labels.filter((l) => l > 0).length;
    groups.push({
      requestId: search.request_id,
      time: Date.parse(search['@timestamp']),
      features,
      labels,
      rows: rows.length,
      positions,
      ...(options.ips === false ? {} : { weights: Float32Array.from(rows, (row, i) => (labels[i]! > 0 ? ipsWeight(propensities.theta, row.shown!) : 1)) }),
    });
  }
  groups.sort((a, b) => a.time - b.time);
  const { feedback: _, ...join } = joined;
  return { groups, propensities, join, counts: { searches: searches.length, withFeatures, otherFeatureset, feedback: feedback.length, groups: groups.length, clickedRows } };
}
