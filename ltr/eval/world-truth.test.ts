import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleScores, queryLanguage, readWorldTruth } from './world-truth.ts';

async function worldWithTruth(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'truth-'));
  await mkdir(join(dir, 'truth'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'truth', name), text);
  return dir;
}

const photos = [
  { photo_id: 'red', topics: ['car'], colors: ['red'], concepts: [{ concept: 'car', kind: 'topic', salience: 1 }, { concept: 'red', kind: 'color', salience: 0.8 }] },
  { photo_id: 'blue', topics: ['car'], colors: ['blue'], concepts: [{ concept: 'car', kind: 'topic', salience: 1 }, { concept: 'blue', kind: 'color', salience: 0.8 }] },
].map((p) => JSON.stringify(p)).join('\n');
const users = JSON.stringify({ user_id: 'u', tastes: { topics: {}, colors: [], photographers: [] }, country: 'FR', language: 'fr' });

describe('world truth', () => {
  it('ranks candidates by the download weight of the world it was drawn in, and tells the language a user typed', async () => {
    const dir = await worldWithTruth({
      'photos.jsonl': photos,
      'users.jsonl': users,
      'queries.jsonl': [{ query: 'voiture rouge', languages: ['fr'], concepts: { topics: ['car'], colors: ['red'] } }, { query: 'cascade', languages: ['en', 'fr'], concepts: { topics: ['waterfall'], colors: [] } }].map((q) => JSON.stringify(q)).join('\n'),
      'world.json': JSON.stringify({ downloadRule: 'shows' }),
    });
    const truth = (await readWorldTruth(dir, new Map()))!;
    const [red, blue, unknown] = oracleScores(truth, 'u', 'voiture rouge', ['red', 'blue', 'nope']);
    expect(red).toBeCloseTo(Math.exp(3 * 0.9), 9);
    expect(blue).toBeCloseTo(Math.exp(3 * 0.5), 9);
    expect(unknown).toBeNaN();
    expect(queryLanguage(truth, 'u', 'cascade')).toBe('fr');
    expect(queryLanguage(truth, 'someone else', 'cascade')).toBe('en');
  });

  it("reads a world written before concepts and queries were recorded with the first world's rule, and a dataset without truth as none", async () => {
    const old = await worldWithTruth({
      'photos.jsonl': photos,
      'users.jsonl': users,
      'topics.json': JSON.stringify({ car: ['car', 'vehicle'] }),
    });
    const truth = (await readWorldTruth(old, new Map()))!;
    expect(truth.rule).toBe('topic-word');
    expect(oracleScores(truth, 'u', 'vehicle', ['red'])).toEqual([1]);
    expect(await readWorldTruth(await mkdtemp(join(tmpdir(), 'real-')), new Map())).toBeUndefined();
  });
});
