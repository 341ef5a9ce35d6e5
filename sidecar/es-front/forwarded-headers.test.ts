import { describe, expect, it } from 'vitest';
import { forwardedHeaders, returnedHeaders } from './forwarded-headers.ts';

const clientCall = {
  host: 'sidecar:8080',
  connection: 'keep-alive',
  'content-type': 'application/vnd.elasticsearch+json; compatible-with=8',
  accept: 'application/vnd.elasticsearch+json; compatible-with=8',
  'x-opaque-id': 'job-7',
  'x-api-key': 'sidecar-key',
};

describe('forwardedHeaders', () => {
  it('keeps the call’s headers and drops the connection’s and the sidecar’s key', () => {
    const headers = forwardedHeaders(new Headers({ ...clientCall, authorization: 'ApiKey abc' }), { auth: 'sidecar', sidecarKeys: true });
    expect(headers).toEqual({ 'content-type': clientCall['content-type'], accept: clientCall.accept, 'x-opaque-id': 'job-7', authorization: 'ApiKey abc' });
  });

  it('a client’s Authorization is forwarded in both modes', () => {
    for (const auth of ['client', 'sidecar'] as const) {
      expect(forwardedHeaders(new Headers({ authorization: 'Basic dTpw' }), { auth, sidecarKeys: false }).authorization).toBe('Basic dTpw');
    }
  });

  it('without one: the sidecar’s credentials (no header given) or none (the header set to undefined, so the client’s own is not added)', () => {
    expect('authorization' in forwardedHeaders(new Headers(), { auth: 'sidecar', sidecarKeys: false })).toBe(false);
    const strict = forwardedHeaders(new Headers(), { auth: 'client', sidecarKeys: false });
    expect('authorization' in strict).toBe(true);
    expect(strict.authorization).toBeUndefined();
  });

  it('a Bearer token is the sidecar’s API key when keys are on, and is not sent to the cluster', () => {
    expect('authorization' in forwardedHeaders(new Headers({ authorization: 'Bearer sidecar-key' }), { auth: 'sidecar', sidecarKeys: true })).toBe(false);
    expect(forwardedHeaders(new Headers({ authorization: 'Bearer es-token' }), { auth: 'sidecar', sidecarKeys: false }).authorization).toBe('Bearer es-token');
  });
});

describe('returnedHeaders', () => {
  it('keeps Elasticsearch’s headers, repeated ones too, and drops the connection’s', () => {
    const headers = returnedHeaders({ 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json', warning: ['299 Elasticsearch-8 "a"', '299 Elasticsearch-8 "b"'], 'transfer-encoding': 'chunked', connection: 'close' });
    expect([...headers.entries()]).toEqual([
      ['content-type', 'application/json'],
      ['warning', '299 Elasticsearch-8 "a", 299 Elasticsearch-8 "b"'],
      ['x-elastic-product', 'Elasticsearch'],
    ]);
  });
});
