import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperiment, readExperimentFile } from './experiment-config.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('an experiment file is checked', () => {
  it('interleaving takes exactly two arms', () => {
    expect(() => parseExperiment({ name: 'x', method: 'interleave', arms: { a: { models: null } } })).toThrow(/two/);
    expect(() => parseExperiment({ name: 'x', method: 'interleave', arms: { a: { models: null }, b: { models: null }, c: { models: null } } })).toThrow(/exactly two arms/);
  });

  it('interleaved arms may have their own fusion and policy', () => {
    const config = parseExperiment({ name: 'x', method: 'interleave', arms: { a: { models: null }, b: { models: null, fusion: { weights: { clip: 1, keyword: 0 } }, policy: { max_per_photographer: 1 } } } });
    expect(config.arms[1]).toMatchObject({ name: 'b', fusion: { weights: { clip: 1, keyword: 0 } }, policy: { max_per_photographer: 1 } });
    expect(() => parseExperiment({ name: 'x', method: 'interleave', arms: { a: { models: null }, b: { models: null, policy: { max_per_photographer: -1 } } } })).toThrow(/arms\.b\.policy\.max_per_photographer/);
  });

  it('models folders are relative to the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'experiment-config-'));
    dirs.push(dir);
    await writeFile(join(dir, 'exp.json'), JSON.stringify({ name: 'x', method: 'ab', arms: { a: { models: 'models' }, b: { models: null } } }));
    const config = await readExperimentFile(join(dir, 'exp.json'));
    expect(config.arms[0]!.models).toBe(join(dir, 'models'));
    expect(config.arms[1]!.models).toBeNull();
  });
});
