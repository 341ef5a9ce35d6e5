import { rankedHit, type Plan, type RankedHit } from '../pipeline/pipeline.ts';
import type { FusionOptions, PolicyOptionsInput } from '../pipeline/request-options.ts';
import { abArm, type Experiment } from './experiment.ts';
import { seededCoin, teamDraft } from './team-draft.ts';

/** Who is asking what: the unit an arm is chosen for and what seeds an interleaving's coin. */
export interface ExperimentRequest {
  user?: string;
  /** A key the client keeps for an anonymous visitor (a cookie, say): the A/B unit when there is no user. */
  key?: string;
  query: string;
  fusion?: FusionOptions;
  policy?: PolicyOptionsInput;
}

/** What the response and the search event say of the experiment. */
export interface ExperimentTag {
  name: string;
  method: 'ab' | 'interleave';
  /** Every arm, the control first: the report reads them from the events. */
  arms: string[];
  arm?: string;
}

/**
 * What an experiment asks of one search's pipeline. `ab`: the request's arm ranks alone (its
 * fusion and policy overrides over the request's own), each hit tagged with the arm. `interleave`:
 * both arms order the candidates of one retrieval and team-draft interleaving merges their whole
 * orders, each hit tagged with the team that placed it. Without overrides both arms order the same
 * fused window (one fusion, the model-free features computed once), and the policy then walks the
 * merged order, as it walks a single arm's, so the page keeps its duplicate and photographer rules
 * (a pick it drops leaves its team one short on that page). An arm with a `fusion` override fuses
 * the same retrieved lists its own way (never a second retrieval) and its second pass ranks that
 * window. When either arm has a `policy` override, the policy applies per arm instead, to each
 * arm's order before the draft (the request's policy under the arm's own), and the merged order is
 * not walked again: each team's picks keep their arm's rules, and a photo one team picked may be a
 * near-duplicate of, or share a photographer with, one the other team picked. The coin is seeded by
 * (experiment, user or key, query), so a reload shows the same page and page 2 continues page 1.
 */
export function experimentPlan(experiment: Experiment, request: ExperimentRequest): { tag: ExperimentTag; plan: Pick<Plan<never>, 'rankings' | 'fusion' | 'policy'> } {
  if (experiment.method === 'ab') {
    const arm = abArm(experiment, request.user, request.key);
    return {
      tag: { name: experiment.name, method: 'ab', arms: experiment.arms.map((a) => a.name), arm: arm.name },
      plan: {
        fusion: arm.fusion || request.fusion ? { ...request.fusion, ...arm.fusion, weights: { ...request.fusion?.weights, ...arm.fusion?.weights } } : undefined,
        policy: arm.policy || request.policy ? { ...request.policy, ...arm.policy } : undefined,
        rankings: { rankers: [{ name: arm.name, pass: arm.pass, reverse: arm.reverse }], combine: ([order]) => order!.map((hit) => rankedHit(hit, { score: hit.score, team: arm.name })) },
      },
    };
  }
  const [a, b] = experiment.arms as [Experiment['arms'][0], Experiment['arms'][0]];
  return {
    tag: { name: experiment.name, method: 'interleave', arms: [a.name, b.name] },
    plan: {
      fusion: request.fusion,
      policy: request.policy,
      rankings: {
        rankers: [a, b],
        combine: ([first, second]) => interleaveRankings(first!, second!, first!.length + second!.length, [a.name, b.name], seededCoin(experiment.name, request.user ?? request.key ?? '', request.query)),
      },
    },
  };
}

/** Two rankings of the same hits interleaved by team draft; each hit keeps the scores of the ranking that placed it. */
export function interleaveRankings(first: RankedHit[], second: RankedHit[], length: number, names: [string, string], coin: () => boolean): RankedHit[] {
  const byId = [new Map(first.map((hit) => [hit.id, hit])), new Map(second.map((hit) => [hit.id, hit]))];
  const merged = teamDraft(
    first.map((hit) => hit.id),
    second.map((hit) => hit.id),
    length,
    coin,
  );
  return merged.ids.map((id, i) => ({ ...byId[merged.teams[i]!]!.get(id)!, team: names[merged.teams[i]!]! }));
}
