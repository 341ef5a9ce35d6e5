import { Random } from '../random.ts';
import { contractScore, recommendByContext, type ContextScoring } from '../fm/context-recommender.ts';
import type { InteractionMatrix } from '../interactions.ts';
import { topK, type FitOptions, type Recommender, type RecommendOptions, type ScoreContext, type Scored } from '../recommender.ts';
import type { FieldEncoder, FmContext, FmEvent, ItemSide } from '../fm/fields.ts';
import { eventsFromMatrix, flatten, TrainingSet, type FlatSparse, type TrainingSetOptions } from '../fm/training-set.ts';
import { DeepFmNetwork } from './network.ts';
import { readDeepFm, writeDeepFm } from './deepfm-store.ts';
import { fillSlots, slotBatch, slotLayout, type SlotBatch, type SlotLayout } from './slots.ts';
import { tf, tfReady, type TfBackend } from './tf.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface DeepFmOptions extends TrainingSetOptions {
  factors?: number;
  /** Widths of the MLP's hidden ReLU layers. */
  hidden?: number[];
  epochs?: number;
  /** Pairs (positive, negative) per Adam step. */
  batchSize?: number;
  /** Adam's step size for the MLP. */
  learningRate?: number;
  /** Adagrad's step size for the embedding table and linear weights (sparse updates, as in the FM). */
  embeddingLearningRate?: number;
  /** L2 on the embeddings a batch uses (Σ(v·x)² per pair). */
  regularization?: number;
  initStd?: number;
  /** Query tokens the network reads per example (the rest are dropped). */
  maxTokens?: number;
}

export type DeepFmSettings = Required<DeepFmOptions>;

export function deepFmSettings(options: DeepFmOptions): DeepFmSettings {
  return {
    factors: options.factors ?? 16,
    hidden: options.hidden ?? [64, 64],
    epochs: options.epochs ?? 10,
    batchSize: options.batchSize ?? 256,
    learningRate: options.learningRate ?? 0.002,
    embeddingLearningRate: options.embeddingLearningRate ?? 0.05,
    regularization: options.regularization ?? 1e-5,
    initStd: options.initStd ?? 0.01,
    maxTokens: options.maxTokens ?? 4,
    holdout: options.holdout ?? 0.02,
    maxHoldout: options.maxHoldout ?? 2000,
    auditNegatives: options.auditNegatives ?? 10,
    popularityMix: options.popularityMix ?? 0,
  };
}

export interface DeepFmState {
  encoder: FieldEncoder;
  network: DeepFmNetwork;
  userIds: string[];
  itemIds: string[];
  seenPtr: Int32Array;
  seenItems: Int32Array;
}

/**
 * DeepFM trained with BPR on the same events and fields as the FM (ltr/fm): −ln σ(ŷ(c, i+) − ŷ(c, i−))
 * in batches, Adam for the MLP and sparse Adagrad for the embeddings (network.ts), seeded (weights, order and negatives come from `Random`;
 * tfjs's own random numbers are not used). `score` and `scoreContext` differ as in the FM: the
 * first keeps the Recommender contract (unknown user or item → NaN), the second scores whatever
 * is known. `backend` says which tfjs backend ran it.
 */
export class DeepFm implements Recommender {
  readonly kind = 'deepfm';
  readonly settings: DeepFmSettings;
  backend: TfBackend | undefined;
  private readonly sides: ReadonlyMap<string, ItemSide>;
  private fitted: DeepFmState | undefined;
  private userIndex = new Map<string, number>();
  private itemIndex = new Map<string, number>();
  /** The fitted items' features, encoded once. */
  private itemFeatures: FlatSparse = flatten([]);

  constructor(options: DeepFmOptions = {}, items: ReadonlyMap<string, ItemSide> = new Map()) {
    this.settings = deepFmSettings(options);
    this.sides = items;
  }

  get state(): DeepFmState {
    if (!this.fitted) throw createError('INTERNAL', 'deepfm: the model is not fitted');
    return this.fitted;
  }

  get layout(): SlotLayout {
    return this.state.network.layout;
  }

  async fit(data: InteractionMatrix, options: FitOptions = {}): Promise<void> {
    await this.fitEvents(eventsFromMatrix(data), options);
  }

