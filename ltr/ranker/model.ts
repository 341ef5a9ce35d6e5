/**
 * The trained ranker: its featureset (copied at training), its trees flattened into typed arrays for
 * scoring, per-feature explanations, and the `ranker.json` artifact.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFeatureset, featuresetFromJson, featuresetToJson, type Featureset } from './featureset.ts';
import { compileForest, type CompiledChunk } from './compile.ts';
import type { Tree } from './tree-builder.ts';
import { createError } from '../../es-mappings/errors.ts';

export const RANKER_FORMAT = 'pixrank-lambdamart';
export const RANKER_FORMAT_VERSION = 1;
export const RANKER_FILE = 'ranker.json';

/** What went into training, written to the artifact (plain numbers so it stays JSON). */
export type RankerParams = Record<string, number | boolean | string>;
export type RankerMetrics = Record<string, number>;

export interface FeatureContribution {
  feature: string;
  value: number;
  contribution: number;
}

/**
 * Trees flattened end to end: node i of the whole forest, trees starting at `roots`. Splits store
 * their missing direction by comparison: a node that sends NaN left tests `x > t → right`, one that
 * sends it right tests `x ≤ t → left` (NaN fails both comparisons), so scoring has no NaN check.
 */
interface Forest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  defaultLeft: Uint8Array;
  value: Float64Array;
}

function flatten(trees: readonly Tree[]): Forest {
  const total = trees.reduce((n, t) => n + t.feature.length, 0);
  const forest: Forest = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float32Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    defaultLeft: new Uint8Array(total),
    value: new Float64Array(total),
  };
  let at = 0;
  trees.forEach((tree, t) => {
    forest.roots[t] = at;
    for (let i = 0; i < tree.feature.length; i++) {
      forest.feature[at + i] = tree.feature[i]!;
      forest.threshold[at + i] = tree.threshold[i]!;
      forest.left[at + i] = tree.left[i]! < 0 ? -1 : at + tree.left[i]!;
      forest.right[at + i] = tree.right[i]! < 0 ? -1 : at + tree.right[i]!;
      forest.defaultLeft[at + i] = tree.defaultLeft[i]!;
      forest.value[at + i] = tree.value[i]!;
    }
    at += tree.feature.length;
  });
  return forest;
}

/**
 * Checks a tree before it is flattened and compiled: arrays of equal length, integer features in
 * range, children after their parent (which rules out cycles), numeric thresholds and values.
 */
