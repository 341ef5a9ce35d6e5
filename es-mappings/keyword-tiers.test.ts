import { describe, expect, it } from 'vitest';
import { KEYWORD_TIERS, KEYWORD_TIERS_FIELD, keywordTiers } from './keyword-tiers.ts';
import { photosTemplate } from './templates.ts';

describe('keyword tiers', () => {
  it('puts each keyword in the tier its confidence reaches, boundaries included', () => {
    const tiers = keywordTiers([
      { keyword: 'beach', confidence: 0.95 },
      { keyword: 'ocean', confidence: 0.8 },
      { keyword: 'sand', confidence: 0.79 },
      { keyword: 'blue', confidence: 0.35 },
      { keyword: 'photo', confidence: 0.1 },
      { keyword: 'unscored', confidence: null },
    ]);
    expect(tiers).toEqual({ very_high: ['beach', 'ocean'], high: ['sand'], medium: ['blue'], low: ['photo', 'unscored'] });
  });

  it('weights fall with the tiers, each inside its own range', () => {
    KEYWORD_TIERS.forEach((tier, i) => {
      const top = i === 0 ? 1 : KEYWORD_TIERS[i - 1]!.min;
      expect(tier.weight).toBeGreaterThan(tier.min);
      expect(tier.weight).toBeLessThan(top);
    });
  });

  it('the photos template maps every tier as text without length normalization', () => {
    const template = photosTemplate({ alias: 'photos' }) as { template: { settings: { similarity: Record<string, { b: number }> }; mappings: { properties: Record<string, { properties: Record<string, { similarity: string }> }> } } };
    const fields = template.template.mappings.properties[KEYWORD_TIERS_FIELD]!.properties;
    expect(Object.keys(fields)).toEqual(KEYWORD_TIERS.map((t) => t.field));
    for (const field of Object.values(fields)) expect(template.template.settings.similarity[field.similarity]!.b).toBe(0);
  });
});
