import { Random } from '../random.ts';
import type { InteractionMatrix } from '../interactions.ts';
import { FieldEncoder, type FmEvent, type ItemSide, type SparseFeatures } from './fields.ts';
import { createError } from '../../es-mappings/errors.ts';

/** Sparse rows in flat typed arrays: row r is `ptr[r]` … `ptr[r + 1]`. */
export interface FlatSparse {
  ptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  fields: Uint8Array;
}

export interface TrainingSetOptions {
  /** Share of events held out for the per-epoch AUC (default 0.02, at most `maxHoldout`). */
  holdout?: number;
  maxHoldout?: number;
  /** Negatives drawn per held-out event for the AUC (default 10). */
  auditNegatives?: number;
  /** Probability that a negative is drawn by popularity (from the events) instead of uniformly (default 0). */
  popularityMix?: number;
}

/**
 * The events of a BPR fit, encoded once: each event's context features, each item's features, the
 * items every user has (so a sampled negative is never one of them), and a held-out sample with
 * fixed negatives for the training AUC.
 */
export class TrainingSet {
  readonly userIds: string[] = [];
  readonly itemIds: string[] = [];
  readonly userIndex = new Map<string, number>();
  readonly itemIndex = new Map<string, number>();
  readonly eventUser: Int32Array;
  readonly eventItem: Int32Array;
  readonly contexts: FlatSparse;
  readonly itemFeatures: FlatSparse;
  /** Users' items, sorted, as rows of a CSR (for filterSeen and negative sampling). */
  readonly seenPtr: Int32Array;
  readonly seenItems: Int32Array;
  /** The same for the training events only: what a sampled negative must avoid. */
  private readonly trainPtr: Int32Array;
  private readonly trainItems: Int32Array;
  readonly train: Int32Array;
  readonly heldOut: Int32Array;
  /** `auditNegatives` negatives per held-out event, fixed for the whole fit. */
  readonly heldOutNegatives: Int32Array;
  readonly auditNegatives: number;
  private readonly popularityMix: number;

  constructor(
    readonly encoder: FieldEncoder,
    events: readonly FmEvent[],
    random: Random,
    options: TrainingSetOptions = {},
  ) {
    if (events.length === 0) throw createError('NOT_ENOUGH_DATA', 'fm: no events to fit');
    this.popularityMix = options.popularityMix ?? 0;
    this.auditNegatives = options.auditNegatives ?? 10;
    this.eventUser = new Int32Array(events.length);
    this.eventItem = new Int32Array(events.length);
    const contexts: SparseFeatures[] = [];
    events.forEach((event, e) => {
      this.eventUser[e] = idOf(this.userIndex, this.userIds, event.user);
      this.eventItem[e] = idOf(this.itemIndex, this.itemIds, event.item);
      contexts.push(encoder.context(event));
    });
    this.contexts = flatten(contexts);
    this.itemFeatures = flatten(this.itemIds.map((item) => encoder.item(item)!));
    [this.seenPtr, this.seenItems] = seenRows(this.eventUser, this.eventItem, Int32Array.from(events.keys()), this.userIds.length);

    const order = random.sample(Array.from({ length: events.length }, (_, e) => e), events.length);
    const held = Math.min(options.maxHoldout ?? 2000, Math.floor(events.length * (options.holdout ?? 0.02)));
    this.heldOut = Int32Array.from(order.slice(0, held)).sort();
    this.train = Int32Array.from(order.slice(held)).sort();
    // The audit's negatives avoid everything the user has; training's avoid only the training
    // positives, so a held-out photo is a negative like any other and the AUC does not leak.
    this.heldOutNegatives = new Int32Array(held * this.auditNegatives);
    [this.trainPtr, this.trainItems] = [this.seenPtr, this.seenItems];
    for (let h = 0; h < held; h++) {
      for (let n = 0; n < this.auditNegatives; n++) this.heldOutNegatives[h * this.auditNegatives + n] = this.sampleNegative(random, this.eventUser[this.heldOut[h]!]!);
    }
    [this.trainPtr, this.trainItems] = seenRows(this.eventUser, this.eventItem, this.train, this.userIds.length);
  }

  static build(events: readonly FmEvent[], items: ReadonlyMap<string, ItemSide>, random: Random, options?: TrainingSetOptions): TrainingSet {
    return new TrainingSet(FieldEncoder.fit(events, items), events, random, options);
  }

