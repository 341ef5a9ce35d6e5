import { describe, expect, it } from 'vitest';
import { answer, memoryApp, memoryReads, postJson } from '../../test/stub-services.ts';
import type { SearchResponse } from '../pipeline/response-schema.ts';
import { SearchRequestSchema } from './search-route.ts';

describe('POST /search lang', () => {
  it('takes an ISO 639 code and refuses anything else with a message', () => {
    expect(SearchRequestSchema.parse({ q: 'rotes Auto', lang: 'de' }).lang).toBe('de');
    expect(SearchRequestSchema.parse({ q: 'red car' }).lang).toBeUndefined();
    const refused = SearchRequestSchema.safeParse({ q: 'rotes Auto', lang: 'Deutsch!' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/ISO 639 language code/);
  });

  const world = { photos: [{ id: 'p1' }, { id: 'p2' }], keyword: [['p1', 2], ['p2', 1]] as Array<[string, number]> };

  it.each([
    [{ q: 'schwarze Katze im Schnee' }, { lang: 'de', lang_source: 'detected' }],
    [{ q: 'cat', lang: 'FR' }, { lang: 'fr', lang_source: 'request' }],
    [{ q: 'cat', country: 'JP' }, { lang: 'ja', lang_source: 'country' }],
  ])('answers and logs the language it used and where it came from: %j', async (body, expected) => {
    const { app, services } = memoryApp(memoryReads(world));
    const { status, body: json } = await answer<SearchResponse>(postJson(app, '/search', { ...body, mode: 'keyword' }));
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json).toMatchObject(expected);
    expect((await services.searchEvents.written()).at(-1)).toMatchObject({ request_id: json.request_id, ...expected });
  });

  it('says nothing of a language when none was resolved (a short query, no lang, no known country)', async () => {
    const { app, services } = memoryApp(memoryReads(world));
    const { body: json } = await answer<SearchResponse>(postJson(app, '/search', { q: 'cat', mode: 'keyword' }));
    expect(json).not.toHaveProperty('lang');
    expect((await services.searchEvents.written()).at(-1)).not.toHaveProperty('lang');
    expect((await services.searchEvents.written()).at(-1)).not.toHaveProperty('lang_source');
  });

  it('a bad lang is a 400 that names the field', async () => {
    const { app, services } = memoryApp(memoryReads(world));
    const { status, body } = await answer<{ error: { message: string } }>(postJson(app, '/search', { q: 'cat', lang: 'german' }));
    expect(status).toBe(400);
    expect(body.error.message).toBe('body.lang: must be an ISO 639 language code such as en, de, ja');
    expect((await services.searchEvents.written())).toHaveLength(0);
  });
});
