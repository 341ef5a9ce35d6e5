import type { SearchLogFields } from '../../ltr/learning/logged-search.ts';
import type { Candidate, RerankCandidate, SecondPass } from '../../ltr/second-pass.ts';
import { learningStage } from '../learning/learning-stage.ts';
import { DEFAULT_LEARNING } from '../learning/learning-settings.ts';
import { fuseLists, type FusedHit, type FusionSettings } from '../fusion/fusion.ts';
import { applyPolicy } from '../policy/rerank-policy.ts';
import type { UserProfile } from '../profiles/profile-store.ts';
import type { PhotoSource, Retrieved } from '../retrieval/elastic-reads.ts';
import type { RequestScope, SidecarServices } from '../services.ts';
import type { FusionOptions, PolicyOptionsInput, RankingDefaults } from './request-options.ts';
import type { PhotoView, RankedPhoto } from './response-schema.ts';
import { Stopwatch } from './stopwatch.ts';

/**
 * The one pipeline of every route that ranks photos (/search, /similar, /recommend and the
 * ES-compatible `_search`): embed → retrieve → fuse → policy → second pass → present, as plain
 * stage functions over one context, in the order they run. A route brings a `Plan`: how it embeds
 * its query and which lists it retrieves, and what it asks of the shared stages.
 */

/** One request on its way through the stages: the services, its stopwatch, its abort signal. */
export interface RequestContext {
  services: SidecarServices;
  requestId: string;
  /** Aborted at the time limit or when the client goes away: every Elasticsearch call takes it. */
  signal?: AbortSignal;
  watch: Stopwatch;
}

export function requestContext(services: SidecarServices, scope: RequestScope): RequestContext {
  return { services, requestId: scope.requestId, signal: scope.signal, watch: new Stopwatch() };
}

/** What a route retrieves with. */
export interface Query {
  /** The query's own CLIP vector (a text's, an image's): a feature of the second pass. */
  vector?: Float32Array;
  /** False when nothing in it is the user's own (the popular photos for a user without feedback): no second pass then. */
  personal?: boolean;
  /** Photos never to show: the query photo of /similar, the user's own photos on /recommend. */
  exclude?: readonly string[];
}

/** What differs between routes; everything else is the pipeline's. */
export interface Plan<Q extends Query> {
  /** The route's name in the stage metrics. */
  route: string;
  /** A user whose profile the route itself needs (/recommend's queries), read at once like the second pass's. */
  profileOf?: string;
  /** The query; absent for a keyword search, which has nothing to embed. */
  embed?(ctx: RequestContext, profile: Promise<UserProfile> | undefined): Promise<Q>;
  /** The ranked lists of the query, in one round trip. */
  retrieve(ctx: RequestContext, query: Q): Promise<Retrieved[]>;
  fusion?: FusionOptions;
  /** The request's policy over the defaults; `off` keeps every hit (the ES-compatible route answers all of Elasticsearch's). */
  policy?: PolicyOptionsInput | 'off';
  /** Whom the second pass ranks for; without it (or without a pass loaded) the first-stage order stands. */
  personalize?: { user: string; query?: string; country?: string };
  /** The page served (1-based, of k hits); without one the ranked hits are returned without texts. */
  page?: { page: number; k: number };
  explain: boolean;
  /** Present when the request is logged for learning (search-events): its randomized swap and feature vectors. */
  learn?: { user?: string; query?: string; country?: string };
  /**
   * The rankings an experiment compares, in place of the sidecar's one second pass: each ranker
   * orders the kept hits (its own pass, or the first-stage order without one), and `combine` makes
   * the served list of their rankings (an A/B arm's alone, or the two interleaved).
   */
  rankings?: { rankers: Ranker[]; combine(rankings: RankedHit[][], length: number): RankedHit[] };
}

/** One way of ordering the kept hits: a second pass (none: the first-stage order), optionally served upside down. */
export interface Ranker {
  pass?: SecondPass;
  /** A deliberately bad ranking, to check that an experiment finds a loser. */
  reverse?: boolean;
}

