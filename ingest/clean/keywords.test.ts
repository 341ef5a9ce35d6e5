import { describe, expect, it } from 'vitest';
import { KeywordMerger, mergeKeywords, normalizeKeyword, UNSCORED_CONFIDENCE, USER_SUGGESTED_CONFIDENCE } from './keywords.ts';

describe('normalizeKeyword', () => {
  it('folds Unicode (NFKC): full-width letters, ligatures, non-breaking spaces', () => {
    expect(normalizeKeyword('ＣＡＦＥ')).toBe('cafe');
    expect(normalizeKeyword('ﬁeld')).toBe('field');
    expect(normalizeKeyword('new\u00a0york')).toBe('new york');
    expect(normalizeKeyword('cafe\u0301')).toBe('café'); // combining accent composed
  });

  it('lower-cases, removes invisible characters, collapses and trims whitespace', () => {
    expect(normalizeKeyword('  Sunset\t \n Beach ')).toBe('sunset beach');
    expect(normalizeKeyword('Ist\u200Banbul')).toBe('istanbul');
    expect(normalizeKeyword('ÉTÉ')).toBe('été');
  });

  it('strips punctuation and symbols at the ends, keeps them inside', () => {
    expect(normalizeKeyword('"new  york"')).toBe('new york');
    expect(normalizeKeyword('#travel!!')).toBe('travel');
    expect(normalizeKeyword('❤️ love ❤️')).toBe('love');
    expect(normalizeKeyword("rock 'n' roll")).toBe("rock 'n' roll");
    expect(normalizeKeyword('(t-shirt)')).toBe('t-shirt');
  });

  it('keeps non-Latin keywords, single CJK characters included', () => {
    expect(normalizeKeyword('猫')).toBe('猫');
    expect(normalizeKeyword('Москва')).toBe('москва');
  });

  it('drops junk: empty, no letter, one Latin letter, too long, sentences, links', () => {
    const junk = ['', '   ', '!!!', '2019', '12.5', '😀', 'x', 'A', 'x'.repeat(65), 'this is a whole sentence and not a tag', 'https://unsplash.com', 'www.example.org', 'example.com', 'me@example.com'];
    for (const text of junk) expect(normalizeKeyword(text), text).toBeNull();
    expect(normalizeKeyword('x'.repeat(64))).toBe('x'.repeat(64));
    expect(normalizeKeyword('one two three four five six')).toBe('one two three four five six');
  });
});

describe('mergeKeywords', () => {
  it('merges duplicates keeping the highest confidence per service and suggested_by_user if any row had it', () => {
    const merged = mergeKeywords([
      { keyword: 'Dog', ai_service_1_confidence: 40, ai_service_2_confidence: null, suggested_by_user: false },
      { keyword: ' dog ', ai_service_1_confidence: 90, ai_service_2_confidence: 20, suggested_by_user: false },
      { keyword: 'DOG!', ai_service_1_confidence: null, ai_service_2_confidence: 35, suggested_by_user: true },
      { keyword: 'puppy', ai_service_1_confidence: null, ai_service_2_confidence: null, suggested_by_user: true },
      { keyword: '123', ai_service_1_confidence: 99, ai_service_2_confidence: null, suggested_by_user: false },
    ]);
    expect(merged).toEqual([
      { keyword: 'dog', confidence: 0.9, ai_service_1: 90, ai_service_2: 35, suggested_by_user: true },
      { keyword: 'puppy', confidence: USER_SUGGESTED_CONFIDENCE, ai_service_1: null, ai_service_2: null, suggested_by_user: true },
    ]);
  });

  it('confidence: the best service / 100; a user suggestion lifts a low score to the user default; unscored gets its own default', () => {
    const merged = mergeKeywords([
      { keyword: 'sky', ai_service_1_confidence: 30, ai_service_2_confidence: 60 },
      { keyword: 'cloud', ai_service_1_confidence: 10, suggested_by_user: true },
      { keyword: 'blue', suggested_by_user: false },
      { keyword: 'sea', suggested_by_user: null },
    ]);
    expect(merged.map((k) => [k.keyword, k.confidence])).toEqual([
      ['sky', 0.6],
      ['cloud', USER_SUGGESTED_CONFIDENCE],
      ['blue', UNSCORED_CONFIDENCE],
      ['sea', UNSCORED_CONFIDENCE],
    ]);
  });

  it('clamps confidences to 0–100 and ignores a non-numeric one', () => {
    expect(mergeKeywords([{ keyword: 'sky', ai_service_1_confidence: 180, ai_service_2_confidence: -5 }])).toEqual([
      { keyword: 'sky', confidence: 1, ai_service_1: 100, ai_service_2: 0, suggested_by_user: false },
    ]);
    expect(mergeKeywords([{ keyword: 'sky', ai_service_1_confidence: 'high' }])[0]!.ai_service_1).toBeNull();
  });

  it('sorts best first, ties by keyword, whatever the input order', () => {
    const rows = [
      { keyword: 'b', ai_service_1_confidence: 50 },
      { keyword: 'apple', ai_service_1_confidence: 50 },
      { keyword: 'zebra', ai_service_1_confidence: 70 },
      { keyword: 'bee', ai_service_1_confidence: 50 },
    ];
    const expected = ['zebra', 'apple', 'bee'];
    expect(mergeKeywords(rows).map((k) => k.keyword)).toEqual(expected);
    expect(mergeKeywords([...rows].reverse()).map((k) => k.keyword)).toEqual(expected);
  });

  it('KeywordMerger reports junk rows and counts distinct keywords', () => {
    const merger = new KeywordMerger();
    expect(merger.add({ keyword: 'Dog' })).toBe(true);
    expect(merger.add({ keyword: 'dog.' })).toBe(true);
    expect(merger.add({ keyword: '...' })).toBe(false);
    expect(merger.add({ keyword: null })).toBe(false);
    expect(merger.size).toBe(1);
  });
});
