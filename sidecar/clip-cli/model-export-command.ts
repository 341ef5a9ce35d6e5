import type { Command } from 'commander';
import { nonNegativeInt } from '../../bin/cli-options.ts';
import { pythonEnvRoot } from '../../es-mappings/paths.ts';
import { exportClip } from '../clip/index.ts';
import { createError } from '../../es-mappings/errors.ts';

interface ExportOptions {
  out: string;
  checkpoint?: string;
  randomB32?: boolean;
  seed?: number;
  tokenizer?: string;
}

/**
 * `pixrank model export --out DIR (--checkpoint DIR | --random-b32) [--seed N] [--tokenizer DIR]`:
 * a Hugging Face CLIP checkpoint (or random ViT-B/32-sized weights) to the ONNX layout, fp32 and int8.
 * Progress goes to stderr; stdout gets one JSON summary (files, sizes, cosine to torch).
 */
export function registerModelExportCommand(model: Command): void {
  model
    .command('export')
    .description('Export a CLIP checkpoint (or random ViT-B/32-sized weights) to the ONNX layout, fp32 and int8, checked against torch (Python, in a virtualenv made under the cache folder on first use)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--checkpoint <dir>', 'a local Hugging Face CLIPModel folder (save_pretrained)')
    .option('--random-b32', 'random weights in ViT-B/32 sizes (transformers CLIPConfig())')
    .option('--seed <n>', 'torch seed for --random-b32 (default 0)', nonNegativeInt)
    .option('--tokenizer <dir>', "folder with tokenizer.json when the checkpoint has none (default: CLIP's tokenizer shipped with the world model)")
    .action(async (options: ExportOptions) => {
      if (Boolean(options.checkpoint) === Boolean(options.randomB32)) throw createError('INVALID_ARGUMENT', 'model export: give exactly one of --checkpoint DIR and --random-b32');
      if (options.seed !== undefined && !options.randomB32) throw createError('INVALID_ARGUMENT', 'model export: --seed applies only to --random-b32');
      const summary = await exportClip({
        out: options.out,
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : { randomB32: true }),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
        env: { root: pythonEnvRoot() },
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
