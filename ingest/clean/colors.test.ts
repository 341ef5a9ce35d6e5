import { describe, expect, it } from 'vitest';
import { cleanColor, mergeColors } from './colors.ts';

const row = { photo_id: 'aaaaaaaaaaa', hex: '#FF0000', red: 255, green: 0, blue: 0, keyword: ' Red ', ai_coverage: 0.7, ai_score: 0.9 };

describe('cleanColor', () => {
  it('normalizes hex (no #, lower case, 3 digits expanded) and the color name', () => {
    expect(cleanColor(row)).toEqual({ color: { hex: 'ff0000', name: 'red', coverage: 0.7, score: 0.9 } });
    expect(cleanColor({ ...row, hex: ' aBc ' })).toEqual({ color: { hex: 'aabbcc', name: 'red', coverage: 0.7, score: 0.9 } });
  });

  it('clamps coverage and score to 0–1; missing is null; an empty name is null', () => {
    expect(cleanColor({ ...row, ai_coverage: 1.7, ai_score: -0.2, keyword: '  ' })).toEqual({ color: { hex: 'ff0000', name: null, coverage: 1, score: 0 } });
    expect(cleanColor({ ...row, ai_coverage: null, ai_score: null, keyword: null })).toEqual({ color: { hex: 'ff0000', name: null, coverage: null, score: null } });
  });

  it('rebuilds an unreadable hex from red/green/blue, else gives the reason', () => {
    expect(cleanColor({ ...row, hex: 'zz', red: 16, green: 32, blue: 255 })).toEqual({ color: { hex: '1020ff', name: 'red', coverage: 0.7, score: 0.9 } });
    expect(cleanColor({ ...row, hex: 'zz', red: 300 })).toEqual({ reason: 'hex "zz" is not 6 hex digits' });
    expect(cleanColor({ ...row, hex: '#12345', red: null })).toEqual({ reason: 'hex "#12345" is not 6 hex digits' });
  });
});

describe('mergeColors', () => {
  it('keeps one entry per hex with the highest coverage and score, sorted by coverage', () => {
    expect(
      mergeColors([
        { hex: '00ff00', name: null, coverage: 0.2, score: 0.9 },
        { hex: 'ff0000', name: 'red', coverage: 0.5, score: 0.1 },
        { hex: '00ff00', name: 'lime', coverage: 0.3, score: null },
        { hex: '0000ff', name: 'blue', coverage: null, score: 0.5 },
      ]),
    ).toEqual([
      { hex: 'ff0000', name: 'red', coverage: 0.5, score: 0.1 },
      { hex: '00ff00', name: 'lime', coverage: 0.3, score: 0.9 },
      { hex: '0000ff', name: 'blue', coverage: null, score: 0.5 },
    ]);
  });
});
