import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageLoader } from './image-loader.ts';

let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    if (path === '/flaky.jpg' && count < 3) return void response.writeHead(503).end();
    if (path === '/gone.jpg') return void response.writeHead(404).end();
    if (path === '/slow.jpg') return void setTimeout(() => response.end('late'), 2_000);
    response.end(`bytes of ${path}${request.url!.includes('w=') ? ' resized' : ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => {
  server.close();
});

async function loader(extra: { timeoutMs?: number; width?: number } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'data-'));
  return { dataDir, load: createImageLoader({ dataDir, cacheDir: join(dataDir, 'cache'), retries: 3, ...extra }) };
}

describe('image loader', () => {
  it('reads relative paths, absolute paths and file: URLs', async () => {
    const { dataDir, load } = await loader();
    await writeFile(join(dataDir, 'a.jpg'), 'A');
    expect((await load('a', 'a.jpg')).toString()).toBe('A');
    expect((await load('a', join(dataDir, 'a.jpg'))).toString()).toBe('A');
    expect((await load('a', pathToFileURL(join(dataDir, 'a.jpg')).href)).toString()).toBe('A');
  });

  it('downloads once, then serves from the cache keyed by photo id', async () => {
    const { load } = await loader({ width: 400 });
    expect((await load('p1', `${base}/one.jpg`)).toString()).toBe('bytes of /one.jpg resized');
    expect((await load('p1', `${base}/one.jpg`)).toString()).toBe('bytes of /one.jpg resized');
    expect(hits.get('/one.jpg')).toBe(1);
  });

  it('retries a 503 with backoff, and fails a 404 at once', async () => {
    const { load } = await loader();
    expect((await load('f', `${base}/flaky.jpg`)).toString()).toBe('bytes of /flaky.jpg');
    expect(hits.get('/flaky.jpg')).toBe(3);
    await expect(load('g', `${base}/gone.jpg`)).rejects.toThrow(/HTTP 404/);
    expect(hits.get('/gone.jpg')).toBe(1);
  });

  it('gives up on a server slower than the timeout', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'data-'));
    const load = createImageLoader({ dataDir, cacheDir: join(dataDir, 'cache'), retries: 0, timeoutMs: 200 });
    await expect(load('s', `${base}/slow.jpg`)).rejects.toThrow(/timeout|aborted/i);
  });
});
