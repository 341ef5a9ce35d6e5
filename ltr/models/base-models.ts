import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImplicitAls } from '../als/implicit-als.ts';
import type { ConversionEvent, PhotoFacts } from '../data/events.ts';
import { DeepFm, loadDeepFm } from '../deepfm/deepfm.ts';
import type { FeatureModels } from '../features/extract.ts';
import type { FmEvent, ItemSide } from '../fm/fields.ts';
import { FactorizationMachine, loadFactorizationMachine } from '../fm/fm-bpr.ts';
import { interactionMatrix } from '../interactions.ts';
import type { FitProgress } from '../recommender.ts';
import { createError } from '../../es-mappings/errors.ts';

/** The collaborative models and the photo facts the features need, fitted on one period. */
export interface BaseModels extends FeatureModels {
  als: ImplicitAls;
  fm: FactorizationMachine;
  deepfm: DeepFm;
  photographers: Map<string, string>;
}

export interface FitBaseOptions {
  seed?: number;
  factors?: number;
  /** Per model: its progress (`model` is als, fm or deepfm). */
  onProgress?: (model: string, progress: FitProgress) => void;
}

/** The FM-family models' events: (user, query keyword, downloaded photo, user country). */
export function fmEvents(events: readonly ConversionEvent[]): FmEvent[] {
  return events.map((e) => ({ user: e.user, item: e.photo, query: e.keyword, ...(e.country ? { country: e.country } : {}) }));
}

/** The FM-family models' photo fields: country, photographer, views, downloads. */
export function itemSides(photos: ReadonlyMap<string, PhotoFacts>): Map<string, ItemSide> {
  return new Map([...photos].map(([id, f]) => [id, { ...(f.country ? { country: f.country } : {}), ...(f.photographer ? { photographer: f.photographer } : {}), ...(f.views !== undefined ? { views: f.views } : {}), ...(f.downloads !== undefined ? { downloads: f.downloads } : {}) }]));
}

/** ALS on download counts, FM and DeepFM with BPR on (user, keyword, photo, country) events. */
export async function fitBaseModels(events: readonly ConversionEvent[], photos: ReadonlyMap<string, PhotoFacts>, options: FitBaseOptions = {}): Promise<BaseModels> {
  const seed = options.seed ?? 1;
  const sides = itemSides(photos);
  const als = new ImplicitAls({ factors: options.factors ?? 32, iterations: 15, regularization: 0.05 });
  await als.fit(interactionMatrix(events.map((e) => ({ user: e.user, item: e.photo, weight: 1 }))), { seed, onProgress: (p) => options.onProgress?.('als', p) });
  const fm = new FactorizationMachine({ epochs: 20 }, sides);
  await fm.fitEvents(fmEvents(events), { seed, onProgress: (p) => options.onProgress?.('fm', p) });
  const deepfm = new DeepFm({ epochs: 10 }, sides);
  await deepfm.fitEvents(fmEvents(events), { seed, onProgress: (p) => options.onProgress?.('deepfm', p) });
  const photographers = new Map<string, string>();
  for (const [id, f] of photos) if (f.photographer) photographers.set(id, f.photographer);
  return { als, fm, deepfm, photographers, photographerOf: (photo) => photographers.get(photo) };
}

/** Writes the models under `dir` (als/, fm/, deepfm/, photographers.json). */
export async function saveBaseModels(models: BaseModels, dir: string): Promise<void> {
  for (const name of ['als', 'fm', 'deepfm'] as const) {
    await mkdir(join(dir, name), { recursive: true });
    await models[name].save(join(dir, name));
  }
  await writeFile(join(dir, 'photographers.json'), JSON.stringify(Object.fromEntries(models.photographers)));
}

export async function loadBaseModels(dir: string): Promise<BaseModels> {
  for (const name of ['als', 'fm', 'deepfm', 'photographers.json']) {
    if (!existsSync(join(dir, name))) throw createError('MODEL_NOT_FOUND', `ltr models: ${dir} lacks ${name}; train with \`pixrank train --data DIR --out ${dir}\``);
  }
  const photographers = new Map(Object.entries(JSON.parse(await readFile(join(dir, 'photographers.json'), 'utf8')) as Record<string, string>));
  return {
    als: await ImplicitAls.load(join(dir, 'als')),
    fm: await loadFactorizationMachine(join(dir, 'fm')),
    deepfm: await loadDeepFm(join(dir, 'deepfm')),
    photographers,
    photographerOf: (photo) => photographers.get(photo),
  };
}
