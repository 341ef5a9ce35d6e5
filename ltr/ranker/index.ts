/** The learned second pass: featuresets, LambdaMART training, the ranker artifact and its scoring. */
export { assertSameFeatureset, copyFeatureset, featuresetDifference, featuresetFromJson, featuresetToJson, validateFeatureset, type Feature, type Featureset } from './featureset.ts';
export { stackGroups, trainLambdaMart, type LambdaMartOptions, type LambdaMartProgress, type RankingGroup } from './lambdamart.ts';
export { groupIndex, meanNdcg, type GroupIndex } from './lambda.ts';
export { loadRanker, RANKER_FILE, RANKER_FORMAT, RANKER_FORMAT_VERSION, RankerModel, rankerFromJson, type FeatureContribution, type RankerArtifact, type RankerMetrics, type RankerParams } from './model.ts';
export { measureScoreLatency, type ScoreLatency, type ScoreLatencyOptions } from './score-latency.ts';
export { warmUpRanker, type WarmUpOptions } from './warm-up.ts';
export type { Tree } from './tree-builder.ts';
