import { LRUCache } from 'lru-cache';
import { meanProfile, SESSION_LENGTH, sessionVector, type WeightedVector } from '../../ltr/profiles/user-vectors.ts';
import type { ElasticReads, Interaction } from '../retrieval/elastic-reads.ts';
import type { VectorStore } from '../retrieval/photo-cache.ts';

export type { Interaction };

export type FeedbackType = 'click' | 'download' | 'like' | 'skip';

/** How much each kind of feedback says about taste; skip is the one negative. */
export const FEEDBACK_WEIGHTS: Record<FeedbackType, number> = { download: 1, like: 0.8, click: 0.3, skip: 1 };

export interface UserProfile {
  user: string;
  /** Newest first. */
  interactions: Interaction[];
  /** The mean embedding of the positive photos minus the negatives (weighted), or null with no positives. */
  mean: Float32Array | null;
  /** The session vector over the user's most recent positives (SESSION_LENGTH), or null without any. */
  session: Float32Array | null;
  /** Positive photos, newest first (deduplicated). */
  positives: string[];
}

export interface ProfileStoreOptions {
  index: string;
  /** Interactions read per user (newest). */
  history?: number;
  cacheSize?: number;
  cacheTtlMs?: number;
}

/**
 * User profiles from what users did, kept in Elasticsearch (`feedback-events`: the dataset's
 * conversions and live feedback), so any sidecar instance computes the same profile. A short-lived
 * LRU cache saves the two reads (the feedback, then its photos' vectors); a request that needs a
 * profile starts reading it with the request, beside embedding and retrieval (pipeline.ts).
 * Feedback through this instance updates its cached profile at once, before Elasticsearch has even
 * refreshed.
 */
export class ProfileStore {
  private readonly cache: LRUCache<string, UserProfile>;

  constructor(
    private readonly reads: Pick<ElasticReads, 'interactions'>,
    private readonly vectors: VectorStore,
    private readonly options: ProfileStoreOptions,
  ) {
    this.cache = new LRUCache({ max: options.cacheSize ?? 10_000, ttl: options.cacheTtlMs ?? 30_000 });
  }

  /** `signal` cancels this caller's reads only: see VectorStore on why no read is shared between requests. */
  async get(user: string, signal?: AbortSignal): Promise<UserProfile> {
    const cached = this.cache.get(user);
    if (cached) return cached;
    const interactions = await this.readInteractions(user, signal);
    const profile = await this.build(user, interactions, signal);
    this.cache.set(user, profile);
    return profile;
  }

  /** Feedback just received: the cached profile includes it now. */
  async record(user: string, interaction: Interaction, signal?: AbortSignal): Promise<UserProfile> {
    const current = this.cache.get(user)?.interactions ?? (await this.readInteractions(user, signal));
    const interactions = [interaction, ...current.filter((i) => !(i.photo_id === interaction.photo_id && i.type === interaction.type && i.at === interaction.at))];
    const profile = await this.build(user, interactions.slice(0, this.options.history ?? 200), signal);
    this.cache.set(user, profile);
    return profile;
  }

  private readInteractions(user: string, signal: AbortSignal | undefined): Promise<Interaction[]> {
    return this.reads.interactions(user, { index: this.options.index, size: this.options.history ?? 200, signal });
  }

  private async build(user: string, interactions: Interaction[], signal: AbortSignal | undefined): Promise<UserProfile> {
    const vectors = await this.vectors.get(interactions.map((i) => i.photo_id), signal);
    const positives: WeightedVector[] = [];
    const negatives: WeightedVector[] = [];
    for (const interaction of interactions) {
      const vector = vectors.get(interaction.photo_id);
      const weight = FEEDBACK_WEIGHTS[interaction.type as FeedbackType] ?? 0;
      if (!vector || weight === 0) continue;
      (interaction.type === 'skip' ? negatives : positives).push({ vector, weight });
    }
    return {
      user,
      interactions,
      mean: meanProfile(positives, negatives),
      session: sessionVector(recentPositives(interactions).flatMap((i) => vectors.get(i.photo_id) ?? [])),
      positives: [...new Set(interactions.filter((i) => i.type !== 'skip').map((i) => i.photo_id))],
    };
  }
}

/**
 * The session: the user's SESSION_LENGTH most recent positive interactions, oldest first, as the
 * training replay takes them from past downloads. (A gap-based session — feedback of the last half
 * hour — left the feature empty for most requests while training always had it.)
 */
function recentPositives(interactions: readonly Interaction[]): Interaction[] {
  return interactions.filter((i) => i.type !== 'skip').slice(0, SESSION_LENGTH).reverse();
}
