import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Client as EsClient, errors } from '@elastic/elasticsearch';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../es-mappings/client.ts';
import { startLocalNode, type LocalNode } from '../../es-mappings/server/local-node.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';
import { createApp } from '../app.ts';
import { openServices, type OpenedServices } from '../open-services.ts';
import type { SidecarLimits } from '../services.ts';

/**
 * The front before a cluster with security on (a node of this file's own): the cluster, not the
 * sidecar, decides what a client's own credentials may do, and the sidecar's credentials never
 * stand in for a client that brought its own.
 */
const index = 'front-secure-v1';
let node: LocalNode;
let admin: Client;
let services: OpenedServices;
let reader: { username: string; password: string };

beforeAll(async () => {
  node = await startLocalNode({ secure: true, instanceDir: await mkdtemp(join(tmpdir(), 'pixrank-es-front-secure-')), log: (line) => process.stderr.write(`${line}\n`) });
  reader = node.security!.reader!;
  admin = createClient(node.connection, { maxRetries: 0 });
  await admin.index({ index, id: 'a', document: { text: 'a red car' }, refresh: true });
  services = await openServices({ es: createClient(node.connection, { requestTimeout: 5_000, maxRetries: 0 }), index: 'front-secure', modelDir: tinyClipDir, logger: pino({ level: 'silent' }) });
}, 300_000);

afterAll(async () => {
  await services?.close();
  await admin?.close();
  await node?.stop();
});

/** A front over the cluster with these limits, and a client of it with these credentials (none: anonymous). */
async function withFront(esProxy: SidecarLimits['esProxy'], auth: { username: string; password: string } | undefined, use: (viaFront: EsClient) => Promise<void>): Promise<void> {
  const app = createApp({ ...services, limits: { ...services.limits, esProxy } });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const viaFront = new EsClient({ node: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxRetries: 0, ...(auth ? { auth } : {}) });
  try {
    await use(viaFront);
  } finally {
    await viaFront.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  }
}

async function refusal(call: Promise<unknown>): Promise<errors.ResponseError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(errors.ResponseError);
  return error as errors.ResponseError;
}

describe('the front before a secured cluster', () => {
  it('with --es-proxy-writes, a client whose key may not write gets Elasticsearch’s own 403; its reads pass', async () => {
    const direct = createClient({ url: node.url, username: reader.username, password: reader.password }, { maxRetries: 0 });
    await withFront({ writes: true, auth: 'sidecar' }, reader, async (viaFront) => {
      const through = await refusal(viaFront.index({ index, id: 'b', document: { text: 'written' } }));
      const itself = await refusal(direct.index({ index, id: 'b', document: { text: 'written' } }));
      expect(through.statusCode).toBe(403);
      expect(through.body).toEqual(itself.body);
      expect(JSON.stringify(through.body)).toContain(`is unauthorized for user [${reader.username}]`);
      expect((await viaFront.search({ index, query: { match: { text: 'car' } } })).hits.hits.map((h) => h._id)).toEqual(['a']);
    });
    await direct.close();
    expect(await admin.exists({ index, id: 'b' })).toBe(false);
  });

  it('read-only (the default), the same write is the front’s own 403 naming the flag', async () => {
    await withFront({ writes: false, auth: 'sidecar' }, reader, async (viaFront) => {
      const error = await refusal(viaFront.index({ index, id: 'b', document: { text: 'written' } }));
      expect(error.statusCode).toBe(403);
      expect(JSON.stringify(error.body)).toContain('--es-proxy-writes');
    });
  });

  it('a client’s wrong password is refused by the cluster (401), also for ext.personalize: the sidecar’s credentials never stand in', async () => {
    await withFront({ writes: false, auth: 'sidecar' }, { username: reader.username, password: 'wrong-password' }, async (viaFront) => {
      expect((await refusal(viaFront.search({ index, query: { match_all: {} } }))).statusCode).toBe(401);
      expect((await refusal(viaFront.count({ index }))).statusCode).toBe(401);
      const personalized = await refusal(viaFront.search({ index, query: { match_all: {} }, ext: { personalize: { user: 'u1' } } }));
      expect(personalized.statusCode).toBe(401);
      expect(personalized.body).toMatchObject({ error: { type: 'security_exception' } });
    });
  });

  it('a call without credentials: the sidecar’s (--es-proxy-auth sidecar) or none, so the cluster’s 401 (--es-proxy-auth client)', async () => {
    await withFront({ writes: false, auth: 'sidecar' }, undefined, async (viaFront) => {
      expect((await viaFront.count({ index })).count).toBe(1);
    });
    await withFront({ writes: false, auth: 'client' }, undefined, async (viaFront) => {
      const error = await refusal(viaFront.count({ index }));
      expect(error.statusCode).toBe(401);
      expect(error.headers?.['www-authenticate']).toContain('Basic');
    });
  });
});
