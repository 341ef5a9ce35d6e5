import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reject } from '../../ingest/read/reject-writer.ts';
import { readTable } from '../../ingest/read/table-reader.ts';
import { COLUMNS } from './columns.ts';
import { generateWorld } from './generate.ts';
import { PALETTE } from './vocabulary.ts';

async function digestOf(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (sub: string): Promise<void> => {
    for (const entry of (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(sub, entry.name);
      if (entry.isDirectory()) await walk(path);
      else hash.update(path).update(await readFile(join(dir, path)));
    }
  };
  await walk('.');
  return hash.digest('hex');
}

let world: string;
beforeAll(async () => {
  world = await mkdtemp(join(tmpdir(), 'world-'));
  await generateWorld({ out: world, photos: 80, users: 25, seed: 11 });
});

describe('generateWorld', () => {
  it('is deterministic: the same seed writes the same bytes, another seed others', async () => {
    const again = await mkdtemp(join(tmpdir(), 'world-'));
    await generateWorld({ out: again, photos: 80, users: 25, seed: 11 });
    const other = await mkdtemp(join(tmpdir(), 'world-'));
    await generateWorld({ out: other, photos: 80, users: 25, seed: 12 });
    expect(await digestOf(again)).toBe(await digestOf(world));
    expect(await digestOf(other)).not.toBe(await digestOf(world));
  });

  it('writes every table with the published header, and the readers accept every row', async () => {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      const text = await readFile(join(world, `${table}.tsv000`), 'utf8');
      expect(text.split('\n')[0]).toBe(columns.join('\t'));
      const rejects: Reject[] = [];
      let rows = 0;
      for await (const _ of readTable(world, table as keyof typeof COLUMNS, { onReject: (r) => rejects.push(r) })) rows += 1;
      expect(rejects).toEqual([]);
      expect(rows).toBeGreaterThan(0);
    }
  });

  it("draws each photo's dominant color: the pixels agree with the colors table and the truth", async () => {
    const truth = (await readFile(join(world, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { photo_id: string; colors: string[]; topics: string[] });
    for (const photo of truth.slice(0, 20)) {
      const { dominant } = await sharp(join(world, 'images', `${photo.photo_id}.jpg`)).stats();
      const nearest = PALETTE.map((c) => ({ name: c.name, d: (parseInt(c.hex.slice(0, 2), 16) - dominant.r) ** 2 + (parseInt(c.hex.slice(2, 4), 16) - dominant.g) ** 2 + (parseInt(c.hex.slice(4, 6), 16) - dominant.b) ** 2 })).sort((a, b) => a.d - b.d)[0]!;
      expect(photo.colors).toContain(nearest.name);
    }
    const colorRows = [];
    for await (const row of readTable(world, 'colors')) colorRows.push(row);
    const first = truth[0]!;
    expect(colorRows.filter((r) => r.photo_id === first.photo_id).map((r) => r.keyword)).toEqual(first.colors);
  });

  it("gives photos their topics' keywords, and conversions inside the year by known users", async () => {
    const topics = JSON.parse(await readFile(join(world, 'truth', 'topics.json'), 'utf8')) as Record<string, string[]>;
    expect(Object.keys(topics).length).toBe(20);
    const truth = (await readFile(join(world, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { photo_id: string; topics: string[] });
    const keywords = new Map<string, string[]>();
    for await (const row of readTable(world, 'keywords')) keywords.set(row.photo_id as string, [...(keywords.get(row.photo_id as string) ?? []), String(row.keyword).trim().toLowerCase()]);
    for (const photo of truth) expect(keywords.get(photo.photo_id)!.some((k) => topics[photo.topics[0]!]!.includes(k))).toBe(true);

    const users = new Set((await readFile(join(world, 'truth', 'users.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { user_id: string }).user_id));
    const photos = new Set(truth.map((p) => p.photo_id));
    let conversions = 0;
    for await (const row of readTable(world, 'conversions')) {
      conversions += 1;
      expect(users.has(row.anonymous_user_id as string)).toBe(true);
      expect(photos.has(row.photo_id as string)).toBe(true);
      expect(row.converted_at! >= '2022-05-01' && row.converted_at! < '2023-05-01T00:05').toBe(true);
    }
    expect(conversions).toBeGreaterThan(25 * 3);
  });

  it('tag noise changes only the keywords: some photos lose their topic words, some get another topic\'s', async () => {
    const noisy = await mkdtemp(join(tmpdir(), 'world-'));
    const summary = await generateWorld({ out: noisy, photos: 80, users: 25, seed: 11, tagNoise: 0.25 });
    for (const table of ['photos', 'colors', 'collections', 'conversions']) {
      expect(await readFile(join(noisy, `${table}.tsv000`), 'utf8')).toBe(await readFile(join(world, `${table}.tsv000`), 'utf8'));
    }
    expect(await readFile(join(noisy, 'truth', 'photos.jsonl'), 'utf8')).toBe(await readFile(join(world, 'truth', 'photos.jsonl'), 'utf8'));
    expect(await readFile(join(noisy, 'keywords.tsv000'), 'utf8')).not.toBe(await readFile(join(world, 'keywords.tsv000'), 'utf8'));
    expect(summary.taggingErrors.missed).toBeGreaterThan(5);
    expect(summary.taggingErrors.confused).toBeGreaterThan(5);

    const topics = JSON.parse(await readFile(join(noisy, 'truth', 'topics.json'), 'utf8')) as Record<string, string[]>;
    const truth = (await readFile(join(noisy, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { photo_id: string; topics: string[] });
    const keywords = new Map<string, string[]>();
    for await (const row of readTable(noisy, 'keywords')) keywords.set(row.photo_id as string, [...(keywords.get(row.photo_id as string) ?? []), String(row.keyword).trim().toLowerCase()]);
    const foreign = truth.filter((p) => (keywords.get(p.photo_id) ?? []).some((k) => Object.entries(topics).some(([t, words]) => !p.topics.includes(t) && words.includes(k))));
    const untagged = truth.filter((p) => !(keywords.get(p.photo_id) ?? []).some((k) => topics[p.topics[0]!]!.includes(k)));
    expect(foreign.length).toBeGreaterThan(0);
    // A missed topic can come back through a user's suggestion or the duplicated first keyword.
    expect(untagged.length).toBeGreaterThan(0);
    expect(untagged.length).toBeLessThanOrEqual(summary.taggingErrors.missed);
  });
});
