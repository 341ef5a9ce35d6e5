import type { Random } from '../random.ts';
import { FIELDS } from '../fm/fields.ts';
import type { SlotBatch, SlotLayout } from './slots.ts';
import { tf, type Tensor, type Tensor1D, type Variable } from './tf.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface NetworkShape {
  features: number;
  factors: number;
  hidden: number[];
}

/** A weight matrix by name, as saved (`embeddings`, `linear`, `kernel0`, `bias0`, …). */
export interface NamedMatrix {
  name: string;
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Hyperparameters of one training step. */
export interface StepHyper {
  /** Adagrad step of the embedding table and linear weights (sparse, in JavaScript). */
  embeddingLearningRate: number;
  /** L2 on the embeddings a batch uses (Σ(v·x)² per pair). */
  regularization: number;
}

let networks = 0;
const EPSILON = 1e-8;

/**
 * DeepFM (Guo et al. 2017): one embedding table shared by an FM part (linear + pairwise terms, as in
 * ltr/fm) and an MLP over the per-field pooled embeddings; the score is their sum.
 *
 * The table and the linear weights live in typed arrays, not in tfjs: a batch gathers its rows in
 * JavaScript, tfjs computes the loss and the gradients with respect to those rows and the MLP, and
 * the rows get a sparse Adagrad step back in JavaScript. That keeps a step's cost proportional to
 * the batch, not the vocabulary, and the wasm backend has no kernel for the gradient of a gather
 * (UnsortedSegmentSum) anyway. The MLP's weights are tfjs variables trained by Adam.
 */
export class DeepFmNetwork {
  readonly embeddings: Float32Array;
  readonly linear: Float32Array;
  readonly kernels: Variable[] = [];
  readonly biases: Variable[] = [];
  private readonly instance = networks++;
  /** width × fields, 1 where a slot belongs to a field. */
  private readonly pooling: Tensor;
  private adagrad: { embeddings: Float32Array; linear: Float32Array; gradient: Float32Array; touched: Uint8Array } | undefined;

  constructor(
    readonly shape: NetworkShape,
    readonly layout: SlotLayout,
    weights: ReadonlyMap<string, NamedMatrix>,
  ) {
    const get = (name: string, rows: number, cols: number): Float32Array => {
      const w = weights.get(name);
      if (!w || w.rows !== rows || w.cols !== cols) throw createError('MODEL_INVALID', `deepfm network: weight ${name} must be ${rows}×${cols}, found ${w ? `${w.rows}×${w.cols}` : 'none'}`);
      return Float32Array.from(w.data);
    };
    // tfjs registers variable names process-wide: each network gets its own prefix
    const variable = (name: string, rows: number, cols: number): Variable =>
      // tidy frees the initial tensor; the variable stays
      tf.tidy(() => tf.variable(tf.tensor2d(get(name, rows, cols), [rows, cols]), true, `deepfm${this.instance}_${name}`));
    const { features, factors: k } = shape;
    const pooling = new Float32Array(layout.width * FIELDS.length);
    layout.fieldOfSlot.forEach((field, slot) => (pooling[slot * FIELDS.length + field] = 1));
    this.pooling = tf.tensor2d(pooling, [layout.width, FIELDS.length]);
    this.embeddings = get('embeddings', features, k);
    this.linear = get('linear', features, 1);
    layerSizes(shape).forEach(([rows, cols], l) => {
      this.kernels.push(variable(`kernel${l}`, rows, cols));
      this.biases.push(variable(`bias${l}`, 1, cols));
    });
  }

  /**
   * Fresh weights from a seeded source: embeddings N(0, initStd²) as in the FM, dense kernels
   * Glorot-uniform, linear weights and biases zero.
   */
  static initialWeights(shape: NetworkShape, random: Random, initStd: number): Map<string, NamedMatrix> {
    const out = new Map<string, NamedMatrix>();
    const put = (name: string, rows: number, cols: number, value: () => number): void => {
      out.set(name, { name, rows, cols, data: Float32Array.from({ length: rows * cols }, value) });
    };
    put('embeddings', shape.features, shape.factors, () => random.normal() * initStd);
    put('linear', shape.features, 1, () => 0);
    layerSizes(shape).forEach(([rows, cols], l) => {
      const limit = Math.sqrt(6 / (rows + cols));
      put(`kernel${l}`, rows, cols, () => (random.float() * 2 - 1) * limit);
      put(`bias${l}`, 1, cols, () => 0);
    });
    return out;
  }

