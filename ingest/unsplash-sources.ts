import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { mergeKeywords } from './clean/keywords.ts';
import type { DocumentCollection, DocumentColor, PhotoExtras, PhotoRow } from './documents/photo-document.ts';
import type { Cell } from './read/schema.ts';
import { partFiles, readTable } from './read/table-reader.ts';
import type { ConversionRow, IngestSources } from './sources.ts';

function text(value: Cell | undefined): string | null {
  return typeof value === 'string' ? value : value == null ? null : String(value);
}

function number(value: Cell | undefined): number | null {
  return typeof value === 'number' ? value : null;
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
      const keywordRows = new Map<string, Array<Record<string, Cell>>>();
      for await (const row of readTable(dataDir, 'keywords', { onReject: (r) => onReject('keywords', r) })) {
        const id = row.photo_id as string;
        const list = keywordRows.get(id);
        if (list) list.push(row);
        else keywordRows.set(id, [row]);
      }
      const keywords = new Map([...keywordRows].map(([id, rows]) => [id, mergeKeywords(rows)]));
      keywordRows.clear();

      const colors = new Map<string, DocumentColor[]>();
      for await (const row of readTable(dataDir, 'colors', { onReject: (r) => onReject('colors', r) })) {
        const hex = String(row.hex).replace(/^#/, '').toLowerCase();
        if (!/^[0-9a-f]{6}$/.test(hex)) {
          onReject('colors', { file: 'colors', line: 0, reason: `hex ${JSON.stringify(row.hex)} is not 6 hex digits`, raw: JSON.stringify(row) });
          continue;
        }
        const clamp = (v: number | null) => (v === null ? null : Math.min(1, Math.max(0, v)));
        const color = { hex, name: text(row.keyword), coverage: clamp(number(row.ai_coverage)), score: clamp(number(row.ai_score)) };
        const id = row.photo_id as string;
        const list = colors.get(id);
        if (list) list.push(color);
        else colors.set(id, [color]);
      }
      for (const list of colors.values()) list.sort((a, b) => (b.coverage ?? 0) - (a.coverage ?? 0));

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
