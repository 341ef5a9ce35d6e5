import { errors } from '@elastic/elasticsearch';
import type { EsConnection } from './connection.ts';
import { createError, type PixrankError } from './errors.ts';

/**
 * A refused credential or an untrusted certificate, said in one line that names the variable to
 * set. Elasticsearch's own error (a multi-line security_exception) tells a person neither. The
 * connection says which credential was sent; without it the message names both kinds.
 */

/** 401 (who are you?) or 403 (you may not) from Elasticsearch. */
export function isAuthRefusal(error: unknown): error is errors.ResponseError {
  return error instanceof errors.ResponseError && (error.statusCode === 401 || error.statusCode === 403);
}

type Credential = { kind: 'none' } | { kind: 'apiKey' } | { kind: 'basic'; username: string } | { kind: 'unknown' };

/** What was sent. The error alone does not say (the client strips the Authorization header from it). */
function credentialOf(connection?: EsConnection): Credential {
  if (!connection) return { kind: 'unknown' };
  if (connection.apiKey) return { kind: 'apiKey' };
  return connection.username ? { kind: 'basic', username: connection.username } : { kind: 'none' };
}

function urlOf(error: errors.ResponseError | errors.ConnectionError, connection?: EsConnection): string {
  if (connection) return connection.url;
  // The error carries the connection as JSON: its URL is a string there, a URL object elsewhere.
  const url = error.meta?.meta.connection?.url;
  if (!url) return 'the configured URL';
  const parsed = new URL(String(url));
  return `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}`;
}

function reasonOf(error: errors.ResponseError): string {
  const body = error.body as { error?: { reason?: string } } | undefined;
  return (body?.error?.reason ?? error.message).split('\n')[0]?.trim() ?? '';
}

export function authRefusalMessage(error: errors.ResponseError, connection?: EsConnection): string {
  const url = urlOf(error, connection);
  const status = error.statusCode;
  if (connection?.localNode && status === 401) {
    return `es: the local node at ${url} refused the credentials it was started with (401); stop it with \`pixrank es stop\` and start it again`;
  }
  const credential = credentialOf(connection);
  if (status === 401) {
    if (credential.kind === 'apiKey') return `es: Elasticsearch at ${url} refused ES_API_KEY (401): set ES_API_KEY to a valid API key, or unset it and set ES_USERNAME and ES_PASSWORD`;
    if (credential.kind === 'basic') return `es: Elasticsearch at ${url} refused the credentials of ES_USERNAME=${credential.username} (401): set the right ES_USERNAME and ES_PASSWORD, or ES_API_KEY`;
    if (credential.kind === 'none') return `es: Elasticsearch at ${url} requires credentials (401): set ES_USERNAME and ES_PASSWORD, or ES_API_KEY`;
    return `es: Elasticsearch at ${url} refused the credentials (401): set ES_USERNAME and ES_PASSWORD, or ES_API_KEY`;
  }
  const who =
    credential.kind === 'apiKey' ? 'ES_API_KEY'
    : credential.kind === 'basic' ? (connection?.localNode ? `the user ${credential.username}` : `ES_USERNAME=${credential.username}`)
    : credential.kind === 'none' ? 'anonymous requests'
    : 'the credentials';
  return `es: Elasticsearch at ${url} does not allow ${who} this (403: ${reasonOf(error)}): grant the privileges of the pixrank role (README), or set ES_USERNAME and ES_PASSWORD, or ES_API_KEY, of a user who has them`;
}

/** Node's and the client's words for a certificate that was not trusted. */
const UNTRUSTED = /certificate|self[- ]signed|altnames/i;

function tlsMessage(error: errors.ConnectionError, connection?: EsConnection): string | undefined {
  if (!UNTRUSTED.test(error.message)) return undefined;
  const url = urlOf(error, connection);
  if (/fingerprint/i.test(error.message)) {
    return `es: the CA of ${url} does not match ES_CA_FINGERPRINT (${error.message}); set ES_CA_FINGERPRINT to the SHA-256 fingerprint of the CA that signed its certificate`;
  }
  return `es: the TLS certificate of ${url} is not trusted (${error.message}); set ES_CA_CERT to the PEM file of the CA that signed it, or ES_CA_FINGERPRINT to that CA's SHA-256 fingerprint`;
}

/** The one-line error for a refused credential or an untrusted certificate; undefined for anything else. */
export function connectionFailure(error: unknown, connection?: EsConnection): PixrankError | undefined {
  if (isAuthRefusal(error)) return createError('ES_AUTH_FAILED', authRefusalMessage(error, connection), { cause: error });
  if (error instanceof errors.ConnectionError) {
    const message = tlsMessage(error, connection);
    if (message) return createError('ES_TLS_FAILED', message, { cause: error });
  }
  return undefined;
}
