import { describe, expect, it } from 'vitest';
import { SearchRequestSchema } from './search-route.ts';

describe('POST /search lang', () => {
  it('takes an ISO 639 code and refuses anything else with a message', () => {
    expect(SearchRequestSchema.parse({ q: 'rotes Auto', lang: 'de' }).lang).toBe('de');
    expect(SearchRequestSchema.parse({ q: 'red car' }).lang).toBeUndefined();
    const refused = SearchRequestSchema.safeParse({ q: 'rotes Auto', lang: 'Deutsch!' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/ISO 639 language code/);
  });
});
