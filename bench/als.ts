// bench/als.ts — pixrank's implicit ALS against `implicit` (Python, CPU, conjugate gradient) on the
// same matrix and thread count: seconds per iteration on a synthetic users × items × nnz matrix, and
// both models' NDCG@10 on a leave-last-out split of a generated world. Prints a table and writes
// bench/results/als.json. The matrix (.npy CSR), the world and the virtualenv are cached under
// <cache>/bench/als.
// Usage: npm run bench:als [-- --users 100000 --items 100000 --nnz 5000000 --factors 64 --iterations 5 --threads 2]
//        [--rounds 1] (each round times both; the table shows each side's fastest round: other
//        processes on the machine only ever slow a run down) [--photos 1000 --world-users 5000] [--skip-world]
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { cacheDir } from '../es-mappings/paths.ts';
import { readNpy } from '../ingest/vectors/npy.ts';
import { ImplicitAls } from '../ltr/als/implicit-als.ts';
import { pickKernel } from '../ltr/als/kernel.ts';
import { readWorldEvents } from '../ltr/data/events.ts';
import type { Csr } from '../ltr/interactions.ts';
import { ensurePythonEnv, runProgram } from '../sidecar/clip/index.ts';
import { leaveLastOut, ndcgAtK } from './als/holdout.ts';
import { readNpy1d, writeNpy1d } from './als/npy1d.ts';
import { matrixFromCsr, syntheticCsr } from './als/synthetic.ts';
import { machine } from './machine.ts';
import { generateWorld } from './world/generate.ts';
import { createError } from '../es-mappings/errors.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    items: { type: 'string', default: '100000' },
    nnz: { type: 'string', default: '5000000' },
    factors: { type: 'string', default: '64' },
    iterations: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    regularization: { type: 'string', default: '0.01' },
    alpha: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    // 1000 photos × 5000 users: ~17 downloads a user over few enough photos that ALS finds the
    // tastes (NDCG@10 ≈ 0.05 against 0.014 for popularity). At 5000 photos × 2000 users both models
    // score ≈ 0.006, near chance, and the side by side says little.
    photos: { type: 'string', default: '1000' },
    'world-users': { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '1' },
    'skip-world': { type: 'boolean', default: false },
  },
});
const num = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) throw createError('INVALID_ARGUMENT', `bench als: --${name} must be a non-negative number (got ${String(values[name])})`);
  return n;
};
const [users, items, nnz, factors, iterations, threads] = (['users', 'items', 'nnz', 'factors', 'iterations', 'threads'] as const).map(num) as [number, number, number, number, number, number];
const regularization = num('regularization');
const alpha = num('alpha');
const seed = num('seed');
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const root = join(cacheDir(), 'bench', 'als');
const script = fileURLToPath(new URL('./als/implicit_als.py', import.meta.url));
const load = (): number => Math.round(loadavg()[0]! * 100) / 100;

