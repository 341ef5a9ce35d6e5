import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTPException } from 'hono/http-exception';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { DEFAULT_URL_FETCH } from '../similar/fetch-image.ts';
import { answer, memoryReads, memoryServices, type ProblemBody } from '../../test/stub-services.ts';
import { imageSourceOf, type ImageLocator } from './image-source.ts';
import { thumbnailUrl } from './thumbnail-url.ts';
import { sizedUrl } from './thumbnails.ts';

/** A 600×400 JPEG, as a dataset's image file would be. */
const photo = () => sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();

let dataset: string;
let server: Server;
let serverUrl: string;
let served = 0;

beforeAll(async () => {
  dataset = await mkdtemp(join(tmpdir(), 'images-dataset-'));
  await mkdir(join(dataset, 'images'));
  await writeFile(join(dataset, 'images', 'local.jpg'), await photo());
  await writeFile(join(dataset, 'images', 'broken.jpg'), 'not an image');
  const remote = await photo();
  server = createServer((_, response) => {
    served += 1;
    response.writeHead(200, { 'content-type': 'image/jpeg' }).end(remote);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Photos by id, located as the Elasticsearch locator would from their image_url and the recorded folder. */
function locator(urls: Record<string, string>): ImageLocator {
  return {
    locate: async (id) => {
      const url = urls[id];
      if (url === undefined) throw new HTTPException(404, { message: `photo ${id}: no such photo in photos` });
      return imageSourceOf(id, url, dataset);
    },
  };
}

async function app(options: { allowPrivate?: boolean; cacheBytes?: number } = {}) {
  const cacheDir = await mkdtemp(join(tmpdir(), 'thumbnails-'));
  const services = memoryServices(memoryReads({ photos: [] }), { limits: { urlFetch: { ...DEFAULT_URL_FETCH, allowPrivateAddresses: options.allowPrivate ?? false } } });
  const urls = { local: 'images/local.jpg', broken: 'images/broken.jpg', remote: `${serverUrl}/remote.jpg`, escape: '../outside.jpg' };
  return { cacheDir, app: createApp(services, { images: { locator: locator(urls), cacheDir, ...(options.cacheBytes ? { cacheBytes: options.cacheBytes } : {}) } }) };
}

describe('GET /images/:photo_id', () => {
  it('serves a dataset file as a JPEG of the asked width, cached on disk, with Cache-Control and an ETag that answers 304', async () => {
    const { app: sidecar, cacheDir } = await app();
    const response = await sidecar.request('/images/local?w=256');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 171]);
    expect(await readdir(cacheDir)).toEqual([`${etag!.slice(1, -1)}.jpg`]);

    const again = await sidecar.request('/images/local?w=256', { headers: { 'if-none-match': `W/"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    const otherWidth = await sidecar.request('/images/local?w=128', { headers: { 'if-none-match': etag! } });
    expect(otherWidth.status).toBe(200);
  });

  it('never enlarges: a 1024 thumbnail of a 600 px photo is 600 px wide', async () => {
    const { app: sidecar } = await app();
    const response = await sidecar.request('/images/local?w=1024');
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(600);
  });

  it('answers 400 for a width outside the set, 404 for an unknown photo or a file outside the dataset, 502 for an image that does not decode', async () => {
    const { app: sidecar } = await app();
    const width = await answer<ProblemBody>(sidecar.request('/images/local?w=300'));
    expect(width.status).toBe(400);
    expect(width.body.error.message).toMatch(/^query\.w: .*"128"\|"256"\|"512"\|"1024"/);
    const unknown = await answer<ProblemBody>(sidecar.request('/images/nope'));
    expect([unknown.status, unknown.body.error.message]).toEqual([404, 'photo nope: no such photo in photos']);
    const escape = await answer<ProblemBody>(sidecar.request('/images/escape'));
    expect(escape.status).toBe(404);
    expect(escape.body.error.message).toMatch(/outside the dataset folder .* not served/);
    const broken = await answer<ProblemBody>(sidecar.request('/images/broken'));
    expect(broken.status).toBe(502);
    expect(broken.body.error.message).toMatch(/^photo broken: its image could not be made into a thumbnail/);
  });

  it('fetches a photo_image_url with the limits of /similar {url}: a loopback address is refused (502 naming it)', async () => {
    const { app: sidecar } = await app();
    const refused = await answer<ProblemBody>(sidecar.request('/images/remote'));
    expect(refused.status).toBe(502);
    expect(refused.body.error.message).toMatch(/^photo remote: url: 127\.0\.0\.1 is not a public address/);
  });

  it('fetches and caches a remote image once when the policy allows the address (as a public one would be)', async () => {
    const { app: sidecar } = await app({ allowPrivate: true });
    const before = served;
    const [one, two] = await Promise.all([sidecar.request('/images/remote?w=128'), sidecar.request('/images/remote?w=128')]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect((await sharp(Buffer.from(await one.arrayBuffer())).metadata()).width).toBe(128);
    expect((await sidecar.request('/images/remote?w=128')).status).toBe(200);
    expect(served - before).toBe(1);
  });
});

describe('image sources', () => {
  it('resolves relative paths against the dataset folder and refuses paths that leave it', () => {
    expect(imageSourceOf('a', 'images/a.jpg', '/data/world')).toEqual({ kind: 'file', path: '/data/world/images/a.jpg' });
    expect(imageSourceOf('a', 'file:///data/world/images/a.jpg', '/data/world')).toEqual({ kind: 'file', path: '/data/world/images/a.jpg' });
    expect(imageSourceOf('a', 'https://images.unsplash.com/photo-1', undefined)).toEqual({ kind: 'url', url: 'https://images.unsplash.com/photo-1' });
    expect(() => imageSourceOf('a', '/etc/passwd', '/data/world')).toThrow(/outside the dataset folder/);
    expect(() => imageSourceOf('a', 'images/../../x.jpg', '/data/world')).toThrow(/outside the dataset folder/);
    expect(() => imageSourceOf('a', 'images/a.jpg', undefined)).toThrow(/records no dataset folder; run pixrank ingest/);
  });

  it('asks Unsplash’s resizing host for the width needed, and leaves other URLs alone', () => {
    expect(sizedUrl('https://images.unsplash.com/photo-1?ixid=x', 256)).toBe('https://images.unsplash.com/photo-1?ixid=x&w=256');
    expect(sizedUrl('https://images.unsplash.com/photo-1?w=900', 256)).toBe('https://images.unsplash.com/photo-1?w=900');
    expect(sizedUrl('https://example.com/a.jpg', 256)).toBe('https://example.com/a.jpg');
  });

  it('a thumbnail’s address escapes the photo id', () => {
    expect(thumbnailUrl('a/b c')).toBe('/images/a%2Fb%20c?w=256');
  });
});
