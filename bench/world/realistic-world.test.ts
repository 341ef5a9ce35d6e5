import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../ingest/read/table-reader.ts';
import type { QueryConcepts, ShownConcept } from '../../ltr/eval/download-model.ts';
import { generateWorld } from './generate.ts';
import { QUERY_RATES } from './queries.ts';
import { TAGGER_RATES } from './tagger.ts';

const SIZE = { photos: 1500, users: 300, seed: 5, images: false } as const;

async function lines<T>(path: string): Promise<T[]> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as T);
}

async function keywordsOf(dir: string): Promise<Map<string, Set<string>>> {
  const keywords = new Map<string, Set<string>>();
  for await (const row of readTable(dir, 'keywords')) {
    const id = row.photo_id as string;
    if (!keywords.has(id)) keywords.set(id, new Set());
    keywords.get(id)!.add(String(row.keyword).trim().toLowerCase());
  }
  return keywords;
}

let clean: string;
let realistic: string;
beforeAll(async () => {
  clean = await mkdtemp(join(tmpdir(), 'world-clean-'));
  realistic = await mkdtemp(join(tmpdir(), 'world-real-'));
  await generateWorld({ out: clean, ...SIZE });
  await generateWorld({ out: realistic, ...SIZE, tagger: 'ai', searchers: 'people' });
}, 60_000);
afterAll(async () => {
  await Promise.all([clean, realistic].map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the ai tagger', () => {
  it('changes only the keywords: photos, colors, collections and the photos\' truth are the clean world\'s', async () => {
    for (const table of ['photos', 'colors', 'collections']) {
      expect(await readFile(join(realistic, `${table}.tsv000`), 'utf8')).toBe(await readFile(join(clean, `${table}.tsv000`), 'utf8'));
    }
    expect(await readFile(join(realistic, 'truth', 'photos.jsonl'), 'utf8')).toBe(await readFile(join(clean, 'truth', 'photos.jsonl'), 'utf8'));
  });

  it('finds the main subject at its documented recall and small things less often, and names some look-alikes', async () => {
    const topics = JSON.parse(await readFile(join(realistic, 'truth', 'topics.json'), 'utf8')) as Record<string, string[]>;
    const photos = await lines<{ photo_id: string; concepts: ShownConcept[] }>(join(realistic, 'truth', 'photos.jsonl'));
    const keywords = await keywordsOf(realistic);
    const cleanKeywords = await keywordsOf(clean);
    const found = (kind: 'main' | 'secondary') => {
      const shown = photos.flatMap((p) => p.concepts.filter((c) => c.kind === 'topic' && (kind === 'main' ? c.salience === 1 : c.salience < 1)).map((c) => ({ id: p.photo_id, c })));
      // A topic counts as found when a keyword only that topic has is among the photo's AI keywords (human suggestions may add it back too).
      return shown.filter(({ id, c }) => topics[c.concept]!.some((k) => keywords.get(id)?.has(k))).length / shown.length;
    };
    expect(found('main')).toBeGreaterThan(TAGGER_RATES.recall.main - 0.05);
    expect(found('main')).toBeLessThan(0.99);
    expect(found('secondary')).toBeLessThan(found('main') - 0.1);
    // The clean world names every topic it shows.
    expect(photos.every((p) => p.concepts.filter((c) => c.kind === 'topic').every((c) => topics[c.concept]!.some((k) => cleanKeywords.get(p.photo_id)?.has(k))))).toBe(true);
    const foreign = photos.filter((p) => Object.entries(topics).some(([t, words]) => !p.concepts.some((c) => c.concept === t) && words.some((k) => keywords.get(p.photo_id)?.has(k)))).length / photos.length;
    expect(foreign).toBeGreaterThan(0.03);
    expect(foreign).toBeLessThan(0.25);
  });
});

describe('people searching', () => {
  it('type one to four terms at the documented shares, some in their own language', async () => {
    const queries = await lines<{ query: string; languages: string[]; concepts: QueryConcepts }>(join(realistic, 'truth', 'queries.jsonl'));
    const byText = new Map(queries.map((q) => [q.query, q]));
    const users = new Map((await lines<{ user_id: string; language: string }>(join(realistic, 'truth', 'users.jsonl'))).map((u) => [u.user_id, u.language]));
    let conversions = 0;
    let single = 0;
    let foreignUsers = 0;
    let ownLanguage = 0;
    for await (const row of readTable(realistic, 'conversions')) {
      conversions += 1;
      const q = byText.get(row.keyword as string)!;
      if (q.concepts.topics.length === 1 && q.concepts.colors.length === 0 && !q.query.includes(' ')) single += 1;
      const language = users.get(row.anonymous_user_id as string)!;
      if (language !== 'en') {
        foreignUsers += 1;
        if (q.languages.includes(language) && !q.languages.includes('en')) ownLanguage += 1;
      }
    }
    expect(single / conversions).toBeGreaterThan(0.2);
    expect(single / conversions).toBeLessThan(QUERY_RATES.length[0] + 0.05);
    expect(ownLanguage / foreignUsers).toBeGreaterThan(QUERY_RATES.ownLanguage - 0.12);
    expect(ownLanguage / foreignUsers).toBeLessThan(QUERY_RATES.ownLanguage + 0.05);
    expect(new Set(queries.flatMap((q) => q.languages))).toEqual(new Set(['en', 'de', 'fr', 'es', 'ja', 'pt', 'it']));
  });

  it('download photos that show what they asked for: a color query\'s downloads show that color far more often than its topic\'s photos do', async () => {
    const queries = new Map((await lines<{ query: string; concepts: QueryConcepts }>(join(realistic, 'truth', 'queries.jsonl'))).map((q) => [q.query, q.concepts]));
    const photos = new Map((await lines<{ photo_id: string; concepts: ShownConcept[] }>(join(realistic, 'truth', 'photos.jsonl'))).map((p) => [p.photo_id, p.concepts]));
    const shows = (id: string, color: string) => photos.get(id)!.some((c) => c.kind === 'color' && c.concept === color);
    let downloads = 0;
    let showing = 0;
    let base = 0;
    for await (const row of readTable(realistic, 'conversions')) {
      const concepts = queries.get(row.keyword as string)!;
      const color = concepts.colors[0];
      if (!color) continue;
      downloads += 1;
      if (shows(row.photo_id as string, color)) showing += 1;
      const pool = [...photos.entries()].filter(([, cs]) => cs.some((c) => c.kind === 'topic' && c.concept === concepts.topics[0]));
      base += pool.filter(([id]) => shows(id, color)).length / pool.length;
    }
    expect(downloads).toBeGreaterThan(200);
    expect(showing / downloads).toBeGreaterThan(2 * (base / downloads));
  });
});
