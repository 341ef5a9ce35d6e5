/**
 * One regression tree fitted to lambda gradients, grown leaf-wise (best-first, as LightGBM does):
 * the leaf whose best split gains most is split next, until `maxLeaves`. Split search sums
 * gradients and hessians into per-feature histograms over the pre-computed bins; a child's histogram
 * is built for the smaller child only and the larger one's is the parent's minus it.
 *
 * Split gain and leaf values are the second-order (Newton) ones of LambdaMART / XGBoost:
 * gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), value = η · G/(H+λ), where G sums lambdas and H
 * hessians. Every node, not only leaves, records its value: that is the node's expected output,
 * which path attribution (Saabas) differences along the path.
 *
 * Missing values (bin 0) take a learned default direction (Chen & Guestrin 2016, sparsity-aware
 * split finding): each threshold is scored with the node's missing rows sent left and sent right,
 * and the better is kept. When a node saw no missing rows, missing goes to the child with more rows.
 */
import type { BinnedMatrix } from './binning.ts';

/** A tree as arrays of nodes; node 0 is the root; leaves have feature −1. */
export interface Tree {
  feature: number[];
  /** Rows with x ≤ threshold go left. */
  threshold: number[];
  left: number[];
  right: number[];
  /** 1 when missing (NaN) goes left. */
  defaultLeft: number[];
  /** η·G/(H+λ) of the node's training rows: the output at a leaf, the expected output elsewhere. */
  value: number[];
  /** Training rows that reached the node. */
  count: number[];
  /** Split gain (0 at leaves): for feature importance. */
  gain: number[];
}

export interface TreeParams {
  maxLeaves: number;
  maxDepth: number;
  minDocsPerLeaf: number;
  minHessianPerLeaf: number;
  l2: number;
  minGain: number;
  learningRate: number;
}

interface Split {
  gain: number;
  feature: number;
  /** Left = value bins 1..bin. */
  bin: number;
  defaultLeft: boolean;
}

interface Leaf {
  node: number;
  begin: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  split: Split | null;
}

export class TreeBuilder {
  readonly #data: BinnedMatrix;
  readonly #params: TreeParams;
  readonly #stride: number;
  readonly #scratch: Int32Array;
  readonly #pool: Float64Array[] = [];

  constructor(data: BinnedMatrix, params: TreeParams) {
    this.#data = data;
    this.#params = params;
    this.#stride = Math.max(...data.binCounts) * 3;
    this.#scratch = new Int32Array(data.rows);
  }

