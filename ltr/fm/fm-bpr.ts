import { Random } from '../random.ts';
import { contractScore, recommendByContext, type ContextScoring } from './context-recommender.ts';
import type { InteractionMatrix } from '../interactions.ts';
import { topK, type FitOptions, type Recommender, type RecommendOptions, type ScoreContext, type Scored } from '../recommender.ts';
import type { FieldEncoder, FmContext, FmEvent, ItemSide } from './fields.ts';
import { dot } from '../vectors.ts';
import { bprScratch, bprStep, newParams, sideTerms, type FmAdagrad, type FmParams, type Side } from './fm-kernel.ts';
import { readFmState, writeFmState } from './fm-store.ts';
import { eventsFromMatrix, flatten, TrainingSet, type FlatSparse, type TrainingSetOptions } from './training-set.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface FmOptions extends TrainingSetOptions {
  factors?: number;
  epochs?: number;
  /** Adagrad step size. */
  learningRate?: number;
  regularization?: number;
  linearRegularization?: number;
  /** Standard deviation of the initial factors. */
  initStd?: number;
}

export type FmSettings = Required<FmOptions>;

/** What a fit (or a load) leaves behind: everything scoring needs. */
export interface FmState {
  encoder: FieldEncoder;
  params: FmParams;
  userIds: string[];
  itemIds: string[];
  /** Each user's items (sorted indices into itemIds), for filterSeen. */
  seenPtr: Int32Array;
  seenItems: Int32Array;
}

export function fmSettings(options: FmOptions): FmSettings {
  return {
    factors: options.factors ?? 32,
    epochs: options.epochs ?? 20,
    learningRate: options.learningRate ?? 0.05,
    regularization: options.regularization ?? 1e-4,
    linearRegularization: options.linearRegularization ?? 1e-4,
    initStd: options.initStd ?? 0.01,
    holdout: options.holdout ?? 0.02,
    maxHoldout: options.maxHoldout ?? 2000,
    auditNegatives: options.auditNegatives ?? 10,
    popularityMix: options.popularityMix ?? 0,
  };
}

/**
 * A second-order factorization machine trained with BPR on conversions: (user, query tokens, user
 * country) against (photo, photo country, photographer, log views, log downloads), a sampled negative
 * photo per event. Adagrad, L2 on the touched parameters, seeded.
 *
 * Two ways to score: `score` keeps the Recommender contract (unknown user or item → NaN), and
 * `scoreContext` is for the second pass: any part of the context may be missing or unknown (an
 * anonymous user is scored from the query and country alone), and a photo unseen at fit is scored
 * from its side data; only a photo with no known feature at all is NaN.
 */
export class FactorizationMachine implements Recommender {
  readonly kind = 'fm';
  readonly settings: FmSettings;
  private readonly sides: ReadonlyMap<string, ItemSide>;
  private fitted: FmState | undefined;
  private userIndex = new Map<string, number>();
  private itemIndex = new Map<string, number>();
  /** Per fitted item: its side's terms and factor sum (so a candidate costs one dot product). */
  private itemTerms = new Float32Array(0);
  private itemSums = new Float32Array(0);

  constructor(options: FmOptions = {}, items: ReadonlyMap<string, ItemSide> = new Map()) {
    this.settings = fmSettings(options);
    this.sides = items;
  }

  get state(): FmState {
    if (!this.fitted) throw createError('INTERNAL', 'fm: the model is not fitted');
    return this.fitted;
  }

  /** The Recommender fit: interactions become events without query or country. */
  async fit(data: InteractionMatrix, options: FitOptions = {}): Promise<void> {
    await this.fitEvents(eventsFromMatrix(data), options);
  }

