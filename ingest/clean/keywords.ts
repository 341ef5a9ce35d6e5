import type { DocumentKeyword } from '../documents/photo-document.ts';
import type { Cell } from '../read/schema.ts';

/** Confidence given to a keyword only a user suggested (no AI service scored it). */
export const USER_SUGGESTED_CONFIDENCE = 0.5;
const MAX_KEYWORD_LENGTH = 64;

/**
 * A keyword as the index keeps it (seed 004's check_fix_tags): Unicode NFKC, lower case, inner
 * whitespace collapsed, surrounding punctuation stripped. Returns null for junk: empty, digits or
 * punctuation only, longer than 64 characters, or more than 6 words (a sentence, not a tag).
 */
export function normalizeKeyword(raw: string): string | null {
  const text = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '');
  if (text.length === 0 || text.length > MAX_KEYWORD_LENGTH) return null;
  if (!/\p{L}/u.test(text)) return null;
  if (text.split(' ').length > 6) return null;
  return text;
}

function confidence(value: Cell | undefined): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, value));
}

/**
 * Merges the keyword rows of one photo: duplicates after normalization keep the highest confidence
 * per AI service and `suggested_by_user` if any row had it. `confidence` (0–1) is the best AI
 * confidence, or USER_SUGGESTED_CONFIDENCE for a keyword only users suggested. Sorted by
 * confidence, best first.
 */
export function mergeKeywords(rows: Iterable<Record<string, Cell>>): DocumentKeyword[] {
  const merged = new Map<string, DocumentKeyword>();
  for (const row of rows) {
    const keyword = typeof row.keyword === 'string' ? normalizeKeyword(row.keyword) : null;
    if (!keyword) continue;
    const one = confidence(row.ai_service_1_confidence);
    const two = confidence(row.ai_service_2_confidence);
    const entry = merged.get(keyword) ?? { keyword, confidence: 0, ai_service_1: null, ai_service_2: null, suggested_by_user: false };
    if (one !== null) entry.ai_service_1 = Math.max(entry.ai_service_1 ?? 0, one);
    if (two !== null) entry.ai_service_2 = Math.max(entry.ai_service_2 ?? 0, two);
    entry.suggested_by_user ||= row.suggested_by_user === true;
    merged.set(keyword, entry);
  }
  const result = [...merged.values()];
  for (const entry of result) {
    const best = Math.max(entry.ai_service_1 ?? -1, entry.ai_service_2 ?? -1);
    entry.confidence = best >= 0 ? best / 100 : USER_SUGGESTED_CONFIDENCE;
  }
  return result.sort((a, b) => b.confidence - a.confidence || (a.keyword < b.keyword ? -1 : 1));
}
