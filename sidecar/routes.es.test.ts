import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client as EsClient, errors } from '@elastic/elasticsearch';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../es-mappings/client.ts';
import { testClient, uniqueAlias } from '../test/es.ts';
import { createApp } from './app.ts';
import { openServices } from './open-services.ts';
import type { SearchResponse } from './pipeline/response-schema.ts';
import { listen, type RunningSidecar } from './serve.ts';
import { postJson, testSidecar, useWorldSidecar } from '../test/world-sidecar.ts';
import { tinyClipDir } from '../test/clip-fixtures.ts';

const client = testClient();
const alias = uniqueAlias('sidecar-routes');
const fixture = useWorldSidecar(client, alias, { photos: 120, users: 20, seed: 33, modelDir: tinyClipDir });

async function json<T>(response: Response | Promise<Response>): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as T, headers: r.headers };
}

type Problem = { error: { status: number; message: string; issues?: Array<{ path: string; message: string }> } };

describe('POST /similar', () => {
  it('by photo id: neighbours, never the photo itself', async () => {
    const query = fixture.world.photos[7]!.photo_id;
    const { status, body } = await json<SearchResponse>(postJson(fixture.sidecar.app, '/similar', { photo_id: query, k: 15, policy: { duplicate_cosine: 1, max_per_photographer: 0 } }));
    expect(status).toBe(200);
    expect(body.hits).toHaveLength(15);
    expect(body.hits.map((h) => h.photo_id)).not.toContain(query);
    expect(body.hits.every((h, i) => i === 0 || h.scores.clip!.score <= body.hits[i - 1]!.scores.clip!.score)).toBe(true);
  });

  it('by uploaded image (multipart), with the same image’s photo first', async () => {
    const photo = fixture.world.photos[3]!.photo_id;
    const bytes = await readFile(join(fixture.world.dir, 'images', `${photo}.jpg`));
    const form = new FormData();
    form.set('image', new File([bytes], `${photo}.jpg`, { type: 'image/jpeg' }));
    form.set('k', '5');
    const { status, body } = await json<SearchResponse & { query: { upload: string } }>(fixture.sidecar.app.request('/similar', { method: 'POST', body: form }));
    expect(status).toBe(200);
    expect(body.query.upload).toBe(`${photo}.jpg`);
    expect(body.hits[0]!.photo_id).toBe(photo);

    const broken = new FormData();
    broken.set('image', new File([Buffer.from('not an image')], 'x.jpg'));
    const bad = await json<Problem>(fixture.sidecar.app.request('/similar', { method: 'POST', body: broken }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^image: /);
  });

  it('refuses URLs of loopback and private addresses and non-http schemes', async () => {
    for (const url of ['http://127.0.0.1:9200/x.jpg', 'http://localhost/x.jpg', 'http://10.1.2.3/a.png', 'http://[::1]/a.png', 'file:///etc/passwd', 'http://169.254.169.254/latest/meta-data']) {
      const { status, body } = await json<Problem>(postJson(fixture.sidecar.app, '/similar', { url }));
      expect(status, url).toBe(400);
      expect(body.error.message).toMatch(/^url: /);
    }
  });

  it('by URL when private addresses are allowed: fetched, size-limited, redirects bounded', async () => {
    const photo = fixture.world.photos[4]!.photo_id;
    const bytes = await readFile(join(fixture.world.dir, 'images', `${photo}.jpg`));
    const server = createHttpServer((req, res) => {
      if (req.url === '/photo.jpg') return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
      if (req.url === '/moved') return void res.writeHead(302, { location: '/photo.jpg' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(64 * 1024));
      res.writeHead(404).end();
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const open = await testSidecar(client, alias, { limits: { urlFetch: { maxBytes: 32 * 1024, timeoutMs: 2_000, maxRedirects: 2, allowPrivateAddresses: true } } });
    try {
      const found = await json<SearchResponse>(postJson(open.app, '/similar', { url: `${base}/moved`, k: 3 }));
      expect(found.status).toBe(200);
      expect(found.body.hits[0]!.photo_id).toBe(photo);
      expect((await json<Problem>(postJson(open.app, '/similar', { url: `${base}/loop` }))).body.error.message).toMatch(/more than 2 redirects/);
      expect((await json<Problem>(postJson(open.app, '/similar', { url: `${base}/big` }))).body.error.message).toMatch(/over the limit of 32768 bytes/);
      expect((await json<Problem>(postJson(open.app, '/similar', { url: `${base}/missing` }))).body.error.message).toMatch(/HTTP 404/);
    } finally {
      await open.services.close();
      server.close();
    }
  });

  it("takes lang for the second pass, else the user's country's language, and says which; a bad lang is a 400 naming body.lang", async () => {
    const photo_id = fixture.world.photos[7]!.photo_id;
    const user = fixture.world.users[0]!;
    const asked = await json<SearchResponse>(postJson(fixture.sidecar.app, '/similar', { photo_id, user, lang: 'ja', country: 'DE', k: 5 }));
    const fromCountry = await json<SearchResponse>(postJson(fixture.sidecar.app, '/similar', { photo_id, user, country: 'DE', k: 5 }));
    const unknown = await json<SearchResponse>(postJson(fixture.sidecar.app, '/similar', { photo_id, user, k: 5 }));
    expect([asked.status, fromCountry.status, unknown.status]).toEqual([200, 200, 200]);
    expect([asked.body.lang, asked.body.lang_source, fromCountry.body.lang, fromCountry.body.lang_source, unknown.body.lang]).toEqual(['ja', 'request', 'de', 'country', undefined]);
    const bad = await json<Problem>(postJson(fixture.sidecar.app, '/similar', { photo_id, user, lang: 'japanese' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('body.lang: must be an ISO 639 language code such as en, de, ja');
  });

  it('an unknown photo id is a 404; photo_id and url together a 400', async () => {
    expect((await postJson(fixture.sidecar.app, '/similar', { photo_id: 'no-such-photo' })).status).toBe(404);
    const both = await json<Problem>(postJson(fixture.sidecar.app, '/similar', { photo_id: 'a', url: 'http://example.com/a.jpg' }));
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/exactly one of photo_id or url/);
  });
});

describe('POST /feedback and GET /recommend/:user', () => {
  it('an unknown user gets popular photos and is told so', async () => {
    const { status, body } = await json<SearchResponse & { strategy: string; reason: string }>(fixture.sidecar.app.request('/recommend/nobody-at-all?k=5'));
    expect(status).toBe(200);
    expect(body.strategy).toBe('popular');
    expect(body.reason).toMatch(/no positive feedback/);
    const downloads = body.hits.map((h) => (h.scores.popular as { score: number }).score);
    expect(downloads).toEqual([...downloads].sort((a, b) => b - a));
  });

  it('feedback makes a profile at once; recommendations leave out what the user already took', async () => {
    const user = `fresh-${Date.now()}`;
    const liked = fixture.world.photos.slice(0, 3).map((p) => p.photo_id);
    for (const photo of liked) {
      const { status, body } = await json<{ accepted: boolean }>(postJson(fixture.sidecar.app, '/feedback', { user, photo, type: 'download', query: 'beach' }));
      expect(status).toBe(202);
      expect(body.accepted).toBe(true);
    }
    const { status, body } = await json<SearchResponse & { strategy: string }>(fixture.sidecar.app.request(`/recommend/${user}?k=10`));
    expect(status).toBe(200);
    expect(body.strategy).toBe('profile');
    expect(body.hits).toHaveLength(10);
    expect(body.hits.some((h) => liked.includes(h.photo_id))).toBe(false);
    expect(body.hits[0]!.scores).toHaveProperty('profile');
    expect(body.hits[0]!.scores).toHaveProperty('session');

    const unknownPhoto = await json<Problem>(postJson(fixture.sidecar.app, '/feedback', { user, photo: 'no-such-photo', type: 'like' }));
    expect(unknownPhoto.status).toBe(404);
  });

  it("takes lang and country for the second pass (the language: lang, else the country's) and says which; a bad lang is a 400 naming query.lang", async () => {
    const user = fixture.world.users[0]!;
    const asked = await json<SearchResponse>(fixture.sidecar.app.request(`/recommend/${user}?k=5&lang=fr&country=JP`));
    const fromCountry = await json<SearchResponse>(fixture.sidecar.app.request(`/recommend/${user}?k=5&country=JP`));
    expect([asked.status, fromCountry.status]).toEqual([200, 200]);
    expect([asked.body.lang, asked.body.lang_source, fromCountry.body.lang, fromCountry.body.lang_source]).toEqual(['fr', 'request', 'ja', 'country']);
    const bad = await json<Problem>(fixture.sidecar.app.request(`/recommend/${user}?lang=fran%C3%A7ais`));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('query.lang: must be an ISO 639 language code such as en, de, ja');
  });

  it('a dataset user (conversions ingested) has a profile from their downloads', async () => {
    const { body } = await json<{ strategy: string; reason: string }>(fixture.sidecar.app.request(`/recommend/${fixture.world.users[0]}?k=5`));
    expect(body.strategy).toBe('profile');
    expect(body.reason).toMatch(/from \d+ positive photos/);
  });
});

describe('validation: malformed requests are 4xx with a message, never 5xx', () => {
  const cases: Array<[string, string | Record<string, unknown>, RegExp]> = [
    ['not JSON', '{"q": "dog",', /malformed|JSON/i],
    ['array body', '[1,2]', /body/],
    ['no q', { k: 5 }, /body\.q/],
    ['empty q', { q: '   ' }, /body\.q: must not be empty/],
    ['k too big', { q: 'dog', k: 101 }, /body\.k/],
    ['k zero', { q: 'dog', k: 0 }, /body\.k/],
    ['k not a number', { q: 'dog', k: 'ten' }, /body\.k/],
    ['bad mode', { q: 'dog', mode: 'semantic' }, /body\.mode/],
    ['unknown field', { q: 'dog', size: 10 }, /size/],
    ['bad orientation', { q: 'dog', filters: { orientation: 'round' } }, /body\.filters\.orientation/],
    ['unknown filter', { q: 'dog', filters: { camera: 'x' } }, /camera/],
    ['bad fusion weight', { q: 'dog', fusion: { weights: { clip: -1 } } }, /body\.fusion\.weights\.clip/],
    ['q too long', { q: 'x'.repeat(501) }, /body\.q/],
    ['lang not a language code', { q: 'dog', lang: 'german' }, /^body\.lang: must be an ISO 639 language code/],
  ];
  for (const [name, body, message] of cases) {
    it(`/search: ${name}`, async () => {
      const { status, body: problem } = await json<Problem>(postJson(fixture.sidecar.app, '/search', body));
      expect(status).toBe(400);
      expect(problem.error.message).toMatch(message);
    });
  }

  it('feedback with a bad type, recommend with a bad k, an unknown route', async () => {
    expect((await json<Problem>(postJson(fixture.sidecar.app, '/feedback', { user: 'u', photo: 'p', type: 'love' }))).body.error.message).toMatch(/body\.type/);
    expect((await json<Problem>(fixture.sidecar.app.request('/recommend/u?k=1000'))).body.error.message).toMatch(/query\.k/);
    const missing = await json<Problem>(fixture.sidecar.app.request('/nothing-here'));
    expect(missing.status).toBe(404);
  });

  it('a body over the limit is a 413; no content-type a 400', async () => {
    const small = await testSidecar(client, alias, { limits: { bodyBytes: 1024 } });
    try {
      const big = await postJson(small.app, '/search', { q: 'x'.repeat(400), filters: { country: Array(50).fill('y'.repeat(30)) } });
      expect(big.status).toBe(413);
    } finally {
      await small.services.close();
    }
    const bare = await json<Problem>(fixture.sidecar.app.request('/search', { method: 'POST', body: '{"q":"dog"}' }));
    expect(bare.status).toBe(415);
    expect(bare.body.error.message).toMatch(/content-type/i);
    const similar = await json<Problem>(fixture.sidecar.app.request('/similar', { method: 'POST', body: '{"photo_id":"x"}', headers: { 'content-type': 'text/plain' } }));
    expect(similar.status).toBe(415);
  });
});

describe('Elasticsearch down', () => {
  it('answers 503 with Retry-After when nothing listens, and when Elasticsearch hangs', async () => {
    const hanging: Server = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => hanging.once('listening', r));
    const port = (hanging.address() as { port: number }).port;
    for (const url of ['http://127.0.0.1:1', `http://127.0.0.1:${port}`]) {
      const es = createClient({ url }, { requestTimeout: 500, maxRetries: 0 });
      const services = await openServices({ es, index: alias, logger: pino({ level: 'silent' }), flushIntervalMs: 50 });
      try {
        const app = createApp(services);
        const started = Date.now();
        const { status, body, headers } = await json<Problem>(postJson(app, '/search', { q: 'dog', mode: 'keyword' }));
        expect(status, url).toBe(503);
        expect(headers.get('retry-after')).toBe('5');
        expect(body.error.message).toMatch(/elasticsearch unavailable/);
        expect(Date.now() - started).toBeLessThan(3_000);
        const ready = await app.request('/readyz');
        expect(ready.status).toBe(503);
      } finally {
        await services.close();
        await es.close();
      }
    }
    hanging.close();
  });
});

describe('a missing index', () => {
  it('is a 503 saying to ingest, whether the mapping read or a list inside the msearch finds it missing', async () => {
    const missing = await testSidecar(client, uniqueAlias('no-such-photos'));
    try {
      // keyword reads the index's mapping first; clip sends its kNN list straight in the msearch,
      // which answers 200 with the error inside.
      for (const mode of ['keyword', 'clip']) {
        const { status, body, headers } = await json<Problem>(postJson(missing.app, '/search', { q: 'dog', mode }));
        expect(status, mode).toBe(503);
        expect(headers.get('retry-after')).toBe('30');
        expect(body.error.message).toMatch(/^elasticsearch: no such index \[no-such-photos-\w+\] \(ingest a dataset first/);
      }
    } finally {
      await missing.services.close();
    }
  });
});

describe('ops routes', () => {
  it('healthz, readyz, metrics and the OpenAPI document listing every route', async () => {
    expect((await fixture.sidecar.app.request('/healthz')).status).toBe(200);
    const ready = await json<{ ready: boolean; clip_model: string }>(fixture.sidecar.app.request('/readyz'));
    expect(ready.body.ready).toBe(true);
    await postJson(fixture.sidecar.app, '/search', { q: 'cat', mode: 'hybrid' });
    await postJson(fixture.sidecar.app, '/search', { q: 'cat', mode: 'hybrid' });
    const metrics = await (await fixture.sidecar.app.request('/metrics')).text();
    expect(metrics).toMatch(/pixrank_http_request_duration_seconds_count\{route="\/search",method="POST",status="200"\} \d+/);
    expect(metrics).toMatch(/pixrank_stage_duration_seconds_count\{route="search",stage="embed"\}/);
    expect(metrics).toMatch(/pixrank_query_embedding_cache_total\{result="hit"\} [1-9]/);
    const doc = await json<{ paths: Record<string, unknown> }>(fixture.sidecar.app.request('/openapi.json'));
    expect(Object.keys(doc.body.paths).sort()).toEqual(['/', '/experiments', '/feedback', '/healthz', '/images/{photo_id}', '/readyz', '/recommend/{user}', '/search', '/similar', '/{index}/_search'].sort());
    expect((await fixture.sidecar.app.request('/docs')).status).toBe(200);
  });

  it('API keys: required when configured, probes stay open', async () => {
    const locked = await testSidecar(client, alias, { limits: { apiKeys: ['s3cret'] } });
    try {
      expect((await postJson(locked.app, '/search', { q: 'cat', mode: 'keyword' })).status).toBe(401);
      const ok = await locked.app.request('/search', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' }, body: '{"q":"cat","mode":"keyword"}' });
      expect(ok.status).toBe(200);
      expect((await locked.app.request('/healthz')).status).toBe(200);
    } finally {
      await locked.services.close();
    }
  });
});

describe('ES-compatible _search through an unmodified @elastic/elasticsearch client', () => {
  let running: RunningSidecar;
  let es: EsClient;
  beforeAll(async () => {
    running = await listen(await openServices({ es: client, index: alias, logger: pino({ level: 'silent' }), flushIntervalMs: 100 }), 0);
    es = new EsClient({ node: running.url });
  });
  afterAll(async () => {
    await es.close();
    await running.stop();
  });

  it('answers a query DSL search exactly as Elasticsearch does', async () => {
    const sample = (await client.search<{ description: string; orientation: string }>({ index: alias, size: 1, query: { exists: { field: 'description' } } })).hits.hits[0]!._source!;
    const word = sample.description.split(/\s+/).find((w) => w.length > 4)!;
    const query = { bool: { must: [{ match: { description: word } }], filter: [{ term: { orientation: sample.orientation } }] } };
    const through = await es.search({ index: alias, query, size: 5, _source: ['photo_id'] });
    const direct = await client.search({ index: alias, query, size: 5, _source: ['photo_id'] });
    expect(through.hits.hits.map((h) => h._id)).toEqual(direct.hits.hits.map((h) => h._id));
    expect(through.hits.hits.length).toBeGreaterThan(0);
  });

  it('ext.personalize re-ranks the hits for a user with a profile', async () => {
    const user = fixture.world.users[1]!;
    const body = { query: { match_all: {} }, size: 30, ext: { personalize: { user } } };
    const response = await es.transport.request<{ hits: { hits: Array<{ _id: string; _score: number }> } }>({ method: 'POST', path: `/${alias}/_search`, body }, { meta: true });
    expect(response.headers['x-pixrank-personalized']).toBe('true');
    const scores = response.body.hits.hits.map((h) => h._score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // match_all scores every photo 1: only the profile can order them
    expect(new Set(scores).size).toBeGreaterThan(1);
  });

  it('ext.personalize.lang: a language code is taken; anything else is a 400 in Elasticsearch’s shape naming the field', async () => {
    const user = fixture.world.users[1]!;
    const search = (personalize: Record<string, unknown>) =>
      es.transport.request<{ hits: { hits: unknown[] } }>({ method: 'POST', path: `/${alias}/_search`, body: { query: { match_all: {} }, size: 10, ext: { personalize: { user, ...personalize } } } }, { meta: true });
    const taken = await search({ lang: 'de', query: 'schwarze Katze im Schnee', country: 'US' });
    expect(taken.statusCode).toBe(200);
    expect(taken.headers['x-pixrank-personalized']).toBe('true');
    expect(taken.body.hits.hits).toHaveLength(10);
    const error = await search({ lang: 'Deutsch' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.ResponseError);
    expect((error as errors.ResponseError).statusCode).toBe(400);
    expect((error as errors.ResponseError).body).toMatchObject({ error: { type: 'parsing_exception', reason: 'pixrank sidecar: ext.personalize.lang must be an ISO 639 language code such as en, de, ja, not "Deutsch"' } });
  });

  it('refuses scripts and query_string, in Elasticsearch’s error shape', async () => {
    const error = await es.search({ index: alias, query: { query_string: { query: 'title:x' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.ResponseError);
    expect((error as errors.ResponseError).statusCode).toBe(400);
    expect(JSON.stringify((error as errors.ResponseError).body)).toMatch(/query_string/);
    const other = await es.search({ index: 'some-other-index', query: { match_all: {} } }).catch((e: unknown) => e);
    expect((other as errors.ResponseError).statusCode).toBe(404);
  });
});
