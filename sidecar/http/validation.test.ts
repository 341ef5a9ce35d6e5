import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ElasticReads } from '../retrieval/elastic-reads.ts';
import { answer, memoryApp, postJson, type ProblemBody } from '../../test/stub-services.ts';

/** Reads that fail the test if called: a request refused at the door must never reach Elasticsearch. */
const untouched: ElasticReads = new Proxy({} as ElasticReads, {
  get: (_, name) => () => Promise.reject(new Error(`test: a refused request called reads.${String(name)}`)),
});

const { app } = memoryApp(untouched, { limits: { bodyBytes: 1024 } });

describe('requests refused before any read: the status and a message naming what is wrong', () => {
  it('a number out of range: 400 with the very message the README quotes', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const quoted = /a 400 names the field \(`([^`]+)`\)/.exec(readme)?.[1];
    expect(quoted).toBe('body.k: Too big: expected number to be <=100');
    const { status, body } = await answer<ProblemBody>(postJson(app, '/search', { q: 'dog', k: 101 }));
    expect(status).toBe(400);
    expect(body.error.message).toBe(quoted);
    expect(body.error.issues).toEqual([{ path: 'body.k', message: 'Too big: expected number to be <=100' }]);
  });

  it('every bad field is named, nested ones by their path', async () => {
    const { status, body } = await answer<ProblemBody>(postJson(app, '/search', { q: '  ', filters: { orientation: 'round' } }));
    expect(status).toBe(400);
    expect(body.error.issues?.map((i) => i.path)).toEqual(['body.q', 'body.filters.orientation']);
    expect(body.error.message).toMatch(/^body\.q: must not be empty; body\.filters\.orientation: /);
  });

  it('query parameters are named as query.<name>', async () => {
    const { status, body } = await answer<ProblemBody>(app.request('/recommend/someone?k=1000'));
    expect(status).toBe(400);
    expect(body.error.issues?.map((i) => i.path)).toEqual(['query.k']);
  });

  it('a body that is not JSON: 400', async () => {
    const { status, body } = await answer<ProblemBody>(postJson(app, '/search', '{"q": "dog",'));
    expect(status).toBe(400);
    expect(body.error.message).toBe('Malformed JSON in request body');
  });

  it('a body of another content type: 415 saying which came', async () => {
    // Refused by the route's validator (Hono's bare "Unsupported Media Type", reworded)…
    const search = await answer<ProblemBody>(app.request('/search', { method: 'POST', body: '{"q":"dog"}', headers: { 'content-type': 'text/plain' } }));
    expect(search.status).toBe(415);
    expect(search.body.error.message).toBe('content-type must be application/json, not text/plain');
    // …and by /similar's handler, whose own message is kept.
    const similar = await answer<ProblemBody>(app.request('/similar', { method: 'POST' }));
    expect(similar.status).toBe(415);
    expect(similar.body.error.message).toBe('content-type must be application/json or multipart/form-data, not missing');
  });

  it('a body over the limit: 413', async () => {
    const { status, body } = await answer<ProblemBody>(postJson(app, '/search', { q: 'x'.repeat(400), filters: { country: Array(40).fill('y'.repeat(30)) } }));
    expect(status).toBe(413);
    expect(body.error.message).toBe('the body is larger than 1024 bytes');
  });

  it('a path no route serves goes to the Elasticsearch front: with the cluster down, a 503 in its shape', async () => {
    const response = await app.request('/nothing-here');
    expect(response.status).toBe(503);
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('pixrank_upstream_exception');
  });
});
