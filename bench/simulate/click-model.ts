import type { Random } from '../../ltr/random.ts';
import type { Population, SimulatedUser } from './population.ts';

/**
 * The simulated user's click model: position-based (Craswell et al. 2008; the simulator of
 * Agarwal et al.'s PropEst): a hit at rank r is examined with θ_r = r^−η, independently of the
 * others; an examined hit is clicked with its attractiveness, and a click becomes a download with
 * the user's liking of it. Attractiveness follows the rules the world generator uses for
 * conversions: relevance to the query's topic (1 if it is the photo's main topic, 0.5 if a
 * secondary one, else 0) times taste (×4 for one of the user's colors, ×4 for one of their
 * photographers), squashed to a probability by taste/(taste + 3): 0.25, 0.57 or 0.84 for a
 * relevant photo with none, one or both. A little noise (`noiseClick`) clicks what is irrelevant.
 */
export interface ClickModel {
  /** η of θ_r = r^−η. */
  eta: number;
  /** P(click | examined) of an irrelevant photo. */
  noiseClick: number;
}

export const DEFAULT_CLICK_MODEL: ClickModel = { eta: 0.7, noiseClick: 0.02 };

/** What the simulated user sees of a hit: its id and photographer (from the response); the truth adds topics and colors. */
export interface SeenHit {
  photo_id: string;
  photographer: string | null;
}

export function examination(rank: number, model: ClickModel): number {
  return rank ** -model.eta;
}

/** Relevance of a photo to a query on `topic`: the generator's rule (main topic 1, secondary 0.5). */
export function relevance(topics: readonly string[] | undefined, topic: string): number {
  if (!topics || topics.length === 0) return 0;
  return topics[0] === topic ? 1 : topics.includes(topic) ? 0.5 : 0;
}

/** 1, 4 or 16: the generator's multipliers for a favourite color and a favourite photographer. */
export function taste(user: SimulatedUser, colors: readonly string[] | undefined, photographer: string | null): number {
  const color = colors?.some((c) => user.colors.includes(c)) ? 4 : 1;
  const author = photographer !== null && user.photographers.includes(photographer) ? 4 : 1;
  return color * author;
}

export interface HitOutcome {
  photo_id: string;
  rank: number;
  examined: boolean;
  clicked: boolean;
  downloaded: boolean;
}

/** P(click | examined) and P(download | click) of one hit for one user and topic. */
export function attraction(population: Population, user: SimulatedUser, topic: string, hit: SeenHit, model: ClickModel): { click: number; download: number } {
  const truth = population.photos.get(hit.photo_id);
  const rel = relevance(truth?.topics, topic);
  const t = taste(user, truth?.colors, hit.photographer);
  const liking = t / (t + 3);
  return { click: model.noiseClick + (1 - model.noiseClick) * rel * liking, download: rel * liking };
}

/** One user looking down one page (1-based ranks). */
export function lookDown(r: Random, population: Population, user: SimulatedUser, topic: string, hits: readonly SeenHit[], model: ClickModel): HitOutcome[] {
  return hits.map((hit, i) => {
    const rank = i + 1;
    const examined = r.chance(examination(rank, model));
    const p = attraction(population, user, topic, hit, model);
    // Drawn whether examined or not, so that one hit's fate does not shift the stream of the next.
    const click = r.float();
    const download = r.float();
    const clicked = examined && click < p.click;
    return { photo_id: hit.photo_id, rank, examined, clicked, downloaded: clicked && download < p.download };
  });
}
