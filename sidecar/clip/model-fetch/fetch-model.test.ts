import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadClipEncoder } from '../encoder.ts';
import { tinyClipDir } from '../../../test/clip-fixtures.ts';
import { fileDigest } from './download-file.ts';
import { fetchModel, type FetchModelOptions } from './fetch-model.ts';
import type { HubOptions } from './hub-client.ts';
import { startTestHub, type TestHub, type TestHubOptions } from './test-hub-server.ts';

const repo = 'tiny/hf-clip-tiny';
const modelFiles = ['onnx/text_model.onnx', 'onnx/vision_model.onnx', 'tokenizer.json', 'preprocessor_config.json', 'tokenizer_config.json'];
const sameBytes = (dir: string, path: string) => readFileSync(join(dir, path)).equals(readFileSync(join(tinyClipDir, path)));

let hub: TestHub | undefined;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pixrank-fetch-'));
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(options: Partial<TestHubOptions> = {}): Promise<TestHub> {
  hub = await startTestHub({ root: tinyClipDir, repo, ...options });
  return hub;
}

function fetchFrom(server: TestHub, options: Partial<FetchModelOptions> & { token?: string } = {}) {
  const { token, ...rest } = options;
  const hubOptions: HubOptions = { endpoint: server.endpoint, timeoutMs: 5000, ...(token ? { token } : {}) };
  return fetchModel(repo, { dir, hub: hubOptions, retries: 2, minBackoffMs: 10, ...rest });
}