async function writeCsr(dir: string, m: Csr): Promise<void> {
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeNpy1d(join(tmp, 'indptr.npy'), m.indptr);
  await writeNpy1d(join(tmp, 'indices.npy'), m.indices);
  await writeNpy1d(join(tmp, 'data.npy'), m.values);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

async function readCsr(dir: string): Promise<Csr> {
  return { indptr: await readNpy1d(join(dir, 'indptr.npy'), 'int32'), indices: await readNpy1d(join(dir, 'indices.npy'), 'int32'), values: await readNpy1d(join(dir, 'data.npy'), 'float32') };
}

interface ImplicitRun {
  implicit: string;
  numpy: string;
  python: string;
  fit_seconds: number;
  /** CPU time of all the process's threads during the fit. */
  cpu_seconds: number;
  per_iteration: number[];
}

async function runImplicit(python: string, dir: string, shape: { users: number; items: number; iterations: number }, saveFactors?: string): Promise<ImplicitRun> {
  const args = [script, '--dir', dir, '--users', `${shape.users}`, '--items', `${shape.items}`, '--factors', `${factors}`, '--iterations', `${shape.iterations}`,
    '--regularization', `${regularization}`, '--alpha', `${alpha}`, '--threads', `${threads}`, '--seed', `${seed}`];
  if (saveFactors) args.push('--save-factors', saveFactors);
  const result = await runProgram(python, args, { log: () => {}, prefix: 'implicit: ' });
  const last = result.stdout[result.stdout.length - 1];
  if (result.code !== 0 || !last) throw createError('PROCESS_FAILED', `bench als: implicit_als.py exited with code ${result.code}`);
  return JSON.parse(last) as ImplicitRun;
}

async function fitPixrank(m: ReturnType<typeof matrixFromCsr>, its: number): Promise<{ model: ImplicitAls; fitSeconds: number; cpuSeconds: number; perIteration: number[] }> {
  const model = new ImplicitAls({ factors, iterations: its, regularization, alpha, threads, parallelThreshold: 0 });
  const perIteration: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  let mark = started;
  await model.fit(m, {
    seed,
    onProgress: () => {
      const now = performance.now();
      perIteration.push((now - mark) / 1000);
      mark = now;
    },
  });
  const used = process.cpuUsage(cpu);
  return { model, fitSeconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, perIteration };
}

// --- the matrix ---------------------------------------------------------------------------------
const matrixDir = join(root, `synthetic-${users}x${items}x${nnz}-s${seed}`);
if (!existsSync(join(matrixDir, 'data.npy'))) {
  log(`bench als: generating ${users} × ${items} with ${nnz} interactions -> ${matrixDir}`);
  await writeCsr(matrixDir, syntheticCsr({ users, items, nnz, seed }));
}
const byUser = await readCsr(matrixDir);
const matrix = matrixFromCsr(byUser, items);

const env = await ensurePythonEnv({ requirements: fileURLToPath(new URL('./als/requirements.txt', import.meta.url)), root: join(root, 'python'), log });

// --- speed --------------------------------------------------------------------------------------
interface Round {
  load_before_implicit: number;
  implicit: ImplicitRun;
  load_before_pixrank: number;
  pixrank: { fit_seconds: number; cpu_seconds: number; per_iteration: number[] };
  load_after: number;
}
const rounds: Round[] = [];
for (let round = 0; round < Math.max(1, num('rounds')); round++) {
  const loadBefore = load();
  log(`bench als: round ${round + 1}: implicit, ${iterations} iterations on ${threads} threads (load ${loadBefore})`);
  const implicitRun = await runImplicit(env.python, matrixDir, { users, items, iterations });
  const loadBetween = load();
  log(`bench als: round ${round + 1}: pixrank, ${iterations} iterations on ${threads} threads (load ${loadBetween})`);
  const pixrankRun = await fitPixrank(matrix, iterations);
  rounds.push({ load_before_implicit: loadBefore, implicit: implicitRun, load_before_pixrank: loadBetween, pixrank: { fit_seconds: pixrankRun.fitSeconds, cpu_seconds: pixrankRun.cpuSeconds, per_iteration: pixrankRun.perIteration }, load_after: load() });
}
const best = <T,>(xs: T[], key: (x: T) => number): T => xs.reduce((a, b) => (key(b) < key(a) ? b : a));
const implicitRun = best(rounds.map((r) => r.implicit), (r) => r.fit_seconds);
const pixrankRun = best(rounds.map((r) => r.pixrank), (r) => r.fit_seconds);

// --- quality ------------------------------------------------------------------------------------
let quality: { photos: number; users: number; evaluated: number; skipped: number; pixrank: number; implicit: number } | undefined;
if (!values['skip-world']) {
  const photos = num('photos');
  const worldUsers = num('world-users');
  const worldDir = join(root, `world-s${seed}-${photos}x${worldUsers}`);
  if (!existsSync(join(worldDir, '.complete'))) {
    log(`bench als: generating a world of ${photos} photos and ${worldUsers} users -> ${worldDir}`);
    await generateWorld({ out: worldDir, photos, users: worldUsers, seed, images: false });
    await writeFile(join(worldDir, '.complete'), '');
  }
  const world = await readWorldEvents(worldDir);
  const split = leaveLastOut(world.events, [...world.photos.keys()]);
  const trainDir = join(worldDir, 'als-train');
  await writeCsr(trainDir, split.train.byUser);
  const shape = { users: split.train.userIds.length, items: split.train.itemIds.length, iterations };
  const pixrank = (await fitPixrank(split.train, iterations)).model;
  const factorsDir = join(worldDir, 'implicit-factors');
  await runImplicit(env.python, trainDir, shape, factorsDir);
  const theirUsers = await readNpy(join(factorsDir, 'user_factors.npy'));
  const theirItems = await readNpy(join(factorsDir, 'item_factors.npy'));
  quality = {
    photos,
    users: worldUsers,
    evaluated: split.heldOut.length,
    skipped: split.skipped,
    pixrank: ndcgAtK(split, pixrank.userFactors, pixrank.itemFactors, factors),
    implicit: ndcgAtK(split, theirUsers.data, theirItems.data, factors),
  };
}

// --- report -------------------------------------------------------------------------------------
const ours = pixrankRun.fit_seconds / iterations;
const theirs = implicitRun.fit_seconds / iterations;
const rows: Array<[string, string, string, string]> = [
  ['', 'pixrank', `implicit ${implicitRun.implicit}`, 'pixrank / implicit'],
  ['s/iter (fit / iterations)', ours.toFixed(3), theirs.toFixed(3), `${(ours / theirs).toFixed(2)}×`],
  ['CPU s/iter (all threads)', (pixrankRun.cpu_seconds / iterations).toFixed(3), (implicitRun.cpu_seconds / iterations).toFixed(3), `${(pixrankRun.cpu_seconds / implicitRun.cpu_seconds).toFixed(2)}×`],
  ['s/iter (median of iterations)', median(pixrankRun.per_iteration).toFixed(3), median(implicitRun.per_iteration).toFixed(3), `${(median(pixrankRun.per_iteration) / median(implicitRun.per_iteration)).toFixed(2)}×`],
];
if (quality) rows.push(['NDCG@10 (leave last out)', quality.pixrank.toFixed(4), quality.implicit.toFixed(4), `${quality.pixrank - quality.implicit >= 0 ? '+' : ''}${(quality.pixrank - quality.implicit).toFixed(4)}`]);
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`ALS ${users} users × ${items} items × ${nnz} interactions, ${factors} factors, ${iterations} iterations, ${threads} threads, reg ${regularization}, c = 1 + ${alpha}·count`);
for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
for (const [i, r] of rounds.entries()) {
  console.log(`round ${i + 1}: implicit ${(r.implicit.fit_seconds / iterations).toFixed(3)} s/iter, pixrank ${(r.pixrank.fit_seconds / iterations).toFixed(3)} s/iter; load average (1 min) ${r.load_before_implicit} before implicit, ${r.load_before_pixrank} before pixrank, ${r.load_after} after`);
}
if (quality) console.log(`world: ${quality.photos} photos, ${quality.users} users, ${quality.evaluated} held-out downloads (${quality.skipped} users skipped)`);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/als.json', import.meta.url),
  `${JSON.stringify(
    {
      machine: { ...machine(), python: implicitRun.python, implicit: implicitRun.implicit, numpy: implicitRun.numpy },
      matrix: { users, items, nnz, seed, generator: 'bench/als/synthetic.ts (log-normal row lengths, power-law item popularity)' },
      settings: { factors, iterations, threads, regularization, alpha, confidence: '1 + alpha·count on both sides (implicit given 1 + alpha·count with its alpha = 1)', cg_steps: 3 },
      pixrank: { fit_seconds: pixrankRun.fit_seconds, cpu_seconds: pixrankRun.cpu_seconds, seconds_per_iteration: ours, per_iteration: pixrankRun.per_iteration, kernel: pickKernel(factors) },
      implicit: { fit_seconds: implicitRun.fit_seconds, cpu_seconds: implicitRun.cpu_seconds, seconds_per_iteration: theirs, per_iteration: implicitRun.per_iteration },
      rounds,
      ratio: ours / theirs,
      ndcg_at_10: quality ?? null,
      goal: { ratio_at_most: 1, ndcg_within: 0.005 },
    },
    null,
    2,
  )}\n`,
);
