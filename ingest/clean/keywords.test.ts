import { describe, expect, it } from 'vitest';
import { mergeKeywords, normalizeKeyword, USER_SUGGESTED_CONFIDENCE } from './keywords.ts';

describe('normalizeKeyword', () => {
  it('normalizes Unicode, case, whitespace and surrounding punctuation', () => {
    expect(normalizeKeyword('  Sunset\t Beach!! ')).toBe('sunset beach');
    expect(normalizeKeyword('ＣＡＦＥ')).toBe('cafe');
    expect(normalizeKeyword('"new  york"')).toBe('new york');
    expect(normalizeKeyword("rock 'n' roll")).toBe("rock 'n' roll");
  });

  it('drops junk: empty, digits or punctuation only, too long, sentences', () => {
    for (const junk of ['', '   ', '!!!', '2019', '12.5', 'x'.repeat(65), 'this is a whole sentence and not a tag']) {
      expect(normalizeKeyword(junk)).toBeNull();
    }
  });
});

describe('mergeKeywords', () => {
  it('merges duplicates keeping the highest confidence per service and suggested_by_user if any', () => {
    const merged = mergeKeywords([
      { keyword: 'Dog', ai_service_1_confidence: 40, ai_service_2_confidence: null, suggested_by_user: false },
      { keyword: ' dog ', ai_service_1_confidence: 90, ai_service_2_confidence: 20, suggested_by_user: false },
      { keyword: 'DOG', ai_service_1_confidence: null, ai_service_2_confidence: 35, suggested_by_user: true },
      { keyword: 'puppy', ai_service_1_confidence: null, ai_service_2_confidence: null, suggested_by_user: true },
      { keyword: '123', ai_service_1_confidence: 99, ai_service_2_confidence: null, suggested_by_user: false },
    ]);
    expect(merged).toEqual([
      { keyword: 'dog', confidence: 0.9, ai_service_1: 90, ai_service_2: 35, suggested_by_user: true },
      { keyword: 'puppy', confidence: USER_SUGGESTED_CONFIDENCE, ai_service_1: null, ai_service_2: null, suggested_by_user: true },
    ]);
  });

  it('clamps confidences to 0–100', () => {
    expect(mergeKeywords([{ keyword: 'sky', ai_service_1_confidence: 180 }])[0]!.confidence).toBe(1);
  });
});
