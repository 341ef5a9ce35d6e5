import { setImmediate } from 'node:timers/promises';
import type { SearchLogFields } from '../../ltr/learning/logged-search.ts';
import type { Candidate, RerankCandidate, RerankContext, SecondPass } from '../../ltr/second-pass.ts';
import { thumbnailUrl } from '../images/thumbnail-url.ts';
import { servingSharedFeatures } from '../rerank/feature-inputs.ts';
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
  /**
   * Lists that need nothing the request computes (a hybrid search's keyword list), retrieved beside
   * `embed` instead of after it: Elasticsearch answers them on one core while the encoder runs on the
   * other. They come before `retrieve`'s lists.
   */
  retrieveEarly?(ctx: RequestContext): Promise<Retrieved[]>;
  fusion?: FusionOptions;
  /** The request's policy over the defaults; `off` keeps every hit (the ES-compatible route answers all of Elasticsearch's). */
  policy?: PolicyOptionsInput | 'off';
  /** Whom the second pass ranks for; without it (or without a pass loaded) the first-stage order stands. */
  personalize?: { user: string; query?: string; country?: string; language?: string };
  /** The page served (1-based, of k hits); without one the ranked hits are returned without texts. */
  page?: { page: number; k: number };
  explain: boolean;
  /** Present when the request is logged for learning (search-events): its randomized swap and feature vectors. */
  learn?: { user?: string; query?: string; country?: string; language?: string };
  /**
   * The rankings an experiment compares, in place of the sidecar's one second pass: each ranker
   * orders the window (its own pass, or the first-stage order without one), `combine` makes one
   * order of their orders (an A/B arm's alone, or the two interleaved), and the policy walks that.
   */
  rankings?: { rankers: Ranker[]; combine(orders: RankedHit[][]): RankedHit[] };
}

/** One way of ordering the window: a second pass (none: the first-stage order), optionally served upside down. */
export interface Ranker {
  /** The arm's name, where the result reports what it did per ranker. */
  name?: string;
  pass?: SecondPass;
  /** A deliberately bad ranking, to check that an experiment finds a loser. */
  reverse?: boolean;
  /** Its own fusion over the plan's: the same retrieved lists fused its way (never retrieved again). */
  fusion?: FusionOptions;
  /**
   * Its own policy over the plan's. When any ranker has one, each ranker's order goes through its
   * own policy before `combine`, and the combined order is not walked again.
   */
  policy?: PolicyOptionsInput;
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
  /** The hits the policy kept, in the final order: as far as the page needed it to walk (every hit without a page). */
  ranked: RankedHit[];
  personalized: boolean;
  /** The second pass's version when it ranked the hits. */
  modelVersion: string | null;
  took: Record<string, number>;
  retrieved: Retrieved[];
  fusion: Record<string, unknown>;
  policy: Record<string, unknown> & { dropped: Array<{ photo_id: string; reason: string; of?: string }> };
  /** With `plan.learn`: the swap and the feature log for `search-events`, made when called (after the answer went out). */
  log?: () => Promise<LoggedFields>;
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

