import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createError, ERROR_CODES, PixrankError } from '../../es-mappings/errors.ts';
import { CLIP_ERROR_CODES, ClipError, type ClipErrorCode } from '../clip/index.ts';
import { errorHandler } from './error-handler.ts';
import { CLIP_ERROR_STATUS, statusOf } from './error-status.ts';
import { createClient } from '../../es-mappings/client.ts';
import { DEFAULT_LIMITS } from '../open-services.ts';
import { SidecarMetrics } from './metrics.ts';

describe('the error catalogues', () => {
  it('give every pixrank code an error status and a meaning', () => {
    for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThanOrEqual(599);
      expect(meaning.trim(), code).not.toBe('');
    }
  });

  it('give every CLIP code an error status and a meaning', () => {
    expect(Object.keys(CLIP_ERROR_STATUS).sort()).toEqual(Object.keys(CLIP_ERROR_CODES).sort());
    for (const [code, meaning] of Object.entries(CLIP_ERROR_CODES)) {
      const status = CLIP_ERROR_STATUS[code as ClipErrorCode];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThanOrEqual(599);
      expect(meaning.trim(), code).not.toBe('');
    }
  });

  it("match the statuses the README names (`CODE` 400)", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const claims = [...readme.matchAll(/`([A-Z_]+)`\s+(\d{3})\b/g)];
    expect(claims.length).toBeGreaterThan(0);
    for (const [, code, status] of claims) {
      const table: Record<string, number> = { ...Object.fromEntries(Object.entries(ERROR_CODES).map(([c, v]) => [c, v.status])), ...CLIP_ERROR_STATUS };
      expect(table[code!], code).toBe(Number(status));
    }
  });

  it('never use one code name in both, so a code alone says which it is', () => {
    const shared = Object.keys(CLIP_ERROR_CODES).filter((code) => code in ERROR_CODES);
    expect(shared).toEqual([]);
  });
});

describe('statusOf', () => {
  it('reads the status of the code from its catalogue', () => {
    expect(statusOf(createError('INVALID_ARGUMENT', 'x'))).toBe(400);
    expect(statusOf(createError('ES_AUTH_FAILED', 'x'))).toBe(503);
    expect(statusOf(createError('INTERNAL', 'x'))).toBe(500);
    expect(statusOf(new ClipError('CLIP_INPUT_INVALID', 'x'))).toBe(400);
    expect(statusOf(new ClipError('CLIP_HUB_FETCH_FAILED', 'x'))).toBe(502);
  });

  it('keeps the code and the cause on the error', () => {
    const cause = new Error('ECONNREFUSED');
    const error = createError('ES_UNREACHABLE', 'es: down', { cause });
    expect(error).toBeInstanceOf(PixrankError);
    expect(error.code).toBe('ES_UNREACHABLE');
    expect(error.cause).toBe(cause);
  });
});

describe('errorHandler', () => {
  function appThrowing(error: unknown): Hono {
    const app = new Hono();
    app.onError(errorHandler({ es: createClient({ url: 'http://127.0.0.1:1' }), logger: pino({ level: 'silent' }), metrics: new SidecarMetrics(), limits: DEFAULT_LIMITS }));
    app.all('*', () => {
      throw error;
    });
    return app;
  }

  it('answers a coded error with the status of its code and its own message', async () => {
    const response = await appThrowing(createError('MODEL_NOT_FOUND', 'ltr models: models/ has no models.json; train first')).request('/search', { method: 'POST' });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { status: 503, message: 'ltr models: models/ has no models.json; train first' } });
  });

  it('answers a CLIP error by the CLIP table', async () => {
    const response = await appThrowing(new ClipError('CLIP_INPUT_INVALID', 'clip preprocess: cannot read image')).request('/similar', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('clip preprocess: cannot read image');
  });

  it("answers the ES-compatible route in Elasticsearch's shape", async () => {
    const response = await appThrowing(createError('INVALID_ARGUMENT', 'search: k must be positive')).request('/photos/_search', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { root_cause: [{ type: 'pixrank_exception', reason: 'search: k must be positive' }], type: 'pixrank_exception', reason: 'search: k must be positive' }, status: 400 });
  });

  it('hides the message of an error without a code behind a 500', async () => {
    const response = await appThrowing(new Error('secret detail')).request('/search', { method: 'POST' });
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('secret detail');
  });
});