function checkTree(tree: Tree, t: number, nFeatures: number): void {
  const n = Array.isArray(tree?.feature) ? tree.feature.length : 0;
  const keys = ['threshold', 'left', 'right', 'defaultLeft', 'value', 'count', 'gain'] as const;
  if (!n || keys.some((k) => !Array.isArray(tree[k]) || tree[k].length !== n)) throw createError('MODEL_INVALID', `ranker: tree ${t} is malformed (node arrays missing or of different lengths)`);
  for (let i = 0; i < n; i++) {
    const f = tree.feature[i]!;
    const value = tree.value[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw createError('MODEL_INVALID', `ranker: tree ${t} node ${i} has value ${value}`);
    if (f === -1) continue;
    if (!Number.isInteger(f) || f < 0 || f >= nFeatures) throw createError('MODEL_INVALID', `ranker: tree ${t} node ${i} splits on feature ${f}, but the featureset has ${nFeatures}`);
    const threshold = tree.threshold[i];
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw createError('MODEL_INVALID', `ranker: tree ${t} node ${i} has threshold ${threshold}`);
    if (tree.defaultLeft[i] !== 0 && tree.defaultLeft[i] !== 1) throw createError('MODEL_INVALID', `ranker: tree ${t} node ${i} has defaultLeft ${tree.defaultLeft[i]} (0 or 1)`);
    for (const child of [tree.left[i]!, tree.right[i]!]) if (!(Number.isInteger(child) && child > i && child < n)) throw createError('MODEL_INVALID', `ranker: tree ${t} node ${i} has a bad child ${child}`);
  }
}

function compileOrNull(trees: readonly Tree[], nFeatures: number): CompiledChunk[] | null {
  try {
    return compileForest(trees, nFeatures);
  } catch (error) {
    if (error instanceof EvalError) return null; // code generation disallowed: walk the typed arrays
    throw error;
  }
}

export class RankerModel {
  readonly featureset: Featureset;
  readonly trees: readonly Tree[];
  readonly params: RankerParams;
  readonly metrics: RankerMetrics;
  readonly trainedAt: string;
  /** Sum of the trees' root values: the score of a row with no information (Saabas' bias). */
  readonly bias: number;
  readonly #forest: Forest;
  /** Null when the process forbids code generation (node --disallow-code-generation-from-strings). */
  readonly #compiled: CompiledChunk[] | null;
  readonly #nFeatures: number;

  constructor(featureset: Featureset, trees: readonly Tree[], params: RankerParams, metrics: RankerMetrics, trainedAt = new Date().toISOString()) {
    this.featureset = copyFeatureset(featureset);
    this.#nFeatures = featureset.features.length;
    trees.forEach((tree, t) => checkTree(tree, t, this.#nFeatures));
    this.trees = trees;
    this.params = params;
    this.metrics = metrics;
    this.trainedAt = trainedAt;
    this.#forest = flatten(trees);
    this.#compiled = compileOrNull(trees, this.#nFeatures);
    let bias = 0;
    for (const root of this.#forest.roots) bias += this.#forest.value[root]!;
    this.bias = bias;
  }

  get nFeatures(): number {
    return this.#nFeatures;
  }

  /**
   * Scores `rows` candidates whose features are row-major in `features` (rows × nFeatures, in the
   * featureset's order; NaN = missing). Higher is better. Runs the compiled forest (compile.ts), or
   * walks the typed arrays where code generation is disallowed.
   *
   * @example const scores = model.score(matrix, 500);
   */
  score(features: Float32Array, rows: number): Float32Array {
    if (!this.#compiled) return this.scoreByWalking(features, rows);
    this.#checkMatrix(features, rows);
    const sums = new Float64Array(rows);
    for (const chunk of this.#compiled) chunk(features, rows, sums);
    return Float32Array.from(sums);
  }

  /** The same scores by walking the flattened typed arrays: the reference the compiled forest must match. */
  scoreByWalking(features: Float32Array, rows: number): Float32Array {
    this.#checkMatrix(features, rows);
    const nF = this.#nFeatures;
    const { roots, feature, threshold, left, right, defaultLeft, value } = this.#forest;
    const sums = new Float64Array(rows);
    // Tree by tree, so one tree's nodes stay in cache while every row walks it.
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      for (let r = 0; r < rows; r++) {
        const base = r * nF;
        let node = root;
        let f = feature[node]!;
        while (f >= 0) {
          const x = features[base + f]!;
          if (defaultLeft[node] === 1) node = x > threshold[node]! ? right[node]! : left[node]!;
          else node = x <= threshold[node]! ? left[node]! : right[node]!;
          f = feature[node]!;
        }
        sums[r]! += value[node]!;
      }
    }
    return Float32Array.from(sums);
  }

  #checkMatrix(features: Float32Array, rows: number): void {
    const nF = this.#nFeatures;
    if (!(features instanceof Float32Array)) throw createError('INVALID_ARGUMENT', 'ranker: features must be a Float32Array');
    if (!Number.isInteger(rows) || rows < 0 || features.length !== rows * nF) throw createError('MODEL_INVALID', `ranker: ${features.length} feature values for ${rows} rows of ${nF} features (featureset "${this.featureset.name}" v${this.featureset.version})`);
  }

  /**
   * Saabas path attribution (Saabas 2014, "Interpreting random forests"): walking each tree, the
   * change in the node's expected value at every split is credited to the split's feature, so
   * score = bias + Σ contributions (in float64; `score` rounds the sum to float32).
   */
  contributions(row: Float32Array | readonly number[]): { bias: number; contributions: Float64Array; score: number } {
    const nF = this.#nFeatures;
    if (row.length !== nF) throw createError('MODEL_INVALID', `ranker: a row of ${row.length} features, but featureset "${this.featureset.name}" v${this.featureset.version} has ${nF}`);
    const { roots, feature, threshold, left, right, defaultLeft, value } = this.#forest;
    const contributions = new Float64Array(nF);
    let score = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t]!;
      while (feature[node]! >= 0) {
        const f = feature[node]!;
        const x = row[f]!;
        const goLeft = Number.isNaN(x) ? defaultLeft[node] === 1 : x <= threshold[node]!;
        const child = goLeft ? left[node]! : right[node]!;
        contributions[f]! += value[child]! - value[node]!;
        node = child;
      }
      score += value[node]!;
    }
    return { bias: this.bias, contributions, score };
  }

  /** Contributions named by feature, largest effect first: what `explain` shows. */
  explain(row: Float32Array | readonly number[]): { bias: number; score: number; features: FeatureContribution[] } {
    const { bias, contributions, score } = this.contributions(row);
    const features = this.featureset.features.map((f, i) => ({ feature: f.name, value: row[i]!, contribution: contributions[i]! }));
    features.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return { bias, score, features };
  }

  /** Total split gain per feature, normalised to sum to 1. */
  importance(): Record<string, number> {
    const gains = new Float64Array(this.#nFeatures);
    for (const tree of this.trees) tree.feature.forEach((f, i) => f >= 0 && (gains[f]! += tree.gain[i]!));
    const total = gains.reduce((a, b) => a + b, 0) || 1;
    return Object.fromEntries(this.featureset.features.map((f, i) => [f.name, gains[i]! / total]));
  }

  toJSON(): RankerArtifact {
    return { format: RANKER_FORMAT, version: RANKER_FORMAT_VERSION, featureset: featuresetToJson(this.featureset), trees: this.trees, trainedAt: this.trainedAt, params: this.params, metrics: this.metrics };
  }

  /** Writes `<dir>/ranker.json` (through a temporary file, so a reader never sees half of it). */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, RANKER_FILE);
    await writeFile(`${path}.tmp`, `${JSON.stringify(this.toJSON())}\n`);
    await rename(`${path}.tmp`, path);
  }
}

export interface RankerArtifact {
  format: string;
  version: number;
  featureset: ReturnType<typeof featuresetToJson>;
  trees: readonly Tree[];
  trainedAt: string;
  params: RankerParams;
  metrics: RankerMetrics;
}

/** Builds a model from a parsed `ranker.json`, checking its format and version. */
export function rankerFromJson(json: unknown, source = RANKER_FILE): RankerModel {
  const raw = json as Partial<RankerArtifact> | null;
  if (!raw || typeof raw !== 'object' || raw.format !== RANKER_FORMAT) throw createError('MODEL_INVALID', `ranker: ${source} is not a ${RANKER_FORMAT} artifact (format ${JSON.stringify(raw?.format)})`);
  if (raw.version !== RANKER_FORMAT_VERSION) throw createError('MODEL_INVALID', `ranker: ${source} is ${RANKER_FORMAT} version ${raw.version}, this code reads version ${RANKER_FORMAT_VERSION}`);
  if (!Array.isArray(raw.trees)) throw createError('MODEL_INVALID', `ranker: ${source} has no trees`);
  const featureset = featuresetFromJson(raw.featureset);
  return new RankerModel(featureset, raw.trees, raw.params ?? {}, raw.metrics ?? {}, raw.trainedAt ?? '');
}

/** Loads `<dir>/ranker.json`. */
export async function loadRanker(dir: string): Promise<RankerModel> {
  const path = join(dir, RANKER_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw createError('MODEL_NOT_FOUND', `ranker: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw createError('MODEL_INVALID', `ranker: ${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return rankerFromJson(json, path);
}
