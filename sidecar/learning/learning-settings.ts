/** What a sidecar does for learning from its traffic (feature logging and randomization); `pixrank serve` sets it from flags. */
export interface LearningSettings {
  /** Log each served search's feature vectors in `search-events` (default on). */
  logFeatures: boolean;
  /**
   * Share of first pages that choose a random adjacent pair within the top `swapDepth` and swap it
   * with probability 1/2 (FairPairs), so examination by rank can be estimated from the logs. Off
   * (0) in-process (`pixrank search`, tests); `pixrank serve` turns it on (`--swap-share`, 0.05).
   */
  swapShare: number;
  swapDepth: number;
  /**
   * Candidates below the page logged beside it, drawn uniformly from the window the request ranked:
   * features of what was not shown, for off-policy evaluation and for training with unseen negatives.
   */
  windowSample: number;
}

export const DEFAULT_LEARNING: LearningSettings = { logFeatures: true, swapShare: 0, swapDepth: 10, windowSample: 10 };
