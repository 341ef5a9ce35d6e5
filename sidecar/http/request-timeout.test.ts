import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../es-mappings/client.ts';
import { elasticReads, type ElasticReads } from '../retrieval/elastic-reads.ts';
import { answer, hangingRead, memoryApp, memoryLogger, memoryReads, postJson, type MemoryWorld, type ProblemBody } from '../../test/stub-services.ts';

const LIMIT_MS = 80;
const world: MemoryWorld = {
  photos: [
    { id: 'p1', photographer: 'ann', vector: [1, 0] },
    { id: 'p2', photographer: 'bob', vector: [0, 1] },
  ],
  keyword: [['p1', 2], ['p2', 1]],
  knn: [['p2', 0.9]],
  interactions: { u1: [{ photo_id: 'p1', type: 'download', at: 1 }] },
  forward: { took: 1, hits: { hits: [{ _id: 'p1', _score: 1, _source: {} }, { _id: 'p2', _score: 0.5, _source: {} }] } },
};

/** The in-memory reads with one of them (each takes its options second) never answering until its request gives up. */
function withHanging(name: keyof ElasticReads): { reads: ElasticReads; seen: AbortSignal[] } {
  const hanging = hangingRead();
  const reads: ElasticReads = { ...memoryReads(world), [name]: (_: unknown, options: { signal?: AbortSignal }) => hanging.read(options) };
  return { reads, seen: hanging.seen };
}

const requests: Array<[string, keyof ElasticReads, string, unknown?]> = [
  ['/search: the retrieval of its lists', 'lists', '/search', { q: 'x', mode: 'keyword' }],
  ['/search: the vectors the policy reads', 'vectors', '/search', { q: 'x', mode: 'keyword' }],
  ['/search: the texts of the page', 'texts', '/search', { q: 'x', mode: 'keyword' }],
  ['/search: the second pass’s read of the user’s feedback', 'interactions', '/search', { q: 'x', mode: 'keyword', user: 'u1' }],
  ['/similar: the kNN search', 'lists', '/similar', { photo_id: 'p1' }],
  ['/recommend: the feedback its profile is made of', 'interactions', '/recommend/u1'],
  ['/feedback: whether the photo exists', 'exists', '/feedback', { user: 'u1', photo: 'p2', type: 'like' }],
  ['/{index}/_search: the forwarded search', 'forward', '/photos/_search', { query: { match_all: {} }, ext: { personalize: { user: 'u1' } } }],
  ['/{index}/_search: the feedback of the user it personalizes for', 'interactions', '/photos/_search', { query: { match_all: {} }, ext: { personalize: { user: 'u1' } } }],
];

describe('the time limit aborts the Elasticsearch calls in flight', () => {
  it.each(requests)('%s: 504, and the read saw its signal aborted', async (_, name, path, body) => {
    const { reads, seen } = withHanging(name);
    const { logger, lines } = memoryLogger();
    const { app } = memoryApp(reads, { logger, limits: { requestTimeoutMs: LIMIT_MS } });
    const started = performance.now();
    const { status, body: problem } = await answer<ProblemBody>(body === undefined ? app.request(path) : postJson(app, path, body));
    expect(status).toBe(504);
    expect(problem.error.message).toBe(`the request took longer than ${LIMIT_MS} ms`);
    expect(performance.now() - started).toBeLessThan(LIMIT_MS + 1_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
    // The standard AbortError: the client reports any other reason as a broken connection.
    expect(seen[0]!.reason).toMatchObject({ name: 'AbortError' });
    // The aborted read's error reaches the error handler after the 504: not an error to report.
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });

  it('a client that goes away aborts the calls too (499, never read)', async () => {
    const { reads, seen } = withHanging('lists');
    const { app } = memoryApp(reads, { limits: { requestTimeoutMs: 10_000 } });
    const client = new AbortController();
    const pending = postJson(app, '/search', { q: 'x', mode: 'keyword' }, { signal: client.signal });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    client.abort();
    const response = await pending;
    expect(response.status).toBe(499);
    expect(seen[0]!.aborted).toBe(true);
  });

  it('a request answered in time leaves its signal alone', async () => {
    const reads = memoryReads(world);
    const seen: AbortSignal[] = [];
    const { app } = memoryApp({ ...reads, lists: (queries, options) => (seen.push(options.signal!), reads.lists(queries, options)) }, { limits: { requestTimeoutMs: LIMIT_MS } });
    expect((await postJson(app, '/search', { q: 'x', mode: 'keyword' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, LIMIT_MS * 2));
    expect(seen[0]!.aborted).toBe(false);
  });
});

describe('the ES-compatible route through the real client', () => {
  // A socket that accepts and never answers: Elasticsearch hung. Whether the client gives up is
  // seen from this side: the connection it opened is closed.
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];
  const closed: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
      // Reading (and dropping) what comes is what lets this side see the client close.
      socket.resume();
      socket.on('close', () => closed.push(socket));
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it('the forwarded search is aborted at the time limit: 504, the connection closed, an abort to the client', async () => {
    // The client's own timeout is far away: only the request's time limit can end this call.
    const es = createClient({ url: `http://127.0.0.1:${port}` }, { requestTimeout: 30_000, maxRetries: 0 });
    const failures: string[] = [];
    es.diagnostic.on('response', (error) => void (error && failures.push(error.name)));
    const { app } = memoryApp({ ...memoryReads(world), forward: elasticReads(es).forward }, { es, limits: { requestTimeoutMs: LIMIT_MS } });
    try {
      const response = await postJson(app, '/photos/_search', { query: { match_all: {} } });
      expect(response.status).toBe(504);
      await vi.waitFor(() => expect(closed).toContain(sockets[0]));
      // Not a ConnectionError: that would mark the node dead for every other request.
      expect(failures).toEqual(['RequestAbortedError']);
    } finally {
      await es.close();
    }
  });
});
