import { describe, expect, it } from 'vitest';
import { memoryApp, memoryReads, type MemoryPhoto } from '../../test/stub-services.ts';
import type { RerankCandidate, SecondPass } from '../../ltr/second-pass.ts';
import type { Experiment } from '../experiments/experiment.ts';
import { movesOf, topFactors } from './results-view.tsx';

/** 30 photos by 10 photographers, each vector its own axis plus one shared by the even or by the odd photos. */
const photos: MemoryPhoto[] = Array.from({ length: 30 }, (_, i) => ({
  id: `p${i}`,
  photographer: `ph${i % 10}`,
  description: i % 3 === 0 ? undefined : `Red lake ${i}`,
  downloads: i,
  vector: Array.from({ length: 32 }, (_, d) => (d === i || d === 30 + (i % 2) ? 1 : 0)),
}));
const keyword = photos.map((p, i) => [p.id, 30 - i] as [string, number]);
const { app } = memoryApp(memoryReads({ photos, keyword, interactions: { fan: [{ photo_id: 'p1', type: 'like', at: Date.now() }] } }));

const page = async (path: string) => {
  const response = await app.request(path);
  return { status: response.status, headers: response.headers, html: await response.text() };
};
const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, 'g'))?.length ?? 0;

describe('GET /', () => {
  it('without q: the form alone, every field labelled, a link to /docs, the script and stylesheet, a content security policy', async () => {
    const { status, headers, html } = await page('/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    for (const id of ['q', 'mode', 'color', 'orientation', 'country', 'user', 'personalize', 'image']) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('<a href="/docs">');
    expect(html).not.toContain('id="results"');
  });

  it('with q: the results rendered on the server (works without JavaScript), lazy thumbnails with alt text, photographer, request id', async () => {
    const { status, html } = await page('/?q=lake&mode=keyword');
    expect(status).toBe(200);
    expect(count(html, /<li class="hit"/)).toBe(24);
    expect(html).toContain('<img src="/images/p0?w=256" srcset="/images/p0?w=256 1x, /images/p0?w=512 2x" alt="Photo by ph0" loading="lazy"');
    expect(html).toContain('alt="Red lake 1"');
    expect(html).toContain('<span class="photographer">ph0</span>');
    expect(html).toMatch(/<section id="results" aria-labelledby="results-title" data-request-id="[^"]+" data-query="lake">/);
    expect(html).toContain('24 photos · keyword · not personalized');
    expect(html).not.toContain('class="why"');
  });

  it('for a user with feedback: personalized, the model version, and a "why" line of bars per hit', async () => {
    const { html } = await page('/?q=lake&mode=keyword&user=fan');
    expect(html).toContain('personalized for fan by profile-blend-1');
    expect(count(html, /<div class="why">/)).toBe(24);
    expect(html).toMatch(/<span class="bar" style="width:\d+%"><\/span><span class="label">first stage \+\d\.\d\d<\/span>/);
    // The user liked an odd photo: odd photos move up.
    expect(html.indexOf('data-photo-id="p1"')).toBeLessThan(html.indexOf('data-photo-id="p0"'));
  });

  it('the personalize switch off (hidden "off" then no checkbox) and "anonymous" do not personalize; a bare link does', async () => {
    expect((await page('/?q=lake&mode=keyword&user=fan&personalize=off')).html).toContain('not personalized');
    expect((await page('/?q=lake&mode=keyword&user=fan&personalize=off&personalize=on')).html).toContain('personalized for fan');
    expect((await page('/?q=lake&mode=keyword&user=anonymous')).html).toContain('not personalized');
  });

  it('a query the page cannot take is the page again with the problem named (400); a failed search shows its message with its status', async () => {
    const bad = await page('/?q=lake&mode=fuzzy');
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<p id="status" role="status" aria-live="polite" class="error">query\.mode: Invalid option/);
    const failed = await page('/?q=lake&mode=hybrid');
    expect(failed.status).toBe(503);
    expect(failed.html).toContain('The search failed (503): mode hybrid needs a CLIP model');
  });

  it('serves its script and stylesheet under digest names, cached for a year; the page’s own transfer is well under 100 KB', async () => {
    const { html } = await page('/?q=lake&mode=keyword&user=fan');
    const assets = [...html.matchAll(/(?:href|src)="(\/page\/[0-9a-f]{12}\/page\.(?:css|js))"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    let bytes = Buffer.byteLength(html);
    for (const path of assets) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      bytes += Buffer.byteLength(await response.text());
    }
    expect(bytes).toBeLessThan(100 * 1024);
  });
});

describe('the "why" line', () => {
  it('keeps the three largest contributions by size, each bar relative to the largest', () => {
    expect(topFactors({ first_stage: 0.5, profile_cosine: -0.25, session_cosine: 0.1, tiny: 0.01, zero: 0 })).toEqual([
      { name: 'first stage', value: 0.5, share: 100 },
      { name: 'profile cosine', value: -0.25, share: 50 },
      { name: 'session cosine', value: 0.1, share: 20 },
    ]);
  });

  it('says how far each hit moved from its first-stage place among the served hits', () => {
    const hit = (id: string, fused: number) => ({ photo_id: id, rank: 0, description: null, photographer: null, country: null, colors: [], scores: { fused } });
    expect([...movesOf([hit('b', 0.5), hit('a', 0.9), hit('c', 0.1)])]).toEqual([['b', 1], ['a', -1], ['c', 0]]);
  });
});

describe('the operator view (ops=on)', () => {
  // An interleaving of the first-stage order and its reverse: both teams place photos on every page.
  const upsideDown: SecondPass = { version: 'flip-1', rerank: async (_, candidates: RerankCandidate[]) => ({ scores: candidates.map((c) => Number(c.id.slice(1))) }) };
  const experiment: Experiment = { name: 'page-test', method: 'interleave', arms: [{ name: 'none', models: null, reverse: false }, { name: 'flip', models: 'x', pass: upsideDown, reverse: false }] };
  const operated = memoryApp(memoryReads({ photos, keyword }), { experiment }).app;
  const html = async (path: string) => (await operated.request(path)).text();

  it('says which arm or team placed each photo, and which experiment runs; without the switch neither shows', async () => {
    const on = await html('/?q=lake&mode=keyword&user=fan&ops=on');
    expect(on).toContain('experiment page-test: interleaving none and flip');
    const teams = [...on.matchAll(/<p class="team"[^>]*>team (\w+)<\/p>/g)].map((m) => m[1]);
    expect(teams).toHaveLength(24);
    expect(new Set(teams)).toEqual(new Set(['none', 'flip']));
    expect(on).toMatch(/<input id="ops" type="checkbox" name="ops" value="on" checked/);
    const off = await html('/?q=lake&mode=keyword&user=fan');
    expect(off).not.toContain('class="team"');
    expect(off).not.toContain('experiment page-test');
  });
});
