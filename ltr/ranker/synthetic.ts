/**
 * A synthetic ranking problem for tests and latency measurements: relevance depends on two features
 * through interactions no single feature (or linear mix) captures, the other features are noise
 * (some heavy-tailed, like BM25 scores or view counts), and labels are flipped now and then.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Featureset } from './featureset.ts';
import type { RankingGroup } from './lambdamart.ts';

export interface SyntheticOptions {
  groups: number;
  rowsPerGroup: number;
  /** At least 2; features 2.. are noise. */
  nFeatures: number;
  seed: number;
  /** Probability that a row's label is replaced by a random one (default 0.05). */
  labelNoise?: number;
  /** Probability that a value of feature 0 or 1 is missing (NaN) (default 0). */
  missing?: number;
}

export interface SyntheticGroup extends RankingGroup {
  /** The noise-free relevance of each row: ranking by it is the oracle. */
  oracle: Float32Array;
}

/** The relevance the labels come from. f0 high and f1 low is best; f0 low and f1 high is also good. */
export function trueRelevance(f0: number, f1: number): number {
  if (f0 > 0.5 && f1 < 0.3) return 3;
  if (f0 < 0.2 && f1 > 0.8) return 2;
  if (f0 > 0.7 && f1 > 0.7) return 1;
  return 0;
}

export function syntheticFeatureset(nFeatures: number): Featureset {
  return {
    name: 'synthetic',
    version: 1,
    features: Array.from({ length: nFeatures }, (_, i) => ({ name: i < 2 ? `signal_${i}` : `noise_${i}`, description: i < 2 ? 'drives relevance through an interaction' : 'independent of relevance', missing: Number.NaN })),
  };
}

export function syntheticGroups(options: SyntheticOptions): SyntheticGroup[] {
  const { groups, rowsPerGroup: rows, nFeatures, seed } = options;
  const labelNoise = options.labelNoise ?? 0.05;
  const missing = options.missing ?? 0;
  const rng = xoroshiro128plus(Math.imul(seed ^ 0x2545f491, 0x9e3779b1));
  const u = (): number => uniformFloat64(rng);
  return Array.from({ length: groups }, () => {
    const features = new Float32Array(rows * nFeatures);
    const labels = new Float32Array(rows);
    const oracle = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let f = 0; f < nFeatures; f++) {
        // Every third noise feature is heavy-tailed, as BM25 scores and popularity counts are.
        features[r * nFeatures + f] = f >= 2 && f % 3 === 0 ? -Math.log(1 - u()) * 10 : u();
      }
      const relevance = trueRelevance(features[r * nFeatures]!, features[r * nFeatures + 1]!);
      oracle[r] = relevance;
      labels[r] = u() < labelNoise ? Math.floor(u() * 4) : relevance;
      for (let f = 0; f < 2; f++) if (missing > 0 && u() < missing) features[r * nFeatures + f] = Number.NaN;
    }
    return { features, labels, rows, oracle };
  });
}