  /** The MLP's variables, kernel and bias per layer. */
  get variables(): Variable[] {
    return this.kernels.flatMap((kernel, l) => [kernel, this.biases[l]!]);
  }

  /** A batch's rows of the table times their values (v_j·x_j), and w_j·x_j. */
  private gather(batch: SlotBatch): { embedded: Float32Array; linear: Float32Array } {
    const k = this.shape.factors;
    const embedded = new Float32Array(batch.indices.length * k);
    const linear = new Float32Array(batch.indices.length);
    for (let slot = 0; slot < batch.indices.length; slot++) {
      const x = batch.values[slot]!;
      if (x === 0) continue;
      const j = batch.indices[slot]!;
      linear[slot] = this.linear[j]! * x;
      for (let f = 0; f < k; f++) embedded[slot * k + f] = this.embeddings[j * k + f]! * x;
    }
    return { embedded, linear };
  }

  /** Scores of `rows` examples from their gathered v·x (rows × width × k) and w·x (rows × width). */
  private forward(embedded: Tensor, linear: Tensor, rows: number): Tensor1D {
    const { width } = this.layout;
    const k = this.shape.factors;
    const sums = tf.sum(embedded, 1);
    const pairwise = tf.mul(tf.sub(tf.sum(tf.square(sums), 1), tf.sum(tf.square(embedded), [1, 2])), 0.5);
    let hidden = this.pool(embedded, rows);
    const last = this.kernels.length - 1;
    for (let l = 0; l < last; l++) hidden = tf.relu(tf.add(matMul(hidden, this.kernels[l]!), this.biases[l]!));
    const deep = tf.reshape(tf.add(matMul(hidden, this.kernels[last]!), this.biases[last]!), [rows]);
    return tf.add(tf.add(tf.sum(linear, 1), pairwise), deep) as Tensor1D;
  }

  /**
   * One k-vector per field, the sum of its slots (the query's tokens; other fields have one slot):
   * the MLP's input, rows × k·fields (factor-major; the first layer does not care about the order).
   * A transpose and a product with the small 0/1 slot-to-field matrix: slicing the slot axis costs
   * more on wasm, whose 3-D slice copies through JavaScript.
   */
  private pool(embedded: Tensor, rows: number): Tensor {
    const k = this.shape.factors;
    const { width } = this.layout;
    const bySlot = tf.reshape(tf.transpose(embedded, [0, 2, 1]), [rows * k, width]);
    return tf.reshape(matMul(bySlot, this.pooling), [rows, k * FIELDS.length]);
  }

  score(batch: SlotBatch): Float32Array {
    const { embedded, linear } = this.gather(batch);
    const { width } = this.layout;
    const k = this.shape.factors;
    const scores = tf.tidy(() => this.forward(tf.tensor3d(embedded, [batch.rows, width, k]), tf.tensor2d(linear, [batch.rows, width]), batch.rows));
    try {
      return scores.dataSync() as Float32Array;
    } finally {
      scores.dispose();
    }
  }

