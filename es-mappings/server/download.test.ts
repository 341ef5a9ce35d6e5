import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PixrankError } from '../errors.ts';
import { ensureDistribution } from './download.ts';

const VERSION = '0.0.0-test';
let saved: string | undefined;
let zip: string;

beforeEach(async () => {
  saved = process.env.PIXRANK_CACHE_DIR;
  process.env.PIXRANK_CACHE_DIR = await mkdtemp(join(tmpdir(), 'pixrank-cache-'));
  const downloads = join(process.env.PIXRANK_CACHE_DIR, 'es', VERSION, 'download');
  await mkdir(downloads, { recursive: true });
  zip = join(downloads, `elasticsearch-${VERSION}.zip`);
});

afterEach(() => {
  if (saved === undefined) delete process.env.PIXRANK_CACHE_DIR;
  else process.env.PIXRANK_CACHE_DIR = saved;
});

describe('ensureDistribution', () => {
  it('refuses a download whose checksum differs from the published one, and deletes it', async () => {
    await writeFile(zip, 'these bytes are not the distribution');
    await writeFile(`${zip}.expected`, 'a'.repeat(128));
    const error = await ensureDistribution(VERSION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PixrankError);
    expect((error as PixrankError).code).toBe('CHECKSUM_MISMATCH');
    expect((error as Error).message).toMatch(/is corrupt .* it was deleted, run the command again/);
    expect(existsSync(zip)).toBe(false);
  });

  it('refuses a download that matches its checksum but is not a zip, and deletes it', async () => {
    const bytes = Buffer.from('truncated');
    await writeFile(zip, bytes);
    await writeFile(`${zip}.expected`, createHash('sha1').update(bytes).digest('hex'));
    const error = await ensureDistribution(VERSION).catch((e: unknown) => e);
    expect((error as PixrankError).code).toBe('DOWNLOAD_FAILED');
    expect((error as Error).message).toContain('could not be unpacked');
    expect(existsSync(zip)).toBe(false);
  });
});
