import type { DocumentKeyword } from '../documents/photo-document.ts';
import type { Cell } from '../read/schema.ts';

/** Confidence of a keyword users suggested: at least this, or the AI's when higher. */
export const USER_SUGGESTED_CONFIDENCE = 0.5;
/** Confidence of a keyword that neither an AI service scored nor a user suggested (1.0 files). */
export const UNSCORED_CONFIDENCE = 0.25;
export const MAX_KEYWORD_LENGTH = 64;
export const MAX_KEYWORD_WORDS = 6;

const EDGES = /^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu;
const LINK = /:\/\/|^www\.|\.(?:com|org|net|io)(?:\/|$)|@\S+\.\S/u;

/**
 * A keyword as the index keeps it (after the Unsplash feedback write-up's check_fix_tags), or null for junk. Rules, in order:
 * Unicode NFKC (full-width letters, ligatures, non-breaking spaces fold to plain ones); lower case;
 * invisible characters (zero-width space and joiner, soft hyphen, BOM, emoji variation selectors) removed; control characters
 * and whitespace runs become one space; punctuation and symbols (emoji included) stripped from
 * both ends, kept inside ("rock 'n' roll", "t-shirt"). Junk is: empty; no letter at all (digits,
 * punctuation, emoji only: "2019", "12.5", "!!!"); one Latin letter ("a", "x"); longer than 64
 * characters; more than 6 words (a sentence, not a tag); a link or an e-mail address.
 */
export function normalizeKeyword(raw: string): string | null {
  const text = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Cf}\u{FE00}-\u{FE0F}]/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .replace(EDGES, '');
  if (text.length === 0 || text.length > MAX_KEYWORD_LENGTH) return null;
  if (!/\p{L}/u.test(text) || /^[a-z]$/.test(text)) return null;
  if (text.split(' ').length > MAX_KEYWORD_WORDS) return null;
  if (LINK.test(text)) return null;
  return text;
}

/** An AI confidence (0–100 in the files), clamped; null when missing. */
function score(value: Cell | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : null;
}

/**
 * Merges the keyword rows of one photo, one row at a time (so raw rows need not be kept):
 * duplicates after normalizeKeyword keep the highest confidence per AI service, and
 * `suggested_by_user` if any row had it; junk is dropped.
 */
export class KeywordMerger {
  readonly #merged = new Map<string, DocumentKeyword>();

  /** Adds one keyword row (`keyword`, `ai_service_1_confidence`, `ai_service_2_confidence`, `suggested_by_user`). Returns false when the keyword is junk. */
  add(row: Readonly<Record<string, Cell>>): boolean {
    const keyword = typeof row.keyword === 'string' ? normalizeKeyword(row.keyword) : null;
    if (!keyword) return false;
    const one = score(row.ai_service_1_confidence);
    const two = score(row.ai_service_2_confidence);
    let entry = this.#merged.get(keyword);
    if (!entry) {
      entry = { keyword, confidence: 0, ai_service_1: null, ai_service_2: null, suggested_by_user: false };
      this.#merged.set(keyword, entry);
    }
    if (one !== null) entry.ai_service_1 = Math.max(entry.ai_service_1 ?? 0, one);
    if (two !== null) entry.ai_service_2 = Math.max(entry.ai_service_2 ?? 0, two);
    if (row.suggested_by_user === true) entry.suggested_by_user = true;
    return true;
  }

  get size(): number {
    return this.#merged.size;
  }

  /**
   * The merged keywords, best first (ties by keyword). `confidence` (0–1) is the best AI
   * confidence / 100; a user-suggested keyword gets at least USER_SUGGESTED_CONFIDENCE; a keyword
   * with no score and no user gets UNSCORED_CONFIDENCE.
   */
  keywords(): DocumentKeyword[] {
    const result = [...this.#merged.values()].map((entry) => {
      const best = Math.max(entry.ai_service_1 ?? -1, entry.ai_service_2 ?? -1);
      const ai = best >= 0 ? best / 100 : null;
      const confidence = entry.suggested_by_user ? Math.max(ai ?? 0, USER_SUGGESTED_CONFIDENCE) : (ai ?? UNSCORED_CONFIDENCE);
      return { ...entry, confidence };
    });
    return result.sort((a, b) => b.confidence - a.confidence || (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0));
  }
}

/**
 * All keyword rows of one photo → its keywords for the index (see KeywordMerger).
 *
 * @example
 * mergeKeywords([{ keyword: 'Dog', ai_service_1_confidence: 90 }, { keyword: ' dog ', suggested_by_user: true }])
 * // → [{ keyword: 'dog', confidence: 0.9, ai_service_1: 90, ai_service_2: null, suggested_by_user: true }]
 */
export function mergeKeywords(rows: Iterable<Readonly<Record<string, Cell>>>): DocumentKeyword[] {
  const merger = new KeywordMerger();
  for (const row of rows) merger.add(row);
  return merger.keywords();
}