/** A candidate after the second pass: its score is the pass's when there was one, else the fused score. */
export interface RankedHit extends RerankCandidate {
  rerank?: number;
  score: number;
  contributions?: Record<string, number>;
  /** The feature vector the second pass scored, when it scored one. */
  features?: Float32Array;
  /** In an experiment: the arm whose ranking placed the hit (the team, when interleaved). */
  team?: string;
}

export interface PipelineResult<Q extends Query> {
  query: Q;
  /** The page as the API shows it (empty without `plan.page`). */
  page: RankedPhoto[];
  /** Every hit the policy kept, in the final order. */
  ranked: RankedHit[];
  personalized: boolean;
  /** The second pass's version when it ranked the hits. */
  modelVersion: string | null;
  took: Record<string, number>;
  retrieved: Retrieved[];
  fusion: Record<string, unknown>;
  policy: Record<string, unknown> & { dropped: Array<{ photo_id: string; reason: string; of?: string }> };
  /** With `plan.learn`: the swap and the feature log for `search-events`. */
  log?: SearchLogFields;
}

/** Every stage, in order. */
export async function runPipeline<Q extends Query>(ctx: RequestContext, plan: Plan<Q>): Promise<PipelineResult<Q>> {
  const { services, watch } = ctx;
  const rankers: Ranker[] = plan.rankings?.rankers ?? [{ pass: services.secondPass }];
  const passes = rankers.map((ranker) => (plan.personalize ? ranker.pass : undefined));
  // The profile depends on nothing the request computes: read it beside embedding and retrieval.
  // Logged features are the second pass's, profile features included, also when no pass ranks the request.
  const logsProfile = plan.learn?.user !== undefined && (services.learning ?? DEFAULT_LEARNING).logFeatures;
  const profile = readProfile(ctx, plan.profileOf ?? (passes.some(Boolean) || logsProfile ? (plan.personalize?.user ?? plan.learn?.user) : undefined));

  // A plan without `embed` (a keyword search) retrieves with the empty query: every field of one is optional.
  const query = plan.embed ? await watch.timeAsync('embed', () => plan.embed!(ctx, profile)) : ({} as Q);
  const retrieved = await watch.timeAsync('retrieve', () => plan.retrieve(ctx, query));
  const facts = mergeCandidates(retrieved);
  const fusion = fusionSettings(services.ranking, plan.fusion);
  const fused = watch.time('fuse', () => fuseLists(retrieved.map((r) => r.list), fusion)).filter((hit) => facts.has(hit.id));
  const reranks = passes.map((pass) => (query.personal === false ? undefined : pass));
  // A reversed ranking turns the whole window upside down, as a second pass scores the whole window.
  const policy = await policyStage(ctx, plan, { query, fused, facts, rerank: reranks.some(Boolean) || rankers.some((r) => r.reverse) });
  const rankings = await Promise.all(
    rankers.map(async (ranker, i): Promise<RankedHit[]> => {
      const rerank = reranks[i];
      const ranking = rerank && policy.kept.length > 0 ? await secondPassStage(ctx, plan, { pass: rerank, kept: policy.kept, query, profile }) : policy.kept.map((hit) => ({ ...hit, score: hit.fused }));
      return ranker.reverse ? ranking.reverse() : ranking;
    }),
  );
  const wanted = plan.page ? plan.page.page * plan.page.k : policy.kept.length;
  const combined = plan.rankings ? watch.time('combine', () => plan.rankings!.combine(rankings, wanted)) : rankings[0]!;
  const learned = plan.learn && plan.page ? await learnStage(ctx, { learn: plan.learn, page: plan.page, ranked: combined, query, profile }) : undefined;
  const ranked = learned ? [...learned.ranked] : combined;
  const page = plan.page ? await present(ctx, ranked, plan.page, plan.explain) : [];

  const took = watch.result();
  services.metrics.recordStages(plan.route, took);
  const personalized = ranked.some((hit) => hit.rerank !== undefined);
  const versions = [...new Set(reranks.flatMap((pass) => (pass ? [pass.version] : [])))];
  return {
    query,
    page,
    ranked,
    personalized,
    modelVersion: personalized ? versions.join(' | ') || null : null,
    took,
    retrieved,
    fusion: retrieved.length > 1 ? { ...fusion } : { method: 'none', list: retrieved[0]?.list.name },
    policy: { ...policy.settings, dropped: policy.dropped.map((d) => ({ photo_id: d.hit.id, reason: d.reason, ...(d.of ? { of: d.of } : {}) })) },
    ...(learned ? { log: learned.log } : {}),
  };
}