  /**
   * Grows a tree on rows `order[0..n)` (reordered in place: each leaf ends up owning a contiguous
   * range). `features` lists the features it may split on.
   */
  grow(order: Int32Array, n: number, lambdas: Float64Array, hessians: Float64Array, features: Int32Array): Tree {
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], defaultLeft: [], value: [], count: [], gain: [] };
    const root = this.#leaf(tree, 0, n, 0, order, lambdas, hessians, features, null);
    const leaves: Leaf[] = [root];
    while (leaves.length < this.#params.maxLeaves) {
      let best = -1;
      for (let i = 0; i < leaves.length; i++) {
        const split = leaves[i]!.split;
        if (split && (best < 0 || split.gain > leaves[best]!.split!.gain)) best = i;
      }
      if (best < 0) break;
      const parent = leaves[best]!;
      const [left, right] = this.#split(tree, parent, order, lambdas, hessians, features);
      leaves.splice(best, 1, left, right);
    }
    for (const leaf of leaves) this.#pool.push(leaf.hist);
    return tree;
  }

  #leaf(tree: Tree, begin: number, end: number, depth: number, order: Int32Array, lambdas: Float64Array, hessians: Float64Array, features: Int32Array, hist: Float64Array | null): Leaf {
    if (!hist) hist = this.#histogram(order, begin, end, lambdas, hessians);
    let g = 0;
    let h = 0;
    for (let r = begin; r < end; r++) {
      g += lambdas[order[r]!]!;
      h += hessians[order[r]!]!;
    }
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.defaultLeft.push(0);
    tree.value.push((this.#params.learningRate * g) / (h + this.#params.l2));
    tree.count.push(end - begin);
    tree.gain.push(0);
    const leaf: Leaf = { node, begin, end, depth, g, h, hist, split: null };
    if (depth < this.#params.maxDepth) leaf.split = this.#bestSplit(leaf, features);
    return leaf;
  }

  #histogram(order: Int32Array, begin: number, end: number, lambdas: Float64Array, hessians: Float64Array): Float64Array {
    const hist = this.#pool.pop() ?? new Float64Array(this.#stride * this.#data.nFeatures);
    hist.fill(0);
    const { bins, nFeatures } = this.#data;
    const stride = this.#stride;
    for (let i = begin; i < end; i++) {
      const r = order[i]!;
      const g = lambdas[r]!;
      const h = hessians[r]!;
      const base = r * nFeatures;
      for (let f = 0; f < nFeatures; f++) {
        const at = f * stride + bins[base + f]! * 3;
        hist[at]! += g;
        hist[at + 1]! += h;
        hist[at + 2]!++;
      }
    }
    return hist;
  }

  #bestSplit(leaf: Leaf, features: Int32Array): Split | null {
    const { minDocsPerLeaf, minHessianPerLeaf, l2, minGain } = this.#params;
    const count = leaf.end - leaf.begin;
    if (count < 2 * minDocsPerLeaf) return null;
    const { g: G, h: H, hist } = leaf;
    const parentScore = (G * G) / (H + l2);
    let best: Split | null = null;
    let bestGain = minGain;
    const consider = (lg: number, lh: number, lc: number, feature: number, bin: number, defaultLeft: boolean): void => {
      const rc = count - lc;
      const rh = H - lh;
      if (lc < minDocsPerLeaf || rc < minDocsPerLeaf || lh < minHessianPerLeaf || rh < minHessianPerLeaf) return;
      const rg = G - lg;
      const gain = (lg * lg) / (lh + l2) + (rg * rg) / (rh + l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        best = { gain, feature, bin, defaultLeft };
      }
    };
    for (const f of features) {
      const base = f * this.#stride;
      const binCount = this.#data.binCounts[f]!;
      const mg = hist[base]!;
      const mh = hist[base + 1]!;
      const mc = hist[base + 2]!;
      let lg = 0;
      let lh = 0;
      let lc = 0;
      for (let t = 1; t < binCount - 1; t++) {
        lg += hist[base + t * 3]!;
        lh += hist[base + t * 3 + 1]!;
        lc += hist[base + t * 3 + 2]!;
        if (mc > 0) {
          consider(lg, lh, lc, f, t, false);
          consider(lg + mg, lh + mh, lc + mc, f, t, true);
        } else {
          consider(lg, lh, lc, f, t, lc >= count - lc);
        }
      }
    }
    return best;
  }

  #split(tree: Tree, parent: Leaf, order: Int32Array, lambdas: Float64Array, hessians: Float64Array, features: Int32Array): [Leaf, Leaf] {
    const split = parent.split!;
    const { bins, nFeatures, cuts } = this.#data;
    // Stable partition of the parent's rows: left ones first, in order; right ones after.
    const scratch = this.#scratch;
    let l = parent.begin;
    let s = 0;
    for (let i = parent.begin; i < parent.end; i++) {
      const r = order[i]!;
      const bin = bins[r * nFeatures + split.feature]!;
      if (bin === 0 ? split.defaultLeft : bin <= split.bin) order[l++] = r;
      else scratch[s++] = r;
    }
    order.set(scratch.subarray(0, s), l);
    const node = parent.node;
    tree.feature[node] = split.feature;
    tree.threshold[node] = cuts[split.feature]![split.bin - 1]!;
    tree.defaultLeft[node] = split.defaultLeft ? 1 : 0;
    tree.gain[node] = split.gain;
    const leftSmaller = l - parent.begin <= parent.end - l;
    const small = leftSmaller ? [parent.begin, l] : [l, parent.end];
    const smallHist = this.#histogram(order, small[0]!, small[1]!, lambdas, hessians);
    const largeHist = parent.hist;
    for (let i = 0; i < largeHist.length; i++) largeHist[i]! -= smallHist[i]!;
    const depth = parent.depth + 1;
    const left = this.#leaf(tree, parent.begin, l, depth, order, lambdas, hessians, features, leftSmaller ? smallHist : largeHist);
    const right = this.#leaf(tree, l, parent.end, depth, order, lambdas, hessians, features, leftSmaller ? largeHist : smallHist);
    tree.left[node] = left.node;
    tree.right[node] = right.node;
    return [left, right];
  }
}
