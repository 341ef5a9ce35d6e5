import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createError } from '../../es-mappings/errors.ts';

/** A user as the world's truth knows them: what they like, from `truth/users.jsonl`. */
export interface SimulatedUser {
  id: string;
  /** Topic name → weight (the generator's share of searches on that topic). */
  topics: Record<string, number>;
  colors: string[];
  photographers: string[];
  country: string;
  /** Search sessions in the dataset's year: how often this user comes back. */
  sessions: number;
}

/** The truth a simulation reads: users, each topic's words, each photo's topics and colors. The product never reads it. */
export interface Population {
  users: SimulatedUser[];
  topicWords: Record<string, string[]>;
  photos: Map<string, { topics: string[]; colors: string[] }>;
}

async function lines(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw createError('DATA_NOT_FOUND', `simulate: cannot read ${file} (a world from \`pixrank generate\` has truth/): ${(error as Error).message}`, { cause: error });
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

export async function readPopulation(dataDir: string): Promise<Population> {
  const truth = join(dataDir, 'truth');
  const users = (await lines(join(truth, 'users.jsonl'))) as Array<{ user_id: string; tastes: { topics: Record<string, number>; colors: string[]; photographers: string[] }; country: string; sessions: number }>;
  const photos = (await lines(join(truth, 'photos.jsonl'))) as Array<{ photo_id: string; topics: string[]; colors: string[] }>;
  const topicWords = JSON.parse(await readFile(join(truth, 'topics.json'), 'utf8')) as Record<string, string[]>;
  if (users.length === 0) throw createError('NOT_ENOUGH_DATA', `simulate: ${truth}/users.jsonl has no users`);
  return {
    users: users.map((u) => ({ id: u.user_id, topics: u.tastes.topics, colors: u.tastes.colors, photographers: u.tastes.photographers, country: u.country, sessions: u.sessions })),
    topicWords,
    photos: new Map(photos.map((p) => [p.photo_id, { topics: p.topics, colors: p.colors }])),
  };
}