describe('fetchModel against a local hub', () => {
  it('fetches the layout through the CDN redirect, and the folder embeds "a dog" at the model dims', async () => {
    const server = await serve();
    const result = await fetchFrom(server);
    expect(result.commit).toBe(server.commit);
    expect(result.files.map((f) => f.path)).toEqual(modelFiles);
    for (const path of modelFiles) expect(sameBytes(dir, path), path).toBe(true);
    // LFS files came from the other origin, after the hub's 302.
    expect(server.log.filter((r) => r.server === 'cdn' && r.method === 'GET').map((r) => r.url)).toHaveLength(2);
    // Resolve URLs were pinned to the listed commit.
    expect(server.log.filter((r) => r.url.includes('/resolve/')).every((r) => r.url.includes(`/resolve/${server.commit}/`))).toBe(true);

    const fetched = await loadClipEncoder(dir);
    const reference = await loadClipEncoder(tinyClipDir);
    try {
      const [dog] = await fetched.embedText(['a dog']);
      const [expected] = await reference.embedText(['a dog']);
      expect(dog).toHaveLength(fetched.dims);
      expect(Array.from(dog!)).toEqual(Array.from(expected!));
    } finally {
      await Promise.all([fetched.close(), reference.close()]);
    }
  });

  it('fetches the _quantized encoders with quantized', async () => {
    const server = await serve();
    const result = await fetchFrom(server, { quantized: true });
    expect(result.files.slice(0, 2).map((f) => f.path)).toEqual(['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']);
    expect(sameBytes(dir, 'onnx/vision_model_quantized.onnx')).toBe(true);
    expect(existsSync(join(dir, 'onnx/vision_model.onnx'))).toBe(false);
  });

  it('a second fetch downloads nothing', async () => {
    const server = await serve();
    await fetchFrom(server);
    const before = server.log.length;
    const again = await fetchFrom(server);
    const second = server.log.slice(before);
    expect(again.files.every((f) => !f.downloaded)).toBe(true);
    expect(second.filter((r) => r.method === 'GET' && !r.url.startsWith('/api/'))).toEqual([]);
  });

  it('a file changed on disk is fetched again', async () => {
    const server = await serve();
    await fetchFrom(server);
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    const again = await fetchFrom(server);
    expect(again.files.filter((f) => f.downloaded).map((f) => f.path)).toEqual(['tokenizer.json']);
    expect(sameBytes(dir, 'tokenizer.json')).toBe(true);
  });

  it('an interrupted download resumes with Range on the next run and ends with identical bytes', async () => {
    const path = 'onnx/text_model.onnx';
    const server = await serve({ cutOnce: { path, afterBytes: 3_000_000 } });
    await expect(fetchFrom(server, { retries: 0 })).rejects.toThrow(/model fetch/);
    const partial = statSync(join(dir, `${path}.incomplete`)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(3_000_000);
    expect(existsSync(join(dir, path))).toBe(false);

    await fetchFrom(server, { retries: 0 });
    const resumed = server.log.filter((r) => r.server === 'cdn' && r.url.includes(encodeURIComponent(path)));
    expect(resumed.map((r) => r.range)).toEqual([undefined, `bytes=${partial}-`]);
    expect(sameBytes(dir, path)).toBe(true);
    expect(existsSync(join(dir, `${path}.incomplete`))).toBe(false);
  });

  it('a cut connection is retried within the run from where it stopped', async () => {
    const path = 'onnx/vision_model.onnx';
    const server = await serve({ cutOnce: { path, afterBytes: 200_000 } });
    await fetchFrom(server);
    const ranges = server.log.filter((r) => r.server === 'cdn' && r.url.includes(encodeURIComponent(path))).map((r) => r.range);
    // The bytes on disk before the cut are kept: the retry asks for the rest only.
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const resumeAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(resumeAt).toBeGreaterThan(0);
    expect(resumeAt).toBeLessThanOrEqual(200_000);
    expect(sameBytes(dir, path)).toBe(true);
  });

  it('a server that ignores Range (200) restarts the file instead of appending', async () => {
    const path = 'onnx/text_model.onnx';
    const server = await serve({ cutOnce: { path, afterBytes: 1_000_000 }, ignoreRange: true });
    await fetchFrom(server);
    expect(sameBytes(dir, path)).toBe(true);
  });

  it('rejects a file whose bytes do not match the sha256, deleting the download', async () => {
    const path = 'onnx/vision_model.onnx';
    const server = await serve({ corrupt: path });
    await expect(fetchFrom(server)).rejects.toThrow(/checksum mismatch for onnx\/vision_model\.onnx.*deleted/);
    expect(existsSync(join(dir, path))).toBe(false);
    expect(existsSync(join(dir, `${path}.incomplete`))).toBe(false);
  });

  it('without a token a 401 names HF_TOKEN; with it, the token goes to the hub but not to the CDN', async () => {
    const server = await serve({ token: 'hf_secret' });
    await expect(fetchFrom(server)).rejects.toThrow(/401.*set HF_TOKEN/);
    await expect(fetchFrom(server, { token: 'hf_wrong' })).rejects.toThrow(/refused HF_TOKEN \(401/);
    const start = server.log.length;
    await fetchFrom(server, { token: 'hf_secret' });
    const requests = server.log.slice(start);
    expect(requests.filter((r) => r.server === 'hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
    expect(requests.filter((r) => r.server === 'cdn').every((r) => r.authorization === undefined)).toBe(true);
  });

  it('names a repo or revision that does not exist', async () => {
    const server = await serve();
    const hubOptions: HubOptions = { endpoint: server.endpoint, timeoutMs: 5000 };
    await expect(fetchModel('someone/missing', { dir, hub: hubOptions, retries: 0 })).rejects.toThrow(/repo someone\/missing at revision main: not found \(404, RepoNotFound\)/);
    await expect(fetchFrom(server, { revision: 'v9' })).rejects.toThrow(/revision v9: not found \(404, RevisionNotFound\)/);
  });

  it('a repo without the layout is an error naming the missing file', async () => {
    const server = await serve({ root: join(tinyClipDir, 'onnx') });
    await expect(fetchFrom(server)).rejects.toThrow(/has no tokenizer\.json/);
  });

  it('checks small files by their git blob sha1', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    // `git hash-object` of an empty file.
    expect(await fileDigest(empty, 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });
});
