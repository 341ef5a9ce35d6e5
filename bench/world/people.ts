import type { Random } from '../../ltr/random.ts';
import { COUNTRIES, PALETTE, TOPICS, type Country } from './vocabulary.ts';
import { languageOfCountry, type WorldLanguage } from './languages.ts';

const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Gita', 'Hugo', 'Ines', 'Jon', 'Kai', 'Lea', 'Mila', 'Noah', 'Omar', 'Pia', 'Ravi', 'Sara', 'Tom', 'Yuki'];
const LAST = ['Berg', 'Costa', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jones', 'Kim', 'Lopez', 'Moreau', 'Nagy', 'Olsen', 'Park', 'Rossi', 'Silva', 'Tanaka', 'Weber', 'Zhang'];

export interface Photographer {
  username: string;
  firstName: string;
  lastName: string;
  /** Topic indices this photographer shoots most. */
  topics: number[];
  /** Palette index of a favourite color. */
  color: number;
  country: Country;
}

export interface User {
  id: string;
  /** Weight per topic index (sums to 1). */
  topics: number[];
  /** Palette indices the user likes. */
  colors: number[];
  /** Usernames of favourite photographers. */
  photographers: string[];
  country: Country;
  /** Their country's language: some of their searches are typed in it. */
  language: WorldLanguage;
  /** Search sessions over the year. */
  sessions: number;
}

export function makePhotographers(r: Random, count: number): Photographer[] {
  return Array.from({ length: count }, (_, i) => {
    const firstName = r.pick(FIRST);
    const lastName = r.pick(LAST);
    return {
      username: `${firstName}${lastName}${i}`.toLowerCase(),
      firstName,
      lastName,
      topics: r.sample(TOPICS.map((_, t) => t), 2),
      color: r.int(0, PALETTE.length - 1),
      country: r.pick(COUNTRIES),
    };
  });
}

function uuid(r: Random): string {
  const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[r.int(0, 15)]).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Users with latent tastes: 2–3 favourite topics, 1–2 colors, a few photographers, a home country. */
export function makeUsers(r: Random, count: number, photographers: Photographer[]): User[] {
  return Array.from({ length: count }, () => {
    const favourites = r.sample(TOPICS.map((_, t) => t), r.int(2, 3));
    const topics = TOPICS.map(() => 0.2 / TOPICS.length);
    favourites.forEach((t, i) => (topics[t]! += (0.8 * (favourites.length - i)) / ((favourites.length * (favourites.length + 1)) / 2)));
    const matching = photographers.filter((p) => p.topics.some((t) => favourites.includes(t)));
    const pool = matching.length >= 2 ? matching : photographers;
    const id = uuid(r);
    const colors = r.sample(PALETTE.map((_, c) => c), r.int(1, 2));
    const liked = r.sample(pool, Math.min(3, pool.length)).map((p) => p.username);
    const country = r.pick(COUNTRIES);
    const sessions = Math.max(1, Math.min(80, Math.round(r.logNormal(1.9, 0.8))));
    return { id, topics, colors, photographers: liked, country, language: languageOfCountry(country.code), sessions };
  });
}