  /**
   * One BPR step on a batch whose rows 0…n−1 are (context, positive) and n…2n−1 (context, negative):
   * loss −ln σ(ŷ+ − ŷ−) averaged, plus L2 on the used embeddings. Returns the mean loss.
   */
  trainStep(batch: SlotBatch, optimizer: tf.Optimizer, hyper: StepHyper): number {
    const n = batch.rows / 2;
    const { width } = this.layout;
    const k = this.shape.factors;
    const gathered = this.gather(batch);
    let lossValue = Number.NaN;
    let gradEmbedded: Float32Array = new Float32Array(0);
    let gradLinear: Float32Array = new Float32Array(0);
    // The gathered rows become variables for the step, so variableGrads gives their gradients.
    const [embedded, linear] = tf.tidy(() => [
      tf.variable(tf.tensor3d(gathered.embedded, [batch.rows, width, k]), true, `deepfm${this.instance}_batch_embedded`),
      tf.variable(tf.tensor2d(gathered.linear, [batch.rows, width]), true, `deepfm${this.instance}_batch_linear`),
    ]) as [Variable, Variable];
    try {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const scores = this.forward(embedded, linear, batch.rows);
          const margin = tf.sub(tf.slice(scores, 0, n), tf.slice(scores, n, n));
          const energy = tf.sum(tf.square(embedded));
          return tf.add(tf.mean(tf.softplus(tf.neg(margin))), tf.mul(energy, hyper.regularization / n)) as tf.Scalar;
        }, [embedded, linear, ...this.variables]);
        optimizer.applyGradients(this.variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
        lossValue = value.dataSync()[0]!;
        gradEmbedded = grads[embedded.name]!.dataSync() as Float32Array;
        gradLinear = grads[linear.name]!.dataSync() as Float32Array;
      });
    } finally {
      embedded.dispose();
      linear.dispose();
    }
    this.adagradStep(batch, gradEmbedded, gradLinear, hyper.embeddingLearningRate);
    return lossValue;
  }

  /** ∂L/∂v_j = Σ over j's slots of ∂L/∂(v_j·x)·x (likewise w_j), summed per feature, then Adagrad. */
  private adagradStep(batch: SlotBatch, gradEmbedded: Float32Array, gradLinear: Float32Array, rate: number): void {
    const k = this.shape.factors;
    const n = this.linear.length;
    this.adagrad ??= { embeddings: new Float32Array(n * k), linear: new Float32Array(n), gradient: new Float32Array(n * (k + 1)), touched: new Uint8Array(n) };
    const { gradient, touched } = this.adagrad;
    const rows: number[] = [];
    for (let slot = 0; slot < batch.indices.length; slot++) {
      const x = batch.values[slot]!;
      if (x === 0) continue;
      const j = batch.indices[slot]!;
      if (!touched[j]) rows.push(j);
      touched[j] = 1;
      gradient[j * (k + 1) + k]! += gradLinear[slot]! * x;
      for (let f = 0; f < k; f++) gradient[j * (k + 1) + f]! += gradEmbedded[slot * k + f]! * x;
    }
    for (const j of rows) {
      for (let f = 0; f < k; f++) {
        const g = gradient[j * (k + 1) + f]!;
        const acc = (this.adagrad.embeddings[j * k + f]! += g * g);
        this.embeddings[j * k + f]! -= (rate * g) / Math.sqrt(acc + EPSILON);
      }
      const g = gradient[j * (k + 1) + k]!;
      const acc = (this.adagrad.linear[j]! += g * g);
      this.linear[j]! -= (rate * g) / Math.sqrt(acc + EPSILON);
      gradient.fill(0, j * (k + 1), (j + 1) * (k + 1));
      touched[j] = 0;
    }
  }

  /** Every weight by name (embeddings, linear, then kernel/bias per layer). */
  weights(): NamedMatrix[] {
    const { features, factors } = this.shape;
    return [
      { name: 'embeddings', rows: features, cols: factors, data: this.embeddings },
      { name: 'linear', rows: features, cols: 1, data: this.linear },
      ...this.kernels.flatMap((kernel, l) => [kernel, this.biases[l]!].map((v, at) => ({ name: `${at === 0 ? 'kernel' : 'bias'}${l}`, rows: v.shape[0]!, cols: v.shape[1]!, data: Float32Array.from(v.dataSync() as Float32Array) }))),
    ];
  }

  /** Frees the tfjs variables and drops the training state. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.pooling.dispose();
    this.adagrad = undefined;
  }
}

/**
 * a × b whose gradients multiply by explicit transposes: tfjs's own MatMul gradient asks for
 * transposeA/transposeB products, which the wasm backend computes 4–8× slower than a transpose and
 * a plain product (measured at 512×128 · 128×64: 6.3 and 7.4 ms against 1.9 and 0.9 ms).
 */
const matMul = tf.customGrad((a, b, save) => {
  (save as (tensors: Tensor[]) => void)([a as Tensor, b as Tensor]);
  return {
    value: tf.matMul(a as Tensor, b as Tensor),
    gradFunc: (dy, saved) => [tf.matMul(dy as Tensor, tf.transpose(saved[1]!)), tf.matMul(tf.transpose(saved[0]!), dy as Tensor)],
  };
}) as (a: Tensor, b: Tensor) => Tensor;

/** (inputs, outputs) of each dense layer: fields·k → hidden… → 1. */
function layerSizes(shape: NetworkShape): Array<[number, number]> {
  const sizes = [FIELDS.length * shape.factors, ...shape.hidden, 1];
  return sizes.slice(1).map((cols, l) => [sizes[l]!, cols]);
}
