import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnServe, type RunningSidecar } from '../../bench/search/sidecar.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';
import { dropAlias, testClient, uniqueAlias } from '../../test/es.ts';
import { ingestTestWorld, type TestWorld } from '../../test/world-sidecar.ts';
import { MANIFEST_FILE } from '../../ltr/pipeline/models-dir.ts';
import type { PipelineProgress } from '../../ltr/pipeline/progress.ts';
import { trainLtr } from '../../ltr/pipeline/train-ltr.ts';
import { loadClipEncoder } from '../clip/index.ts';
import { replayFirstStage } from '../retrieval/first-stage.ts';
import type { SearchResponse } from '../pipeline/response-schema.ts';

/**
 * `pixrank serve --experiment FILE` and `--models DIR` as deployed (child processes): SIGHUP rereads
 * the file (or the folder) and the new experiment (or models) serves once it has loaded; one that
 * does not load leaves the running one serving and the log says why. A small world with the tiny
 * CLIP keeps it light (`pixrank train` needs a few hundred photos and users to fit anything).
 */
const client = testClient();
const alias = uniqueAlias('reload');
let world: TestWorld;
let sidecar: RunningSidecar | undefined;
let modelsSidecar: RunningSidecar | undefined;
let experimentFile: string;
let logFile: string;

beforeAll(async () => {
  world = await ingestTestWorld(client, alias, { photos: 300, users: 80, seed: 7, modelDir: tinyClipDir });
  experimentFile = join(world.dir, 'experiment.json');
  logFile = join(world.dir, 'serve.log');
  await writeFile(experimentFile, JSON.stringify({ name: `${alias}-first`, method: 'interleave', arms: { none: { models: null }, upside: { models: null, reverse: true } } }));
  sidecar = await spawnServe({ connection: inject('esConnection') }, ['--index', alias, '--model', tinyClipDir, '--experiment', experimentFile, '--swap-share', '0'], { logFile });
}, 300_000);

afterAll(async () => {
  await sidecar?.stop();
  await modelsSidecar?.stop();
  await dropAlias(client, alias);
  await client.close();
});

interface ExperimentsView {
  experiment: { name: string; method: string; control: string; arms: Record<string, { reverse: boolean }> } | null;
}

async function experiments(): Promise<ExperimentsView> {
  const response = await fetch(`${sidecar!.url}/experiments`);
  expect(response.status).toBe(200);
  return (await response.json()) as ExperimentsView;
}

