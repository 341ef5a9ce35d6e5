import { readFileSync } from 'node:fs';
import type { ClientOptions } from '@elastic/elasticsearch';
import { createError, type PixrankError } from './errors.ts';

/**
 * Everything needed to reach one cluster: where, as whom, and which certificate authority to
 * trust. Plain data (no client, no file handles), so it can be recorded, handed to test workers,
 * and turned back into the environment of a child process.
 */
export interface EsConnection {
  /** The node URL; with a cloud id, the URL that id stands for (shown in messages). */
  url: string;
  cloudId?: string;
  apiKey?: string;
  username?: string;
  password?: string;
  /** PEM of the CA that signed the server's certificate. */
  ca?: string;
  /** The file `ca` was read from, so a child process can be told the same. */
  caFile?: string;
  /** SHA-256 fingerprint of that CA (hex, colons optional). */
  caFingerprint?: string;
  /** The credentials are the ones a local node was started with, not the person's environment. */
  localNode?: boolean;
}

/** The variables read here; nothing else in pixrank reads how to reach Elasticsearch. */
export const CONNECTION_ENV = ['ES_URL', 'ES_CLOUD_ID', 'ES_API_KEY', 'ES_USERNAME', 'ES_PASSWORD', 'ES_CA_CERT', 'ES_CA_FINGERPRINT'] as const;

function invalid(message: string): PixrankError {
  return createError('INVALID_CONFIG', message);
}

/**
 * The cluster the environment names, or undefined when it names none (neither `ES_URL` nor
 * `ES_CLOUD_ID`). A setting that cannot work (a user without a password, a CA file that cannot be
 * read, a CA for a plain-http URL) is an error naming the variable, before any request is made.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): EsConnection | undefined {
  const url = nonEmpty(env.ES_URL);
  const cloudId = nonEmpty(env.ES_CLOUD_ID);
  if (!url && !cloudId) return undefined;
  if (url && cloudId) throw invalid('es: both ES_URL and ES_CLOUD_ID are set; set only one of them');
  const connection: EsConnection = url ? { url: checkedUrl(url) } : { url: cloudUrl(cloudId as string), cloudId: cloudId as string };

  const apiKey = nonEmpty(env.ES_API_KEY);
  const username = nonEmpty(env.ES_USERNAME);
  if (apiKey) {
    if (username || env.ES_PASSWORD) throw invalid('es: both ES_API_KEY and ES_USERNAME/ES_PASSWORD are set; set ES_API_KEY, or ES_USERNAME and ES_PASSWORD, not both');
    connection.apiKey = apiKey;
  } else if (username) {
    if (env.ES_PASSWORD === undefined) throw invalid(`es: ES_USERNAME=${username} is set but ES_PASSWORD is not; set ES_PASSWORD too (or use ES_API_KEY instead)`);
    connection.username = username;
    connection.password = env.ES_PASSWORD;
  } else if (env.ES_PASSWORD) {
    throw invalid('es: ES_PASSWORD is set but ES_USERNAME is not; set ES_USERNAME too (or use ES_API_KEY instead)');
  }

  const caFile = nonEmpty(env.ES_CA_CERT);
  const fingerprint = nonEmpty(env.ES_CA_FINGERPRINT);
  if ((caFile || fingerprint) && new URL(connection.url).protocol !== 'https:') {
    throw invalid(`es: ${caFile ? 'ES_CA_CERT' : 'ES_CA_FINGERPRINT'} is set but ES_URL=${connection.url} is plain http; use an https:// URL or unset it`);
  }
  if (caFile) {
    connection.ca = readPem(caFile);
    connection.caFile = caFile;
  }
  if (fingerprint) {
    if (!/^[0-9a-f]{64}$/i.test(fingerprint.replaceAll(':', ''))) {
      throw invalid(`es: ES_CA_FINGERPRINT=${fingerprint} is not a SHA-256 fingerprint (64 hex digits, colons optional)`);
    }
    connection.caFingerprint = fingerprint;
  }
  return connection;
}

/**
 * The options of the one client constructor. Timeouts are bounded so that an unreachable cluster
 * is an error within seconds, never a hang; `overrides` adjust them (the sidecar's are shorter).
 */
export function clientOptions(connection: EsConnection, overrides: Partial<ClientOptions> = {}): ClientOptions {
  const options: ClientOptions = { requestTimeout: 30_000, maxRetries: 2, ...overrides };
  if (connection.cloudId) options.cloud = { id: connection.cloudId };
  else options.node = connection.url;
  if (connection.apiKey) options.auth = { apiKey: connection.apiKey };
  else if (connection.username) options.auth = { username: connection.username, password: connection.password ?? '' };
  const tls: NonNullable<ClientOptions['tls']> = { ...overrides.tls };
  if (connection.ca) tls.ca = connection.ca;
  if (connection.caFingerprint) {
    options.caFingerprint = connection.caFingerprint;
    // Without the CA's file the fingerprint is the trust anchor: the client compares it with the
    // CA at the top of the server's chain, which no public CA list would accept for a
    // self-signed one (the client documents this pairing).
    if (!connection.ca) tls.rejectUnauthorized = false;
  }
  if (Object.keys(tls).length > 0) options.tls = tls;
  return options;
}

/** The environment that makes a child pixrank process reach the same cluster as this connection. */
export function connectionEnv(connection: EsConnection): Record<(typeof CONNECTION_ENV)[number], string | undefined> {
  return {
    ES_URL: connection.cloudId ? undefined : connection.url,
    ES_CLOUD_ID: connection.cloudId,
    ES_API_KEY: connection.apiKey,
    ES_USERNAME: connection.username,
    ES_PASSWORD: connection.username ? (connection.password ?? '') : undefined,
    ES_CA_CERT: connection.caFile,
    ES_CA_FINGERPRINT: connection.caFingerprint,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`es: ES_URL=${url} is not a URL; set it like http://localhost:9200 or https://es.example.com:9243`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`es: ES_URL=${url} must start with http:// or https://`);
  if (parsed.username || parsed.password) throw invalid('es: ES_URL carries credentials; put them in ES_USERNAME and ES_PASSWORD (or ES_API_KEY) instead');
  return url.replace(/\/+$/, '');
}

/** What the client makes of a cloud id (`name:base64("host$es-id$kibana-id")`), for messages. */
function cloudUrl(cloudId: string): string {
  const encoded = cloudId.slice(cloudId.indexOf(':') + 1);
  const [host, esId] = Buffer.from(encoded, 'base64').toString('utf8').split('$');
  if (!cloudId.includes(':') || !host || !esId) throw invalid(`es: ES_CLOUD_ID is not a cloud id (name:base64 of "host$es-id$kibana-id"); copy it from the deployment's page`);
  return `https://${esId}.${host}`;
}

function readPem(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(`es: ES_CA_CERT=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set it to the CA certificate's PEM file`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw invalid(`es: ES_CA_CERT=${file} holds no PEM certificate; set it to the CA certificate's PEM file`);
  return text;
}
