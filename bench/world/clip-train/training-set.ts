import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import pLimit from 'p-limit';
import { createImageLoader } from '../../../ingest/images/image-loader.ts';
import { unsplashSources } from '../../../ingest/unsplash-sources.ts';
import type { PhotoRow } from '../../../ingest/documents/photo-document.ts';
import { clipPreprocessDefaults, rgbCrop, type PreprocessConfig } from '../../../sidecar/clip/index.ts';
import { captionTranslations } from '../languages.ts';
import { PALETTE, TOPICS } from '../vocabulary.ts';

/** What the training script reads about one photo: only what the dataset tables say (never `truth/`). */
export interface TrainingPhoto {
  id: string;
  /** Cleaned keywords with their confidence (0–1), as ingest indexes them. */
  keywords: Array<[string, number]>;
  /** Color names with their share of pixels. */
  colors: Array<[string, number]>;
  description: string | null;
  ai_description: string | null;
}

export interface TrainingSetSummary {
  dir: string;
  photos: number;
  skipped: number;
  crop: number;
}

const CHUNK = 256;

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * A dataset in the Unsplash Lite layout → the files `train_world_clip.py` reads:
 * `pixels.u8` (N × crop × crop × 3 RGB bytes, the exact crop the image encoder sees at inference,
 * made by the same preprocessing code), `photos.jsonl` (one TrainingPhoto per line, same order) and
 * `meta.json`. A photo without image or keywords is skipped and counted.
 */
export async function writeTrainingSet(dataDir: string, outDir: string, log: (line: string) => void, config: PreprocessConfig = clipPreprocessDefaults): Promise<TrainingSetSummary> {
  await mkdir(outDir, { recursive: true });
  const sources = unsplashSources(dataDir);
  const ignore = (): void => {};
  const extrasOf = await sources.extras(ignore);
  const photos: PhotoRow[] = [];
  for await (const row of sources.photos(ignore)) photos.push(row);

  const loadImage = createImageLoader({ dataDir, cacheDir: join(outDir, 'downloads') });
  const crop = async (row: PhotoRow): Promise<Uint8Array | undefined> => {
    const location = textOf(row.photo_image_url);
    if (!location) return undefined;
    try {
      return await rgbCrop(await loadImage(row.photo_id as string, location), config);
    } catch (error) {
      log(`training set: skipping ${row.photo_id}: ${(error as Error).message}`);
      return undefined;
    }
  };

  const pixels = createWriteStream(join(outDir, 'pixels.u8'));
  const lines: string[] = [];
  let skipped = 0;
  // A chunk of photos is decoded at a time (4 at once) and written in order: memory holds one chunk of crops.
  const limit = pLimit(4);
  for (let start = 0; start < photos.length; start += CHUNK) {
    const chunk = photos.slice(start, start + CHUNK);
    const crops = await Promise.all(chunk.map((row) => limit(() => crop(row))));
    for (const [i, row] of chunk.entries()) {
      const extras = extrasOf(row.photo_id as string);
      const rgb = crops[i];
      if (!rgb || extras.keywords.length === 0) {
        skipped += 1;
        continue;
      }
      const photo: TrainingPhoto = {
        id: row.photo_id as string,
        keywords: extras.keywords.map((k) => [k.keyword, k.confidence]),
        colors: extras.colors.filter((c) => c.name).map((c) => [c.name!, c.coverage ?? 0]),
        description: textOf(row.photo_description),
        ai_description: textOf(row.ai_description),
      };
      lines.push(JSON.stringify(photo));
      if (!pixels.write(rgb)) await once(pixels, 'drain');
    }
  }
  pixels.end();
  await once(pixels, 'finish');
  await writeFile(join(outDir, 'photos.jsonl'), `${lines.join('\n')}\n`);
  // The world's bilingual vocabulary (a dictionary, not truth/): the trainer translates a share of captions with it.
  await writeFile(join(outDir, 'translations.json'), `${JSON.stringify(captionTranslations(TOPICS.map((t) => t.keywords), PALETTE.map((c) => c.name)))}\n`);
  const summary = { dir: outDir, photos: lines.length, skipped, crop: config.cropSize };
  await writeFile(join(outDir, 'meta.json'), `${JSON.stringify({ ...summary, source: dataDir }, null, 2)}\n`);
  return summary;
}
