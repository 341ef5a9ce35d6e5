import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Client } from '../../es-mappings/client.ts';
import { createError } from '../../es-mappings/errors.ts';
import { writeVectorField } from '../../es-mappings/vector-field.ts';
import { readWorldEvents, type ConversionEvent, type PhotoFacts } from '../data/events.ts';
import { PIXRANK_FEATURESET } from '../features/pixrank-featureset.ts';
import { isAttracted } from '../learning/labels.ts';
import { learningSet, type LearningSet } from '../learning/learning-set.ts';
import type { LoggedFeedback } from '../learning/logged-search.ts';
import { readLoggedSearches, readPhotoFacts, readSidecarFeedback } from '../learning/read-events.ts';
import { fitBaseModels, saveBaseModels } from '../models/base-models.ts';
import { trainLambdaMart } from '../ranker/lambdamart.ts';
import { MODELS_FORMAT, MODELS_VERSION, writeManifest, type ModelsManifest } from './models-dir.ts';
import type { PipelineProgress } from './progress.ts';
import { RANKER_TRAINING } from './train-ltr.ts';

export interface TrainFromEventsOptions {
  es: Client;
  index: string;
  out: string;
  /** ISO date: only events at or after it. */
  since?: string;
  /** A dataset folder whose conversions join the logged feedback for the collaborative models. */
  dataDir?: string;
  /** Inverse propensity weights (default true). */
  ips?: boolean;
  seed?: number;
  progress: PipelineProgress;
}

/** Positive feedback (click, like, download) as the collaborative models' events: who, which photo, after which query. */
export function feedbackConversions(feedback: readonly LoggedFeedback[]): ConversionEvent[] {
  return feedback
    .filter((f) => isAttracted([f.type]))
    .map((f) => ({ time: Date.parse(f['@timestamp']), user: f.user, photo: f.photo_id, keyword: (f.query ?? '').trim().toLowerCase(), country: f.country ?? null }))
    .sort((a, b) => a.time - b.time);
}

/** What a models folder trained from events records of its data. */
export function eventsProvenance(set: LearningSet, options: { since?: string; ips: boolean; conversions: number }): NonNullable<ModelsManifest['events']> {
  const times = set.groups.map((g) => g.time);
  return {
    since: options.since ?? null,
    from: times.length ? new Date(Math.min(...times)).toISOString() : null,
    to: times.length ? new Date(Math.max(...times)).toISOString() : null,
    ...set.counts,
    join: set.join,
    ips: options.ips,
    propensities: { source: set.propensities.source, searches: set.propensities.searches, theta: set.propensities.theta, pairs: set.propensities.pairs },
    datasetConversions: options.conversions,
  };
}

/**
 * `pixrank train --from-events`: the ranker learns from what the sidecar served and what its users
 * did. search-events ⋈ feedback-events gives graded labels on the logged feature vectors (exactly
 * what serving computed); the randomized pairs give the examination propensities; LambdaMART is
 * trained with inverse-propensity weights (the last fifth of the searches, by time, validates and
 * stops it). ALS, FM and DeepFM are fitted on the positive feedback, with the dataset's
 * conversions when `dataDir` is given. The manifest records the time range, counts and propensities.
 */
export async function trainFromEvents(options: TrainFromEventsOptions): Promise<ModelsManifest> {
  const { es, index, progress } = options;
  const seed = options.seed ?? 1;
  const ips = options.ips ?? true;
  const range = { index, ...(options.since ? { since: options.since } : {}) };
  const [searches, feedback] = await Promise.all([readLoggedSearches(es, range), readSidecarFeedback(es, range)]);
  const set = learningSet(searches, feedback, { featureset: PIXRANK_FEATURESET, ips });
  const theta = set.propensities.theta.map((t) => t.toFixed(3)).join(' ');
  progress.log(`train: ${searches.length} logged searches, ${feedback.length} feedback (${set.join.byRequestId} by request_id, ${set.join.byUserAndPhoto} by user + photo, ${set.join.unmatched} unmatched); ${set.groups.length} searches with feedback on a shown photo; propensities (${set.propensities.source}, ${set.propensities.searches} randomized searches): ${theta}`);
  if (set.counts.otherFeatureset > 0) progress.log(`train: ${set.counts.otherFeatureset} searches logged another featureset than "${PIXRANK_FEATURESET.name}" v${PIXRANK_FEATURESET.version}: left out`);
  if (set.groups.length < 10) throw createError('NOT_ENOUGH_DATA', `train --from-events: only ${set.groups.length} logged searches of ${index} have feedback on a shown photo with featureset v${PIXRANK_FEATURESET.version}; a ranker needs more`);

  const cut = Math.floor(set.groups.length * 0.8);
  const ranker = await trainLambdaMart(PIXRANK_FEATURESET, set.groups.slice(0, cut), {
    ...RANKER_TRAINING,
    seed,
    valid: set.groups.slice(cut),
    onProgress: (p) => progress.tick('lambdamart', p.tree, p.trees, { train_ndcg10: p.trainNdcg, valid_ndcg10: p.validNdcg }),
  });

  const world = options.dataDir ? await readWorldEvents(options.dataDir) : undefined;
  const photos: Map<string, PhotoFacts> = world?.photos ?? (await readPhotoFacts(es, index));
  const events = [...(world?.events ?? []), ...feedbackConversions(feedback)].sort((a, b) => a.time - b.time);
  const base = await fitBaseModels(events, photos, { seed, onProgress: (model, p) => progress.tick(`fit ${model} (feedback${world ? ' + conversions' : ''})`, p.step, p.steps, p.detail) });
  await mkdir(options.out, { recursive: true });
  await saveBaseModels(base, options.out);
  await ranker.save(options.out);
  const als = await writeVectorField(es, index, 'als', (photo) => base.als.itemVector(photo));
  progress.log(`train: ALS factors of ${als.withVector} of ${als.documents} photos written to ${als.index}'s als field`);
  const last = events.at(-1)?.time ?? Date.now();
  const manifest: ModelsManifest = {
    format: MODELS_FORMAT,
    version: MODELS_VERSION,
    createdAt: new Date().toISOString(),
    data: options.dataDir ? resolve(options.dataDir) : 'search-events ⋈ feedback-events',
    index,
    split: { rankerFrom: set.groups[0]!.time, testFrom: last + 1, end: last + 1 },
    conversions: events.length,
    ranker: { queries: searches.length, groups: set.groups.length, trees: ranker.trees.length, ...ranker.metrics },
    alsField: { index: als.index, dims: als.dims, photos: als.withVector },
    events: eventsProvenance(set, { ...(options.since ? { since: options.since } : {}), ips, conversions: world?.events.length ?? 0 }),
  };
  await writeManifest(options.out, manifest);
  return manifest;
}
