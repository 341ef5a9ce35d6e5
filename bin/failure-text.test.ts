import { describe, expect, it } from 'vitest';
import { createError } from '../es-mappings/errors.ts';
import { ClipError } from '../sidecar/clip/index.ts';
import { debugOn, failureText } from './failure-text.ts';

describe('failureText', () => {
  it('prints a coded error as one line with its code, without a stack', () => {
    const error = createError('ES_UNREACHABLE', 'es: ES_URL=http://x:9200 is unreachable; start that cluster');
    expect(failureText(error, {})).toBe('pixrank: ES_UNREACHABLE: es: ES_URL=http://x:9200 is unreachable; start that cluster\n');
    expect(failureText(new ClipError('CLIP_MODEL_NOT_FOUND', 'clip loader: missing text_model.onnx'), {})).toBe('pixrank: CLIP_MODEL_NOT_FOUND: clip loader: missing text_model.onnx\n');
  });

  it('prints any other error with a hint, and its stack and causes with DEBUG=pixrank', () => {
    const error = new TypeError('x is undefined', { cause: new Error('root') });
    expect(failureText(error, {})).toBe('pixrank: x is undefined\npixrank: (an unexpected error; DEBUG=pixrank prints its stack)\n');
    const debug = failureText(error, { DEBUG: 'pixrank' });
    expect(debug).toContain('TypeError: x is undefined\n    at ');
    expect(debug).toContain('caused by: Error: root');
    expect(failureText(createError('INTERNAL', 'als: broken'), { DEBUG: 'pixrank' })).toContain('PixrankError: als: broken\n    at ');
  });

  it('reads DEBUG as the debug package does', () => {
    expect(debugOn({ DEBUG: 'express,pixrank' })).toBe(true);
    expect(debugOn({ DEBUG: '*' })).toBe(true);
    expect(debugOn({ DEBUG: 'pixrank-es' })).toBe(false);
    expect(debugOn({})).toBe(false);
  });
});
