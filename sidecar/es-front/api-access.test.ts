import { describe, expect, it } from 'vitest';
import { apiAccess } from './api-access.ts';

describe('apiAccess', () => {
  it.each([
    ['POST', '/photos/_search', { kind: 'read', search: '_search' }],
    ['GET', '/photos,other*/_search', { kind: 'read', search: '_search' }],
    ['POST', '/_search', { kind: 'read', search: '_search' }],
    ['POST', '/photos/_msearch', { kind: 'read', search: '_msearch' }],
    ['POST', '/_search/scroll', { kind: 'read' }],
    ['DELETE', '/_search/scroll', { kind: 'read' }],
    ['POST', '/photos/_pit', { kind: 'read' }],
    ['DELETE', '/_pit', { kind: 'read' }],
    ['POST', '/photos/_count', { kind: 'read' }],
    ['POST', '/_mget', { kind: 'read' }],
    ['POST', '/photos/_field_caps', { kind: 'read' }],
    ['GET', '/photos/_mapping', { kind: 'read' }],
    ['GET', '/photos/_doc/abc', { kind: 'read' }],
    ['HEAD', '/photos/_doc/abc', { kind: 'read' }],
    ['GET', '/', { kind: 'read' }],
    ['GET', '/_cat/indices', { kind: 'read' }],
    // An index named like an API word is still an index.
    ['GET', '/template/_search', { kind: 'read', search: '_search' }],
  ] as const)('%s %s is a read', (method, path, access) => {
    expect(apiAccess(method, path)).toEqual(access);
  });

  it.each([
    ['PUT', '/photos/_doc/abc'],
    ['POST', '/photos/_doc'],
    ['POST', '/_bulk'],
    ['POST', '/photos/_update/abc'],
    ['DELETE', '/photos'],
    ['DELETE', '/photos/_doc/abc'],
    ['PUT', '/photos/_settings'],
    ['PUT', '/_cluster/settings'],
    ['POST', '/photos/_delete_by_query'],
    ['POST', '/photos/_refresh'],
    ['POST', '/_aliases'],
    ['GET', '/_security/user'],
    ['GET', '/_security/_authenticate'],
    ['POST', '/some-api-nobody-listed'],
    ['PATCH', '/photos/_search'],
  ])('%s %s is a write', (method, path) => {
    expect(apiAccess(method, path)).toEqual({ kind: 'write' });
  });

  it.each([
    ['POST', '/photos/_search/template', '_search/template'],
    ['POST', '/_msearch/template', '_msearch/template'],
    ['POST', '/_render/template', '_render/template'],
    ['POST', '/_sql', '_sql'],
    ['POST', '/_query', '_query'],
    ['GET', '/_scripts/my-script', '_scripts'],
  ])('%s %s runs the caller’s script or query language (%s)', (method, path, name) => {
    expect(apiAccess(method, path)).toEqual({ kind: 'scripted', name });
  });
});
