import type { VectorLookup } from './first-stage.ts';
import type { ConversionEvent } from '../data/events.ts';
import type { UserState } from '../features/extract.ts';
import { meanProfile, SESSION_LENGTH, sessionVector } from '../profiles/user-vectors.ts';

/**
 * Each user's downloads before an instant, and the profile features built from them the way the
 * sidecar builds them from feedback: the mean of positives (downloads weigh 1; conversions
 * have no negatives) and the session vector over the most recent downloads.
 */
export class UserHistory {
  private readonly byUser = new Map<string, ConversionEvent[]>();
  private readonly states = new Map<string, UserState>();

  constructor(events: readonly ConversionEvent[]) {
    for (const e of events) {
      const list = this.byUser.get(e.user) ?? [];
      list.push(e);
      this.byUser.set(e.user, list);
    }
  }

  has(user: string): boolean {
    return this.byUser.has(user);
  }

  async state(user: string, vectors: VectorLookup): Promise<UserState | undefined> {
    const known = this.states.get(user);
    if (known) return known;
    const events = this.byUser.get(user);
    if (!events) return undefined;
    const found = await vectors.get(events.map((e) => e.photo));
    const inOrder = events.flatMap((e) => found.get(e.photo) ?? []);
    const state: UserState = {
      mean: meanProfile(inOrder.map((vector) => ({ vector, weight: 1 })), []),
      session: sessionVector(inOrder.slice(-SESSION_LENGTH)),
      positives: [...events].reverse().map((e) => ({ photo: e.photo, weight: 1 })),
    };
    this.states.set(user, state);
    return state;
  }
}
