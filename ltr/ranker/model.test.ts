import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Featureset } from './featureset.ts';
import { trainLambdaMart } from './lambdamart.ts';
import { loadRanker, RankerModel, rankerFromJson } from './model.ts';
import { syntheticFeatureset, syntheticGroups } from './synthetic.ts';
import type { Tree } from './tree-builder.ts';

const twoFeatures: Featureset = {
  name: 'hand',
  version: 2,
  features: [
    { name: 'clip_cosine', description: '', missing: Number.NaN },
    { name: 'bm25_score', description: '', missing: 0 },
  ],
};
const leafish = (n: number): Pick<Tree, 'count' | 'gain'> => ({ count: new Array(n).fill(1), gain: new Array(n).fill(0) });
// clip_cosine ≤ 0.5 → 1, else 3; missing goes left.
const treeA: Tree = { feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], defaultLeft: [1, 0, 0], value: [2, 1, 3], ...leafish(3) };
// bm25 ≤ 10 → (clip ≤ 0.25 → −1 else 0.5), else 2; missing goes right at both splits.
const treeB: Tree = { feature: [1, 0, -1, -1, -1], threshold: [10, 0.25, 0, 0, 0], left: [1, 2, -1, -1, -1], right: [4, 3, -1, -1, -1], defaultLeft: [0, 0, 0, 0, 0], value: [0.7, 0, -1, 0.5, 2], ...leafish(5) };

describe('RankerModel on hand-built trees', () => {
  const model = new RankerModel(twoFeatures, [treeA, treeB], {}, {});

  it('scores rows by walking every tree, NaN taking each split’s default side', () => {
    const rows = [
      [0.1, 5], // A: 1, B: clip ≤ .25 → −1
      [0.9, 5], // A: 3, B: 0.5
      [0.9, 50], // A: 3, B: 2
      [Number.NaN, 5], // A: missing left → 1; B: clip missing goes right → 0.5
      [0.4, Number.NaN], // A: 1; B: bm25 missing goes right → 2
    ];
    const matrix = Float32Array.from(rows.flat());
    expect(Array.from(model.score(matrix, rows.length))).toEqual([0, 3.5, 5, 1.5, 3]);
    expect(Array.from(model.scoreByWalking(matrix, rows.length))).toEqual([0, 3.5, 5, 1.5, 3]);
    expect(model.bias).toBeCloseTo(2.7, 12);
  });

  it('credits each split’s change in expected value to its feature', () => {
    // Row (0.9, 5): A root 2 → 3 (+1 clip); B root 0.7 → 0 (−0.7 bm25) → 0.5 (+0.5 clip).
    const { bias, contributions, score } = model.contributions(Float32Array.of(0.9, 5));
    expect(Array.from(contributions)).toEqual([1.5, expect.closeTo(-0.7, 12)]);
    expect(bias + contributions[0]! + contributions[1]!).toBeCloseTo(score, 12);
    expect(score).toBe(3.5);
    const explained = model.explain([0.9, 5]);
    expect(explained.features.map((f) => f.feature)).toEqual(['clip_cosine', 'bm25_score']);
  });

  it('rejects rows of the wrong width and malformed trees', () => {
    expect(() => model.score(new Float32Array(5), 2)).toThrow('ranker: 5 feature values for 2 rows of 2 features (featureset "hand" v2)');
    expect(() => model.contributions(new Float32Array(3))).toThrow('ranker: a row of 3 features, but featureset "hand" v2 has 2');
    expect(() => new RankerModel(twoFeatures, [{ ...treeA, feature: [2, -1, -1] }], {}, {})).toThrow('ranker: tree 0 node 0 splits on feature 2, but the featureset has 2');
    expect(() => new RankerModel(twoFeatures, [{ ...treeA, left: [0, -1, -1] }], {}, {})).toThrow('ranker: tree 0 node 0 has a bad child 0');
    // Trees are compiled to code: anything but a number in a threshold or value is refused first.
    const injected = { ...treeA, threshold: ['0.5) || process.exit(1', 0, 0] } as unknown as Tree;
    expect(() => new RankerModel(twoFeatures, [injected], {}, {})).toThrow('ranker: tree 0 node 0 has threshold 0.5) || process.exit(1');
    expect(() => new RankerModel(twoFeatures, [{ ...treeA, value: [2, Number.NaN, 3] }], {}, {})).toThrow('ranker: tree 0 node 1 has value NaN');
  });
});