  /** Whether the user has the item among the training positives (while auditing: among all events). */
  hasSeen(user: number, item: number): boolean {
    let lo = this.trainPtr[user]!;
    let hi = this.trainPtr[user + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.trainItems[mid]!;
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /**
   * An item the user does not have: uniform over items, or with probability `popularityMix` the item
   * of a random event (popularity-proportional, harder negatives). −1 when 20 draws all hit the user's
   * own items (a user who has nearly everything).
   */
  sampleNegative(random: Random, user: number): number {
    const items = this.itemIds.length;
    const events = this.eventItem.length;
    for (let tries = 0; tries < 20; tries++) {
      const item = this.popularityMix > 0 && random.float() < this.popularityMix ? this.eventItem[Math.floor(random.float() * events)]! : Math.floor(random.float() * items);
      if (!this.hasSeen(user, item)) return item;
    }
    return -1;
  }

  /** The training events in a fresh seeded order (Fisher–Yates). */
  shuffledTrain(random: Random): Int32Array {
    const order = this.train.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random.float() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    return order;
  }

  /**
   * AUC of held-out positives against their fixed negatives: the share of pairs ranked right, ties
   * counted half; NaN when nothing is held out. `score` gets every (event, item) pair to score at
   * once (a network scores them in batches): for each held-out event its positive, then its negatives.
   */
  heldOutAuc(score: (events: Int32Array, items: Int32Array) => Float32Array): number {
    const m = this.auditNegatives;
    const events = new Int32Array(this.heldOut.length * (1 + m));
    const items = new Int32Array(events.length);
    for (let h = 0; h < this.heldOut.length; h++) {
      const e = this.heldOut[h]!;
      events.fill(e, h * (1 + m), (h + 1) * (1 + m));
      items[h * (1 + m)] = this.eventItem[e]!;
      // a missing negative (−1) is scored as the positive and skipped below
      for (let n = 0; n < m; n++) {
        const negative = this.heldOutNegatives[h * m + n]!;
        items[h * (1 + m) + 1 + n] = negative >= 0 ? negative : this.eventItem[e]!;
      }
    }
    const scores = events.length > 0 ? score(events, items) : new Float32Array(0);
    let right = 0;
    let pairs = 0;
    for (let h = 0; h < this.heldOut.length; h++) {
      const positive = scores[h * (1 + m)]!;
      for (let n = 0; n < m; n++) {
        if (this.heldOutNegatives[h * m + n]! < 0) continue;
        const s = scores[h * (1 + m) + 1 + n]!;
        right += positive > s ? 1 : positive === s ? 0.5 : 0;
        pairs += 1;
      }
    }
    return pairs > 0 ? right / pairs : Number.NaN;
  }
}

/** One event per download: an interaction of weight w (a count) becomes round(w) events, at least 1. */
export function eventsFromMatrix(data: InteractionMatrix): FmEvent[] {
  const events: FmEvent[] = [];
  const { indptr, indices, values } = data.byUser;
  for (let u = 0; u < data.userIds.length; u++) {
    for (let at = indptr[u]!; at < indptr[u + 1]!; at++) {
      const times = Math.max(1, Math.round(values[at]!));
      for (let t = 0; t < times; t++) events.push({ user: data.userIds[u]!, item: data.itemIds[indices[at]!]! });
    }
  }
  return events;
}

export function flatten(rows: readonly SparseFeatures[]): FlatSparse {
  const ptr = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (ptr[r + 1] = ptr[r]! + row.indices.length));
  const total = ptr[rows.length]!;
  const out: FlatSparse = { ptr, indices: new Int32Array(total), values: new Float32Array(total), fields: new Uint8Array(total) };
  rows.forEach((row, r) => {
    out.indices.set(row.indices, ptr[r]!);
    out.values.set(row.values, ptr[r]!);
    out.fields.set(row.fields, ptr[r]!);
  });
  return out;
}

function idOf(index: Map<string, number>, ids: string[], id: string): number {
  let i = index.get(id);
  if (i === undefined) {
    i = ids.length;
    index.set(id, i);
    ids.push(id);
  }
  return i;
}

function seenRows(eventUser: Int32Array, eventItem: Int32Array, events: Int32Array, users: number): [Int32Array, Int32Array] {
  const rows: Array<Set<number>> = Array.from({ length: users }, () => new Set());
  for (const e of events) rows[eventUser[e]!]!.add(eventItem[e]!);
  const ptr = new Int32Array(users + 1);
  rows.forEach((row, u) => (ptr[u + 1] = ptr[u]! + row.size));
  const items = new Int32Array(ptr[users]!);
  rows.forEach((row, u) => items.set(Int32Array.from(row).sort(), ptr[u]!));
  return [ptr, items];
}
