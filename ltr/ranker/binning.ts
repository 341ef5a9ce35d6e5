import { createError } from '../../es-mappings/errors.ts';
/**
 * Quantile binning of features, as LightGBM does (Ke et al. 2017): each feature's values are cut
 * once, before training, into at most `bins` bins, so the split search of every node sums gradients
 * into a small histogram instead of sorting rows. Bin 0 holds the missing values (NaN); value bins
 * are 1..cuts.length+1, and for a non-missing x: bin(x) ≤ t  ⇔  x ≤ cuts[t-1]. The cut points are
 * values taken from the data (float32), so a split found on bins is the same comparison on raw
 * features at scoring time, bit for bit.
 */

export interface BinnedMatrix {
  rows: number;
  nFeatures: number;
  /** rows × nFeatures, row-major; 0 = missing. */
  bins: Uint8Array;
  /** Per feature: ascending cut points. */
  cuts: Float32Array[];
  /** Per feature: number of bins including the missing bin (cuts.length + 2). */
  binCounts: Int32Array;
}

/** Rows sampled (evenly spaced) per feature to find the quantiles; beyond this the cuts hardly move. */
const QUANTILE_SAMPLE = 200_000;

/** Cut points of one feature: each distinct value its own bin when few, else quantiles. */
export function quantileCuts(values: Float32Array, maxBins: number): Float32Array {
  const valueBins = maxBins - 1; // bin 0 is missing
  const stride = Math.max(1, Math.floor(values.length / QUANTILE_SAMPLE));
  let present = 0;
  for (let i = 0; i < values.length; i += stride) if (!Number.isNaN(values[i]!)) present++;
  const sorted = new Float32Array(present);
  let k = 0;
  for (let i = 0; i < values.length; i += stride) if (!Number.isNaN(values[i]!)) sorted[k++] = values[i]!;
  sorted.sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= valueBins) return Float32Array.from(distinct.slice(0, -1));
  const cuts: number[] = [];
  const max = distinct[distinct.length - 1]!;
  for (let q = 1; q < valueBins; q++) {
    const cut = sorted[Math.floor((q * sorted.length) / valueBins)]!;
    if (cut < max && (cuts.length === 0 || cut > cuts[cuts.length - 1]!)) cuts.push(cut);
  }
  return Float32Array.from(cuts);
}

/** The bin of a value: 0 for NaN, else 1 + the number of cuts below it (binary search). */
export function binOf(cuts: Float32Array, x: number): number {
  if (Number.isNaN(x)) return 0;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Bins a row-major matrix. `maxBins` counts the missing bin and is at most 255 (one byte per value).
 */
export function binMatrix(features: Float32Array, rows: number, nFeatures: number, maxBins: number): BinnedMatrix {
  if (!Number.isInteger(maxBins) || maxBins < 3 || maxBins > 255) throw createError('INVALID_ARGUMENT', `lambdamart: bins must be an integer in [3, 255], got ${maxBins}`);
  const column = new Float32Array(rows);
  const cuts: Float32Array[] = [];
  const binCounts = new Int32Array(nFeatures);
  const bins = new Uint8Array(rows * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    for (let r = 0; r < rows; r++) column[r] = features[r * nFeatures + f]!;
    const c = quantileCuts(column, maxBins);
    cuts.push(c);
    binCounts[f] = c.length + 2;
    for (let r = 0; r < rows; r++) bins[r * nFeatures + f] = binOf(c, column[r]!);
  }
  return { rows, nFeatures, bins, cuts, binCounts };
}
