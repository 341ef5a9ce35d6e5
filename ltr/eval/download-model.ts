/**
 * Why a person downloads a photo after a search, as the generated world decides it: what the photo
 * shows of the query (its truth, not its tags) × the user's taste × the photo's popularity. The
 * generator draws downloads from these weights and `pixrank eval` ranks candidates by them for its
 * `oracle` row, so both read the same formula.
 */

/** A concept a photo shows (a topic motif or a color), with how much of the frame it takes (0–1). */
export interface ShownConcept {
  concept: string;
  kind: 'topic' | 'color';
  salience: number;
}

/** What a photo is, from `truth/photos.jsonl`, and what ranking sees of it anyway (downloads, photographer). */
export interface TruthPhoto {
  id: string;
  /** Primary topic first. */
  topics: string[];
  concepts: ShownConcept[];
  photographer: string;
  downloads: number;
}

/** A user's taste, from `truth/users.jsonl`. */
export interface TruthTaste {
  colors: readonly string[];
  photographers: readonly string[];
}

/** What a query asks to see: its topics (the first is the one searched for) and colors; mood words carry no concept. */
export interface QueryConcepts {
  topics: string[];
  colors: string[];
}

/**
 * How the world's downloads were drawn: `topic-word` is the first world's rule (single topic words,
 * the primary topic weighs 1 and a secondary 0.5); `shows` weighs by how much of the query the photo shows.
 */
export type DownloadRule = 'topic-word' | 'shows';

/** exp(3·relevance): relevance gates the choice (world-realism notes, "download choice"; weight assumed). */
const RELEVANCE_WEIGHT = 3;
/** A liked color or photographer multiplies the weight by 4, as in the first world (kept, so taste is as strong as before). */
const TASTE_FACTOR = 4;
/** Popularity compounds (Salganik et al., Science 2006); the first world's exponent. */
const POPULARITY_EXPONENT = 0.25;

/** How much of what the query asks the photo shows: the mean salience of the query's concepts in it (0 when absent). */
export function shownShare(photo: TruthPhoto, query: QueryConcepts): number {
  const asked = [...query.topics.map((c) => ['topic', c] as const), ...query.colors.map((c) => ['color', c] as const)];
  if (asked.length === 0) return 0;
  let sum = 0;
  for (const [kind, concept] of asked) sum += photo.concepts.find((c) => c.kind === kind && c.concept === concept)?.salience ?? 0;
  return sum / asked.length;
}

/** The unnormalized probability that a user who searched `query` downloads `photo` among the candidates. */
export function downloadWeight(rule: DownloadRule, photo: TruthPhoto, taste: TruthTaste, query: QueryConcepts): number {
  const relevance = rule === 'topic-word' ? (photo.topics[0] === query.topics[0] ? 1 : photo.topics.includes(query.topics[0]!) ? 0.5 : 0) : Math.exp(RELEVANCE_WEIGHT * shownShare(photo, query));
  const liked = photo.concepts.some((c) => c.kind === 'color' && taste.colors.includes(c.concept)) ? TASTE_FACTOR : 1;
  const author = taste.photographers.includes(photo.photographer) ? TASTE_FACTOR : 1;
  return relevance * liked * author * (photo.downloads + 1) ** POPULARITY_EXPONENT;
}
