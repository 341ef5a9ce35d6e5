import { cosine } from '../../ltr/vectors.ts';
import type { RerankCandidate, RerankContext, RerankResult, SecondPass } from '../../ltr/second-pass.ts';

/**
 * The second pass used until a learned model is loaded: the first-stage score, min-max scaled to
 * [0, 1], plus `weight` times the cosine of the candidate to the user's profile — the mean
 * embedding of their positive photos (minus the skipped ones) and, in a live session, the session
 * vector. A user without feedback keeps the first-stage order. Explain shows both parts per
 * candidate.
 */
export class ProfileBlendPass implements SecondPass {
  readonly version = 'profile-blend-1';

  constructor(private readonly weight = 0.5) {}

  async rerank(context: RerankContext, candidates: RerankCandidate[], explain: boolean): Promise<RerankResult> {
    const profile = context.profile;
    let min = Infinity;
    let max = -Infinity;
    for (const c of candidates) {
      min = Math.min(min, c.fused);
      max = Math.max(max, c.fused);
    }
    const range = max - min;
    const scores: number[] = [];
    const contributions: Array<Record<string, number>> = [];
    for (const candidate of candidates) {
      const first = range > 0 ? (candidate.fused - min) / range : 1;
      const clip = candidate.vector;
      const mean = profile?.mean && clip ? cosine(profile.mean, clip) : 0;
      const session = profile?.session && clip ? cosine(profile.session, clip) : null;
      const affinity = session === null ? mean : (mean + session) / 2;
      scores.push(first + this.weight * affinity);
      if (explain) contributions.push({ first_stage: first, profile_cosine: this.weight * (session === null ? mean : mean / 2), ...(session === null ? {} : { session_cosine: (this.weight * session) / 2 }) });
    }
    return { scores, ...(explain ? { contributions } : {}) };
  }
}
