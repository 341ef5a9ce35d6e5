import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { clientOptions, connectionEnv, connectionFromEnv, type EsConnection } from './connection.ts';
import { PixrankError } from './errors.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const FINGERPRINT = 'A4:31:FE:F3:71:F1:4A:A2:06:F5:1B:D0:27:C6:18:3C:CF:27:2A:ED:12:99:A0:7B:45:F7:8C:22:FC:9F:58:91';
// name:base64("europe-west1.gcp.cloud.es.io:443$abc123$def456"), the shape Elastic Cloud hands out.
const CLOUD_ID = `demo:${Buffer.from('europe-west1.gcp.cloud.es.io:443$abc123$def456').toString('base64')}`;

let caFile: string;
let notPem: string;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pixrank-connection-'));
  caFile = join(dir, 'ca.crt');
  notPem = join(dir, 'notes.txt');
  await writeFile(caFile, PEM);
  await writeFile(notPem, 'hello');
});

function configError(env: NodeJS.ProcessEnv): PixrankError {
  try {
    connectionFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(PixrankError);
    expect((error as PixrankError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).not.toContain('\n');
    return error as PixrankError;
  }
  throw new Error(`no error for ${JSON.stringify(env)}`);
}

describe('connectionFromEnv → client options', () => {
  it('names no cluster without ES_URL or ES_CLOUD_ID, even with credentials set', () => {
    expect(connectionFromEnv({})).toBeUndefined();
    expect(connectionFromEnv({ ES_USERNAME: 'u', ES_PASSWORD: 'p' })).toBeUndefined();
  });

  it('ES_URL alone: the node, no auth, no tls, bounded timeouts', () => {
    const options = clientOptions(connectionFromEnv({ ES_URL: 'http://localhost:9200/' })!);
    expect(options).toEqual({ node: 'http://localhost:9200', requestTimeout: 30_000, maxRetries: 2 });
  });

  it('ES_API_KEY → auth.apiKey', () => {
    const options = clientOptions(connectionFromEnv({ ES_URL: 'https://es.example.com:9243', ES_API_KEY: 'a2V5OnNlY3JldA==' })!);
    expect(options.auth).toEqual({ apiKey: 'a2V5OnNlY3JldA==' });
  });

  it('ES_USERNAME + ES_PASSWORD → basic auth (an empty password is still a password)', () => {
    expect(clientOptions(connectionFromEnv({ ES_URL: 'http://h:9200', ES_USERNAME: 'pixrank', ES_PASSWORD: 's3cret' })!).auth).toEqual({ username: 'pixrank', password: 's3cret' });
    expect(clientOptions(connectionFromEnv({ ES_URL: 'http://h:9200', ES_USERNAME: 'pixrank', ES_PASSWORD: '' })!).auth).toEqual({ username: 'pixrank', password: '' });
  });

  it('a missing half of basic auth, or two kinds of credentials, is an error naming the variable', () => {
    expect(configError({ ES_URL: 'http://h:9200', ES_USERNAME: 'pixrank' }).message).toMatch(/^es: ES_USERNAME=pixrank is set but ES_PASSWORD is not; set ES_PASSWORD/);
    expect(configError({ ES_URL: 'http://h:9200', ES_PASSWORD: 'x' }).message).toMatch(/ES_PASSWORD is set but ES_USERNAME is not; set ES_USERNAME/);
    expect(configError({ ES_URL: 'http://h:9200', ES_API_KEY: 'k', ES_USERNAME: 'u', ES_PASSWORD: 'p' }).message).toMatch(/both ES_API_KEY and ES_USERNAME/);
  });

  it('a URL that is not one, or carries credentials, is refused before any request', () => {
    expect(configError({ ES_URL: 'localhost:9200' }).message).toMatch(/ES_URL=localhost:9200 must start with http/);
    expect(configError({ ES_URL: 'not a url' }).message).toMatch(/ES_URL=not a url is not a URL/);
    expect(configError({ ES_URL: 'http://u:p@h:9200' }).message).toMatch(/put them in ES_USERNAME and ES_PASSWORD/);
  });

  it('ES_CLOUD_ID → the client cloud option (no ES_URL needed), shown as the URL it stands for', () => {
    const connection = connectionFromEnv({ ES_CLOUD_ID: CLOUD_ID, ES_API_KEY: 'k' })!;
    expect(connection.url).toBe('https://abc123.europe-west1.gcp.cloud.es.io:443');
    const options = clientOptions(connection);
    expect(options.cloud).toEqual({ id: CLOUD_ID });
    expect(options.node).toBeUndefined();
    expect(options.auth).toEqual({ apiKey: 'k' });
    expect(configError({ ES_CLOUD_ID: CLOUD_ID, ES_URL: 'http://h:9200' }).message).toMatch(/both ES_URL and ES_CLOUD_ID/);
    expect(configError({ ES_CLOUD_ID: 'no-colon' }).message).toMatch(/ES_CLOUD_ID is not a cloud id/);
  });

  it('ES_CA_CERT → tls.ca with the file’s PEM; an unreadable or non-PEM file, or plain http, is an error', () => {
    const options = clientOptions(connectionFromEnv({ ES_URL: 'https://h:9200', ES_CA_CERT: caFile })!);
    expect(options.tls).toEqual({ ca: PEM });
    expect(options.caFingerprint).toBeUndefined();
    expect(configError({ ES_URL: 'https://h:9200', ES_CA_CERT: '/nowhere/ca.crt' }).message).toMatch(/^es: ES_CA_CERT=\/nowhere\/ca.crt cannot be read \(ENOENT\)/);
    expect(configError({ ES_URL: 'https://h:9200', ES_CA_CERT: notPem }).message).toMatch(/holds no PEM certificate/);
    expect(configError({ ES_URL: 'http://h:9200', ES_CA_CERT: caFile }).message).toMatch(/ES_CA_CERT is set but ES_URL=http:\/\/h:9200 is plain http/);
  });

  it('ES_CA_FINGERPRINT → caFingerprint, which alone is the trust anchor; with ES_CA_CERT both apply', () => {
    const pinned = clientOptions(connectionFromEnv({ ES_URL: 'https://h:9200', ES_CA_FINGERPRINT: FINGERPRINT })!);
    expect(pinned.caFingerprint).toBe(FINGERPRINT);
    expect(pinned.tls).toEqual({ rejectUnauthorized: false });
    const both = clientOptions(connectionFromEnv({ ES_URL: 'https://h:9200', ES_CA_FINGERPRINT: FINGERPRINT.replaceAll(':', ''), ES_CA_CERT: caFile })!);
    expect(both.tls).toEqual({ ca: PEM });
    expect(configError({ ES_URL: 'https://h:9200', ES_CA_FINGERPRINT: 'AB:CD' }).message).toMatch(/not a SHA-256 fingerprint/);
  });

  it('overrides adjust timeouts and keep the credentials', () => {
    const options = clientOptions({ url: 'http://h:9200', username: 'u', password: 'p' }, { requestTimeout: 5_000, maxRetries: 1 });
    expect(options).toMatchObject({ node: 'http://h:9200', requestTimeout: 5_000, maxRetries: 1, auth: { username: 'u', password: 'p' } });
  });

  it('the client accepts every mapping, and connectionEnv gives a child process the same connection', async () => {
    const envs: NodeJS.ProcessEnv[] = [
      { ES_URL: 'http://h:9200' },
      { ES_URL: 'https://h:9200', ES_USERNAME: 'u', ES_PASSWORD: 'p', ES_CA_CERT: caFile },
      { ES_URL: 'https://h:9200', ES_API_KEY: 'k', ES_CA_FINGERPRINT: FINGERPRINT },
      { ES_CLOUD_ID: CLOUD_ID, ES_USERNAME: 'u', ES_PASSWORD: 'p' },
    ];
    for (const env of envs) {
      const connection = connectionFromEnv(env)!;
      await new Client(clientOptions(connection)).close();
      const child = Object.fromEntries(Object.entries(connectionEnv(connection)).filter(([, value]) => value !== undefined));
      expect(connectionFromEnv(child)).toEqual(connection satisfies EsConnection);
    }
  });
});
