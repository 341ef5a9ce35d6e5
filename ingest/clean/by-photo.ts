import type { DocumentColor, DocumentKeyword } from '../documents/photo-document.ts';
import type { Cell } from '../read/schema.ts';
import { cleanColor, mergeColors } from './colors.ts';
import { KeywordMerger } from './keywords.ts';
import { createError } from '../../es-mappings/errors.ts';

type Row = Readonly<Record<string, Cell>>;

export interface CollectOptions {
  /**
   * Keep only the photos this accepts, e.g. `(id) => partitionOf(id, 8) === pass`, to hold an
   * eighth of a Full dataset's keywords at a time (each pass reads the keyword files again).
   */
  keep?: (photoId: string) => boolean;
}

export interface CollectedKeywords {
  byPhoto: Map<string, DocumentKeyword[]>;
  /** Rows read (kept photos only) and rows whose keyword was junk. */
  rows: number;
  junk: number;
}

/**
 * Keyword rows in any order (the files are not sorted by photo) → each photo's merged keywords.
 * Rows are merged as they arrive, so memory grows with photos × distinct keywords, not with rows:
 * Lite (25k photos, ~2.7M rows) fits easily; a Full dataset (millions of photos) does not, and
 * wants `keep` with partitionOf (K passes over the keyword files, 1/K of the memory), or an
 * external sort by photo_id upstream and mergeKeywords per run of one photo's rows.
 */
export async function collectKeywords(rows: AsyncIterable<Row> | Iterable<Row>, options: CollectOptions = {}): Promise<CollectedKeywords> {
  const mergers = new Map<string, KeywordMerger>();
  let count = 0;
  let junk = 0;
  for await (const row of rows) {
    const id = row.photo_id;
    if (typeof id !== 'string' || (options.keep && !options.keep(id))) continue;
    count += 1;
    let merger = mergers.get(id);
    if (!merger) {
      merger = new KeywordMerger();
      mergers.set(id, merger);
    }
    if (!merger.add(row)) junk += 1;
  }
  const byPhoto = new Map<string, DocumentKeyword[]>();
  for (const [id, merger] of mergers) {
    mergers.delete(id);
    if (merger.size > 0) byPhoto.set(id, merger.keywords());
  }
  return { byPhoto, rows: count, junk };
}

export interface CollectedColors {
  byPhoto: Map<string, DocumentColor[]>;
  /** Rows that could not be cleaned, with the reason (for the rejects file). */
  rejected: Array<{ row: Row; reason: string }>;
}

/** Color rows in any order → each photo's cleaned colors (see cleanColor, mergeColors). Memory as collectKeywords. */
export async function collectColors(rows: AsyncIterable<Row> | Iterable<Row>, options: CollectOptions = {}): Promise<CollectedColors> {
  const lists = new Map<string, DocumentColor[]>();
  const rejected: CollectedColors['rejected'] = [];
  for await (const row of rows) {
    const id = row.photo_id;
    if (typeof id !== 'string' || (options.keep && !options.keep(id))) continue;
    const cleaned = cleanColor(row);
    if ('reason' in cleaned) {
      rejected.push({ row, reason: cleaned.reason });
      continue;
    }
    const list = lists.get(id);
    if (list) list.push(cleaned.color);
    else lists.set(id, [cleaned.color]);
  }
  for (const [id, list] of lists) lists.set(id, mergeColors(list));
  return { byPhoto: lists, rejected };
}

/**
 * A stable partition (0 … partitions-1) of a photo id (FNV-1a), for reading a large dataset's
 * per-photo tables in several passes.
 */
export function partitionOf(photoId: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw createError('INVALID_ARGUMENT', `clean: partitions must be a positive integer, got ${partitions}`);
  let hash = 0x811c9dc5;
  for (let i = 0; i < photoId.length; i += 1) {
    hash ^= photoId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
