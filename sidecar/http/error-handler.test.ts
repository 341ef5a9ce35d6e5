import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { elasticReads, type ElasticReads } from '../retrieval/elastic-reads.ts';
import { answer, memoryApp, memoryLogger, memoryReads, postJson, type ProblemBody } from '../../test/stub-services.ts';

const world = { photos: [{ id: 'p1' }], keyword: [['p1', 1]] as Array<[string, number]> };

/** The read of the lists fails with `error`, as the client would fail it. */
function failingLists(error: Error): ElasticReads {
  return { ...memoryReads(world), lists: () => Promise.reject(error) };
}

/** A ResponseError as the client raises it for an Elasticsearch error answer. */
function responseError(statusCode: number, type: string, reason: string): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type, reason, root_cause: [{ type, reason }] }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: { context: null, name: 'elasticsearch-js', request: { params: { method: 'POST', path: '/photos/_search' }, options: {}, id: 1 }, connection: null, attempts: 0, aborted: false },
  });
}

const keywordSearch = { q: 'dog', mode: 'keyword' };

describe('Elasticsearch failures: what they mean for the caller', () => {
  it('unreachable: 503 with Retry-After, counted by kind', async () => {
    const { app, services } = memoryApp(failingLists(new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200')));
    const { status, body, headers } = await answer<ProblemBody>(postJson(app, '/search', keywordSearch));
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('5');
    expect(body.error.message).toBe('elasticsearch unavailable: connect ECONNREFUSED 127.0.0.1:9200');
    expect((await services.metrics.esErrors.get()).values).toEqual([expect.objectContaining({ labels: { kind: 'unavailable' }, value: 1 })]);
  });

  it('overloaded (429): 503 with Retry-After', async () => {
    const { app } = memoryApp(failingLists(responseError(429, 'es_rejected_execution_exception', 'rejected execution of search')));
    const { status, body, headers } = await answer<ProblemBody>(postJson(app, '/search', keywordSearch));
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('5');
    expect(body.error.message).toBe('elasticsearch busy: rejected execution of search');
  });

  it('no index: 503 saying to ingest, retry later', async () => {
    const { app } = memoryApp(failingLists(responseError(404, 'index_not_found_exception', 'no such index [photos]')));
    const { status, body, headers } = await answer<ProblemBody>(postJson(app, '/search', keywordSearch));
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('30');
    expect(body.error.message).toBe('elasticsearch: no such index [photos] (ingest a dataset first: npx pixrank ingest --data DIR)');
  });

  it('any other refusal: 502 with Elasticsearch’s reason, no Retry-After', async () => {
    const { app } = memoryApp(failingLists(responseError(400, 'search_phase_execution_exception', 'all shards failed')));
    const { status, body, headers } = await answer<ProblemBody>(postJson(app, '/search', keywordSearch));
    expect(status).toBe(502);
    expect(headers.get('retry-after')).toBeNull();
    expect(body.error.message).toBe('elasticsearch refused the request: search_phase_execution_exception: all shards failed');
  });

  it('the ES-compatible route answers in Elasticsearch’s own error shape (a real client, nothing listening)', async () => {
    const { app, services } = memoryApp(memoryReads(world));
    // The forwarded search through the real client, to an address where nothing listens.
    services.reads.forward = elasticReads(services.es).forward;
    const response = await postJson(app, '/photos/_search', { query: { match_all: {} } });
    const body = (await response.json()) as { error: { type: string; reason: string }; status: number };
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(body.status).toBe(503);
    expect(body.error.type).toBe('pixrank_upstream_exception');
    expect(body.error.reason).toMatch(/^elasticsearch unavailable: /);
  });
});

describe('other errors', () => {
  it('an HTTPException a handler throws keeps its status and message', async () => {
    const { app } = memoryApp(memoryReads(world));
    const unknown = await answer<ProblemBody>(postJson(app, '/similar', { photo_id: 'nobody' }));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('photo_id: no photo nobody in photos');
    // No CLIP model loaded: a 503 of the sidecar's own, which is not Elasticsearch's (no Retry-After).
    const noModel = await answer<ProblemBody>(postJson(app, '/search', { q: 'dog', mode: 'hybrid' }));
    expect(noModel.status).toBe(503);
    expect(noModel.headers.get('retry-after')).toBeNull();
    expect(noModel.body.error.message).toMatch(/^mode hybrid needs a CLIP model/);
  });

  it('anything else: 500 naming the request id, logged with its stack under that id', async () => {
    const { logger, lines } = memoryLogger();
    const { app } = memoryApp(failingLists(new TypeError('cannot read properties of undefined')), { logger });
    const response = await postJson(app, '/search', keywordSearch);
    const id = response.headers.get('x-request-id');
    const body = (await response.json()) as ProblemBody;
    expect(response.status).toBe(500);
    expect(id).toBeTruthy();
    expect(body.error.message).toBe(`internal error (request ${id}); see the sidecar log`);
    const logged = lines.find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ request_id: id, err: { type: 'TypeError', message: 'cannot read properties of undefined' } });
    expect((logged?.err as { stack?: string }).stack).toMatch(/TypeError/);
  });
});
