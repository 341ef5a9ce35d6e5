import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pidsMentioning, waitUntil } from '../test/processes.ts';
import { createClient } from './client.ts';
import { esDistributionDir } from './paths.ts';
import { ES_VERSION } from './version.ts';

const run = promisify(execFile);
const cli = new URL('../bin/pixrank.js', import.meta.url).pathname;

describe('pixrank es start | apply | status | stop', () => {
  it('starts a node in the background, applies twice, and stops it leaving nothing behind', async () => {
    // A cache of its own (so a person's `es start` is untouched) that shares the unpacked distribution.
    const cache = await mkdtemp(join(tmpdir(), 'pixrank-cli-'));
    await mkdir(join(cache, 'es'), { recursive: true });
    await symlink(esDistributionDir(ES_VERSION), join(cache, 'es', ES_VERSION));
    const { ES_URL: _ignored, ...inherited } = process.env;
    const env = { ...inherited, PIXRANK_CACHE_DIR: cache, ES_HEAP: '512m' };
    const pixrank = async (...args: string[]): Promise<string> => (await run(process.execPath, [cli, ...args], { env })).stdout;

    const started = JSON.parse((await pixrank('es', 'start', '--json')).trim().split('\n').at(-1)!) as { url: string; version: string };
    expect(started.version).toBe(ES_VERSION);
    try {
      await pixrank('es', 'apply');
      const second = JSON.parse((await pixrank('es', 'apply', '--json')).trim().split('\n').at(-1)!) as { createdIndex: boolean; index: string };
      expect(second).toMatchObject({ createdIndex: false, index: 'photos-v1' });

      const client = createClient(started.url);
      const templates = await client.indices.getIndexTemplate({ name: 'pixrank-photos' });
      expect(templates.index_templates).toHaveLength(1);
      expect(Object.keys(await client.indices.getAlias({ name: 'photos' }))).toEqual(['photos-v1']);
      const photoIndices = await client.cat.indices({ index: 'photos*', format: 'json', h: 'index' });
      expect(photoIndices.map((i) => i.index)).toEqual(['photos-v1']);
      const mapping = await client.indices.getMapping({ index: 'photos' });
      expect(Object.values(mapping)[0]!.mappings.properties!.clip).toMatchObject({ index_options: { type: 'int8_hnsw' } });
      await client.close();

      const status = JSON.parse((await pixrank('es', 'status', '--json')).trim().split('\n').at(-1)!) as { running: boolean; url: string };
      expect(status).toMatchObject({ running: true, url: started.url });
    } finally {
      await pixrank('es', 'stop');
    }
    expect(await waitUntil(() => pidsMentioning(cache).length === 0, 30_000)).toBe(true);
    const after = await run(process.execPath, [cli, 'es', 'status', '--json'], { env }).catch((e: { stdout: string; code: number }) => e);
    expect((after as { code: number }).code).toBe(3);
    expect((after as { stdout: string }).stdout).toContain('"running":false');
  });
});
