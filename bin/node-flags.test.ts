import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVE_NODE_FLAGS } from './node-flags.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('the node flags of long-running commands', () => {
  it('are the same in the shebang of bin/pixrank.js and in npm start', () => {
    expect(read('./pixrank.js').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${SERVE_NODE_FLAGS.join(' ')}`);
    const start = (JSON.parse(read('../package.json')) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe(`node ${SERVE_NODE_FLAGS.join(' ')} bin/pixrank.js start`);
  });
});
