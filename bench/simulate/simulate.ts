import pLimit from 'p-limit';
import { Random } from '../../ltr/random.ts';
import { fnv1a32 } from '../../sidecar/experiments/bucket.ts';
import { createError } from '../../es-mappings/errors.ts';
import { DEFAULT_CLICK_MODEL, lookDown, type ClickModel, type SeenHit } from './click-model.ts';
import { readPopulation, type Population, type SimulatedUser } from './population.ts';

export interface SimulateOptions {
  /** A generated world's folder (its `truth/` is read). */
  dataDir: string;
  /** The running sidecar. */
  sidecar: string;
  searches: number;
  seed?: number;
  /** Sessions played at once. */
  concurrency?: number;
  /** Hits per page. */
  k?: number;
  /** Stop starting sessions after this long (the searches run so far are summarized). */
  maxSeconds?: number;
  clickModel?: ClickModel;
  /** The search mode asked of the sidecar. */
  mode?: 'keyword' | 'clip' | 'hybrid';
  onProgress?: (done: number) => void;
}

interface Tally {
  searches: number;
  clicks: number;
  downloads: number;
}

export interface SimulationSummary {
  seed: number;
  sidecar: string;
  sessions: number;
  searches: number;
  clicks: number;
  downloads: number;
  searches_with_click: number;
  feedback_posted: number;
  errors: number;
  first_error?: string;
  /** The experiment the sidecar said it ran, and per arm: ab's searches served by it; clicks and downloads on its hits (its team's, when interleaved). */
  experiment: { name: string; method: string } | null;
  arms: Record<string, Tally>;
  click_model: ClickModel & { examination: string };
  stopped_early: boolean;
  seconds: number;
}

interface Session {
  index: number;
  user: SimulatedUser;
  searches: number;
}

interface SearchAnswer {
  request_id: string;
  hits: Array<SeenHit & { team?: string }>;
  experiment?: { name: string; method: string; arm?: string };
}

/**
 * Plays the world's users against a running sidecar: each session picks a user (as often as the
 * truth says they come back), who issues one to three searches with a word of one of their topics
 * (a favourite topic 85% of the time, as the generator draws them), looks down the page with the
 * click model, and posts each click and download to `/feedback` with the search's `request_id`.
 * Non-clicks are not posted: the generator's users leave no skips, and a skip would lower the
 * profile. Each session draws from its own seeded stream, so the same seed plays the same sessions
 * whatever the concurrency; what the sidecar answers can still depend on the order feedback lands.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationSummary> {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const model = options.clickModel ?? DEFAULT_CLICK_MODEL;
  const k = options.k ?? 10;
  if (!(options.searches > 0)) throw createError('INVALID_ARGUMENT', `simulate: --searches must be positive, got ${options.searches}`);
  const base = options.sidecar.replace(/\/$/, '');
  const population = await readPopulation(options.dataDir);
  const sessions = planSessions(population, options.searches, seed);
  const deadline = started + (options.maxSeconds ?? 3_600) * 1000;
  const summary: SimulationSummary = {
    seed,
    sidecar: base,
    sessions: 0,
    searches: 0,
    clicks: 0,
    downloads: 0,
    searches_with_click: 0,
    feedback_posted: 0,
    errors: 0,
    experiment: null,
    arms: {},
    click_model: { ...model, examination: `r^-${model.eta}` },
    stopped_early: false,
    seconds: 0,
  };
  const arm = (name: string): Tally => (summary.arms[name] ??= { searches: 0, clicks: 0, downloads: 0 });
  const fail = (error: unknown) => {
    summary.errors += 1;
    summary.first_error ??= error instanceof Error ? error.message : String(error);
  };

  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(
    sessions.map((session) =>
      limit(async () => {
        if (Date.now() > deadline) {
          summary.stopped_early = true;
          return;
        }
        summary.sessions += 1;
        const r = new Random(fnv1a32(`${seed}:${session.index}`));
        for (let s = 0; s < session.searches; s++) {
          const { topic, words } = pickQuery(r, population, session.user);
          // Drawn before the request, so the stream does not depend on what the sidecar answers.
          const pageRandom = new Random(fnv1a32(`${seed}:${session.index}:${s}`));
          let answer: SearchAnswer;
          try {
            answer = await postJson<SearchAnswer>(`${base}/search`, { q: words, user: session.user.id, country: session.user.country, k, ...(options.mode ? { mode: options.mode } : {}) });
          } catch (error) {
            fail(error);
            continue;
          }
          summary.searches += 1;
          options.onProgress?.(summary.searches);
          if (answer.experiment) summary.experiment ??= { name: answer.experiment.name, method: answer.experiment.method };
          if (answer.experiment?.arm) arm(answer.experiment.arm).searches += 1;
          const outcomes = lookDown(pageRandom, population, session.user, topic, answer.hits, model);
          if (outcomes.some((o) => o.clicked)) summary.searches_with_click += 1;
          for (const [i, outcome] of outcomes.entries()) {
            const team = answer.hits[i]!.team;
            for (const type of ['click', 'download'] as const) {
              if (type === 'click' ? !outcome.clicked : !outcome.downloaded) continue;
              if (type === 'click') summary.clicks += 1;
              else summary.downloads += 1;
              if (team) arm(team)[type === 'click' ? 'clicks' : 'downloads'] += 1;
              try {
                await postJson(`${base}/feedback`, { user: session.user.id, photo: outcome.photo_id, type, query: words, country: session.user.country, request_id: answer.request_id });
                summary.feedback_posted += 1;
              } catch (error) {
                fail(error);
              }
            }
          }
        }
      }),
    ),
  );
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

/** The sessions of a run, fixed by the seed before any request: who comes and how many searches each makes. */
export function planSessions(population: Population, searches: number, seed: number): Session[] {
  const r = new Random(seed);
  const weights = population.users.map((u) => u.sessions);
  const sessions: Session[] = [];
  for (let planned = 0; planned < searches; ) {
    const count = Math.min(r.int(1, 3), searches - planned);
    sessions.push({ index: sessions.length, user: population.users[r.weighted(weights)]!, searches: count });
    planned += count;
  }
  return sessions;
}

/** A topic of the user's (85%: by their tastes; else any) and one of its words, earlier words likelier (the generator's 1/(i+1)). */
export function pickQuery(r: Random, population: Population, user: SimulatedUser): { topic: string; words: string } {
  const all = Object.keys(population.topicWords);
  const own = Object.entries(user.topics);
  const topic = own.length > 0 && r.chance(0.85) ? own[r.weighted(own.map(([, w]) => w))]![0] : r.pick(all);
  const vocabulary = population.topicWords[topic] ?? [topic];
  return { topic, words: vocabulary[r.weighted(vocabulary.map((_, i) => 1 / (i + 1)))]! };
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw createError('PROCESS_FAILED', `simulate: ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
