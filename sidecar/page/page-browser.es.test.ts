import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../bench/world/vocabulary.ts';
import { FEEDBACK_EVENTS_INDEX } from '../../es-mappings/templates.ts';
import { findChromium } from '../../test/chromium.ts';
import { dropAlias, testClient, uniqueAlias } from '../../test/es.ts';
import { ingestTestWorld, type TestWorld } from '../../test/world-sidecar.ts';
import { WORLD_MODEL_DIR } from '../clip/index.ts';
import { openServices, type OpenedServices } from '../open-services.ts';
import { listen, type RunningSidecar } from '../serve.ts';
import type { BrowserGlobals } from '../../test/browser-dom.ts';
import { decodedThumbnails, focusMatches, hitIds, median, searchFromPage, timedSearch } from '../../test/browser-steps.ts';

/**
 * The page in a real browser: headless Chromium (Debian's) driven by playwright-core against a
 * sidecar listening on a port, over a generated world with image files, ingested with the
 * shipped world CLIP. What a person would do: search, look at photos, like one, search again,
 * search by an image, all with the keyboard too; and no console errors along the way.
 */
const found = findChromium();
const client = testClient();
const alias = uniqueAlias('page');
const browserProblems: string[] = [];
let world: TestWorld;
let services: OpenedServices;
let sidecar: RunningSidecar;
let browser: Browser;

beforeAll(async () => {
  world = await ingestTestWorld(client, alias, { photos: 360, users: 30, seed: 61, modelDir: WORLD_MODEL_DIR });
  services = await openServices({ es: client, index: alias, modelDir: WORLD_MODEL_DIR, logger: pino({ level: 'silent' }), flushIntervalMs: 100 });
  sidecar = await listen(services, 0);
}, 300_000);

afterAll(async () => {
  await sidecar?.stop();
  await dropAlias(client, alias);
  await client.close();
});