/** How many candidates each list should return so that a page survives the policy. */
export function candidateWindow(page: number, k: number, candidates: number): number {
  return Math.min(1000, Math.max(candidates, page * k * 2));
}

function readProfile(ctx: RequestContext, user: string | undefined): Promise<UserProfile> | undefined {
  if (!user) return undefined;
  const profile = ctx.watch.timeAsync('profile', () => ctx.services.profiles.get(user, ctx.signal));
  // Awaited later; if the request fails first, its failure must not become an unhandled rejection.
  profile.catch(() => {});
  return profile;
}

/** The facts of every list's hits in one map; a photo found by more than one keeps the keyword clauses. */
export function mergeCandidates(retrieved: readonly Retrieved[]): Map<string, Candidate> {
  const merged = new Map<string, Candidate>();
  for (const r of retrieved) {
    for (const [id, candidate] of r.candidates) {
      const known = merged.get(id);
      merged.set(id, known?.clauses && !candidate.clauses ? { ...candidate, clauses: known.clauses } : candidate);
    }
  }
  return merged;
}

export function fusionSettings(defaults: RankingDefaults, options: FusionOptions | undefined): FusionSettings {
  return { ...defaults.fusion, ...options, weights: { ...defaults.fusion.weights, ...options?.weights } };
}

/** The one place a candidate of the second pass is made: the fused hit, what ranking knows of it, its vector. */
export function rerankCandidate(hit: FusedHit, candidate: Candidate, vector: Float32Array | undefined): RerankCandidate {
  return { id: hit.id, candidate, vector, lists: hit.lists, fused: hit.score };
}

const POLICY_OFF = { duplicate_cosine: 1, max_per_photographer: 0 };

/**
 * Duplicates, the photographer cap, exclusions. Vectors are read only as far as the policy walks:
 * without a second pass it stops once the page is full (widening while it is not); the second
 * pass scores the whole window, so then every candidate's vector is read.
 */
async function policyStage(ctx: RequestContext, plan: Plan<Query>, input: { query: Query; fused: FusedHit[]; facts: Map<string, Candidate>; rerank: boolean }) {
  const { query, fused, facts, rerank } = input;
  const { services, watch } = ctx;
  const settings = plan.policy === 'off' ? POLICY_OFF : { ...services.ranking.policy, ...plan.policy };
  const wanted = plan.page ? plan.page.page * plan.page.k : fused.length;
  const needVectors = settings.duplicate_cosine < 1 || rerank;
  const exclude = query.exclude && query.exclude.length > 0 ? new Set(query.exclude) : undefined;
  let prefix = rerank ? fused.length : Math.min(fused.length, Math.max(wanted * 2, 20));
  const vectors = new Map<string, Float32Array>();
  for (;;) {
    const slice = fused.slice(0, prefix);
    if (needVectors) {
      const missing = slice.filter((hit) => !vectors.has(hit.id)).map((hit) => hit.id);
      for (const [id, vector] of await watch.timeAsync('vectors', () => services.vectors.get(missing, ctx.signal))) vectors.set(id, vector);
    }
    const result = watch.time('policy', () =>
      applyPolicy(
        slice.map((hit) => {
          const candidate = rerankCandidate(hit, facts.get(hit.id)!, vectors.get(hit.id));
          return { id: hit.id, photographer: candidate.candidate.photographer, clip: candidate.vector ?? null, candidate };
        }),
        { duplicateCosine: settings.duplicate_cosine, maxPerPhotographer: settings.max_per_photographer, exclude },
      ),
    );
    if (result.kept.length >= wanted || prefix >= fused.length) {
      return { settings, kept: result.kept.map((hit) => hit.candidate), dropped: result.dropped };
    }
    prefix = Math.min(fused.length, prefix * 2);
  }
}

