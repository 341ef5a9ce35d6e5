import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { generateWorld } from '../bench/world/generate.ts';
import type { Client } from '../es-mappings/client.ts';
import { loadImageEmbedder } from '../ingest/clip-embedder.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { createApp } from '../sidecar/app.ts';
import { openServices, type OpenedServices, type OpenServicesOptions } from '../sidecar/open-services.ts';
import { tinyClipDir } from './clip-fixtures.ts';
import { dropAlias } from './es.ts';


export interface TruthPhoto {
  photo_id: string;
  topics: string[];
  colors: string[];
}

export interface TestWorld {
  dir: string;
  photos: TruthPhoto[];
  users: string[];
}

/** A generated world ingested (with CLIP vectors from `modelDir`) into `alias`; tests only. */
export async function ingestTestWorld(client: Client, alias: string, options: { photos: number; users: number; seed: number; modelDir: string }): Promise<TestWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'sidecar-world-'));
  await generateWorld({ out: dir, photos: options.photos, users: options.users, seed: options.seed });
  const embedder = await loadImageEmbedder(options.modelDir);
  try {
    await runIngest({ client, dataDir: dir, alias, embedder, batchSize: 16 });
  } finally {
    await embedder.close();
  }
  await client.indices.refresh({ index: ['feedback-events', alias] });
  const lines = async (name: string) => (await readFile(join(dir, 'truth', name), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    dir,
    photos: (await lines('photos.jsonl')) as unknown as TruthPhoto[],
    users: (await lines('users.jsonl')).map((u) => u.user_id as string),
  };
}

/** Services and app over a test alias, with a silent logger and fast event flushes. */
export async function testSidecar(client: Client, alias: string, options: Partial<OpenServicesOptions> = {}): Promise<{ services: OpenedServices; app: ReturnType<typeof createApp> }> {
  const services = await openServices({ es: client, index: alias, modelDir: tinyClipDir, logger: pino({ level: 'silent' }), flushIntervalMs: 100, ...options });
  return { services, app: createApp(services) };
}

export type TestSidecar = Awaited<ReturnType<typeof testSidecar>>;

/**
 * For one test file: a world ingested into `alias` and a sidecar over it, made before its tests
 * (`world` and `sidecar` are set then; a test may swap in another sidecar), and the sidecar, the
 * index and the client closed after them.
 */
export function useWorldSidecar(client: Client, alias: string, world: Parameters<typeof ingestTestWorld>[2], sidecar: Partial<OpenServicesOptions> = {}, timeoutMs = 120_000): { world: TestWorld; sidecar: TestSidecar } {
  const fixture = {} as { world: TestWorld; sidecar: TestSidecar };
  beforeAll(async () => {
    fixture.world = await ingestTestWorld(client, alias, world);
    fixture.sidecar = await testSidecar(client, alias, sidecar);
  }, timeoutMs);
  afterAll(async () => {
    await fixture.sidecar?.services.close();
    await dropAlias(client, alias);
    await client.close();
  });
  return fixture;
}

export { postJson } from './stub-services.ts';
