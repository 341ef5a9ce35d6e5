import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('the README names the sidecar’s files as they are', () => {
  it('every `sidecar/…` and `test/…` file path it quotes exists', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const paths = [...readme.matchAll(/`((?:sidecar|test)\/[\w./-]+\.ts)`/g)].map((m) => m[1]!);
    expect(paths).toContain('sidecar/pipeline/pipeline.ts');
    expect(paths.filter((path) => !existsSync(new URL(`../${path}`, import.meta.url)))).toEqual([]);
  });
});
