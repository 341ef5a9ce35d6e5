import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyClipDir } from '../test/clip-fixtures.ts';
import { ingestTestWorld, postJson, testSidecar, type TestSidecar } from '../test/world-sidecar.ts';
import { dropAlias, uniqueAlias } from '../test/es.ts';
import { createClient } from './client.ts';
import { CONNECTION_ENV, connectionEnv } from './connection.ts';
import { connectionFailure } from './connection-errors.ts';
import { PixrankError } from './errors.ts';
import { provisionCluster, type Cluster } from './provision.ts';

/**
 * A second node of this file's own, started with security on (the project's node runs without
 * it): what a production cluster does with missing, wrong and made-up credentials, and that basic
 * auth carries every step from templates to a served search.
 */
const run = promisify(execFile);
const cli = new URL('../bin/pixrank.js', import.meta.url).pathname;
const alias = uniqueAlias('secure');
/** An API key in the shape Elasticsearch hands out (base64 of id:key) that it never issued. */
const MADE_UP_API_KEY = Buffer.from('made-up-id:made-up-key').toString('base64');

let cluster: Cluster;
let url: string;
let password: string;

beforeAll(async () => {
  const instanceDir = await mkdtemp(join(tmpdir(), 'pixrank-es-secure-'));
  // `env: {}`: this file wants its own secured node even when the run is pointed at ES_URL.
  cluster = await provisionCluster({ secure: true, ignoreStartedInstance: true, instanceDir, env: {}, log: (line) => process.stderr.write(`${line}\n`) });
  url = cluster.url;
  password = cluster.connection.password ?? '';
}, 300_000);

afterAll(async () => {
  await dropAlias(cluster.client, alias).catch(() => {});
  await cluster?.release();
});

