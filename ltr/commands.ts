import type { Command } from 'commander';
import type { Client } from '../es-mappings/client.ts';
import { isAuthRefusal } from '../es-mappings/connection-errors.ts';
import { DEFAULT_ALIAS } from '../es-mappings/templates.ts';
import { logToStderr, withCluster } from '../es-mappings/with-cluster.ts';
import { loadClipEncoder, type ClipEncoder } from '../sidecar/clip/index.ts';
import { defaultClipModel } from '../sidecar/clip-cli/model-choice.ts';
import { replayFirstStage } from '../sidecar/retrieval/first-stage.ts';
import type { FirstStageOptions } from './replay/first-stage.ts';
import { evalLtr, formatEvalTable } from './pipeline/eval-ltr.ts';
import { loadModelsDir } from './pipeline/models-dir.ts';
import { stderrProgress } from './pipeline/progress.ts';
import { trainFromEvents } from './pipeline/train-from-events.ts';
import { trainLtr } from './pipeline/train-ltr.ts';
import { createError } from '../es-mappings/errors.ts';

/** The first stage over an ingested index, with the CLIP text encoder when there is a model. */
async function withFirstStage<T>(index: string, modelOption: string | undefined, work: (stage: FirstStageOptions) => Promise<T>): Promise<T> {
  const model = defaultClipModel(modelOption, logToStderr);
  const encoder: ClipEncoder | undefined = model ? await loadClipEncoder(model.dir) : undefined;
  if (!encoder) logToStderr('ltr: no CLIP model: clip lists are empty and clip features missing');
  try {
    return await withCluster(async ({ client }: { client: Client }) => {
      // A refused credential is not a missing index: let withCluster say which variable to set.
      const count = await client.count({ index }).catch((error: unknown) => {
        if (isAuthRefusal(error)) throw error;
        return undefined;
      });
      if (!count?.count) throw createError('INDEX_MISSING', `ltr: the index ${index} is missing or empty; ingest the same data first (\`pixrank ingest --data DIR --index ${index}\`)`);
      return work(replayFirstStage(client, index, encoder));
    });
  } finally {
    await encoder?.close();
  }
}

export function registerLtrCommands(program: Command): void {
  program
    .command('train')
    .description('train the personalization models (ALS, FM, DeepFM) and the LambdaMART second pass: on a dataset already ingested into --index (--data), or on what the sidecar served and its users did (--from-events)')
    .option('--data <dir>', 'the dataset folder (its conversions are the training signal; with --from-events they join the feedback for ALS, FM and DeepFM)')
    .option('--from-events', 'learn from search-events ⋈ feedback-events: the logged feature vectors, graded feedback, inverse-propensity weights from the randomized swaps')
    .option('--since <date>', 'with --from-events: only events at or after this ISO date')
    .option('--no-ips', 'with --from-events: weigh every click 1 (no position-bias correction)')
    .requiredOption('--out <dir>', 'the models folder to write')
    .option('--index <name>', 'the alias of the photos index the data was ingested into', DEFAULT_ALIAS)
    .option('--model <dir>', 'CLIP model for the query vectors (default: CLIP_MODEL_DIR, else the shipped world model)')
    .action(async (options: { data?: string; fromEvents?: boolean; since?: string; ips: boolean; out: string; index: string; model?: string }) => {
      if (!options.data && !options.fromEvents) throw createError('INVALID_ARGUMENT', 'train: give --data DIR (a dataset\'s conversions) or --from-events (the sidecar\'s logs), or both');
      if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) throw createError('INVALID_ARGUMENT', `train: --since ${JSON.stringify(options.since)} is not a date (e.g. 2026-11-30 or 2026-11-30T18:00:00Z)`);
      const progress = stderrProgress();
      const manifest = options.fromEvents
        ? await withCluster(({ client }: { client: Client }) =>
            trainFromEvents({ es: client, index: options.index, out: options.out, progress, ips: options.ips, ...(options.since ? { since: options.since } : {}), ...(options.data ? { dataDir: options.data } : {}) }),
          )
        : await withFirstStage(options.index, options.model, (stage) => trainLtr({ ...stage, dataDir: options.data!, out: options.out, progress }));
      progress.stop();
      logToStderr(`train: models in ${options.out} (ranker: ${JSON.stringify(manifest.ranker)})`);
      process.stdout.write(`${JSON.stringify(manifest)}\n`);
    });

  program
    .command('eval')
    .description('evaluate every retrieval mode and personalization model on the test period of the models’ time split')
    .requiredOption('--data <dir>', 'the dataset folder')
    .requiredOption('--models <dir>', 'a folder written by `pixrank train`')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--model <dir>', 'CLIP model for the query vectors (default: CLIP_MODEL_DIR, else the shipped world model)')
    .option('--json', 'print {"queries", "rows": [{name, metrics, vsBaseline}], "byLength", "byLanguage"} as the last line')
    .option('--run <dir>', 'write qrels.tsv and <row>.run (TREC format) here')
    .action(async (options: { data: string; models: string; index: string; model?: string; json?: boolean; run?: string }) => {
      const models = await loadModelsDir(options.models);
      const progress = stderrProgress();
      const result = await withFirstStage(options.index, options.model, (stage) =>
        evalLtr({ ...stage, dataDir: options.data, models, progress, ...(options.run ? { runDir: options.run } : {}) }),
      );
      progress.stop();
      process.stdout.write(`${formatEvalTable(result)}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