async function search(q: string): Promise<SearchResponse> {
  const response = await fetch(`${sidecar!.url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q, user: world.users[0] }) });
  const json = (await response.json()) as SearchResponse;
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** Polls GET /experiments (up to 30 s) until `done` holds of it; returns the last view. */
async function pollExperiments(done: (view: ExperimentsView) => boolean): Promise<ExperimentsView> {
  const deadline = Date.now() + 30_000;
  let view = await experiments();
  while (!done(view) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    view = await experiments();
  }
  return view;
}

const log = () => readFile(logFile, 'utf8');

describe('serve --experiment FILE reloads on SIGHUP', () => {
  it('serves the file it started with, then the rewritten file after SIGHUP', async () => {
    const before = await experiments();
    expect(before.experiment).toMatchObject({ name: `${alias}-first`, method: 'interleave', control: 'none', arms: { none: { reverse: false }, upside: { reverse: true } } });
    expect((await search('cat')).experiment).toMatchObject({ name: `${alias}-first`, method: 'interleave', arms: ['none', 'upside'] });

    await writeFile(experimentFile, JSON.stringify({ name: `${alias}-second`, method: 'ab', arms: { control: { models: null }, strict: { models: null, policy: { max_per_photographer: 1 } } } }));
    process.kill(sidecar!.pid, 'SIGHUP');
    const after = await pollExperiments((view) => view.experiment?.name === `${alias}-second`);
    expect(after.experiment).toMatchObject({ name: `${alias}-second`, method: 'ab', control: 'control', arms: { control: { reverse: false }, strict: { reverse: false } } });
    const served = await search('dog');
    expect(served.experiment).toMatchObject({ name: `${alias}-second`, method: 'ab', arms: ['control', 'strict'] });
    expect(['control', 'strict']).toContain(served.experiment!.arm);
    expect(await log()).toContain('serve: experiment now');
  });

  it('a file that does not load on SIGHUP (not JSON, or not a valid experiment) keeps the running experiment, and the log says why', async () => {
    const running = await experiments();
    expect(running.experiment?.name).toBe(`${alias}-second`);

    await writeFile(experimentFile, '{"name": "half-written", "method": ');
    process.kill(sidecar!.pid, 'SIGHUP');
    await expect.poll(log, { timeout: 30_000, interval: 200 }).toMatch(/experiment reload failed, the previous one keeps running: .*is not JSON/);
    expect(await experiments()).toEqual(running);

    await writeFile(experimentFile, JSON.stringify({ name: `${alias}-third`, method: 'interleave', arms: { a: { models: null }, b: { models: null }, c: { models: null } } }));
    process.kill(sidecar!.pid, 'SIGHUP');
    await expect.poll(log, { timeout: 30_000, interval: 200 }).toMatch(/experiment reload failed, the previous one keeps running: .*team-draft interleaving takes exactly two arms/);
    expect(await experiments()).toEqual(running);
    expect((await search('beach')).experiment?.name).toBe(`${alias}-second`);

    await writeFile(experimentFile, JSON.stringify({ name: `${alias}-fourth`, method: 'ab', arms: { a: { models: 'no-such-folder' }, b: { models: null } } }));
    process.kill(sidecar!.pid, 'SIGHUP');
    await expect.poll(log, { timeout: 30_000, interval: 200 }).toMatch(/experiment reload failed, the previous one keeps running: .*no-such-folder/);
    expect(await experiments()).toEqual(running);
  });
});

describe('serve --models DIR reloads on SIGHUP', () => {
  const quiet: PipelineProgress = { log: () => {}, tick: () => {}, stop: () => {} };
  let models: string;
  let modelsLog: string;
  const secondPass = async (): Promise<string | null> => ((await (await fetch(`${modelsSidecar!.url}/readyz`)).json()) as { second_pass: string | null }).second_pass;

  beforeAll(async () => {
    models = await mkdtemp(join(tmpdir(), 'reload-models-'));
    const encoder = await loadClipEncoder(tinyClipDir);
    try {
      await trainLtr({ ...replayFirstStage(client, alias, encoder), dataDir: world.dir, out: models, seed: 1, progress: quiet });
    } finally {
      await encoder.close();
    }
    modelsLog = join(world.dir, 'serve-models.log');
    modelsSidecar = await spawnServe({ connection: inject('esConnection') }, ['--index', alias, '--model', tinyClipDir, '--models', models, '--swap-share', '0'], { logFile: modelsLog });
  }, 300_000);

  it('serves the folder it started with, then the folder as rewritten; a folder that does not load keeps the models serving', async () => {
    const manifestFile = join(models, MANIFEST_FILE);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { createdAt: string };
    const before = await secondPass();
    expect(before).toContain(`ltr:${manifest.createdAt}:`);

    // A retrained folder is a new manifest: the version says when it was made.
    const later = new Date(Date.parse(manifest.createdAt) + 60_000).toISOString();
    await writeFile(manifestFile, JSON.stringify({ ...manifest, createdAt: later }));
    process.kill(modelsSidecar!.pid, 'SIGHUP');
    await expect.poll(secondPass, { timeout: 30_000, interval: 200 }).toContain(`ltr:${later}:`);
    expect(await readFile(modelsLog, 'utf8')).toContain('serve: second pass now ltr:');

    const reloaded = await secondPass();
    await writeFile(manifestFile, '{"format": ');
    process.kill(modelsSidecar!.pid, 'SIGHUP');
    await expect.poll(() => readFile(modelsLog, 'utf8'), { timeout: 30_000, interval: 200 }).toContain('serve: reload failed, the previous models keep serving');
    expect(await secondPass()).toBe(reloaded);
    const search = await fetch(`${modelsSidecar!.url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'cat', user: world.users[0] }) });
    expect(search.status).toBe(200);
  });
});
