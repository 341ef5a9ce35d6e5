import type { Command } from 'commander';
import { nonNegativeInt, positiveInt } from '../../../bin/cli-options.ts';
import { trainWorldClip } from './train-world.ts';

interface TrainWorldCommandOptions {
  out: string;
  world?: string;
  photos: number;
  seed: number;
  epochs: number;
  workDir?: string;
  tokenizer?: string;
}

/**
 * `pixrank model train-world --out DIR [--world DIR | --photos N --seed S] [--epochs N]`: trains the
 * small CLIP of the generated world (Python, in the project's virtualenv) and exports it to the ONNX
 * layout with a model card. Progress goes to stderr; stdout gets one JSON summary.
 */
export function registerModelTrainWorldCommand(model: Command): void {
  model
    .command('train-world')
    .description('Train a small CLIP on a generated world (or --world DIR) and export it with a model card (the offline default model is made this way)')
    .requiredOption('--out <dir>', 'the exported model folder')
    .option('--world <dir>', 'a dataset in the Unsplash Lite layout with images (default: generate one)')
    .option('--photos <n>', 'photos of the generated world', positiveInt, 6000)
    .option('--seed <n>', 'seed of the generated world', nonNegativeInt, 101)
    .option('--epochs <n>', 'training epochs', positiveInt, 30)
    .option('--work-dir <dir>', 'where the world, training set and checkpoint are kept (default: under the cache folder)')
    .option('--tokenizer <dir>', "folder with CLIP's tokenizer.json (default: CLIP's tokenizer shipped with the world model)")
    .action(async (options: TrainWorldCommandOptions) => {
      const summary = await trainWorldClip({
        out: options.out,
        photos: options.photos,
        seed: options.seed,
        epochs: options.epochs,
        ...(options.world ? { world: options.world } : {}),
        ...(options.workDir ? { workDir: options.workDir } : {}),
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
      });
      const { curve: _curve, ...training } = summary.training;
      process.stdout.write(`${JSON.stringify({ out: summary.out, world: summary.world, bytes: summary.bytes, training })}\n`);
    });
}
