import { describe, expect, it } from 'vitest';
import { downloadWeight, shownShare, type TruthPhoto } from './download-model.ts';

const redCarAtNight: TruthPhoto = {
  id: 'a',
  topics: ['car', 'night'],
  concepts: [
    { concept: 'car', kind: 'topic', salience: 1 },
    { concept: 'night', kind: 'topic', salience: 0.45 },
    { concept: 'red', kind: 'color', salience: 0.7 },
  ],
  photographer: 'ana',
  downloads: 3,
};
const taste = { colors: ['red'], photographers: [] };

describe('the download model', () => {
  it("measures how much of the query the photo shows: the mean salience of the query's concepts", () => {
    expect(shownShare(redCarAtNight, { topics: ['car'], colors: ['red'] })).toBeCloseTo((1 + 0.7) / 2, 12);
    expect(shownShare(redCarAtNight, { topics: ['car', 'night'], colors: ['red'] })).toBeCloseTo((1 + 0.45 + 0.7) / 3, 12);
    expect(shownShare(redCarAtNight, { topics: ['car'], colors: ['blue'] })).toBeCloseTo(0.5, 12);
    expect(shownShare(redCarAtNight, { topics: ['cat'], colors: [] })).toBe(0);
  });

  it('weighs exp(3 · shown) × 4 per liked color or photographer × (downloads + 1)^0.25', () => {
    expect(downloadWeight('shows', redCarAtNight, taste, { topics: ['car'], colors: ['red'] })).toBeCloseTo(Math.exp(3 * 0.85) * 4 * Math.SQRT2, 9);
    expect(downloadWeight('shows', redCarAtNight, { colors: [], photographers: ['ana'] }, { topics: ['night'], colors: [] })).toBeCloseTo(Math.exp(3 * 0.45) * 4 * Math.SQRT2, 9);
  });

  it("keeps the first world's rule: the searched topic as primary 1, as secondary 0.5", () => {
    expect(downloadWeight('topic-word', redCarAtNight, taste, { topics: ['car'], colors: [] })).toBeCloseTo(1 * 4 * Math.SQRT2, 12);
    expect(downloadWeight('topic-word', redCarAtNight, taste, { topics: ['night'], colors: [] })).toBeCloseTo(0.5 * 4 * Math.SQRT2, 12);
  });
});
