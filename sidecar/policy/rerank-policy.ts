import { cosine } from '../../ltr/vectors.ts';

/** What the policy needs to know of a ranked hit. */
export interface PolicyHit {
  id: string;
  photographer: string | null;
  clip: ArrayLike<number> | null;
}

export interface PolicyOptions {
  /** Drop a hit whose CLIP cosine to a hit ranked above it exceeds this (1 disables). */
  duplicateCosine?: number;
  /** At most this many hits per photographer (0 disables). */
  maxPerPhotographer?: number;
  /** Ids never to show (e.g. the query photo of /similar, or business rules). */
  exclude?: ReadonlySet<string>;
}

export type PolicyDecision = 'kept' | 'duplicate' | 'photographer_cap' | 'excluded';

export interface PolicyResult<T extends PolicyHit> {
  kept: T[];
  dropped: Array<{ hit: T; reason: Exclude<PolicyDecision, 'kept'>; of?: string }>;
}

/**
 * The re-rank policy of a visual search engine (Pinterest-style: filters and de-duplication after retrieval): walk the ranking once, dropping
 * excluded ids, near-duplicates of a better-ranked hit (CLIP cosine above a threshold), and hits past
 * a per-photographer cap, so one burst of near-identical shots cannot fill a page. Order is kept.
 */
export function applyPolicy<T extends PolicyHit>(ranked: readonly T[], options: PolicyOptions = {}): PolicyResult<T> {
  const threshold = options.duplicateCosine ?? 0.97;
  const cap = options.maxPerPhotographer ?? 0;
  const kept: T[] = [];
  const dropped: PolicyResult<T>['dropped'] = [];
  const perPhotographer = new Map<string, number>();
  for (const hit of ranked) {
    if (options.exclude?.has(hit.id)) {
      dropped.push({ hit, reason: 'excluded' });
      continue;
    }
    if (threshold < 1 && hit.clip) {
      const original = kept.find((k) => k.clip && cosine(k.clip, hit.clip!) > threshold);
      if (original) {
        dropped.push({ hit, reason: 'duplicate', of: original.id });
        continue;
      }
    }
    if (cap > 0 && hit.photographer) {
      const count = perPhotographer.get(hit.photographer) ?? 0;
      if (count >= cap) {
        dropped.push({ hit, reason: 'photographer_cap' });
        continue;
      }
      perPhotographer.set(hit.photographer, count + 1);
    }
    kept.push(hit);
  }
  return { kept, dropped };
}
