import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Client as EsClient, errors } from '@elastic/elasticsearch';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { pythonEnvRoot } from '../../es-mappings/paths.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';
import { testClient, uniqueAlias } from '../../test/es.ts';
import { useWorldSidecar } from '../../test/world-sidecar.ts';
import { createApp } from '../app.ts';
import { ensurePythonEnv, runProgram } from '../clip/index.ts';
import type { SidecarServices } from '../services.ts';
import { comparable, jsClientCalls, outcomeOf } from './client-check/js-calls.ts';

/**
 * The official clients, unmodified, pointed at the sidecar: every call answers as Elasticsearch
 * itself answers it (the sidecar listens on a real port; the clients speak HTTP to it).
 */
const client = testClient();
const alias = uniqueAlias('es-front');
const fixture = useWorldSidecar(client, alias, { photos: 80, users: 12, seed: 21, modelDir: tinyClipDir });
const esUrl = inject('esUrl');

/** The app over the fixture's services with other limits, on a port of its own. */
async function listening(services: SidecarServices): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp(services);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    }),
  };
}

let front: Awaited<ReturnType<typeof listening>>;
let viaFront: EsClient;
let sample: { id: string; word: string };
let user: string;

beforeAll(async () => {
  front = await listening(fixture.sidecar.services);
  viaFront = new EsClient({ node: front.url });
  const source = (await client.search<{ photo_id: string; description: string }>({ index: alias, size: 1, sort: [{ photo_id: 'asc' }], query: { exists: { field: 'description' } } })).hits.hits[0]!;
  sample = { id: source._id!, word: source._source!.description.split(/\s+/).find((w) => w.length > 4)! };
  user = fixture.world.users[1]!;
});

afterAll(async () => {
  await viaFront?.close();
  await front?.close();
});

