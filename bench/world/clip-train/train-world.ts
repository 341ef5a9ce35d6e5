import { existsSync } from 'node:fs';
import { copyFile, readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, pythonEnvRoot } from '../../../es-mappings/paths.ts';
import { defaultTokenizerDir, ensurePythonEnv, exportClip, runProgram, type ExportClipSummary } from '../../../sidecar/clip/index.ts';
import { generateWorld } from '../generate.ts';
import { modelCard, type TrainingReport } from './model-card.ts';
import { writeTrainingSet } from './training-set.ts';
import { createError } from '../../../es-mappings/errors.ts';

export const trainScript = fileURLToPath(new URL('./train_world_clip.py', import.meta.url));

export interface TrainWorldOptions {
  /** The exported model folder (Hugging Face ONNX layout, with MODEL_CARD.md and training.json). */
  out: string;
  /** A dataset in the Unsplash Lite layout with images; default: a generated world of `photos` and `seed`. */
  world?: string;
  photos?: number;
  users?: number;
  seed?: number;
  epochs?: number;
  /** Where the world, the training set and the checkpoint are kept; default `<cache>/clip-train/<photos>-seed<seed>`. */
  workDir?: string;
  tokenizer?: string;
  log?: (line: string) => void;
}

export interface TrainWorldSummary {
  out: string;
  world: string;
  training: TrainingReport;
  export: ExportClipSummary;
  /** Bytes of the exported folder. */
  bytes: number;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/**
 * The world CLIP, start to end: a generated world (or `world`), the training set made by the
 * product's own preprocessing, `train_world_clip.py` in the project's virtualenv, the export to the
 * ONNX layout (fp32 + int8, checked against torch), and a model card with the numbers of this run.
 * Every step is kept in `workDir`, so a rerun reuses the world and the training set.
 */
export async function trainWorldClip(options: TrainWorldOptions): Promise<TrainWorldSummary> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const photos = options.photos ?? 6000;
  const seed = options.seed ?? 101;
  const epochs = options.epochs ?? 30;
  const workDir = resolve(options.workDir ?? join(cacheDir(), 'clip-train', `${photos}-seed${seed}`));
  const tokenizer = options.tokenizer ?? defaultTokenizerDir();

  const world = options.world ? resolve(options.world) : join(workDir, 'world');
  if (!options.world && !existsSync(join(world, '.complete'))) {
    log(`clip train: 1/4 generating a world of ${photos} photos, seed ${seed}, into ${world}`);
    await generateWorld({ out: world, photos, users: options.users ?? Math.max(50, Math.round(photos / 20)), seed });
    await writeFile(join(world, '.complete'), `${new Date().toISOString()}\n`);
  } else {
    log(`clip train: 1/4 world ${world}`);
  }

  const setDir = join(workDir, 'training-set');
  if (existsSync(join(setDir, 'meta.json')) && JSON.parse(await readFile(join(setDir, 'meta.json'), 'utf8')).source === world) {
    log(`clip train: 2/4 training set ${setDir} (made earlier; reused)`);
  } else {
    log(`clip train: 2/4 training set: images through the CLIP preprocessing into ${setDir}`);
    const set = await writeTrainingSet(world, setDir, log);
    log(`clip train: ${set.photos} photos (${set.skipped} skipped)`);
  }

  const checkpoint = join(workDir, 'checkpoint');
  const env = await ensurePythonEnv({ root: pythonEnvRoot(), log });
  const args = [trainScript, '--data', setDir, '--tokenizer', resolve(tokenizer), '--out', checkpoint, '--seed', '0', '--epochs', String(epochs)];
  log(`clip train: 3/4 ${env.python} ${args.join(' ')}`);
  const run = await runProgram(env.python, args, { log, prefix: '' });
  if (run.code !== 0) throw createError('PROCESS_FAILED', `clip train: train_world_clip.py exited with code ${run.code} (see the lines above)`);
  const training = JSON.parse(await readFile(join(checkpoint, 'training.json'), 'utf8')) as TrainingReport;

  log(`clip train: 4/4 export to ${options.out}`);
  const exported = await exportClip({ out: options.out, checkpoint, log, env: { root: pythonEnvRoot() } });
  await copyFile(join(checkpoint, 'training.json'), join(options.out, 'training.json'));
  const command = `npx pixrank model train-world --out ${options.out} --photos ${photos} --seed ${seed} --epochs ${epochs}${options.world ? ` --world ${options.world}` : ''}`;
  await writeFile(join(options.out, 'MODEL_CARD.md'), modelCard({ command, world: options.world ? world : `generated, ${photos} photos, seed ${seed}`, training, exported }));
  const bytes = await folderBytes(options.out);
  log(`clip train: ${options.out} holds ${(bytes / 1e6).toFixed(1)} MB`);
  return { out: resolve(options.out), world, training, export: exported, bytes };
}
