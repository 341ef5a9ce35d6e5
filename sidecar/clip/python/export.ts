import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePythonEnv, runProgram, type PythonEnvOptions } from './venv.ts';
import { ClipError } from '../errors.ts';

export const exportScript = fileURLToPath(new URL('./export_clip.py', import.meta.url));

/**
 * CLIP's real BPE tokenizer, for checkpoints saved without one: the shipped world model carries it
 * (its `tokenizer.json` is OpenAI CLIP's vocabulary and merges as transformers writes them).
 */
export function defaultTokenizerDir(): string {
  return fileURLToPath(new URL('../world-model', import.meta.url));
}

export interface ExportClipOptions {
  /** Output folder (Hugging Face ONNX layout). */
  out: string;
  /** A local Hugging Face `CLIPModel` folder saved with `save_pretrained`. */
  checkpoint?: string;
  /** Random weights in transformers' default CLIPConfig (the ViT-B/32 sizes). */
  randomB32?: boolean;
  /** torch seed for `randomB32`; default 0. */
  seed?: number;
  /** Folder with `tokenizer.json`, for checkpoints without one; default: CLIP's tokenizer from the shipped world model. */
  tokenizer?: string;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
  /** Where and how the virtualenv is made (see venv.ts); the CLI keeps it under `<cache>/python`. */
  env: Omit<PythonEnvOptions, 'log'>;
}

/** What the script reports on its last stdout line. */
export interface ExportClipSummary {
  out: string;
  source: string;
  seed: number | null;
  dims: number;
  opset: number;
  versions: Record<string, string>;
  /** Per ONNX file, the cosine of each check row to the torch model. */
  cosine_to_torch: Record<string, number[]>;
  /** ONNX file name → bytes. */
  files: Record<string, number>;
}

function argsFor(options: ExportClipOptions): string[] {
  const { checkpoint, randomB32 = false, seed } = options;
  if ((checkpoint === undefined) === !randomB32) throw new ClipError('CLIP_INVALID_ARGUMENT', 'clip export: give exactly one of checkpoint and randomB32');
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new ClipError('CLIP_INVALID_ARGUMENT', `clip export: seed must be a whole number ≥ 0, got ${seed}`);
  if (seed !== undefined && !randomB32) throw new ClipError('CLIP_INVALID_ARGUMENT', 'clip export: seed applies only to randomB32');
  const args = [exportScript, '--out', resolve(options.out)];
  if (checkpoint !== undefined) {
    const dir = resolve(checkpoint);
    if (!existsSync(`${dir}/config.json`)) throw new ClipError('CLIP_MODEL_INVALID', `clip export: ${dir} is not a Hugging Face checkpoint folder (no config.json)`);
    args.push('--checkpoint', dir);
  } else {
    args.push('--random-b32', '--seed', String(seed ?? 0));
  }
  args.push('--tokenizer', resolve(options.tokenizer ?? defaultTokenizerDir()));
  return args;
}

/**
 * Exports a CLIP model to the ONNX layout the encoders load (fp32 and dynamic int8, tokenizer,
 * preprocessor and model config), running `export_clip.py` in the project's Python environment
 * (made on first use, see venv.ts). The script checks every file against torch and fails when
 * an fp32 file is below cosine 0.9999.
 *
 * @example
 * const env = { root: '.cache/python' };
 * await exportClip({ out: 'models/clip-b32-random', randomB32: true, seed: 0, env });
 * await exportClip({ out: 'models/my-clip', checkpoint: 'checkpoints/my-clip', env });
 */
export async function exportClip(options: ExportClipOptions): Promise<ExportClipSummary> {
  const args = argsFor(options);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const env = await ensurePythonEnv({ ...options.env, log });
  log(`clip export: ${env.python} ${args.join(' ')}`);
  const run = await runProgram(env.python, args, { log, prefix: '' });
  if (run.code !== 0) throw new ClipError('CLIP_EXPORT_FAILED', `clip export: export_clip.py exited with code ${run.code} (see the lines above)`);
  const last = run.stdout.at(-1);
  try {
    return JSON.parse(last ?? '') as ExportClipSummary;
  } catch {
    throw new ClipError('CLIP_EXPORT_FAILED', `clip export: export_clip.py ended without its summary line (last line: ${last ?? 'none'})`);
  }
}
