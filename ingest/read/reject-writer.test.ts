import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RejectWriter } from './reject-writer.ts';
import { readTable } from './table-reader.ts';

describe('RejectWriter', () => {
  it('writes the rejects of a read to <data>/rejects/<table>.ndjson and counts them per table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rejects-'));
    await writeFile(join(dir, 'keywords.tsv000'), 'photo_id\tkeyword\tai_service_1_confidence\naaaaaaaaaaa\tdog\tnan?\naaaaaaaaaaa\tcat\t12\n\towl\t1\n');
    const writer = new RejectWriter(dir);
    const rows = [];
    for await (const row of readTable(dir, 'keywords', { onReject: (r) => writer.write('keywords', r) })) rows.push(row.keyword);
    await writer.close();
    expect(rows).toEqual(['cat']);
    expect(Object.fromEntries(writer.counts)).toEqual({ keywords: 2 });
    const lines = (await readFile(join(dir, 'rejects', 'keywords.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { file: 'keywords.tsv000', line: 2, reason: 'column ai_service_1_confidence: not a number: "nan?"', raw: 'aaaaaaaaaaa\tdog\tnan?' },
      { file: 'keywords.tsv000', line: 4, reason: 'missing photo_id', raw: '\towl\t1' },
    ]);
  });

  it('holds one run’s rejects: a new writer clears the last run’s files; a huge raw text is cut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rejects-'));
    for (const run of [1, 2]) {
      const writer = new RejectWriter(dir);
      writer.write('photos', { file: 'photos.tsv000', line: run, reason: 'r', raw: 'x'.repeat(20_000) });
      if (run === 1) writer.write('colors', { file: 'colors.tsv000', line: 9, reason: 'r', raw: '' });
      await writer.close();
    }
    const lines = (await readFile(join(dir, 'rejects', 'photos.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { line: number; raw: string });
    expect(lines.map((l) => l.line)).toEqual([2]);
    expect(lines[0]!.raw.length).toBe(10_001);
    await expect(access(join(dir, 'rejects', 'colors.ndjson'))).rejects.toThrow(/ENOENT/);
  });
});
