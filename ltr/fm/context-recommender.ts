import { topK, type RecommendOptions, type ScoreContext, type Scored } from '../recommender.ts';
import type { FmContext } from './fields.ts';

/** What the Recommender methods of an FM-family model (FM, DeepFM) read of it. */
export interface ContextScoring {
  userIndex: ReadonlyMap<string, number>;
  itemIndex: ReadonlyMap<string, number>;
  fitted: { itemIds: readonly string[]; seenPtr: Int32Array; seenItems: Int32Array };
  scoreContext(context: FmContext, items: readonly string[]): Float32Array;
}

/** The Recommender score: NaN for an unknown user, and for an item not seen at fit. */
export function contractScore(model: ContextScoring, user: string, items: readonly string[], context: ScoreContext): Float32Array {
  if (!model.userIndex.has(user)) return new Float32Array(items.length).fill(Number.NaN);
  const scores = model.scoreContext({ user, query: context.query, country: context.country }, items);
  items.forEach((item, at) => {
    if (!model.itemIndex.has(item)) scores[at] = Number.NaN;
  });
  return scores;
}

/** Top k of the fitted items for each user, without query or country (an unknown user gets []). */
export function recommendByContext(model: ContextScoring, users: readonly string[], options: RecommendOptions): Scored[][] {
  const { itemIds, seenPtr, seenItems } = model.fitted;
  const candidates = options.candidates ? new Set(options.candidates.flatMap((id) => (model.itemIndex.has(id) ? [model.itemIndex.get(id)!] : []))) : undefined;
  return users.map((user) => {
    const u = model.userIndex.get(user);
    if (u === undefined) return [];
    const scores = model.scoreContext({ user }, itemIds);
    const seen = options.filterSeen !== false ? new Set(seenItems.subarray(seenPtr[u]!, seenPtr[u + 1]!)) : undefined;
    return topK(scores, options.k, (i) => (seen?.has(i) ?? false) || (candidates !== undefined && !candidates.has(i))).map((i) => ({ item: itemIds[i]!, score: scores[i]! }));
  });
}
