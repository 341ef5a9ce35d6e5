import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partFiles } from './part-files.ts';

async function dirWith(names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parts-'));
  for (const name of names) await writeFile(join(dir, name), '');
  return dir;
}

describe('partFiles', () => {
  it('lists a table’s parts in numeric order, and only that table’s', async () => {
    const dir = await dirWith(['photos.tsv1000', 'photos.tsv001', 'photos.tsv000', 'photos.tsv999', 'keywords.tsv000', 'photos.tsv000.gz', 'photos_extra.tsv000', 'notes.txt']);
    expect((await partFiles(dir, 'photos')).map((f) => basename(f))).toEqual(['photos.tsv000', 'photos.tsv001', 'photos.tsv999', 'photos.tsv1000']);
    expect((await partFiles(dir, 'keywords')).map((f) => basename(f))).toEqual(['keywords.tsv000']);
    expect(await partFiles(dir, 'colors')).toEqual([]);
  });

  it('accepts a single photos.tsv, and .csv names', async () => {
    expect((await partFiles(await dirWith(['photos.tsv']), 'photos')).map((f) => basename(f))).toEqual(['photos.tsv']);
    expect((await partFiles(await dirWith(['photos.csv001', 'photos.csv000']), 'photos')).map((f) => basename(f))).toEqual(['photos.csv000', 'photos.csv001']);
  });

  it('both a .tsv and a .csv set for one table, or a missing directory, is a clear error', async () => {
    await expect(partFiles(await dirWith(['photos.tsv000', 'photos.csv000']), 'photos')).rejects.toThrow('table reader: ');
    await expect(partFiles('/nonexistent/pixrank-data', 'photos')).rejects.toThrow(/^table reader: cannot list \/nonexistent\/pixrank-data/);
  });
});