  /** Adam steps over batches of (event, sampled negative); progress per epoch with loss and held-out AUC. */
  async fitEvents(events: readonly FmEvent[], options: FitOptions = {}): Promise<void> {
    this.backend = await tfReady();
    const s = this.settings;
    const random = new Random(options.seed ?? 0);
    const set = TrainingSet.build(events, this.sides, random, s);
    const layout = slotLayout(s.maxTokens);
    const shape = { features: set.encoder.size, factors: s.factors, hidden: s.hidden };
    this.fitted?.network.dispose();
    const network = new DeepFmNetwork(shape, layout, DeepFmNetwork.initialWeights(shape, random, s.initStd));
    this.adopt({ encoder: set.encoder, network, userIds: set.userIds, itemIds: set.itemIds, seenPtr: set.seenPtr, seenItems: set.seenItems });
    const optimizer = tf.train.adam(s.learningRate);
    const items = set.itemFeatures;
    try {
      for (let epoch = 0; epoch < s.epochs; epoch++) {
        const order = set.shuffledTrain(random);
        let loss = 0;
        let pairs = 0;
        for (let start = 0; start < order.length; start += s.batchSize) {
          const chosen: Array<[number, number]> = [];
          for (const e of order.subarray(start, start + s.batchSize)) {
            const negative = set.sampleNegative(random, set.eventUser[e]!);
            if (negative >= 0) chosen.push([e, negative]);
          }
          if (chosen.length === 0) continue;
          // rows 0…n−1: context + positive; rows n…2n−1: the same context + its negative
          const n = chosen.length;
          const batch = slotBatch(layout, 2 * n);
          chosen.forEach(([e, negative], row) => {
            for (const [r, item] of [[row, set.eventItem[e]!], [row + n, negative]] as const) {
              fillSlots(layout, batch, r, set.contexts, set.contexts.ptr[e]!, set.contexts.ptr[e + 1]!);
              fillSlots(layout, batch, r, items, items.ptr[item]!, items.ptr[item + 1]!);
            }
          });
          loss += network.trainStep(batch, optimizer, s) * n;
          pairs += n;
        }
        const auc = set.heldOutAuc((evs, its) =>
          this.scoreRows(evs.length, (example, batch, row) => {
            const e = evs[example]!;
            const item = its[example]!;
            fillSlots(layout, batch, row, set.contexts, set.contexts.ptr[e]!, set.contexts.ptr[e + 1]!);
            fillSlots(layout, batch, row, items, items.ptr[item]!, items.ptr[item + 1]!);
          }),
        );
        options.onProgress?.({ step: epoch + 1, steps: s.epochs, detail: { loss: pairs > 0 ? loss / pairs : Number.NaN, auc } });
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      optimizer.dispose();
    }
  }

  /** Takes a fitted state (after a fit, or from `loadDeepFm`). */
  adopt(state: DeepFmState): void {
    this.fitted = state;
    this.userIndex = new Map(state.userIds.map((id, i) => [id, i]));
    this.itemIndex = new Map(state.itemIds.map((id, i) => [id, i]));
    this.itemFeatures = flatten(state.itemIds.map((id) => state.encoder.item(id)!));
  }

  /** Scores `rows` examples that `fill` writes, in chunks (bounded memory for long lists). */
  private scoreRows(rows: number, fill: (example: number, batch: SlotBatch, row: number) => void): Float32Array {
    const out = new Float32Array(rows);
    const chunk = 4096;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const batch = slotBatch(this.layout, n);
      for (let row = 0; row < n; row++) fill(start + row, batch, row);
      out.set(this.state.network.score(batch), start);
    }
    return out;
  }

  /** Scores where anything may be unknown (the second pass); an item with no known feature is NaN. */
  scoreContext(context: FmContext, items: readonly string[]): Float32Array {
    const { encoder } = this.state;
    const layout = this.layout;
    const side = flatten([encoder.context(context)]);
    // [position in items, features, row in them]: a fitted item from the cache, others encoded now
    const known: Array<[number, FlatSparse, number]> = [];
    items.forEach((item, at) => {
      const i = this.itemIndex.get(item);
      if (i !== undefined) known.push([at, this.itemFeatures, i]);
      else {
        const features = encoder.item(item);
        if (features) known.push([at, flatten([features]), 0]);
      }
    });
    const scores = new Float32Array(items.length).fill(Number.NaN);
    if (known.length === 0) return scores;
    const batch = slotBatch(layout, known.length);
    known.forEach(([, features, i], row) => {
      fillSlots(layout, batch, row, side, 0, side.indices.length);
      fillSlots(layout, batch, row, features, features.ptr[i]!, features.ptr[i + 1]!);
    });
    const computed = this.state.network.score(batch);
    known.forEach(([at], row) => (scores[at] = computed[row]!));
    return scores;
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

  /** Cosine of the items' embedding sums (id and side features: what the FM part meets a context with). */
  async similarItems(item: string, k: number): Promise<Scored[]> {
    if (!this.itemIndex.has(item)) return [];
    const { encoder, itemIds, network } = this.state;
    const f = this.settings.factors;
    const table = network.embeddings;
    const sums = itemIds.map((id) => {
      const sum = new Float32Array(f);
      const features = encoder.item(id)!;
      features.indices.forEach((j, at) => {
        for (let d = 0; d < f; d++) sum[d]! += table[j * f + d]! * features.values[at]!;
      });
      return sum;
    });
    const target = sums[this.itemIndex.get(item)!]!;
    const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const scores = Float32Array.from(sums, (v) => {
      const d = norm(v) * norm(target);
      return d > 0 ? v.reduce((s, x, at) => s + x * target[at]!, 0) / d : 0;
    });
    const self = this.itemIndex.get(item)!;
    return topK(scores, k, (i) => i === self).map((i) => ({ item: itemIds[i]!, score: scores[i]! }));
  }

  async save(dir: string): Promise<void> {
    await writeDeepFm(dir, this.settings, this.state);
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.fitted?.network.dispose();
    this.fitted = undefined;
  }
}

/** A model saved by `DeepFm.save`; loads the tfjs backend first. */
export async function loadDeepFm(dir: string): Promise<DeepFm> {
  const backend = await tfReady();
  const { settings, state } = await readDeepFm(dir);
  const model = new DeepFm(settings, state.encoder.items);
  model.backend = backend;
  model.adopt(state);
  return model;
}