describe('the official JavaScript client through the front', () => {
  it('answers every call of the script as Elasticsearch does', async () => {
    const rows: Array<{ call: string; result: string; answer: string }> = [];
    for (const call of jsClientCalls(alias, sample)) {
      const direct = await outcomeOf(call, client);
      const through = await outcomeOf(call, viaFront);
      expect(through, call.name).toEqual(direct);
      rows.push({ call: call.name, result: 'equal', answer: 'ok' in direct ? 'ok' : `error ${direct.error.status}` });
    }
    process.stdout.write(`${rows.map((r) => `${r.result.padEnd(9)} ${r.call.padEnd(50)} ${r.answer}`).join('\n')}\n${JSON.stringify({ client: 'elasticsearch-js', checked: rows.length, equal: rows.length })}\n`);
    // The script reads the whole index: the scroll and the point in time saw every photo.
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });

  it('keeps the headers clients check: X-Elastic-Product, the compatible content type, warnings', async () => {
    const direct = await client.search({ index: alias, size: 1 }, { meta: true });
    const through = await viaFront.search({ index: alias, size: 1 }, { meta: true });
    for (const name of ['x-elastic-product', 'content-type']) expect(through.headers[name], name).toBe(direct.headers[name]);
    expect(through.headers['x-elastic-product']).toBe('Elasticsearch');
  });

  it('msearch with ext.personalize: each personalized search re-ranked as _search re-ranks it, the others Elasticsearch’s', async () => {
    const plain = { query: { match_all: {} }, size: 30 };
    const personal = { ...plain, ext: { personalize: { user } } };
    const response = await viaFront.msearch({ searches: [{ index: alias }, personal, { index: alias }, plain] }, { meta: true });
    expect(response.headers['x-pixrank-personalized']).toBe('true');
    const [personalized, untouched] = response.body.responses as Array<{ hits: { hits: Array<{ _id: string; _score: number }> } }>;
    const single = await viaFront.search({ index: alias, ...personal });
    const direct = await client.search({ index: alias, ...plain });
    const ids = (hits: Array<{ _id?: string }>) => hits.map((h) => h._id);
    expect(ids(personalized!.hits.hits)).toEqual(ids(single.hits.hits));
    expect([...ids(personalized!.hits.hits)].sort()).toEqual([...ids(direct.hits.hits)].sort());
    expect(new Set(personalized!.hits.hits.map((h) => h._score)).size).toBeGreaterThan(1);
    expect(untouched!.hits.hits).toEqual(direct.hits.hits);
  });

  it('ext.personalize on another index, or with a scroll, is refused saying why', async () => {
    await client.index({ index: `${alias}-other`, id: '1', document: { a: 1 }, refresh: true });
    try {
      const other = await viaFront.search({ index: `${alias}-other`, query: { match_all: {} }, ext: { personalize: { user } } }).catch((e: unknown) => e);
      expect((other as errors.ResponseError).statusCode).toBe(400);
      expect(JSON.stringify((other as errors.ResponseError).body)).toContain('applies to the photos index');
      const scroll = await viaFront.search({ index: alias, scroll: '10s', query: { match_all: {} }, ext: { personalize: { user } } }).catch((e: unknown) => e);
      expect((scroll as errors.ResponseError).statusCode).toBe(400);
      expect(JSON.stringify((scroll as errors.ResponseError).body)).toContain('does not apply to scroll');
    } finally {
      await client.indices.delete({ index: `${alias}-other` });
    }
  });

  it('a write through the read-only front: 403 naming --es-proxy-writes, nothing written; scripts refused', async () => {
    for (const write of [
      () => viaFront.index({ index: alias, id: 'written-through-the-front', document: { photo_id: 'x' } }),
      () => viaFront.bulk({ operations: [{ index: { _index: alias, _id: 'bulk-through-the-front' } }, { photo_id: 'y' }] }),
      () => viaFront.indices.putSettings({ index: alias, settings: { number_of_replicas: 0 } }),
      () => viaFront.security.authenticate(),
    ]) {
      const error = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errors.ResponseError);
      expect((error as errors.ResponseError).statusCode).toBe(403);
      expect((error as errors.ResponseError).body).toMatchObject({ error: { type: 'security_exception', reason: expect.stringContaining('--es-proxy-writes') } });
    }
    expect(await client.exists({ index: alias, id: 'written-through-the-front' })).toBe(false);
    const scripted = await viaFront.count({ index: alias, query: { script: { script: 'true' } } as never }).catch((e: unknown) => e);
    expect((scripted as errors.ResponseError).statusCode).toBe(400);
    expect(JSON.stringify((scripted as errors.ResponseError).body)).toContain('[script] is not allowed');
  });

  it('with --es-proxy-writes a write reaches the cluster, streamed, and its answer comes back', async () => {
    const services = { ...fixture.sidecar.services, limits: { ...fixture.sidecar.services.limits, esProxy: { writes: true, auth: 'sidecar' as const } } };
    const writable = await listening(services);
    const es = new EsClient({ node: writable.url });
    const scratch = `${alias}-scratch`;
    try {
      const operations = Array.from({ length: 500 }, (_, i) => [{ index: { _index: scratch, _id: String(i) } }, { n: i, text: 'x'.repeat(600) }]).flat();
      const bulk = await es.bulk({ operations, refresh: true });
      expect(bulk.errors).toBe(false);
      expect(bulk.items).toHaveLength(500);
      expect((await client.count({ index: scratch })).count).toBe(500);
      // An answer over the size the front reads whole (256 KiB; 500 hits of 600-byte texts here) streams through.
      const query = { index: scratch, size: 500, sort: [{ n: 'asc' as const }], _source: ['n', 'text'], docvalue_fields: ['n'], version: true, seq_no_primary_term: true };
      const big = await es.search(query, { meta: true });
      const direct = await client.search(query);
      expect(JSON.stringify(big.body).length).toBeGreaterThan(256 * 1024);
      expect(comparable(big.body)).toEqual(comparable(direct));
    } finally {
      await es.indices.delete({ index: scratch }).catch(() => {});
      await es.close();
      await writable.close();
    }
  });
});

describe('the official Python client through the front', () => {
  it('answers every call of the script as Elasticsearch does (elasticsearch 8.19, in a virtualenv of its own)', async () => {
    const env = await ensurePythonEnv({ root: pythonEnvRoot(), requirements: fileURLToPath(new URL('./client-check/requirements.txt', import.meta.url)) });
    const connection = inject('esConnection');
    const variables = { DIRECT_URL: esUrl, DIRECT_USERNAME: connection.username, DIRECT_PASSWORD: connection.password, DIRECT_API_KEY: connection.apiKey, FRONT_URL: front.url, INDEX: alias, SAMPLE_ID: sample.id, SAMPLE_WORD: sample.word, USER_ID: user };
    const saved = { ...process.env };
    // runProgram gives the child this process's environment.
    for (const [name, value] of Object.entries(variables)) if (value !== undefined) process.env[name] = value;
    const lines: string[] = [];
    const run = await runProgram(env.python, [fileURLToPath(new URL('./client-check/compare_clients.py', import.meta.url))], { log: (line) => lines.push(line), prefix: '' }).finally(() => {
      for (const name of Object.keys(variables)) if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    });
    process.stdout.write(`${lines.join('\n')}\n`);
    const summary = JSON.parse(run.stdout.at(-1)!) as { checked: number; equal: number; refused: number; different: string[] };
    expect(summary.different).toEqual([]);
    expect(run.code).toBe(0);
    expect(summary.refused).toBe(1);
    expect(summary.checked).toBeGreaterThanOrEqual(20);
  }, 600_000);
});
