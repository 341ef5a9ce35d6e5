import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { collectColors, collectKeywords } from './clean/by-photo.ts';
import type { DocumentCollection, PhotoExtras, PhotoRow } from './documents/photo-document.ts';
import type { Cell } from './read/schema.ts';
import { partFiles, readTable } from './read/table-reader.ts';
import type { ConversionRow, IngestSources } from './sources.ts';

function text(value: Cell | undefined): string | null {
  return typeof value === 'string' ? value : value == null ? null : String(value);
}

/**
 * The Unsplash Lite files in `dataDir` (`photos.tsv000…`, `keywords…`, `colors…`, `collections…`,
 * `conversions…`). Keywords, colors and collections are grouped by photo in memory before photos
 * stream: the files are not sorted by photo, and Lite's 2.7M keyword rows fit (~0.5 GB); a Full
 * dataset would want an external sort first.
 */
export function unsplashSources(dataDir: string): IngestSources {
  return {
    photos: (onReject) => readTable(dataDir, 'photos', { onReject }) as AsyncIterable<PhotoRow>,

    extras: async (onReject) => {
      const keywords = (await collectKeywords(readTable(dataDir, 'keywords', { onReject: (r) => onReject('keywords', r) }))).byPhoto;
      const colorRows = await collectColors(readTable(dataDir, 'colors', { onReject: (r) => onReject('colors', r) }));
      for (const { row, reason } of colorRows.rejected) onReject('colors', { file: 'colors', line: 0, reason, raw: JSON.stringify(row) });
      const colors = colorRows.byPhoto;

      const collections = new Map<string, DocumentCollection[]>();
      for await (const row of readTable(dataDir, 'collections', { onReject: (r) => onReject('collections', r) })) {
        const id = row.photo_id as string;
        const list = collections.get(id) ?? [];
        if (!list.some((c) => c.id === String(row.collection_id))) list.push({ id: String(row.collection_id), title: text(row.collection_title) });
        collections.set(id, list);
      }

      return (photoId: string): PhotoExtras => ({
        keywords: keywords.get(photoId) ?? [],
        colors: colors.get(photoId) ?? [],
        collections: collections.get(photoId) ?? [],
      });
    },

    conversions: (onReject) => readTable(dataDir, 'conversions', { onReject }) as unknown as AsyncIterable<ConversionRow>,

    conversionsFingerprint: async () => {
      const parts = await partFiles(dataDir, 'conversions');
      const stamps = await Promise.all(parts.map(async (file) => {
        const info = await stat(file);
        return `${basename(file)}:${info.size}:${info.mtimeMs}`;
      }));
      return stamps.join('|');
    },
  };
}