describe('a trained RankerModel', () => {
  const nF = 7;
  const featureset = syntheticFeatureset(nF);
  const test = syntheticGroups({ groups: 20, rowsPerGroup: 50, nFeatures: nF, seed: 62, missing: 0.1 });
  let model: RankerModel;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixrank-ranker-'));
    model = await trainLambdaMart(featureset, syntheticGroups({ groups: 100, rowsPerGroup: 50, nFeatures: nF, seed: 61, missing: 0.1 }), { trees: 30, seed: 3 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has contributions that sum with the bias to the score of every row', () => {
    let checked = 0;
    for (const g of test.slice(0, 5)) {
      const scores = model.score(g.features, g.rows);
      for (let r = 0; r < g.rows; r++) {
        const row = g.features.subarray(r * nF, (r + 1) * nF);
        const { bias, contributions, score } = model.contributions(row);
        const sum = contributions.reduce((a, b) => a + b, bias);
        expect(Math.abs(sum - score)).toBeLessThan(1e-12);
        expect(Math.fround(score)).toBe(scores[r]);
        checked++;
      }
    }
    expect(checked).toBe(250);
  });

  it('scores the same bits compiled as walking the typed arrays, missing values included', () => {
    let rows = 0;
    for (const g of test) {
      expect(model.score(g.features, g.rows)).toEqual(model.scoreByWalking(g.features, g.rows));
      rows += g.rows;
    }
    expect(rows).toBe(1000);
    expect(test.some((g) => g.features.some(Number.isNaN))).toBe(true);
  });

  it('round-trips through ranker.json with identical scores', async () => {
    await model.save(dir);
    const loaded = await loadRanker(dir);
    for (const g of test) expect(loaded.score(g.features, g.rows)).toEqual(model.score(g.features, g.rows));
    expect(loaded.featureset.features.map((f) => f.name)).toEqual(featureset.features.map((f) => f.name));
    expect(loaded.featureset.features[0]!.missing).toBeNaN();
    expect(loaded.params).toEqual(model.params);
    expect(loaded.metrics).toEqual(model.metrics);
    expect(loaded.trainedAt).toBe(model.trainedAt);
    const json = JSON.parse(await readFile(join(dir, 'ranker.json'), 'utf8'));
    expect(Object.keys(json).sort()).toEqual(['featureset', 'format', 'metrics', 'params', 'trainedAt', 'trees', 'version']);
    expect(json.format).toBe('pixrank-lambdamart');
  });

  it('refuses other formats and versions with clear errors', async () => {
    const json = model.toJSON();
    expect(() => rankerFromJson({ ...json, format: 'xgboost' })).toThrow('ranker: ranker.json is not a pixrank-lambdamart artifact (format "xgboost")');
    expect(() => rankerFromJson({ ...json, version: 99 })).toThrow('ranker: ranker.json is pixrank-lambdamart version 99, this code reads version 1');
    expect(() => rankerFromJson({ ...json, version: 99 })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
    const bad = join(dir, 'bad');
    await expect(loadRanker(bad)).rejects.toThrow(`ranker: cannot read ${join(bad, 'ranker.json')}`);
    await expect(loadRanker(bad)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await writeFile(join(dir, 'ranker.json'), '{"format":');
    await expect(loadRanker(dir)).rejects.toThrow(`ranker: ${join(dir, 'ranker.json')} is not JSON`);
  });
});
