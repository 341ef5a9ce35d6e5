import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pidsMentioning, waitUntil } from '../test/processes.ts';
import { createClient } from './client.ts';
import { CONNECTION_ENV } from './connection.ts';
import { esDistributionDir } from './paths.ts';
import { ES_VERSION } from './version.ts';

const run = promisify(execFile);
const cli = new URL('../bin/pixrank.js', import.meta.url).pathname;

const lastLine = (text: string): string => text.trim().split('\n').at(-1)!;

describe('pixrank es start --tls | apply | status | stop', () => {
  it('starts a secured https node in the background, applies with its recorded credentials and with ES_* variables, and stops it leaving nothing behind', async () => {
    // A cache of its own (so a person's `es start` is untouched) that shares the unpacked distribution.
    const cache = await mkdtemp(join(tmpdir(), 'pixrank-cli-'));
    await mkdir(join(cache, 'es'), { recursive: true });
    await symlink(esDistributionDir(ES_VERSION), join(cache, 'es', ES_VERSION));
    const inherited = { ...process.env };
    for (const name of CONNECTION_ENV) delete inherited[name];
    const env = { ...inherited, PIXRANK_CACHE_DIR: cache, ES_HEAP: '512m' };
    const pixrank = async (...args: string[]): Promise<string> => (await run(process.execPath, [cli, ...args], { env })).stdout;

    const started = JSON.parse(lastLine(await pixrank('es', 'start', '--tls', '--json'))) as { url: string; version: string; username: string; password: string; caCert: string; caFingerprint: string };
    expect(started).toMatchObject({ version: ES_VERSION, username: 'pixrank' });
    expect(started.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // The recorded passwords are readable by their owner alone.
    expect((await stat(join(cache, 'es', 'instance.json'))).mode & 0o777).toBe(0o600);
    try {
      // Later commands find the node and its credentials without any variable set.
      await pixrank('es', 'apply');
      // The same node through the variables a person sets for a remote cluster, trusting the CA by fingerprint.
      const viaEnv = { ...env, ES_URL: started.url, ES_USERNAME: started.username, ES_PASSWORD: started.password, ES_CA_FINGERPRINT: started.caFingerprint };
      const second = JSON.parse(lastLine((await run(process.execPath, [cli, 'es', 'apply', '--json'], { env: viaEnv })).stdout)) as { createdIndex: boolean; index: string };
      expect(second).toMatchObject({ createdIndex: false, index: 'photos-v1' });
      // Without a CA to trust: one line saying which variable to set.
      const { ES_CA_FINGERPRINT: _fingerprint, ...untrusting } = viaEnv;
      const failed = await run(process.execPath, [cli, 'es', 'apply'], { env: untrusting }).catch((e: { code: number; stderr: string }) => e);
      expect((failed as { code: number }).code).toBe(1);
      expect((failed as { stderr: string }).stderr).toMatch(/^pixrank: ES_TLS_FAILED: es: the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(.+\); set ES_CA_CERT .+ or ES_CA_FINGERPRINT .+\n$/);

      const ca = await readFile(started.caCert, 'utf8');
      const anonymous = createClient({ url: started.url, ca }, { maxRetries: 0 });
      expect(await anonymous.cluster.health().catch((e: { statusCode?: number }) => e.statusCode)).toBe(401);
      await anonymous.close();
      const client = createClient({ url: started.url, username: started.username, password: started.password, ca });
      const templates = await client.indices.getIndexTemplate({ name: 'pixrank-photos' });
      expect(templates.index_templates).toHaveLength(1);
      expect(Object.keys(await client.indices.getAlias({ name: 'photos' }))).toEqual(['photos-v1']);
      const photoIndices = await client.cat.indices({ index: 'photos*', format: 'json', h: 'index' });
      expect(photoIndices.map((i) => i.index)).toEqual(['photos-v1']);
      const mapping = await client.indices.getMapping({ index: 'photos' });
      expect(Object.values(mapping)[0]!.mappings.properties!.clip).toMatchObject({ index_options: { type: 'int8_hnsw' } });
      await client.close();

      const status = JSON.parse(lastLine(await pixrank('es', 'status', '--json'))) as { running: boolean; url: string };
      expect(status).toMatchObject({ running: true, url: started.url, secure: true });
    } finally {
      await pixrank('es', 'stop');
    }
    // Started again on the same instance: fresh passwords, the same CA (whoever trusts it keeps
    // trusting it), and the keystore the earlier start left (owned by the Elasticsearch user) is no obstacle.
    const again = JSON.parse(lastLine(await pixrank('es', 'start', '--tls', '--json'))) as typeof started;
    try {
      expect(again.caFingerprint).toBe(started.caFingerprint);
      expect(again.password).not.toBe(started.password);
      expect(JSON.parse(lastLine(await pixrank('es', 'apply', '--json')))).toMatchObject({ createdIndex: false, index: 'photos-v1' });
    } finally {
      await pixrank('es', 'stop');
    }
    expect(await waitUntil(() => pidsMentioning(cache).length === 0, 30_000)).toBe(true);
    const after = await run(process.execPath, [cli, 'es', 'status', '--json'], { env }).catch((e: { stdout: string; code: number }) => e);
    expect((after as { code: number }).code).toBe(3);
    expect((after as { stdout: string }).stdout).toContain('"running":false');
    // Certificates are made at the first start and a node is started twice: minutes on a busy 2-core machine.
  }, 540_000);
});