  const early = plan.retrieveEarly ? watch.timeAsync('retrieve_early', () => plan.retrieveEarly!(ctx)) : undefined;
  // Awaited after the embedding; if that fails first, this failure must not become an unhandled rejection.
  early?.catch(() => {});
  // The encoder runs on this thread and holds it: let the reads started above reach their sockets first.
  if (plan.embed && (early || profile)) await setImmediate();
  // A plan without `embed` (a keyword search) retrieves with the empty query: every field of one is optional.
  const query = plan.embed ? await watch.timeAsync('embed', () => plan.embed!(ctx, profile)) : ({} as Q);
  const late = await watch.timeAsync('retrieve', () => plan.retrieve(ctx, query));
  const retrieved = early ? [...(await early), ...late] : late;
  const facts = mergeCandidates(retrieved);
  const fusion = fusionSettings(services.ranking, plan.fusion);
  const reranks = passes.map((pass) => (query.personal === false ? undefined : pass));
  // Rankers that fuse alike share one fused list, one window and the model-free features; a ranker
  // with its own fusion fuses the same retrieved lists its way. Without such a ranker there is one group.
  const groups = watch.time('fuse', () => fusionGroups(retrieved, facts, fusion, rankers, (ranker) => fusionSettings(services.ranking, plan.fusion, ranker.fusion)));
  // With a second pass, it ranks the window first and the policy walks its order: duplicates and
  // the photographer cap are judged in the order the user sees, and only as far as the page needs.
  // In an experiment each arm orders the same window (read once; an arm with its own fusion, its
  // fusion's order of the same photos), and the policy walks the combined order, so the page an
  // interleaving serves keeps the policy too (unless an arm has its own: see policyPerRanker).
  const windows = await windowStage(
    ctx,
    query,
    groups.map((group) => (group.rankers.some((i) => reranks[i]) ? group.fused : undefined)),
    facts,
  );
  const contexts = await Promise.all(groups.map((group, g) => (windows[g] ? rerankContext(ctx, plan, { window: windows[g], query, profile, rankers: group.rankers.filter((i) => reranks[i]).length }) : undefined)));
  const orders = await Promise.all(
    rankers.map(async (ranker, i): Promise<RankedHit[]> => {
      const rerank = reranks[i];
      const g = groups.findIndex((group) => group.rankers.includes(i));
      const window = windows[g];
      const context = contexts[g];
      const order = rerank && window && context ? await secondPassStage(ctx, plan, { pass: rerank, window, context }) : groups[g]!.fused.map((hit) => firstStageHit(hit, facts));
      return ranker.reverse ? order.reverse() : order;
    }),
  );
  const policy = rankers.some((ranker) => ranker.policy) ? await policyPerRanker(ctx, plan, rankers, orders, query.exclude) : undefined;
  const ordered = plan.rankings ? watch.time('combine', () => plan.rankings!.combine(policy ? policy.kept : orders)) : orders[0]!;
  const walked: { settings: Record<string, unknown>; kept: RankedHit[]; dropped: Array<{ hit: RankedHit; reason: string; of?: string; ranker?: string }> } = policy
    ? { settings: policy.settings, kept: ordered, dropped: policy.dropped }
    : await policyStage(ctx, plan.policy, plan.page, ordered, query.exclude);
  // Learning's part: the randomized swap on the served order, the feature log over the window the
  // second pass ranks (its rank features are relative to that window).
  const learned = plan.learn && plan.page ? learnStage(ctx, { route: plan.route, learn: plan.learn, page: plan.page, ranked: walked.kept, window: learningWindow(orders[0]!, query.exclude), query, profile }) : undefined;
  const ranked = learned ? [...learned.ranked] : walked.kept;
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
    fusion: retrieved.length > 1 ? { ...fusion, ...perRanker(rankers, groups.length > 1, (_, i) => groups.find((group) => group.rankers.includes(i))!.settings) } : { method: 'none', list: retrieved[0]?.list.name },
    policy: { ...walked.settings, dropped: walked.dropped.map((d) => ({ photo_id: d.hit.id, reason: d.reason, ...(d.of ? { of: d.of } : {}), ...(d.ranker !== undefined ? { arm: d.ranker } : {}) })) },
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

/** The defaults with each of `overrides` over the one before (the request's, then an arm's). */
export function fusionSettings(defaults: RankingDefaults, ...overrides: Array<FusionOptions | undefined>): FusionSettings {
  let settings: FusionSettings = { ...defaults.fusion, weights: { ...defaults.fusion.weights } };
  for (const options of overrides) settings = { ...settings, ...options, weights: { ...settings.weights, ...options?.weights } };
  return settings;
}

/** Rankers that fuse alike, with their fused list: the plan's fusion first (every ranker without its own), then one per ranker with its own. */
interface FusionGroup {
  settings: FusionSettings;
  fused: FusedHit[];
  /** Indices into the plan's rankers. */
  rankers: number[];
}

function fusionGroups(retrieved: readonly Retrieved[], facts: Map<string, Candidate>, shared: FusionSettings, rankers: readonly Ranker[], own: (ranker: Ranker) => FusionSettings): FusionGroup[] {
  const fuse = (settings: FusionSettings) => fuseLists(retrieved.map((r) => r.list), settings).filter((hit) => facts.has(hit.id));
  const plain = rankers.flatMap((ranker, i) => (ranker.fusion ? [] : [i]));
  const groups: FusionGroup[] = plain.length > 0 || rankers.length === 0 ? [{ settings: shared, fused: fuse(shared), rankers: plain }] : [];
  rankers.forEach((ranker, i) => {
    if (!ranker.fusion) return;
    const settings = own(ranker);
    groups.push({ settings, fused: fuse(settings), rankers: [i] });
  });
  return groups;
}

/** `{per_arm: {<ranker>: what}}` when the rankers differ in it, else nothing. */
function perRanker<T>(rankers: readonly Ranker[], differ: boolean, what: (ranker: Ranker, i: number) => T): { per_arm?: Record<string, T> } {
  if (!differ) return {};
  return { per_arm: Object.fromEntries(rankers.map((ranker, i) => [ranker.name ?? String(i), what(ranker, i)])) };
}

/** The one place a candidate of the second pass is made: the fused hit, what ranking knows of it, its vector. */
export function rerankCandidate(hit: FusedHit, candidate: Candidate, vector: Float32Array | undefined): RerankCandidate {
  return { id: hit.id, candidate, vector, lists: hit.lists, fused: hit.score };
}

const POLICY_OFF = { duplicate_cosine: 1, max_per_photographer: 0 };

/** A fused hit as the first stage ranked it, its vector not read yet. */
function firstStageHit(hit: FusedHit, facts: Map<string, Candidate>): RankedHit {
  return rankedHit(rerankCandidate(hit, facts.get(hit.id)!, undefined), { score: hit.score });
}

/**
 * A ranked hit from a candidate (or another ranked hit), field by field: an object spread
 * (`{ ...hit, score }`) cost 3–4 µs a hit in V8 here (0.6–0.8 ms for a 200-hit window, 1 ms per
 * request in a CPU profile of the sidecar), this 0.08 µs.
 */
export function rankedHit(hit: RerankCandidate & Partial<RankedHit>, fields: Partial<RankedHit> & { score: number }): RankedHit {
  return {
    id: hit.id,
    candidate: hit.candidate,
    vector: hit.vector,
    lists: hit.lists,
    fused: hit.fused,
    rerank: 'rerank' in fields ? fields.rerank : hit.rerank,
    score: fields.score,
    contributions: 'contributions' in fields ? fields.contributions : hit.contributions,
    features: 'features' in fields ? fields.features : hit.features,
    team: 'team' in fields ? fields.team : hit.team,
  };
}

/**
 * Every candidate of each fused list asked for (undefined: none needed) with its vector, for the
 * second pass (which scores them all); the request's exclusions left out. The fused lists of one
 * request hold the same photos in other orders, so the vectors are read once for all of them.
 */
async function windowStage(ctx: RequestContext, query: Query, lists: ReadonlyArray<FusedHit[] | undefined>, facts: Map<string, Candidate>): Promise<Array<RerankCandidate[] | undefined>> {
  if (!lists.some(Boolean)) return lists.map(() => undefined);
  const exclude = new Set(query.exclude ?? []);
  const kept = lists.map((fused) => fused?.filter((hit) => !exclude.has(hit.id)));
  const ids = [...new Set(kept.flatMap((window) => (window ?? []).map((hit) => hit.id)))];
  const vectors = await ctx.watch.timeAsync('vectors', () => ctx.services.vectors.get(ids, ctx.signal));
  return kept.map((window) => window?.map((hit) => rerankCandidate(hit, facts.get(hit.id)!, vectors.get(hit.id))));
}

/**
 * Exclusions, duplicates, the photographer cap, over the hits in their final order. The policy
 * walks only as far as the page needs (widening while it is not full), and vectors are read only
 * for the hits it walks that have none yet (after a second pass, every hit has its vector).
 */
async function policyStage(ctx: RequestContext, policy: Plan<Query>['policy'], page: Plan<Query>['page'], ordered: RankedHit[], excluded: readonly string[] | undefined) {
  const { services, watch } = ctx;
  const settings = policy === 'off' ? POLICY_OFF : { ...services.ranking.policy, ...policy };
  const wanted = page ? page.page * page.k : ordered.length;
  const needVectors = settings.duplicate_cosine < 1;
  const exclude = excluded && excluded.length > 0 ? new Set(excluded) : undefined;
  let prefix = Math.min(ordered.length, Math.max(wanted * 2, 20));
  for (;;) {
    const slice = ordered.slice(0, prefix);
    if (needVectors) {
      const missing = slice.filter((hit) => !hit.vector).map((hit) => hit.id);
      if (missing.length > 0) {
        const vectors = await watch.timeAsync('vectors', () => services.vectors.get(missing, ctx.signal));
        for (const hit of slice) hit.vector ??= vectors.get(hit.id);
      }
    }
    const result = watch.time('policy', () =>
      applyPolicy(
        slice.map((hit) => ({ id: hit.id, photographer: hit.candidate.photographer, clip: hit.vector ?? null, hit })),
        { duplicateCosine: settings.duplicate_cosine, maxPerPhotographer: settings.max_per_photographer, exclude },
      ),
    );
    if (result.kept.length >= wanted || prefix >= ordered.length) {
      return { settings, kept: result.kept.map((kept) => kept.hit), dropped: result.dropped.map((d) => ({ ...d, hit: d.hit.hit })) };
    }
    prefix = Math.min(ordered.length, prefix * 2);
  }
}

/**
 * Each ranker's order through its own policy (the plan's, under the ranker's own): when an arm of an
 * interleaving has a policy override, its picks obey its rules, and the team draft merges what each
 * policy kept. Each walks as far as the whole page needs, since the other team may have placed its
 * best photos first. The settings reported are the plan's, with each ranker's under `per_arm`.
 */
async function policyPerRanker(ctx: RequestContext, plan: Plan<Query>, rankers: readonly Ranker[], orders: RankedHit[][], excluded: readonly string[] | undefined) {
  const walked = await Promise.all(rankers.map((ranker, i) => policyStage(ctx, plan.policy === 'off' ? 'off' : { ...plan.policy, ...ranker.policy }, plan.page, orders[i]!, excluded)));
  const shared = plan.policy === 'off' ? POLICY_OFF : { ...ctx.services.ranking.policy, ...plan.policy };
  return {
    settings: { ...shared, ...perRanker(rankers, true, (_, i) => walked[i]!.settings) },
    kept: walked.map((w) => w.kept),
    dropped: walked.flatMap((w, i) => w.dropped.map((d) => ({ ...d, ranker: rankers[i]!.name ?? String(i) }))),
  };
}

/**
 * What every second pass of the request is told: the request, the query's vector, the profile
 * (started with the request; usually read by now). With several passes (an experiment's arms over
 * the same window) the model-free feature columns are computed here once, and each pass adds only
 * its own models' columns.
 */
async function rerankContext(ctx: RequestContext, plan: Plan<Query>, input: { window: RerankCandidate[]; query: Query; profile: Promise<UserProfile> | undefined; rankers: number }): Promise<RerankContext> {
  const user = await input.profile;
  const context: RerankContext = { ...plan.personalize, queryVector: input.query.vector, profile: user, signal: ctx.signal };
  if (input.rankers < 2 || input.window.length === 0) return context;
  return { ...context, sharedFeatures: ctx.watch.time('features', () => servingSharedFeatures(context, input.window)) };
}

async function secondPassStage(ctx: RequestContext, plan: Plan<Query>, input: { pass: SecondPass; window: RerankCandidate[]; context: RerankContext }): Promise<RankedHit[]> {
  const { pass, window, context } = input;
  if (window.length === 0) return [];
  const scored = await ctx.watch.timeAsync('rerank', () => pass.rerank(context, window, plan.explain));
  const width = scored.features ? scored.features.length / window.length : 0;
  return window
    .map((hit, i) => rankedHit(hit, { rerank: scored.scores[i]!, score: scored.scores[i]!, contributions: scored.contributions?.[i], features: scored.features?.subarray(i * width, (i + 1) * width) }))
    .sort((a, b) => b.score - a.score || b.fused - a.fused);
}

/**
 * The randomized swap, now (it changes the page), and the feature log, made later by `log()` (see
 * learning/learning-stage.ts): with the profile when the request read one, and the vectors of the
 * window's hits that have none yet (without a second pass only the hits the policy walked have
 * them), read without the request's signal since the answer is out by then.
 */
function learnStage(ctx: RequestContext, input: { route: string; learn: NonNullable<Plan<Query>['learn']>; page: { page: number; k: number }; ranked: RankedHit[]; window: RankedHit[]; query: Query; profile: Promise<UserProfile> | undefined }): { ranked: readonly RankedHit[]; log: () => Promise<LoggedFields> } {
  const { services } = ctx;
  const settings = services.learning ?? DEFAULT_LEARNING;
  const learned = learningStage({ ranked: input.ranked, page: input.page, requestId: ctx.requestId, settings });
  const pass = services.secondPass;
  return {
    ranked: learned.ranked,
    async log() {
      const started = performance.now();
      const profile = input.profile ? await input.profile.catch(() => undefined) : undefined;
      const missing = input.window.filter((hit) => !hit.vector && !hit.features).map((hit) => hit.id);
      if (missing.length > 0 && settings.logFeatures) {
        const vectors = await services.vectors.get(missing);
        for (const hit of input.window) hit.vector ??= vectors.get(hit.id);
      }
      const context = { ...input.learn, ...(input.query.vector ? { queryVector: input.query.vector } : {}), ...(profile ? { profile } : {}) };
      const fields = learned.log({ window: input.window, context, pass });
      const ms = Math.round((performance.now() - started) * 10) / 10;
      services.metrics.recordStages(input.route, { log: ms });
      return { fields, ms };
    },
  };
}

/** The feature log of a served search, and the milliseconds it took to make (after the answer). */
export interface LoggedFields {
  fields: SearchLogFields;
  ms: number;
}

/** The candidates a second pass would rank: the window in any arm's order, the request's exclusions left out. */
function learningWindow(order: RankedHit[], exclude: readonly string[] | undefined): RankedHit[] {
  if (!exclude || exclude.length === 0) return order;
  const excluded = new Set(exclude);
  return order.filter((hit) => !excluded.has(hit.id));
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
    thumbnail_url: thumbnailUrl(id),
    description: source?.description ?? source?.ai_description ?? null,
    photographer: source?.photographer?.username ?? null,
    country: source?.location?.country ?? null,
    orientation: source?.orientation ?? null,
    colors: (source?.colors ?? []).flatMap((c) => (c.name ? [c.name] : [])),
  };
}
