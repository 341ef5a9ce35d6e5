import { describe, expect, it } from 'vitest';
import { answer, memoryApp, memoryReads, postJson } from '../../test/stub-services.ts';

/**
 * What the front decides before the cluster is asked (the cluster here is an address where nothing
 * listens: what reaches it answers 503). What it answers with a cluster: es-front.es.test.ts.
 */
type EsErrorBody = { error: { type: string; reason: string }; status: number };
const { app } = memoryApp(memoryReads({ photos: [{ id: 'p1' }] }));
const ES_ACCEPT = 'application/vnd.elasticsearch+json; compatible-with=8';

describe('the Elasticsearch front, before the cluster is asked', () => {
  it('GET / is the page for a browser and Elasticsearch’s for a client asking for JSON', async () => {
    const page = await app.request('/', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const info = await app.request('/', { headers: { accept: ES_ACCEPT } });
    expect(info.status).toBe(503);
    expect(info.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  it.each([
    ['POST', '/_bulk', '{"index":{"_index":"photos"}}\n{"a":1}\n'],
    ['PUT', '/photos/_doc/1', '{"a":1}'],
    ['DELETE', '/photos', undefined],
    ['GET', '/_security/user', undefined],
  ])('%s %s: 403 naming --es-proxy-writes, in Elasticsearch’s shape', async (method, path, body) => {
    const { status, body: error, headers } = await answer<EsErrorBody>(app.request(path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body } : {}) }));
    expect(status).toBe(403);
    expect(headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(error.error.type).toBe('security_exception');
    expect(error.error.reason).toBe(`pixrank sidecar: ${method} ${path} writes or administers, and this sidecar's Elasticsearch front is read-only; start it with --es-proxy-writes to pass writes and admin calls to the cluster (which still checks the caller's privileges)`);
  });

  it.each([
    ['a script in a count', '/photos/_count', { query: { script: { script: 'true' } } }, '[script] is not allowed'],
    ['query_string in a search of another index', '/other/_search', { query: { query_string: { query: 'a:b' } } }, '[query_string] is not allowed'],
    ['runtime_mappings in field_caps', '/photos/_field_caps', { runtime_mappings: { x: { type: 'keyword', script: 'emit(1)' } } }, '[runtime_mappings] is not allowed'],
    ['SQL', '/_sql', { query: 'SELECT 1' }, '[_sql] runs the caller'],
    ['a search template', '/photos/_search/template', { id: 't' }, '[_search/template] runs the caller'],
  ])('%s: 400 before the cluster is asked', async (_, path, body, said) => {
    const { status, body: error } = await answer<EsErrorBody>(postJson(app, path, body));
    expect(status).toBe(400);
    expect(error.error.type).toBe('illegal_argument_exception');
    expect(error.error.reason).toContain(said);
  });

  it('a script in one search of an _msearch, and q= in the URL, are refused too', async () => {
    const ndjson = `{"index":"photos"}\n{"query":{"match_all":{}}}\n{"index":"photos"}\n{"query":{"query_string":{"query":"x"}}}\n`;
    const msearch = await answer<EsErrorBody>(app.request('/_msearch', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson }));
    expect(msearch.status).toBe(400);
    expect(msearch.body.error.reason).toContain('[query_string]');
    const q = await answer<EsErrorBody>(app.request('/photos/_count?q=a:b'));
    expect(q.status).toBe(400);
    expect(q.body.error.reason).toContain('q (query_string)');
  });

  it('ext.personalize: what is wrong with it, and a scroll, are named', async () => {
    const noUser = await answer<EsErrorBody>(postJson(app, '/photos/_search', { ext: { personalize: {} } }));
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.reason).toContain('ext.personalize needs {"user"');
    const badLang = await answer<EsErrorBody>(postJson(app, '/photos/_search', { ext: { personalize: { user: 'u1', lang: 'Deutsch' } } }));
    expect(badLang.status).toBe(400);
    expect(badLang.body.error.reason).toBe('pixrank sidecar: ext.personalize.lang must be an ISO 639 language code such as en, de, ja, not "Deutsch"');
    const misspelt = await answer<EsErrorBody>(postJson(app, '/photos/_search', { ext: { personalize: { user: 'u1', language: 'de' } } }));
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.reason).toBe('pixrank sidecar: ext.personalize takes user, country, query, lang; unknown: language');
    const notText = await answer<EsErrorBody>(postJson(app, '/photos/_search', { ext: { personalize: { user: 'u1', lang: 7 } } }));
    expect(notText.body.error.reason).toContain('ext.personalize.lang must be an ISO 639 language code');
    const scroll = await answer<EsErrorBody>(postJson(app, '/photos/_search?scroll=1m', { ext: { personalize: { user: 'u1' } } }));
    expect(scroll.status).toBe(400);
    expect(scroll.body.error.reason).toContain('does not apply to scroll');
    const msearch = await answer<EsErrorBody>(app.request('/_msearch', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{"index":"photos"}\n{"ext":{"personalize":{"user":""}}}\n' }));
    expect(msearch.status).toBe(400);
    expect(msearch.body.error.reason).toContain('(search 1 of the _msearch)');
  });

  it('a body over the limit is refused by its declared length before it is read: 413', async () => {
    const { app: small } = memoryApp(memoryReads({ photos: [] }), { limits: { bodyBytes: 1024 } });
    const body = JSON.stringify({ query: { match: { description: 'x'.repeat(2000) } } });
    const response = await small.request('/photos/_search', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('the body is larger than 1024 bytes');
  });

  it('the sidecar’s API keys guard the front: 401 without one, and with one the call goes on to the cluster', async () => {
    const { app: keyed } = memoryApp(memoryReads({ photos: [] }), { limits: { apiKeys: ['sidecar-key'] } });
    expect((await keyed.request('/photos/_count')).status).toBe(401);
    const withKey = await keyed.request('/photos/_count', { headers: { 'x-api-key': 'sidecar-key', authorization: 'Basic dTpw' } });
    expect(withKey.status).toBe(503);
    expect(withKey.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  it('its calls are one route in the metrics, whatever their path', async () => {
    const { app: counted } = memoryApp(memoryReads({ photos: [] }));
    await counted.request('/photos/_mapping');
    await counted.request('/_cat/indices');
    const metrics = await (await counted.request('/metrics')).text();
    expect(metrics).toMatch(/route="es-front",method="GET",status="503"} 2/);
  });

  it('a read with writes allowed still goes to the cluster; so does a write (both 503 here, nothing listening)', async () => {
    const { app: writable } = memoryApp(memoryReads({ photos: [] }), { limits: { esProxy: { writes: true, auth: 'sidecar' } } });
    for (const [method, path] of [['PUT', '/photos/_doc/1'], ['GET', '/photos/_doc/1']]) {
      const response = await writable.request(path!, { method, headers: { 'content-type': 'application/json' }, ...(method === 'PUT' ? { body: '{"a":1}' } : {}) });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    }
  });
});
