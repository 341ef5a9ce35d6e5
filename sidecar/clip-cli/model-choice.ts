import { existsSync } from 'node:fs';
import { createError } from '../../es-mappings/errors.ts';
import { WORLD_MODEL_DIR } from '../clip/index.ts';

export { WORLD_MODEL_DIR };

let announced = false;

/**
 * The CLIP model to use: `--model`, else `CLIP_MODEL_DIR`, else the shipped world model when it is
 * there (saying so once per process), else none.
 */
export function defaultClipModel(option: string | undefined, log: (line: string) => void): { dir: string; source: 'option' | 'env' | 'default' } | undefined {
  if (option) return { dir: option, source: 'option' };
  if (process.env.CLIP_MODEL_DIR) return { dir: process.env.CLIP_MODEL_DIR, source: 'env' };
  if (!existsSync(WORLD_MODEL_DIR)) return undefined;
  if (!announced) {
    announced = true;
    log(`clip: no --model or CLIP_MODEL_DIR; using the world model shipped in ${WORLD_MODEL_DIR} (trained on generated worlds; not a real CLIP)`);
  }
  return { dir: WORLD_MODEL_DIR, source: 'default' };
}

/** As defaultClipModel, for commands that cannot run without a model: a clear error when there is none. */
export function requireClipModel(option: string | undefined, log: (line: string) => void, command: string): string {
  const choice = defaultClipModel(option, log);
  if (!choice) throw createError('MODEL_NOT_FOUND', `${command}: no CLIP model: give --model DIR or set CLIP_MODEL_DIR (the shipped world model is missing from ${WORLD_MODEL_DIR})`);
  return choice.dir;
}
