import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimeSplit } from '../data/events.ts';
import { loadBaseModels, type BaseModels } from '../models/base-models.ts';
import { assertSameFeatureset } from '../ranker/featureset.ts';
import { loadRanker, type RankerModel } from '../ranker/model.ts';
import { warmUpRanker } from '../ranker/warm-up.ts';
import { PIXRANK_FEATURESET } from '../features/pixrank-featureset.ts';
import { createError } from '../../es-mappings/errors.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MODELS_FORMAT = 'pixrank-models';
export const MODELS_VERSION = 1;

/** What `pixrank train` leaves in its `--out` folder beside the models. */
export interface ModelsManifest {
  format: typeof MODELS_FORMAT;
  version: number;
  createdAt: string;
  data: string;
  index: string;
  /** The time split the models were trained on; eval tests on [testFrom, end). */
  split: TimeSplit;
  conversions: number;
  /** Ranker training: queries replayed, groups with a positive candidate, validation NDCG@10. */
  ranker: Record<string, number>;
  /** Where the serving ALS's photo factors were written (zero-padded to `dims`), for /recommend's kNN. */
  alsField?: { index: string; dims: number; photos: number };
  /** Trained from the sidecar's logs (`train --from-events`): where the data came from. */
  events?: {
    since: string | null;
    /** The first and last logged search with feedback the ranker learned from. */
    from: string | null;
    to: string | null;
    searches: number;
    withFeatures: number;
    otherFeatureset: number;
    feedback: number;
    groups: number;
    clickedRows: number;
    join: { byRequestId: number; byUserAndPhoto: number; unmatched: number };
    ips: boolean;
    propensities: { source: string; searches: number; theta: number[]; pairs: Array<{ rank: number; searches: number; upper: number; lower: number }> };
    /** The dataset's conversions fitted beside the feedback (`--data`), 0 without. */
    datasetConversions: number;
  };
}

export interface LoadedModels {
  dir: string;
  manifest: ModelsManifest;
  base: BaseModels;
  ranker: RankerModel;
}

export async function writeManifest(dir: string, manifest: ModelsManifest): Promise<void> {
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The manifest of a models folder and its ranker, checked: the manifest's format and version, and
 * the ranker's featureset (it must be the one this code extracts: same features, same version).
 * Throws saying what to do.
 */
export async function readModelsDir(dir: string): Promise<{ manifest: ModelsManifest; ranker: RankerModel }> {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw createError('MODEL_NOT_FOUND', `ltr models: ${dir} has no ${MANIFEST_FILE}; make one with \`pixrank train --data DIR --out ${dir}\``);
  const manifest = JSON.parse(await readFile(file, 'utf8')) as ModelsManifest;
  if (manifest.format !== MODELS_FORMAT || manifest.version !== MODELS_VERSION) {
    throw createError('MODEL_INVALID', `ltr models: ${file} is ${manifest.format} v${manifest.version}; this pixrank reads ${MODELS_FORMAT} v${MODELS_VERSION} (train again)`);
  }
  const ranker = await loadRanker(dir);
  assertSameFeatureset(ranker.featureset, PIXRANK_FEATURESET, 'ltr models');
  // Same names, but a feature computed differently since: the model learned other values.
  if (ranker.featureset.name !== PIXRANK_FEATURESET.name || ranker.featureset.version !== PIXRANK_FEATURESET.version) {
    throw createError(
      'MODEL_INVALID',
      `ltr models: ${dir}'s ranker was trained on featureset "${ranker.featureset.name}" v${ranker.featureset.version}; this pixrank extracts "${PIXRANK_FEATURESET.name}" v${PIXRANK_FEATURESET.version} (train again)`,
    );
  }
  return { manifest, ranker };
}

/**
 * Loads a models folder: `readModelsDir`, then ALS, FM and DeepFM, the ranker warmed up so the
 * first request is not slow.
 */
export async function loadModelsDir(dir: string): Promise<LoadedModels> {
  const { manifest, ranker } = await readModelsDir(dir);
  warmUpRanker(ranker);
  return { dir, manifest, base: await loadBaseModels(dir), ranker };
}