async function refusal(env: NodeJS.ProcessEnv): Promise<PixrankError> {
  const error = await provisionCluster({ env }).then(
    async (connected) => {
      await connected.release();
      throw new Error(`connected with ${JSON.stringify(env)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PixrankError);
  return error as PixrankError;
}

describe('a secured cluster', () => {
  it('hands out clients that carry the least-privilege user, which may not administer security', async () => {
    expect(cluster.connection).toMatchObject({ url, username: 'pixrank', localNode: true });
    // What other test files hand a child process names this cluster's user too.
    expect(connectionEnv(cluster.connection)).toMatchObject({ ES_URL: url, ES_USERNAME: 'pixrank', ES_PASSWORD: password });
    expect((await cluster.client.security.authenticate()).roles).toEqual(['pixrank_app']);
    const extra = cluster.newClient({ requestTimeout: 5_000, maxRetries: 0 });
    expect((await extra.cluster.health()).status).toMatch(/green|yellow/);
    await extra.close();
    const denied = connectionFailure(await cluster.client.security.getUser().catch((e: unknown) => e), cluster.connection);
    expect(denied?.code).toBe('ES_AUTH_FAILED');
    expect(denied?.message).toMatch(/^es: Elasticsearch at .+ does not allow the user pixrank this \(403: action \[cluster:admin\/xpack\/security\/user\/get\] is unauthorized/);
  });

  it('anonymous: a 401 said in one line naming the variables to set', async () => {
    const error = await refusal({ ES_URL: url });
    expect(error.code).toBe('ES_AUTH_FAILED');
    expect(error.message).toBe(`es: Elasticsearch at ${url} requires credentials (401): set ES_USERNAME and ES_PASSWORD, or ES_API_KEY`);
  });

  it('a wrong password: the same, naming the user', async () => {
    const error = await refusal({ ES_URL: url, ES_USERNAME: 'pixrank', ES_PASSWORD: 'wrong-password' });
    expect(error.code).toBe('ES_AUTH_FAILED');
    expect(error.message).toBe(`es: Elasticsearch at ${url} refused the credentials of ES_USERNAME=pixrank (401): set the right ES_USERNAME and ES_PASSWORD, or ES_API_KEY`);
  });

  it('a made-up API key reaches Elasticsearch and its 401 names ES_API_KEY', async () => {
    const error = await refusal({ ES_URL: url, ES_API_KEY: MADE_UP_API_KEY });
    expect(error.code).toBe('ES_AUTH_FAILED');
    expect(error.message).toBe(`es: Elasticsearch at ${url} refused ES_API_KEY (401): set ES_API_KEY to a valid API key, or unset it and set ES_USERNAME and ES_PASSWORD`);
    // It is Elasticsearch's answer, to the key sent in the Authorization header.
    const keyed = createClient({ url, apiKey: MADE_UP_API_KEY }, { maxRetries: 0 });
    const raw = await keyed.cluster.health().catch((e: { statusCode?: number }) => e);
    await keyed.close();
    expect((raw as { statusCode: number }).statusCode).toBe(401);
  });

  describe('basic auth from the environment, end to end', () => {
    let viaEnv: Cluster;
    let sidecar: TestSidecar;
    beforeAll(async () => {
      viaEnv = await provisionCluster({ env: { ES_URL: url, ES_USERNAME: 'pixrank', ES_PASSWORD: password } });
      // Ingest applies the templates, creates the versioned index and the alias, and bulk-loads.
      await ingestTestWorld(viaEnv.client, alias, { photos: 60, users: 10, seed: 5, modelDir: tinyClipDir });
      sidecar = await testSidecar(viaEnv.newClient({ requestTimeout: 5_000, maxRetries: 1 }), alias);
    }, 240_000);
    afterAll(async () => {
      await sidecar?.services.close();
      await viaEnv?.release();
    });

    it('templates, a generated world ingested, and /search and /readyz through the sidecar', async () => {
      expect(viaEnv.source).toBe('ES_URL');
      expect((await viaEnv.client.indices.getIndexTemplate({ name: `pixrank-${alias}` })).index_templates).toHaveLength(1);
      expect((await viaEnv.client.count({ index: alias })).count).toBe(60);
      for (const mode of ['keyword', 'hybrid']) {
        const response = await postJson(sidecar.app, '/search', { q: 'mountain', mode, k: 5 });
        expect(response.status, mode).toBe(200);
        expect(((await response.json()) as { hits: unknown[] }).hits.length, mode).toBeGreaterThan(0);
      }
      expect((await sidecar.app.request('/readyz')).status).toBe(200);
    });

    it('the CLI searches with ES_URL, ES_USERNAME and ES_PASSWORD', async () => {
      const { stdout } = await run(process.execPath, [cli, 'search', 'mountain', '--mode', 'keyword', '--index', alias, '--json'], { env: cliEnv({ ES_URL: url, ES_USERNAME: 'pixrank', ES_PASSWORD: password }) });
      expect((JSON.parse(stdout.trim().split('\n').at(-1)!) as { hits: unknown[] }).hits.length).toBeGreaterThan(0);
    });

    it('/readyz is 503 with the reason when Elasticsearch refuses the sidecar’s credentials, and /search 503 with it', async () => {
      const refused = await testSidecar(createClient({ url, username: 'pixrank', password: 'wrong-password' }, { requestTimeout: 5_000, maxRetries: 0 }), alias);
      try {
        const ready = await refused.app.request('/readyz');
        expect(ready.status).toBe(503);
        const body = (await ready.json()) as { ready: boolean; elasticsearch: { ok: boolean; message: string } };
        expect(body.ready).toBe(false);
        expect(body.elasticsearch).toEqual({ ok: false, message: `es: Elasticsearch at ${url} refused the credentials of ES_USERNAME=pixrank (401): set the right ES_USERNAME and ES_PASSWORD, or ES_API_KEY` });
        const search = await postJson(refused.app, '/search', { q: 'mountain', mode: 'keyword' });
        expect(search.status).toBe(503);
        expect(((await search.json()) as { error: { message: string } }).error.message).toContain('refused the credentials of ES_USERNAME=pixrank (401)');
      } finally {
        await refused.services.close();
      }
    });
  });

  it('the CLI: a refused credential is one line on stderr and exit code 1', async () => {
    for (const [credentials, said] of [
      [{ ES_USERNAME: 'pixrank', ES_PASSWORD: 'wrong-password' }, 'refused the credentials of ES_USERNAME=pixrank (401)'],
      [{ ES_API_KEY: MADE_UP_API_KEY }, 'refused ES_API_KEY (401)'],
    ] as const) {
      const failed = await run(process.execPath, [cli, 'es', 'apply', '--index', alias], { env: cliEnv({ ES_URL: url, ...credentials }) }).catch((e: { code: number; stderr: string; stdout: string }) => e);
      const { code, stderr, stdout } = failed as { code: number; stderr: string; stdout: string };
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.split('\n')).toEqual([expect.stringContaining(`pixrank: ES_AUTH_FAILED: es: Elasticsearch at ${url} ${said}`), '']);
    }
  });
});

/** The test process's environment with only the given ES_* variables (the run's own ES_URL must not leak in). */
function cliEnv(variables: Partial<Record<(typeof CONNECTION_ENV)[number], string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONNECTION_ENV) delete env[name];
  return { ...env, ...variables };
}

