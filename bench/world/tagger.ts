import type { Random } from '../../ltr/random.ts';
import type { ShownConcept } from '../../ltr/eval/download-model.ts';
import { PALETTE, TOPICS } from './vocabulary.ts';

/**
 * The `ai` tagger's rates: an image tagger's view of what a photo shows. Each with its reason
 * (world-realism notes; README "The generated world's rates").
 */
export const TAGGER_RATES = {
  /** Recall by salience — main subject (≥ 0.6 of the frame) / medium (≥ 0.3) / small: a COCO detector finds large 77.5, medium 65.1, small 43.7 (DeFCN); the main subject raised to 0.90 (assumption). */
  recall: { main: 0.9, medium: 0.65, small: 0.4 },
  /** A found concept is named as a look-alike of the same superclass (sand → desert, snow → mountain): most ImageNet errors stay within a superclass (rate assumed). */
  confusedWithin: 0.07,
  /** … or as anything else. */
  confusedAcross: 0.01,
  /** The second AI service scored the row: coverage varies by service and date (DOCS; ~30% absent, assumed). */
  secondService: 0.7,
} as const;

/** Topics that look alike in this world's pixels (same superclass), by name. */
const TOPIC_LOOK_ALIKES = [['beach', 'desert'], ['snow', 'mountain'], ['sunset', 'night', 'bird'], ['cat', 'dog'], ['car', 'bicycle'], ['city', 'architecture', 'books'], ['forest', 'flower', 'waterfall'], ['food', 'coffee', 'sport']];
const COLOR_LOOK_ALIKES = [['red', 'orange', 'pink'], ['orange', 'yellow', 'brown'], ['green', 'teal'], ['blue', 'navy', 'teal'], ['purple', 'pink', 'navy'], ['black', 'navy', 'brown'], ['white', 'yellow']];

export interface TaggerCounts {
  /** Concepts the photos show and the tagger did not name. */
  missed: number;
  /** Concepts it named as something else. */
  confused: number;
  /** Concepts it named right. */
  found: number;
}

/** One keyword row as the tagger writes it: 0–100 confidences, either may be absent. */
export interface TagRow {
  keyword: string;
  one: number | null;
  two: number | null;
}

function recallOf(salience: number): number {
  return salience >= 0.6 ? TAGGER_RATES.recall.main : salience >= 0.3 ? TAGGER_RATES.recall.medium : TAGGER_RATES.recall.small;
}

function lookAlike(r: Random, concept: ShownConcept): string {
  const names = concept.kind === 'topic' ? TOPICS.map((t) => t.name) : PALETTE.map((c) => c.name);
  const groups = (concept.kind === 'topic' ? TOPIC_LOOK_ALIKES : COLOR_LOOK_ALIKES).filter((g) => g.includes(concept.concept));
  const within = groups.flat().filter((n) => n !== concept.concept);
  const roll = r.float();
  if (within.length > 0 && roll < TAGGER_RATES.confusedWithin) return r.pick(within);
  if (roll >= TAGGER_RATES.confusedWithin && roll < TAGGER_RATES.confusedWithin + TAGGER_RATES.confusedAcross) return r.pick(names.filter((n) => n !== concept.concept));
  return concept.concept;
}

/**
 * The AI keywords of a photo from what it shows: each concept found with a probability that grows with
 * its salience, sometimes named as a look-alike, with a confidence that grows with salience too (main
 * subject ~60–95, small things ~20–50, as in the Lite sample rows; low ones kept as in 1.2.x).
 */
export function tagPhoto(r: Random, concepts: readonly ShownConcept[], counts: TaggerCounts): TagRow[] {
  const rows: TagRow[] = [];
  for (const concept of concepts) {
    if (!r.chance(recallOf(concept.salience))) {
      counts.missed += 1;
      continue;
    }
    const named = lookAlike(r, concept);
    if (named === concept.concept) counts.found += 1;
    else counts.confused += 1;
    const words = concept.kind === 'topic' ? r.sample(TOPICS.find((t) => t.name === named)!.keywords, r.int(3, 5)) : [named];
    for (const keyword of words) {
      const one = Math.min(99, 20 + 70 * concept.salience * (0.6 + 0.4 * r.float()) + 10 * r.float());
      const two = r.chance(TAGGER_RATES.secondService) ? Math.min(99, one * (0.8 + 0.3 * r.float())) : null;
      rows.push({ keyword, one, two });
    }
  }
  return rows;
}