describe('thumbnails of a world’s image files (no browser needed)', () => {
  it('are found through the dataset folder the ingest recorded in the index: a 256 px JPEG, Cache-Control, and 304 for its ETag', async () => {
    const photo = world.photos[0]!;
    const response = await fetch(`${sidecar.url}/images/${photo.photo_id}?w=256`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect((await sharp(bytes).metadata()).width).toBe(256);
    console.log(`page: /images/${photo.photo_id}?w=256 → ${response.headers.get('content-type')}, ${bytes.length} bytes`);
    const again = await fetch(`${sidecar.url}/images/${photo.photo_id}?w=256`, { headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe.skipIf('missing' in found)(`the search page in Chromium${'missing' in found ? ` (skipped: ${found.missing})` : ''}`, () => {
  beforeAll(async () => {
    // As root Chromium refuses its sandbox; the page is this test's own, so none is needed.
    browser = await chromium.launch({ executablePath: (found as { path: string }).path, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh browser context (no cache, no cookies) whose console errors and failed loads are collected. */
  async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') browserProblems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) browserProblems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    return page;
  }

  const topic = (i: number) => TOPICS[i % TOPICS.length]!.name;

  it('loads, and a typed search shows ≥ 10 thumbnails that really decoded; the page’s own transfer is ≤ 100 KB', async () => {
    const page = await newPage();
    const own: Array<{ url: string; bytes: number }> = [];
    page.on('response', async (response) => {
      const type = response.request().resourceType();
      if (type === 'document' || type === 'script' || type === 'stylesheet') own.push({ url: response.url(), bytes: (await response.body()).length });
    });
    // The heaviest page there is: personalized, so every hit has its "why" line.
    await page.goto(`${sidecar.url}/?q=${topic(1)}&mode=hybrid&user=${world.users[0]}`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#results .why').count()).toBe(24);
    const transfer = own.reduce((sum, r) => sum + r.bytes, 0);
    console.log(`page: own transfer of a personalized /?q=${topic(1)} (HTML with 24 results and their why lines, script, stylesheet; thumbnails not counted): ${(transfer / 1024).toFixed(1)} KB — ${own.map((r) => `${new URL(r.url).pathname} ${r.bytes} B`).join(', ')}`);
    expect(own.map((r) => r.url.endsWith('.js') || r.url.endsWith('.css'))).toContain(true);
    expect(transfer).toBeLessThanOrEqual(100 * 1024);
    await expect.poll(() => page.isVisible('#for-you')).toBe(true); // the script ran

    await searchFromPage(page, topic(0));
    const thumbs = await decodedThumbnails(page);
    expect(thumbs.total).toBeGreaterThanOrEqual(10);
    expect(thumbs.decoded).toBe(thumbs.total);
    await page.context().close();
  });

  it('works without JavaScript: GET /?q=…&mode=…&user=… renders the results, and the script’s cards are the server’s cards', async () => {
    const plain = await newPage({ javaScriptEnabled: false });
    await plain.goto(`${sidecar.url}/?q=${topic(2)}&mode=hybrid&user=`);
    const thumbs = await decodedThumbnails(plain);
    expect(thumbs.total).toBeGreaterThanOrEqual(10);
    expect(thumbs.decoded).toBe(thumbs.total);
    const serverGrid = await plain.innerHTML('#results ol.grid');

    const enhanced = await newPage();
    await enhanced.goto(sidecar.url);
    await searchFromPage(enhanced, topic(2));
    expect(await enhanced.innerHTML('#results ol.grid')).toBe(serverGrid);
    await plain.context().close();
    await enhanced.context().close();
  });

  it('keyboard only: Tab reaches the search box first, Enter searches, Tab and Enter open a photo, Escape closes it', async () => {
    const page = await newPage();
    await page.goto(sidecar.url);
    await page.keyboard.press('Tab');
    expect(await focusMatches(page, '#q')).toBe(true);
    await page.keyboard.type(topic(3));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results .hit');
    expect(await page.textContent('#results-title')).toBe(`Photos for “${topic(3)}”`);
    let presses = 0;
    while (!(await focusMatches(page, '#results a.open'))) {
      await page.keyboard.press('Tab');
      if (++presses > 30) throw new Error('keyboard: 30 Tabs did not reach the first photo');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('#viewer[open]');
    expect(await focusMatches(page, '#viewer *')).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#viewer:not([open])', { state: 'attached' });
    expect(await focusMatches(page, '#results a.open')).toBe(true);
    await page.context().close();
  });

  it('a like posted from the page (with the search’s request id) changes that user’s next personalized results; more like this; for you', async () => {
    const page = await newPage();
    await page.goto(sidecar.url);
    const users = await page.evaluate(() => [...(globalThis as unknown as BrowserGlobals).document.querySelectorAll('#users option')].map((o) => o.getAttribute('value') ?? ''));
    expect(users[0]).toBe('anonymous');
    expect(users.length).toBeGreaterThan(5); // users with feedback in this world, from the aggregation
    const user = users[1]!;
    await page.fill('#user', user);
    await searchFromPage(page, topic(4));
    expect(await page.textContent('#results .summary')).toContain(`personalized for ${user} by profile-blend-1`);
    expect(await page.locator('#results .why .factor').count()).toBeGreaterThan(0);
    const before = await hitIds(page);
    const requestId = await page.getAttribute('#results', 'data-request-id');
    const liked = before[before.length - 1]!;

    await page.click(`#results .hit[data-photo-id="${liked}"] a.open`);
    await page.waitForSelector('#viewer[open]');
    await page.click('#viewer [data-feedback="like"]');
    await expect.poll(() => page.textContent('#viewer-status')).toContain(`recorded for ${user}`);
    await page.keyboard.press('Escape');

    await searchFromPage(page, topic(4));
    const after = await hitIds(page);
    console.log(`page: ${user} liked ${liked} (rank ${before.indexOf(liked) + 1} of ${before.length}); next search: rank ${after.indexOf(liked) + 1}, ${after.filter((id, i) => before[i] !== id).length} of ${after.length} places changed`);
    expect(after).not.toEqual(before);
    expect(after.indexOf(liked)).toBeGreaterThanOrEqual(0);
    expect(after.indexOf(liked)).toBeLessThan(before.indexOf(liked));

    // The event names the search the photo was shown in.
    await expect
      .poll(async () => {
        await client.indices.refresh({ index: FEEDBACK_EVENTS_INDEX });
        const found = await client.search<{ request_id?: string }>({ index: FEEDBACK_EVENTS_INDEX, query: { bool: { filter: [{ term: { user } }, { term: { photo_id: liked } }, { term: { source: 'sidecar' } }] } } });
        return found.hits.hits.map((h) => h._source?.request_id);
      }, { timeout: 10_000 })
      .toEqual([requestId]);

    await page.locator('header').scrollIntoViewIfNeeded();
    const screenshot = join(await mkdtemp(join(tmpdir(), 'page-shot-')), 'screenshot.png');
    await page.screenshot({ path: screenshot });
    if (process.env.PIXRANK_SCREENSHOT) await copyFile(screenshot, process.env.PIXRANK_SCREENSHOT);
    console.log(`page: screenshot of the personalized results in ${process.env.PIXRANK_SCREENSHOT ?? screenshot}`);

    // "More like this" from the large view, and "For you": both answer in place, thumbnails and all.
    const first = after[0]!;
    await page.click(`#results .hit[data-photo-id="${first}"] a.open`);
    await page.click('#more-like');
    await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.querySelector('#results-title')?.textContent?.startsWith('Photos like “') ?? false);
    expect(await hitIds(page)).not.toContain(first);
    expect((await decodedThumbnails(page)).decoded).toBeGreaterThanOrEqual(10);
    await page.click('#for-you');
    await page.waitForFunction((user) => (globalThis as unknown as BrowserGlobals).document.querySelector('#results-title')?.textContent === `For ${user}`, user);
    expect(await page.textContent('#results .summary')).toContain('from ');
    expect((await decodedThumbnails(page)).decoded).toBeGreaterThanOrEqual(10);
    await page.context().close();
  });

  it('search by an uploaded image returns that photo first, the same answer as the API’s multipart /similar', async () => {
    const photo = world.photos.find((p) => p.topics.length === 1 && p.topics[0] === topic(5))!;
    const file = join(world.dir, 'images', `${photo.photo_id}.jpg`);
    const page = await newPage();
    await page.goto(sidecar.url);
    await page.setInputFiles('#image', file);
    await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.querySelector('#results-title')?.textContent?.startsWith('Photos like ') ?? false);
    const ids = await hitIds(page);
    const thumbs = await decodedThumbnails(page);
    expect(thumbs.total).toBeGreaterThanOrEqual(10);
    expect(thumbs.decoded).toBe(thumbs.total);

    const form = new FormData();
    form.append('image', new Blob([await readFile(file)], { type: 'image/jpeg' }), `${photo.photo_id}.jpg`);
    form.append('k', '24');
    const api = (await (await fetch(`${sidecar.url}/similar`, { method: 'POST', body: form })).json()) as { hits: Array<{ photo_id: string }> };
    const topics = new Map(world.photos.map((p) => [p.photo_id, p.topics]));
    const sameTopic = ids.slice(0, 10).filter((id) => topics.get(id)?.includes(topic(5))).length / 10;
    console.log(`page: upload of ${photo.photo_id} (${topic(5)}; ${world.photos.filter((p) => p.topics.includes(topic(5))).length} such photos in the world): first hit ${ids[0]}, ${topic(5)} photos in the top 10: ${sameTopic}`);
    expect(ids).toEqual(api.hits.map((h) => h.photo_id));
    expect(ids[0]).toBe(photo.photo_id);
    // Eight times chance (one topic in twenty); the world CLIP's own precision is measured in world-model.es.test.ts.
    expect(sameTopic).toBeGreaterThanOrEqual(0.4);
    await page.context().close();
  });

  it('time from submit to all thumbnails decoded, p50 over 20 searches (goal < 1 s)', async () => {
    const page = await newPage();
    await page.goto(sidecar.url);
    const times: Array<{ q: string; ms: number; thumbnails: number }> = [];
    for (let i = 0; i < 20; i++) {
      const q = topic(i);
      times.push({ q, ...(await timedSearch(page, q)) });
    }
    const ms = times.map((t) => t.ms);
    console.log(`page: submit → all thumbnails decoded over ${ms.length} hybrid searches (a new topic each, in a fresh browser context: every thumbnail is fetched from the sidecar, made by sharp unless an earlier test asked for it): p50 ${median(ms).toFixed(0)} ms, min ${Math.min(...ms).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms; ${times.map((t) => `${t.q} ${t.ms.toFixed(0)} ms/${t.thumbnails}`).join(', ')}`);
    expect(times.every((t) => t.thumbnails >= 10)).toBe(true);
    // The goal is 1 s; a machine shared with other test runs gets three times that before it fails.
    expect(median(ms)).toBeLessThan(3_000);
    await page.context().close();
  });

  it('raised no console error, page error or HTTP error along the way', () => {
    expect(browserProblems).toEqual([]);
  });
});
