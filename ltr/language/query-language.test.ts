import { describe, expect, it } from 'vitest';
import { languageOfCountry, languageOfPlace, resolveQueryLanguage } from './query-language.ts';

describe('resolveQueryLanguage', () => {
  it("takes the request's own lang first, whatever the query looks like", () => {
    expect(resolveQueryLanguage({ lang: 'DE', query: 'red car at night', country: 'US' })).toEqual({ language: 'de', source: 'request' });
  });

  it('detects the language of queries long enough to tell', () => {
    expect(resolveQueryLanguage({ query: 'red car at night', country: 'DE' })).toEqual({ language: 'en', source: 'detected' });
    expect(resolveQueryLanguage({ query: 'voiture rouge', country: 'US' })).toEqual({ language: 'fr', source: 'detected' });
    expect(resolveQueryLanguage({ query: 'spiaggia', country: 'US' })).toEqual({ language: 'it', source: 'detected' });
  });

  it("falls back to the country's language when the detector is not sure, and to nothing without a country", () => {
    // "chat" is English and French; "cute dog" is too short for the detector's profiles.
    expect(resolveQueryLanguage({ query: 'chat', country: 'FR' })).toEqual({ language: 'fr', source: 'country' });
    expect(resolveQueryLanguage({ query: 'cute dog', country: 'GB' })).toEqual({ language: 'en', source: 'country' });
    expect(resolveQueryLanguage({ query: 'chat' })).toBeUndefined();
    expect(languageOfCountry('br')).toBe('pt');
    expect(languageOfCountry('XX')).toBeUndefined();
    expect(languageOfPlace('Germany')).toBe('de');
    expect(languageOfPlace('JP')).toBe('ja');
  });
});
