import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhotoFacts } from '../data/events.ts';
import { downloadWeight, type DownloadRule, type QueryConcepts, type ShownConcept, type TruthPhoto, type TruthTaste } from './download-model.ts';

/**
 * What a generated world's `truth/` says, as evaluation reads it: the rule its downloads were drawn by,
 * what each photo shows, each user's taste and language, and each query's concepts and languages.
 * Training and serving never read it.
 */
export interface WorldTruth {
  rule: DownloadRule;
  photos: Map<string, TruthPhoto>;
  users: Map<string, { taste: TruthTaste; language: string }>;
  queries: Map<string, { languages: string[]; concepts: QueryConcepts }>;
}

interface PhotoLine {
  photo_id: string;
  topics: string[];
  colors: string[];
  concepts?: ShownConcept[];
}

async function jsonLines<T>(path: string): Promise<T[]> {
  const text = (await readFile(path, 'utf8')).trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l) as T);
}

/** The truth of a dataset folder, or undefined when it has none (a real dataset). Worlds written before concepts and queries were recorded get them derived from topics. */
export async function readWorldTruth(dataDir: string, facts: ReadonlyMap<string, PhotoFacts>): Promise<WorldTruth | undefined> {
  const dir = join(dataDir, 'truth');
  if (!existsSync(join(dir, 'photos.jsonl')) || !existsSync(join(dir, 'users.jsonl'))) return undefined;
  const world = existsSync(join(dir, 'world.json')) ? (JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as { downloadRule: DownloadRule }) : { downloadRule: 'topic-word' as const };
  const photos = new Map<string, TruthPhoto>();
  for (const p of await jsonLines<PhotoLine>(join(dir, 'photos.jsonl'))) {
    const concepts = p.concepts ?? [...p.topics.map((c, i) => ({ concept: c, kind: 'topic' as const, salience: i === 0 ? 1 : 0.45 })), ...p.colors.map((c) => ({ concept: c, kind: 'color' as const, salience: 1 }))];
    const f = facts.get(p.photo_id);
    photos.set(p.photo_id, { id: p.photo_id, topics: p.topics, concepts, photographer: f?.photographer ?? '', downloads: f?.downloads ?? 0 });
  }
  const users = new Map<string, { taste: TruthTaste; language: string }>();
  for (const u of await jsonLines<{ user_id: string; tastes: { colors: string[]; photographers: string[] }; language?: string }>(join(dir, 'users.jsonl'))) {
    users.set(u.user_id, { taste: { colors: u.tastes.colors, photographers: u.tastes.photographers }, language: u.language ?? 'en' });
  }
  const queries = new Map<string, { languages: string[]; concepts: QueryConcepts }>();
  if (existsSync(join(dir, 'queries.jsonl'))) {
    for (const q of await jsonLines<{ query: string; languages: string[]; concepts: QueryConcepts }>(join(dir, 'queries.jsonl'))) queries.set(q.query.trim().toLowerCase(), { languages: q.languages, concepts: q.concepts });
  } else if (existsSync(join(dir, 'topics.json'))) {
    const topics = JSON.parse(await readFile(join(dir, 'topics.json'), 'utf8')) as Record<string, string[]>;
    for (const [topic, words] of Object.entries(topics)) for (const w of words) queries.set(w, { languages: ['en'], concepts: { topics: [topic], colors: [] } });
  }
  return { rule: world.downloadRule, photos, users, queries };
}

/** The language a user typed a query in: theirs when the query's words are in it, else the query's first. */
export function queryLanguage(truth: WorldTruth, user: string, query: string): string {
  const languages = truth.queries.get(query)?.languages ?? ['en'];
  const own = truth.users.get(user)?.language;
  return own && languages.includes(own) ? own : languages[0]!;
}

/** The generator's own download weight of each candidate for this user and query (NaN when the truth lacks any of them). */
export function oracleScores(truth: WorldTruth, user: string, query: string, candidates: readonly string[]): number[] {
  const taste = truth.users.get(user)?.taste;
  const concepts = truth.queries.get(query)?.concepts;
  return candidates.map((id) => {
    const photo = truth.photos.get(id);
    return taste && concepts && photo ? downloadWeight(truth.rule, photo, taste, concepts) : Number.NaN;
  });
}
