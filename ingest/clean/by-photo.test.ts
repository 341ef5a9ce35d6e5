import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../read/table-reader.ts';
import { collectColors, collectKeywords, partitionOf } from './by-photo.ts';

const KEYWORDS =
  'photo_id\tkeyword\tai_service_1_confidence\tai_service_2_confidence\tsuggested_by_user\n' +
  'bbbbbbbbbbb\tcat\t80\t\tf\n' +
  'aaaaaaaaaaa\tDog\t40\t\tf\n' +
  'bbbbbbbbbbb\t2019\t99\t\tf\n' +
  'aaaaaaaaaaa\tdog!\t\t70\tt\n' + // the same photo again after another one: the file is not sorted
  'cccccccccc1\t!!!\t\t\tt\n';

describe('collectKeywords', () => {
  it('groups unsorted keyword rows by photo, merges them, and counts junk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kw-'));
    await writeFile(join(dir, 'keywords.tsv000'), KEYWORDS);
    const { byPhoto, rows, junk } = await collectKeywords(readTable(dir, 'keywords'));
    expect(Object.fromEntries(byPhoto)).toEqual({
      aaaaaaaaaaa: [{ keyword: 'dog', confidence: 0.7, ai_service_1: 40, ai_service_2: 70, suggested_by_user: true }],
      bbbbbbbbbbb: [{ keyword: 'cat', confidence: 0.8, ai_service_1: 80, ai_service_2: null, suggested_by_user: false }],
    });
    expect({ rows, junk }).toEqual({ rows: 5, junk: 2 });
  });

  it('keeps only the photos `keep` accepts; the partitions of several passes cover every photo once', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ photo_id: `photo${String(i % 100).padStart(6, '0')}`, keyword: `word${i}`, ai_service_1_confidence: 50 }));
    const passes = await Promise.all([0, 1, 2].map((pass) => collectKeywords(rows, { keep: (id) => partitionOf(id, 3) === pass })));
    const ids = passes.flatMap((p) => [...p.byPhoto.keys()]);
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
    expect(passes.every((p) => p.byPhoto.size > 10)).toBe(true); // a real spread, not one pass holding everything
    expect(passes.reduce((sum, p) => sum + p.rows, 0)).toBe(300);
  });
});

describe('partitionOf', () => {
  it('is stable and in range, and rejects a bad count', () => {
    expect(partitionOf('aaaaaaaaaaa', 8)).toBe(partitionOf('aaaaaaaaaaa', 8));
    for (const id of ['a', 'bbbbbbbbbbb', 'Zz-_09']) expect(partitionOf(id, 5)).toBeGreaterThanOrEqual(0);
    expect(partitionOf('anything', 1)).toBe(0);
    expect(() => partitionOf('x', 0)).toThrow('clean: partitions must be a positive integer, got 0');
  });
});

describe('collectColors', () => {
  it('groups cleaned colors by photo and returns the rows it could not clean with reasons', async () => {
    const { byPhoto, rejected } = await collectColors([
      { photo_id: 'aaaaaaaaaaa', hex: '#00FF00', red: 0, green: 255, blue: 0, keyword: 'lime', ai_coverage: 0.2, ai_score: 0.3 },
      { photo_id: 'aaaaaaaaaaa', hex: 'ff0000', red: 255, green: 0, blue: 0, keyword: 'red', ai_coverage: 0.6, ai_score: 0.3 },
      { photo_id: 'bbbbbbbbbbb', hex: 'nothex', red: null, green: null, blue: null, keyword: null, ai_coverage: null, ai_score: null },
    ]);
    expect(byPhoto.get('aaaaaaaaaaa')!.map((c) => c.hex)).toEqual(['ff0000', '00ff00']);
    expect(byPhoto.has('bbbbbbbbbbb')).toBe(false);
    expect(rejected.map((r) => r.reason)).toEqual(['hex "nothex" is not 6 hex digits']);
  });
});
