import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORLD_MODEL_DIR } from '../sidecar/clip/index.ts';
import { tinyClipDir } from '../test/clip-fixtures.ts';
import { loadImageEmbedder } from './clip-embedder.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function idOf(dir: string): Promise<string> {
  const embedder = await loadImageEmbedder(dir);
  await embedder.close();
  return embedder.id;
}

describe('the image embedder id (what ingest hashes with each photo)', () => {
  it('names the model by its file, not its folder: a copy elsewhere is the same model, another model in the same folder is not', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pixrank-embedder-'));
    dirs.push(folder);
    await cp(tinyClipDir, folder, { recursive: true });
    const tiny = await idOf(tinyClipDir);
    expect(await idOf(folder)).toBe(tiny);

    // The folder's model replaced, as a retrained world CLIP replaces the shipped one.
    await rm(folder, { recursive: true });
    await cp(WORLD_MODEL_DIR, folder, { recursive: true });
    const replaced = await idOf(folder);
    expect(replaced).not.toBe(tiny);
    expect(replaced).toMatch(/^clip:[0-9a-f]{16}:fp32:256$/);
  });
});