async function secondPassStage(ctx: RequestContext, plan: Plan<Query>, input: { pass: SecondPass; kept: RerankCandidate[]; query: Query; profile: Promise<UserProfile> | undefined }): Promise<RankedHit[]> {
  const { pass, kept, query, profile } = input;
  // Started with the request; usually read by now.
  const user = await profile;
  const scored = await ctx.watch.timeAsync('rerank', () => pass.rerank({ ...plan.personalize, queryVector: query.vector, profile: user, signal: ctx.signal }, kept, plan.explain));
  const width = scored.features ? scored.features.length / kept.length : 0;
  return kept
    .map((hit, i) => ({ ...hit, rerank: scored.scores[i]!, score: scored.scores[i]!, contributions: scored.contributions?.[i], features: scored.features?.subarray(i * width, (i + 1) * width) }))
    .sort((a, b) => b.score - a.score || b.fused - a.fused);
}

/** The randomized swap and the feature log (see learning/learning-stage.ts), with the profile when the request read one. */
async function learnStage(ctx: RequestContext, input: { learn: NonNullable<Plan<Query>['learn']>; page: { page: number; k: number }; ranked: RankedHit[]; query: Query; profile: Promise<UserProfile> | undefined }) {
  const profile = input.profile ? await input.profile : undefined;
  // A policy without duplicate removal reads no vectors; the logged CLIP and profile features need them.
  const missing = input.ranked.filter((hit) => !hit.vector && !hit.features).map((hit) => hit.id);
  const vectors = missing.length > 0 && (ctx.services.learning ?? DEFAULT_LEARNING).logFeatures ? await ctx.watch.timeAsync('vectors', () => ctx.services.vectors.get(missing, ctx.signal)) : undefined;
  const ranked = vectors ? input.ranked.map((hit) => (hit.vector || !vectors.has(hit.id) ? hit : { ...hit, vector: vectors.get(hit.id) })) : input.ranked;
  const context = { ...input.learn, ...(input.query.vector ? { queryVector: input.query.vector } : {}), ...(profile ? { profile } : {}) };
  const settings = ctx.services.learning ?? DEFAULT_LEARNING;
  return ctx.watch.time('log', () => learningStage({ ranked, page: input.page, context, pass: ctx.services.secondPass, requestId: ctx.requestId, settings }));
}

/** One page of ranked hits as the API shows them (1-based page of k), texts read for it alone (cached). */
async function present(ctx: RequestContext, ranked: RankedHit[], page: { page: number; k: number }, explain: boolean): Promise<RankedPhoto[]> {
  const start = (page.page - 1) * page.k;
  const hits = ranked.slice(start, start + page.k);
  const { services } = ctx;
  const sources = await ctx.watch.timeAsync('display', () => services.texts.get(hits.map((h) => h.id), ctx.signal));
  return hits.map((hit, i) => ({
    ...photoView(hit.id, sources.get(hit.id)),
    rank: start + i + 1,
    score: hit.score,
    scores: { ...hit.lists, fused: hit.fused, ...(hit.rerank !== undefined ? { rerank: hit.rerank } : {}) },
    ...(explain && hit.contributions ? { contributions: hit.contributions } : {}),
    ...(hit.team !== undefined ? { team: hit.team } : {}),
  }));
}

function photoView(id: string, source: PhotoSource | undefined): PhotoView {
  return {
    photo_id: id,
    url: source?.url ?? null,
    image_url: source?.image_url ?? null,
    description: source?.description ?? source?.ai_description ?? null,
    photographer: source?.photographer?.username ?? null,
    country: source?.location?.country ?? null,
    orientation: source?.orientation ?? null,
    colors: (source?.colors ?? []).flatMap((c) => (c.name ? [c.name] : [])),
  };
}