  /** The real training: one BPR step per event and epoch; progress per epoch with loss and held-out AUC. */
  async fitEvents(events: readonly FmEvent[], options: FitOptions = {}): Promise<void> {
    const s = this.settings;
    const random = new Random(options.seed ?? 0);
    const set = TrainingSet.build(events, this.sides, random, s);
    const params = newParams(set.encoder.size, s.factors, () => random.normal(), s.initStd);
    const ada: FmAdagrad = { w: new Float32Array(params.n), v: new Float32Array(params.v.length) };
    const scratch = bprScratch(s.factors, maxRow(set.contexts) + 2 * maxRow(set.itemFeatures));
    const c: Side = { indices: set.contexts.indices, values: set.contexts.values, from: 0, to: 0 };
    const pos: Side = { indices: set.itemFeatures.indices, values: set.itemFeatures.values, from: 0, to: 0 };
    const neg: Side = { indices: set.itemFeatures.indices, values: set.itemFeatures.values, from: 0, to: 0 };
    const items = set.itemFeatures.ptr;
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      let loss = 0;
      let steps = 0;
      for (const e of set.shuffledTrain(random)) {
        const negative = set.sampleNegative(random, set.eventUser[e]!);
        if (negative < 0) continue;
        c.from = set.contexts.ptr[e]!;
        c.to = set.contexts.ptr[e + 1]!;
        pos.from = items[set.eventItem[e]!]!;
        pos.to = items[set.eventItem[e]! + 1]!;
        neg.from = items[negative]!;
        neg.to = items[negative + 1]!;
        loss += bprStep(params, ada, s, c, pos, neg, scratch);
        steps++;
      }
      this.adopt({ encoder: set.encoder, params, userIds: set.userIds, itemIds: set.itemIds, seenPtr: set.seenPtr, seenItems: set.seenItems });
      const auc = set.heldOutAuc((events, items) => Float32Array.from(events, (event, at) => this.pairScore(set.contexts, event, items[at]!)));
      options.onProgress?.({ step: epoch + 1, steps: s.epochs, detail: { loss: steps > 0 ? loss / steps : Number.NaN, auc } });
      // Let the event loop breathe between epochs (progress bars, signals).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Takes a fitted state (after a fit, or from `loadFactorizationMachine`) and precomputes item sums. */
  adopt(state: FmState): void {
    this.fitted = state;
    this.userIndex = new Map(state.userIds.map((id, i) => [id, i]));
    this.itemIndex = new Map(state.itemIds.map((id, i) => [id, i]));
    const k = state.params.k;
    const features = flatten(state.itemIds.map((item) => state.encoder.item(item)!));
    this.itemTerms = new Float32Array(state.itemIds.length);
    this.itemSums = new Float32Array(state.itemIds.length * k);
    for (let i = 0; i < state.itemIds.length; i++) {
      this.itemTerms[i] = sideTerms(state.params, features.indices, features.values, features.ptr[i]!, features.ptr[i + 1]!, this.itemSums.subarray(i * k, (i + 1) * k));
    }
  }

  /** ŷ for a training event's context against a fitted item (the AUC audit). */
  private pairScore(contexts: FlatSparse, event: number, item: number): number {
    const { params } = this.state;
    const sum = new Float32Array(params.k);
    const terms = sideTerms(params, contexts.indices, contexts.values, contexts.ptr[event]!, contexts.ptr[event + 1]!, sum);
    return terms + this.itemTerms[item]! + dot(sum, this.itemSums, item * params.k);
  }

  /**
   * FM scores of `items` in a context where anything may be missing (the second pass): unknown
   * values are left out, an item unseen at fit is scored from its side data, an item with no known
   * feature is NaN.
   */
  scoreContext(context: FmContext, items: readonly string[]): Float32Array {
    const { encoder, params } = this.state;
    const k = params.k;
    const side = encoder.context(context);
    const sum = new Float32Array(k);
    const terms = sideTerms(params, Int32Array.from(side.indices), Float32Array.from(side.values), 0, side.indices.length, sum);
    const other = new Float32Array(k);
    return Float32Array.from(items, (item) => {
      const i = this.itemIndex.get(item);
      if (i !== undefined) return terms + this.itemTerms[i]! + dot(sum, this.itemSums, i * k);
      const features = encoder.item(item);
      if (!features) return Number.NaN;
      const itemTerms = sideTerms(params, Int32Array.from(features.indices), Float32Array.from(features.values), 0, features.indices.length, other);
      return terms + itemTerms + dot(sum, other);
    });
  }

  /** The Recommender score: NaN for an unknown user, and for an item not seen at fit. */
  async score(user: string, items: readonly string[], context: ScoreContext = {}): Promise<Float32Array> {
    return contractScore(this.scoring(), user, items, context);
  }

  /** Top k of the fitted items for each user, without query or country (an unknown user gets []). */
  async recommend(users: readonly string[], options: RecommendOptions): Promise<Scored[][]> {
    return recommendByContext(this.scoring(), users, options);
  }

  private scoring(): ContextScoring {
    return { userIndex: this.userIndex, itemIndex: this.itemIndex, fitted: this.state, scoreContext: (context, items) => this.scoreContext(context, items) };
  }

  /**
   * Items by cosine of their factor sums (id and side features together: the vector an item meets a
   * context with).
   */
  async similarItems(item: string, k: number): Promise<Scored[]> {
    const target = this.itemIndex.get(item);
    if (target === undefined) return [];
    const { itemIds, params } = this.state;
    const f = params.k;
    const t = this.itemSums.subarray(target * f, (target + 1) * f);
    const tNorm = Math.sqrt(dot(t, t));
    const scores = new Float32Array(itemIds.length);
    for (let i = 0; i < scores.length; i++) {
      const y = this.itemSums.subarray(i * f, (i + 1) * f);
      const d = tNorm * Math.sqrt(dot(y, y));
      scores[i] = d > 0 ? dot(t, y) / d : 0;
    }
    return topK(scores, k, (i) => i === target).map((i) => ({ item: itemIds[i]!, score: scores[i]! }));
  }

  async save(dir: string): Promise<void> {
    await writeFmState(dir, this.kind, this.settings, this.state);
  }
}

/** A model saved by `FactorizationMachine.save`. */
export async function loadFactorizationMachine(dir: string): Promise<FactorizationMachine> {
  const { settings, state } = await readFmState(dir, 'fm');
  const model = new FactorizationMachine(settings, state.encoder.items);
  model.adopt(state);
  return model;
}

function maxRow(rows: FlatSparse): number {
  let most = 0;
  for (let r = 0; r + 1 < rows.ptr.length; r++) most = Math.max(most, rows.ptr[r + 1]! - rows.ptr[r]!);
  return most;
}
