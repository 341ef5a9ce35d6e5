import { afterAll, describe, expect, inject, it } from 'vitest';
import type { estypes } from '@elastic/elasticsearch';
import { dropAlias, testClient, uniqueAlias } from '../test/es.ts';
import { applyEventMappings, applyMappings, eventMappingGaps, eventMappingsUpToDate } from './apply.ts';
import { PixrankError } from './errors.ts';

const client = testClient();
const aliases: string[] = [];

afterAll(async () => {
  for (const alias of aliases) await dropAlias(client, alias);
  await client.close();
});

describe('es apply', () => {
  it('runs against a real Elasticsearch and says which', () => {
    process.stdout.write(`[es] apply tests against Elasticsearch ${inject('esVersion')}\n`);
    expect(inject('esVersion')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('applied twice leaves one template, one index, one alias, and the clip field int8_hnsw', async () => {
    const alias = uniqueAlias();
    aliases.push(alias);
    const first = await applyMappings(client, { alias, clipDims: 8 });
    const second = await applyMappings(client, { alias, clipDims: 8 });
    expect(first.createdIndex).toBe(true);
    expect(second.createdIndex).toBe(false);
    expect(second.index).toBe(first.index);

    const templates = await client.indices.getIndexTemplate({ name: `pixrank-${alias}*` });
    expect(templates.index_templates.map((t) => t.name)).toEqual([`pixrank-${alias}`]);
    const indices = await client.cat.indices({ index: `${alias}*`, format: 'json', h: 'index' });
    expect(indices.map((i) => i.index)).toEqual([`${alias}-v1`]);
    const found = await client.indices.getAlias({ name: alias });
    expect(Object.keys(found)).toEqual([`${alias}-v1`]);

    const mapping = await client.indices.getMapping({ index: alias });
    const clip = (Object.values(mapping)[0]!.mappings.properties!.clip as { type: string; dims: number; index_options: { type: string } });
    expect(clip).toMatchObject({ type: 'dense_vector', dims: 8, similarity: 'cosine', index_options: { type: 'int8_hnsw', m: 16, ef_construction: 100 } });
    expect(await client.indices.exists({ index: 'search-events' })).toBe(true);
    expect(await client.indices.exists({ index: 'feedback-events' })).toBe(true);
  });

  it('refuses an existing index whose clip dims differ from the model in use', async () => {
    const alias = uniqueAlias();
    aliases.push(alias);
    await applyMappings(client, { alias, clipDims: 8 });
    const error = await applyMappings(client, { alias, clipDims: 16 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PixrankError);
    expect((error as PixrankError).code).toBe('INDEX_CONFLICT');
    expect((error as Error).message).toMatch(/8 dims .* makes 16/);
  });

  it('refuses a concrete index that has the alias name', async () => {
    const alias = uniqueAlias();
    await client.indices.create({ index: alias });
    try {
      const error = await applyMappings(client, { alias }).catch((e: unknown) => e);
      expect((error as PixrankError).code).toBe('INDEX_CONFLICT');
      expect((error as Error).message).toContain('is a concrete index, not an alias');
    } finally {
      await client.indices.delete({ index: alias });
      await dropAlias(client, alias);
    }
  });

  it('strict mapping: a document with an unknown field is refused with a reason', async () => {
    const alias = uniqueAlias();
    aliases.push(alias);
    await applyMappings(client, { alias, clipDims: 8 });
    const error = await client.index({ index: alias, id: 'x', document: { photo_id: 'x', not_a_field: 1 } }).catch((e: unknown) => e);
    expect(JSON.stringify((error as { body?: unknown }).body)).toContain('strict_dynamic_mapping_exception');
  });

  it('finds the fields an older events index lacks, and a starting sidecar adds them (nothing it logs is refused)', async () => {
    await applyEventMappings(client);
    expect(await eventMappingGaps(client)).toEqual([]);
    // search-events as an older pixrank made it: strict, without the fields added since (page, logged).
    const current = (await client.indices.getMapping({ index: 'search-events' }))['search-events']!.mappings;
    const { page: _page, logged: _logged, ...older } = current.properties!;
    // … and a stage its took_ms object did not time yet: a strict object refuses a sub-field it lacks too.
    const took = older.took_ms as { properties: Record<string, estypes.MappingProperty> };
    const { retrieve_early: _early, ...olderStages } = took.properties;
    await client.indices.deleteIndexTemplate({ name: 'pixrank-search-events' });
    await client.indices.delete({ index: 'search-events' });
    await client.indices.create({ index: 'search-events', mappings: { ...current, properties: { ...older, took_ms: { ...took, properties: olderStages } } } });
    const gaps = await eventMappingGaps(client);
    expect(gaps.map((g) => ({ index: g.index, missing: [...g.missing].sort() }))).toEqual([{ index: 'search-events', missing: ['logged', 'page', 'took_ms.retrieve_early'] }]);

    const lines: string[] = [];
    expect(await eventMappingsUpToDate(client, (line) => lines.push(line))).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^events mappings were behind this version \(search-events lacks .*page.*\): fields added$/);
    expect(await eventMappingGaps(client)).toEqual([]);
    const written = await client.index({ index: 'search-events', document: { request_id: 'x', page: 1, took_ms: { retrieve_early: 1.5 } }, refresh: true });
    await client.delete({ index: 'search-events', id: written._id, refresh: true });
  });
});
