import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../bench/simulate/simulate.ts';
import { testClient, uniqueAlias } from '../../test/es.ts';
import { testSidecar, useWorldSidecar } from '../../test/world-sidecar.ts';
import { WORLD_MODEL_DIR } from '../clip/index.ts';
import type { SearchResponse } from '../pipeline/response-schema.ts';
import { listen, type RunningSidecar } from '../serve.ts';
import { openExperiment } from './experiment.ts';
import { parseExperiment } from './experiment-config.ts';
import { readExperimentEvents } from './report/read-events.ts';
import { abReport, interleaveReport } from './report/report.ts';

const client = testClient();
const alias = uniqueAlias('experiment');
const fixture = useWorldSidecar(client, alias, { photos: 300, users: 40, seed: 31, modelDir: WORLD_MODEL_DIR }, { modelDir: WORLD_MODEL_DIR });
const running: RunningSidecar[] = [];
afterAll(async () => {
  for (const sidecar of running) await sidecar.stop();
});

async function search(url: string, body: Record<string, unknown>): Promise<SearchResponse> {
  const response = await fetch(`${url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as SearchResponse;
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** A listening sidecar over the test world running `experiment`; stopping it flushes its events. */
async function sidecarWith(experiment: unknown): Promise<RunningSidecar & { services: Awaited<ReturnType<typeof testSidecar>>['services'] }> {
  const { services } = await testSidecar(client, alias, { modelDir: WORLD_MODEL_DIR });
  services.experiment = await openExperiment(parseExperiment(experiment));
  const sidecar = await listen(services, 0);
  running.push(sidecar);
  return { ...sidecar, services };
}

describe('an experiment end to end: serve, simulated users, report', () => {
  it('interleaving the hybrid order against itself reversed: the simulated users prefer the hybrid order (p < 0.01)', async () => {
    const name = `${alias}-bad-arm`;
    const sidecar = await sidecarWith({ name, method: 'interleave', arms: { none: { models: null }, reversed: { models: null, reverse: true } } });
    const experiments = (await (await fetch(`${sidecar.url}/experiments`)).json()) as { experiment: { name: string; control: string; arms: Record<string, { reverse: boolean }> } };
    expect(experiments.experiment).toMatchObject({ name, control: 'none', arms: { none: { reverse: false }, reversed: { reverse: true } } });

    const summary = await simulate({ dataDir: fixture.world.dir, sidecar: sidecar.url, searches: 150, seed: 3, concurrency: 2 });
    expect(summary.errors, summary.first_error).toBe(0);
    expect(summary.searches).toBe(150);
    expect(summary.experiment).toEqual({ name, method: 'interleave' });
    expect(summary.clicks).toBeGreaterThan(30);
    await sidecar.stop();

    const events = await readExperimentEvents(client, name);
    expect(events.method).toBe('interleave');
    expect(events.arms).toEqual(['none', 'reversed']);
    expect(events.searches).toHaveLength(150);
    // Every served hit was logged with its team. The team draft alternates; the policy, walking the
    // merged order, may drop a pick (a near-duplicate, a photographer over the cap), so a page can be
    // a little off balance, but over all pages the teams share the places evenly.
    let none = 0;
    let all = 0;
    for (const search of events.searches) {
      const teams = [...search.teams.values()];
      expect(teams.every((t) => t === 'none' || t === 'reversed')).toBe(true);
      none += teams.filter((t) => t === 'none').length;
      all += teams.length;
    }
    expect(none / all).toBeGreaterThan(0.45);
    expect(none / all).toBeLessThan(0.55);
    const report = interleaveReport(name, ['none', 'reversed'], events.searches, events.feedback, { resamples: 500 });
    expect(report.searches_with_feedback).toBeGreaterThan(20);
    expect(report.wins.none).toBeGreaterThan(report.wins.reversed!);
    expect(report.p).toBeLessThan(0.01);
    expect(report.winner).toBe('none');
    expect(report.delta).toBeGreaterThan(0);
    expect(report.ci95[0]).toBeGreaterThan(0);
    // The simulator's own count of clicks per team is what the report credits from the logs.
    expect(report.arms.none!.credit + report.arms.reversed!.credit).toBe(summary.clicks);
    // Every search was a first page: each has a first pick, from the logged order; a fair coin shows no mismatch.
    const firstPick = report.srm.checks.first_pick!;
    expect(firstPick.observed.none! + firstPick.observed.reversed!).toBe(150);
    expect(firstPick.expected).toEqual({ none: 75, reversed: 75 });
    expect(report.srm.mismatch).toBe(false);
    // Which team the shown pages lean to is an effect of the arms (the policy drops more of one
    // arm's picks), reported beside the check and never a mismatch; it counts the unbalanced pages.
    const balance = report.srm.diagnostics!.page_balance!;
    const unbalanced = events.searches.filter((s) => {
      const teams = [...s.teams.values()];
      return teams.filter((t) => t === 'none').length * 2 !== teams.length;
    });
    expect(balance.observed.none! + balance.observed.reversed!).toBe(unbalanced.length);
  });

  it('A/B: each user keeps one arm, the response and the event say which, and the report splits the searches by it', async () => {
    const name = `${alias}-ab`;
    const sidecar = await sidecarWith({ name, method: 'ab', arms: { none: { models: null }, wide: { models: null, policy: { max_per_photographer: 1 } } } });
    const user = fixture.world.users[0]!;
    const first = await search(sidecar.url, { q: 'cat', user });
    expect(first.experiment).toMatchObject({ name, method: 'ab', arms: ['none', 'wide'] });
    const arm = first.experiment!.arm!;
    expect(first.hits.every((h) => h.team === arm)).toBe(true);
    for (const q of ['dog', 'beach', 'coffee']) {
      expect((await search(sidecar.url, { q, user })).experiment?.arm).toBe(arm);
    }
    // Without a user: the client's key buckets, else the control.
    expect((await search(sidecar.url, { q: 'cat' })).experiment?.arm).toBe('none');
    const keyed = await Promise.all(Array.from({ length: 12 }, (_, i) => search(sidecar.url, { q: 'cat', experiment_key: `visitor-${i}` })));
    expect(new Set(keyed.map((r) => r.experiment?.arm))).toEqual(new Set(['none', 'wide']));

    const summary = await simulate({ dataDir: fixture.world.dir, sidecar: sidecar.url, searches: 60, seed: 5, concurrency: 2 });
    expect(summary.errors, summary.first_error).toBe(0);
    await sidecar.stop();
    const events = await readExperimentEvents(client, name);
    expect(events.searches).toHaveLength(60 + 17);
    const report = abReport(name, events.arms, events.searches, events.feedback);
    expect(report.arms.none!.searches + report.arms.wide!.searches).toBe(77);
    expect(report.arms.none!.searches).toBeGreaterThan(0);
    expect(report.arms.wide!.searches).toBeGreaterThan(0);
    expect(report.arms.none!.clicks + report.arms.wide!.clicks).toBe(summary.clicks);
    expect(report.p).toBeGreaterThanOrEqual(0);
    // The users split by the hash; the 17 searches above without a user are not in the split.
    const units = report.srm.checks.units!;
    expect(units.observed.none! + units.observed.wide!).toBe(new Set(events.searches.flatMap((s) => (s.user ? [s.user] : []))).size);
    expect(report.srm.checks.searches!.observed.none! + report.srm.checks.searches!.observed.wide!).toBe(events.searches.filter((s) => s.user).length);
  });
});
