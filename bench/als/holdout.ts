import type { ConversionEvent } from '../../ltr/data/events.ts';
import { interactionMatrix, type InteractionMatrix } from '../../ltr/interactions.ts';
import { topK } from '../../ltr/recommender.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface HoldoutSplit {
  /** Every download but each evaluated user's last, counted per (user, photo); rows and columns fixed. */
  train: InteractionMatrix;
  /** (user row, held-out photo column) per evaluated user. */
  heldOut: Array<{ user: number; item: number }>;
  /** Users left out: a single download (nothing to train on) or a last download they already had. */
  skipped: number;
}

/**
 * Leave-last-out: each user's last download in time order is held out; the rest trains. Items are
 * all photos (so a held-out photo nobody else downloaded still has a column, and scores 0).
 */
export function leaveLastOut(events: readonly ConversionEvent[], photoIds: readonly string[]): HoldoutSplit {
  const byUser = new Map<string, ConversionEvent[]>();
  for (const e of events) {
    let list = byUser.get(e.user);
    if (!list) byUser.set(e.user, (list = []));
    list.push(e);
  }
  const train: Array<{ user: string; item: string; weight: number }> = [];
  const last: Array<{ user: string; item: string }> = [];
  let skipped = 0;
  for (const [user, list] of byUser) {
    // events are in time order; the last one is the held-out download
    const held = list[list.length - 1]!;
    const before = list.slice(0, -1);
    if (before.length === 0 || before.some((e) => e.photo === held.photo)) {
      skipped += 1;
      for (const e of list) train.push({ user, item: e.photo, weight: 1 });
      continue;
    }
    for (const e of before) train.push({ user, item: e.photo, weight: 1 });
    last.push({ user, item: held.photo });
  }
  const matrix = interactionMatrix(train, { users: [...byUser.keys()], items: [...photoIds] });
  const heldOut = last.map(({ user, item }) => {
    const i = matrix.itemIndex.get(item);
    if (i === undefined) throw createError('DATA_MALFORMED', `als bench: held-out photo ${item} is not among the photos`);
    return { user: matrix.userIndex.get(user)!, item: i };
  });
  return { train: matrix, heldOut, skipped };
}

/**
 * Mean NDCG@k of the held-out downloads when each user's scores over all items (factors · factors,
 * items they trained on filtered out) are ranked. One relevant item: 1/log2(rank + 1) within k.
 */
export function ndcgAtK(split: HoldoutSplit, userFactors: Float32Array, itemFactors: Float32Array, f: number, k = 10): number {
  const items = split.train.itemIds.length;
  const seen = split.train.byUser;
  const scores = new Float32Array(items);
  let total = 0;
  for (const { user, item } of split.heldOut) {
    const x = userFactors.subarray(user * f, (user + 1) * f);
    for (let i = 0; i < items; i++) {
      let s = 0;
      const o = i * f;
      for (let a = 0; a < f; a++) s += x[a]! * itemFactors[o + a]!;
      scores[i] = s;
    }
    const had = new Set(seen.indices.subarray(seen.indptr[user]!, seen.indptr[user + 1]!));
    const rank = topK(scores, k, (i) => had.has(i)).indexOf(item);
    if (rank >= 0) total += 1 / Math.log2(rank + 2);
  }
  return split.heldOut.length > 0 ? total / split.heldOut.length : Number.NaN;
}
