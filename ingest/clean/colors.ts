import type { DocumentColor } from '../documents/photo-document.ts';
import type { Cell } from '../read/schema.ts';

const HEX6 = /^[0-9a-f]{6}$/;
const HEX3 = /^[0-9a-f]{3}$/;

function channel(value: Cell | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? value : null;
}

function share(value: Cell | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null;
}

/**
 * One row of the colors table → the color the index keeps, or the reason it cannot be kept.
 * Rules: hex trimmed, `#` dropped, lower case, `abc` expanded to `aabbcc`; a hex that is still not
 * 6 hex digits is rebuilt from red/green/blue when all three are integers 0–255, else the row is
 * rejected. `name` (the nearest CSS color, column `keyword`) trimmed and lower-cased, empty → null.
 * `coverage` (ai_coverage) and `score` (ai_score) clamped to 0–1, missing → null.
 */
export function cleanColor(row: Readonly<Record<string, Cell>>): { color: DocumentColor } | { reason: string } {
  let hex = typeof row.hex === 'string' ? row.hex.trim().replace(/^#/, '').toLowerCase() : '';
  if (HEX3.test(hex)) hex = [...hex].map((digit) => digit + digit).join('');
  if (!HEX6.test(hex)) {
    const rgb = [channel(row.red), channel(row.green), channel(row.blue)];
    if (rgb.some((value) => value === null)) return { reason: `hex ${JSON.stringify(row.hex)} is not 6 hex digits` };
    hex = rgb.map((value) => value!.toString(16).padStart(2, '0')).join('');
  }
  const name = typeof row.keyword === 'string' ? row.keyword.normalize('NFKC').trim().toLowerCase() : '';
  return { color: { hex, name: name === '' ? null : name, coverage: share(row.ai_coverage), score: share(row.ai_score) } };
}

/**
 * One photo's cleaned colors: one entry per hex (the highest coverage and score, the first name
 * seen), sorted by coverage, largest first (ties by hex).
 */
export function mergeColors(colors: Iterable<DocumentColor>): DocumentColor[] {
  const byHex = new Map<string, DocumentColor>();
  const max = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const color of colors) {
    const seen = byHex.get(color.hex);
    byHex.set(color.hex, seen ? { hex: seen.hex, name: seen.name ?? color.name, coverage: max(seen.coverage, color.coverage), score: max(seen.score, color.score) } : { ...color });
  }
  return [...byHex.values()].sort((a, b) => (b.coverage ?? -1) - (a.coverage ?? -1) || (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
}
