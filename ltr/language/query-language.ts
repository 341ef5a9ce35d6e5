import { detectAll } from 'tinyld';

/**
 * The language of a search, as the second pass takes it as context: the request's own `lang`, else
 * what a language detector (tinyld: n-gram profiles of 60+ languages, no dependencies) finds in the
 * query when it is confident, else the main language of the request's country. One- and two-word
 * queries rarely carry enough letters to tell ("chat" is English and French), so a guess below
 * DETECTION_CONFIDENCE gives way to the country. This module owns the detector.
 */

/** tinyld's accuracy above which its top language is taken; below, short queries mislead it ("cute dog" → Romanian 0.14). */
export const DETECTION_CONFIDENCE = 0.5;

/** The main language of each country (ISO 3166 alpha-2 → ISO 639-1), for the countries most searches come from. */
const COUNTRY_LANGUAGE: Record<string, string> = {
  US: 'en', GB: 'en', IE: 'en', CA: 'en', AU: 'en', NZ: 'en', IN: 'en', ZA: 'en', NG: 'en', SG: 'en', PH: 'en',
  DE: 'de', AT: 'de', CH: 'de', FR: 'fr', BE: 'fr', ES: 'es', MX: 'es', AR: 'es', CO: 'es', CL: 'es', PE: 'es',
  PT: 'pt', BR: 'pt', IT: 'it', NL: 'nl', SE: 'sv', NO: 'no', DK: 'da', FI: 'fi', IS: 'is', PL: 'pl', CZ: 'cs',
  RU: 'ru', UA: 'uk', TR: 'tr', GR: 'el', JP: 'ja', KR: 'ko', CN: 'zh', TW: 'zh', HK: 'zh', VN: 'vi', TH: 'th',
  ID: 'id', IL: 'he', SA: 'ar', AE: 'ar', EG: 'ar', IR: 'fa',
};

/** The main language of a country code, or undefined when this table does not know it. */
export function languageOfCountry(country: string | null | undefined): string | undefined {
  return country ? COUNTRY_LANGUAGE[country.trim().toUpperCase()] : undefined;
}

/** Photos carry their location's country by name ("Germany"), as Unsplash writes it. */
const COUNTRY_CODES: Record<string, string> = {
  'united states': 'US', 'united kingdom': 'GB', ireland: 'IE', canada: 'CA', australia: 'AU', 'new zealand': 'NZ', india: 'IN', 'south africa': 'ZA',
  germany: 'DE', austria: 'AT', switzerland: 'CH', france: 'FR', belgium: 'BE', spain: 'ES', mexico: 'MX', argentina: 'AR', portugal: 'PT', brazil: 'BR',
  italy: 'IT', netherlands: 'NL', sweden: 'SE', norway: 'NO', denmark: 'DK', finland: 'FI', iceland: 'IS', poland: 'PL', japan: 'JP', 'south korea': 'KR', china: 'CN',
};

/** The main language of a place given by country code or English country name. */
export function languageOfPlace(country: string | null | undefined): string | undefined {
  if (!country) return undefined;
  const trimmed = country.trim();
  return languageOfCountry(trimmed.length === 2 ? trimmed : COUNTRY_CODES[trimmed.toLowerCase()]);
}

export interface LanguageHints {
  /** The language the request says it is in. */
  lang?: string | undefined;
  query?: string | undefined;
  country?: string | null | undefined;
}

/** How the language was decided, for explanations and tests. */
export type LanguageSource = 'request' | 'detected' | 'country';

/**
 * The request's language and where it came from, or undefined when nothing tells.
 *
 * @example resolveQueryLanguage({ query: 'voiture rouge', country: 'US' }) // { language: 'fr', source: 'detected' }
 */
export function resolveQueryLanguage(hints: LanguageHints): { language: string; source: LanguageSource } | undefined {
  if (hints.lang) return { language: hints.lang.toLowerCase(), source: 'request' };
  const best = hints.query ? detectAll(hints.query)[0] : undefined;
  if (best && best.accuracy >= DETECTION_CONFIDENCE) return { language: best.lang, source: 'detected' };
  const spoken = languageOfCountry(hints.country);
  return spoken ? { language: spoken, source: 'country' } : undefined;
}
