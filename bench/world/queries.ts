import type { Random } from '../../ltr/random.ts';
import type { QueryConcepts } from '../../ltr/eval/download-model.ts';
import { lexicon, MOODS_EN, PARAPHRASES, type WorldLanguage } from './languages.ts';
import { PALETTE, TOPICS } from './vocabulary.ts';

/**
 * The rates of the queries people type in the `people` world, each with its reason (README, "The
 * generated world's rates").
 */
export const QUERY_RATES = {
  /** Query length in terms (a color, a topic, a mood word, "at night"): 1/2/3/4. Web queries average 2.35 words (AltaVista); image queries are shorter (assumption: mean ≈ 1.9, five and more folded into four). */
  length: [0.45, 0.3, 0.15, 0.1],
  /** A topic named by a paraphrase no tag carries ("seaside", "cute dog") instead of one of its tag words (assumption: the notes' 20% of query words no tag carries). */
  paraphrase: 0.2,
  /** A two-term query adds a color rather than a mood word ("red car", "calm beach"). */
  colorOverMood: 0.6,
  /** The color asked for is one the user likes (taste shows in what people ask for). */
  likedColor: 0.7,
  /** Share of a non-English user's queries typed in their language (notes: 35%, ≈ 20% overall; assumption). */
  ownLanguage: 0.35,
} as const;

export interface ComposedQuery {
  text: string;
  language: WorldLanguage;
  concepts: QueryConcepts;
}

export interface Searcher {
  topics: number[];
  colors: number[];
  language: WorldLanguage;
}

/**
 * What a user types when they want to see `topic`: one to four terms from what they want (the topic,
 * maybe a color, a mood word, a second thing in the scene), English tag words and paraphrases, or
 * their own language's words.
 */
export function composeQuery(r: Random, user: Searcher, topic: number): ComposedQuery {
  const terms = 1 + r.weighted(QUERY_RATES.length);
  const language: WorldLanguage = user.language !== 'en' && r.chance(QUERY_RATES.ownLanguage) ? user.language : 'en';
  const color = r.chance(QUERY_RATES.likedColor) ? r.pick(user.colors) : r.int(0, PALETTE.length - 1);
  const other = r.weighted(user.topics.map((w, t) => (t === topic ? 0 : w)));
  const mood = r.int(0, MOODS_EN.length - 1);
  const paraphrase = r.chance(QUERY_RATES.paraphrase);
  const vocabulary = TOPICS[topic]!.keywords;
  const englishTopic = paraphrase ? r.pick(PARAPHRASES[topic]!) : vocabulary[r.weighted(vocabulary.map((_, i) => 1 / (i + 1)))]!;
  const shape = terms === 1 ? 'topic' : terms === 2 ? (r.chance(QUERY_RATES.colorOverMood) ? 'color' : 'mood') : terms === 3 ? (r.chance(0.5) ? 'color+mood' : 'scene') : 'color+scene';
  const words = language === 'en' ? english(englishTopic, TOPICS[other]!.name) : translated(language, topic, other);
  const colorWord = language === 'en' ? PALETTE[color]!.name : lexicon(language).colors[color]!;
  const moodWord = language === 'en' ? MOODS_EN[mood]! : lexicon(language).moods[mood]!;
  const after = language !== 'en' && lexicon(language).colorAfter;
  const colored = (noun: string): string => (after ? `${noun} ${colorWord}` : `${colorWord} ${noun}`);
  const text =
    shape === 'topic' ? words.topic
    : shape === 'color' ? colored(words.topic)
    : shape === 'mood' ? `${moodWord} ${words.topic}`
    : shape === 'color+mood' ? `${moodWord} ${colored(words.topic)}`
    : shape === 'scene' ? `${words.topic} ${words.scene}`
    : `${colored(words.topic)} ${words.scene}`;
  const concepts: QueryConcepts = {
    topics: shape.includes('scene') ? [TOPICS[topic]!.name, TOPICS[other]!.name] : [TOPICS[topic]!.name],
    colors: shape.includes('color') ? [PALETTE[color]!.name] : [],
  };
  return { text: text.toLowerCase(), language, concepts };
}

/** Scenes that are a place or a time read "at" ("car at night"); things read "with" ("cat with books"). */
const SETTINGS = new Set(['night', 'sunset', 'snow', 'beach', 'city', 'forest', 'mountain', 'desert']);

function english(topicWord: string, otherTopic: string): { topic: string; scene: string } {
  return { topic: topicWord, scene: `${SETTINGS.has(otherTopic) ? 'at' : 'with'} ${otherTopic}` };
}

function translated(language: Exclude<WorldLanguage, 'en'>, topic: number, other: number): { topic: string; scene: string } {
  const l = lexicon(language);
  return { topic: l.topics[topic]!, scene: `${SETTINGS.has(TOPICS[other]!.name) ? l.at : l.with} ${l.topics[other]!}` };
}
