import type { Command } from 'commander';
import { positiveInt } from '../bin/cli-options.ts';
import { SingleBar } from 'cli-progress';
import { DEFAULT_ALIAS } from '../es-mappings/templates.ts';
import { logToStderr, withCluster } from '../es-mappings/with-cluster.ts';
import { defaultClipModel } from '../sidecar/clip-cli/model-choice.ts';
import type { IngestCounts } from './pipeline.ts';
import { loadImageEmbedder } from './clip-embedder.ts';
import { runIngest } from './run-ingest.ts';
import { createError } from '../es-mappings/errors.ts';

/** A progress bar on a TTY: rows, images/s, docs/s, ETA. Nothing when output is piped. */
function progressBar(): { update(counts: Readonly<IngestCounts>): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  const bar = new SingleBar({
    format: 'ingest {bar} {value} rows | {images} images/s | {docs} docs/s | {rejected} rejected | {unchanged} unchanged',
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(0, 0, { images: '0', docs: '0', rejected: 0, unchanged: 0 });
  return {
    update: (counts) => {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.setTotal(Math.max(counts.read, 1));
      bar.update(counts.indexed + counts.rejected + counts.unchanged, {
        images: (counts.images / seconds).toFixed(1),
        docs: (counts.indexed / seconds).toFixed(0),
        rejected: counts.rejected,
        unchanged: counts.unchanged,
      });
    },
    stop: () => bar.stop(),
  };
}

export function registerIngestCommands(program: Command): void {
  program
    .command('ingest')
    .description('load an Unsplash Lite dataset folder into the photos index')
    .requiredOption('--data <dir>', 'the dataset folder (photos.tsv000, keywords.tsv000, …)')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--model <dir>', 'a CLIP export (Hugging Face ONNX layout) to embed the images with (default: CLIP_MODEL_DIR, else the shipped world model)')
    .option('--keywords-only', 'no CLIP vectors: keyword search only')
    .option('--quantized', 'use the int8 (_quantized) model files')
    .option('--vectors <file>', 'precomputed CLIP vectors: features.npy (+ photo_ids.csv) or .jsonl')
    .option('--image-width <px>', 'ask resizable image URLs for this width', positiveInt)
    .option('--image-concurrency <n>', 'image downloads in flight', positiveInt)
    .option('--batch-size <n>', 'images embedded per batch', positiveInt)
    .action(async (options: { data: string; index: string; model?: string; keywordsOnly?: boolean; quantized?: boolean; vectors?: string; imageWidth?: number; imageConcurrency?: number; batchSize?: number }) => {
      if (options.model && options.vectors) throw createError('INVALID_ARGUMENT', 'ingest: give --model or --vectors, not both');
      if (options.keywordsOnly && (options.model || options.vectors)) throw createError('INVALID_ARGUMENT', 'ingest: --keywords-only takes no --model or --vectors');
      const model = options.vectors || options.keywordsOnly ? undefined : defaultClipModel(options.model, logToStderr);
      const embedder = model ? await loadImageEmbedder(model.dir, { quantized: !!options.quantized }) : undefined;
      if (embedder) logToStderr(`ingest: embedding images with ${embedder.id}`);
      const bar = progressBar();
      const summary = await withCluster(({ client }) =>
        runIngest({
          client,
          dataDir: options.data,
          alias: options.index,
          log: logToStderr,
          onProgress: (counts) => bar.update(counts),
          ...(embedder ? { embedder } : {}),
          ...(options.vectors ? { vectorsFile: options.vectors } : {}),
          ...(options.imageWidth ? { imageWidth: options.imageWidth } : {}),
          ...(options.imageConcurrency ? { imageConcurrency: options.imageConcurrency } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        }).finally(() => bar.stop()),
      ).finally(() => embedder?.close());
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
