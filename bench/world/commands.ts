import type { Command } from 'commander';
import { nonNegativeInt } from '../../bin/cli-options.ts';
import { generateWorld } from './generate.ts';
import { createError } from '../../es-mappings/errors.ts';

export function registerWorldCommands(program: Command): void {
  program
    .command('generate')
    .description('write a synthetic Unsplash Lite world with a known truth (tables, images, truth/)')
    .requiredOption('--out <dir>', 'folder to write')
    .option('--photos <n>', 'photos', nonNegativeInt, 200)
    .option('--users <n>', 'users', nonNegativeInt, 50)
    .option('--seed <n>', 'seed: the same seed writes the same bytes', nonNegativeInt, 1)
    .option('--image-format <format>', 'jpeg or png', 'jpeg')
    .option('--image-size <px>', 'long side of the images', nonNegativeInt, 256)
    .option('--image-base <url>', 'photo_image_url = <url>/<photo_id>.jpg (default: images/<photo_id>.jpg, relative to --out)')
    .option('--no-images', 'tables only (fast, for ALS benchmarks)')
    .option('--tag-noise <share>', 'share of photos whose keywords miss their topic, and (independently) that get another topic\'s keywords, as an image tagger errs; the rest of the world is unchanged', parseFloat, 0)
    .option('--tagger <kind>', "clean: keywords name each photo's topics and colors exactly; ai: an image tagger's view (misses small things, confuses look-alikes; README)", 'clean')
    .option('--searchers <kind>', 'topic-word: one topic word per search; people: 1–4-term queries, some in the user\'s language, downloads by what the photo shows (README)', 'topic-word')
    .action(async (options: { out: string; photos: number; users: number; seed: number; imageFormat: string; imageSize: number; imageBase?: string; images: boolean; tagNoise: number; tagger: string; searchers: string }) => {
      if (options.imageFormat !== 'jpeg' && options.imageFormat !== 'png') throw createError('INVALID_ARGUMENT', `generate: --image-format must be jpeg or png, got ${options.imageFormat}`);
      if (options.tagger !== 'clean' && options.tagger !== 'ai') throw createError('INVALID_ARGUMENT', `generate: --tagger must be clean or ai, got ${options.tagger}`);
      if (options.searchers !== 'topic-word' && options.searchers !== 'people') throw createError('INVALID_ARGUMENT', `generate: --searchers must be topic-word or people, got ${options.searchers}`);
      const summary = await generateWorld({
        out: options.out,
        photos: options.photos,
        users: options.users,
        seed: options.seed,
        imageFormat: options.imageFormat,
        imageSize: options.imageSize,
        images: options.images,
        tagNoise: options.tagNoise,
        tagger: options.tagger,
        searchers: options.searchers,
        ...(options.imageBase ? { imageBase: options.imageBase } : {}),
      });
      process.stderr.write(`generate: ${summary.photos} photos, ${summary.users} users, ${summary.conversions} conversions in ${summary.seconds.toFixed(1)} s → ${options.out}\n`);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
