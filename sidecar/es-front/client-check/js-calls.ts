import { errors, type Client } from '@elastic/elasticsearch';

/** One ordinary call of the official JavaScript client, made the same way against both servers. */
export interface ClientCall {
  name: string;
  run(es: Client): Promise<unknown>;
}

/** What a call answered, with what differs between two equal answers (time taken, scroll and PIT ids) left out. */
export type Outcome = { ok: unknown } | { error: { status: number | undefined; type: unknown } };

/**
 * The reads an application, a notebook or a tool makes: search, msearch, count, get, mget,
 * field_caps, mappings, a scroll over the whole index (the client's scroll helper), a point in
 * time, and errors (a missing document, a malformed query). `alias` is a photos index.
 */
export function jsClientCalls(alias: string, sample: { id: string; word: string }): ClientCall[] {
  const query = { match: { description: sample.word } };
  return [
    { name: 'info (GET /)', run: (es) => es.info() },
    { name: 'ping (HEAD /)', run: (es) => es.ping() },
    { name: 'cluster.health', run: async (es) => (await es.cluster.health({ index: alias })).status },
    { name: 'search', run: (es) => es.search({ index: alias, query, size: 10, _source: ['photo_id', 'description'] }) },
    { name: 'search (sort, aggregation, track_total_hits)', run: (es) => es.search({ index: alias, size: 5, sort: [{ photo_id: 'asc' }], track_total_hits: true, aggs: { countries: { terms: { field: 'location.country', size: 5 } } } }) },
    { name: 'search (index pattern)', run: (es) => es.search({ index: `${alias}-v*`, query, size: 5, _source: false }) },
    { name: 'msearch', run: (es) => es.msearch({ searches: [{ index: alias }, { query, size: 3 }, { index: alias }, { query: { match_all: {} }, size: 2, sort: [{ photo_id: 'desc' }] }] }) },
    { name: 'count', run: (es) => es.count({ index: alias }) },
    { name: 'count (query)', run: (es) => es.count({ index: alias, query }) },
    { name: 'get', run: (es) => es.get({ index: alias, id: sample.id, _source_excludes: ['clip_embedding'] }) },
    { name: 'get (missing: 404)', run: (es) => es.get({ index: alias, id: 'no-such-photo' }) },
    { name: 'exists', run: (es) => es.exists({ index: alias, id: sample.id }) },
    { name: 'mget', run: (es) => es.mget({ index: alias, ids: [sample.id, 'no-such-photo'], _source: ['photo_id'] }) },
    { name: 'field_caps', run: (es) => es.fieldCaps({ index: alias, fields: ['photo_id', 'description', 'location.*'] }) },
    { name: 'indices.get_mapping', run: (es) => es.indices.getMapping({ index: alias }) },
    { name: 'indices.exists', run: (es) => es.indices.exists({ index: alias }) },
    { name: 'indices.resolve_index', run: (es) => es.indices.resolveIndex({ name: `${alias}*` }) },
    { name: 'explain', run: (es) => es.explain({ index: alias, id: sample.id, query }) },
    { name: 'search (malformed query: 400)', run: (es) => es.search({ index: alias, query: { no_such_query: {} } as never }) },
    { name: 'search (missing index: 404)', run: (es) => es.search({ index: 'no-such-index-anywhere', query: { match_all: {} } }) },
    {
      name: 'helpers.scrollSearch (the whole index)',
      run: async (es) => {
        const ids: string[] = [];
        for await (const page of es.helpers.scrollSearch<{ photo_id: string }>({ index: alias, size: 17, _source: ['photo_id'], scroll: '30s' })) ids.push(...page.documents.map((d) => d.photo_id));
        return ids.sort();
      },
    },
    {
      name: 'point in time (open, search_after pages, close)',
      run: async (es) => {
        const pit = await es.openPointInTime({ index: alias, keep_alive: '30s' });
        const ids: string[] = [];
        let after: unknown[] | undefined;
        for (;;) {
          const page = await es.search({ pit: { id: pit.id, keep_alive: '30s' }, size: 25, sort: [{ photo_id: 'asc' }], _source: false, ...(after ? { search_after: after as never } : {}) });
          if (page.hits.hits.length === 0) break;
          ids.push(...page.hits.hits.map((h) => h._id!));
          after = page.hits.hits.at(-1)!.sort;
        }
        const closed = await es.closePointInTime({ id: pit.id });
        return { ids, closed };
      },
    },
  ];
}

/** The answer of one call, thrown errors included, in a form two servers' answers can be compared in. */
export async function outcomeOf(call: ClientCall, es: Client): Promise<Outcome> {
  try {
    return { ok: comparable(await call.run(es)) };
  } catch (error) {
    if (error instanceof errors.ResponseError) return { error: { status: error.statusCode, type: (error.body as { error?: { type?: unknown } } | undefined)?.error?.type ?? error.body } };
    return { error: { status: undefined, type: (error as Error).name } };
  }
}

/** Leaves out what two equal answers differ in: the time taken and the ids of scrolls and points in time. */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !['took', '_scroll_id', 'pit_id'].includes(key)).map(([key, inner]) => [key, comparable(inner)]));
}
