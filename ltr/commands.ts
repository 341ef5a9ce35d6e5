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
    .description('train the personalization models (ALS, FM, DeepFM) and the LambdaMART second pass on a dataset already ingested into --index')
    .requiredOption('--data <dir>', 'the dataset folder (its conversions are the training signal)')
    .requiredOption('--out <dir>', 'the models folder to write')
    .option('--index <name>', 'the alias of the photos index the data was ingested into', DEFAULT_ALIAS)
    .option('--model <dir>', 'CLIP model for the query vectors (default: CLIP_MODEL_DIR, else the shipped world model)')
    .action(async (options: { data: string; out: string; index: string; model?: string }) => {
      const progress = stderrProgress();
      const manifest = await withFirstStage(options.index, options.model, (stage) => trainLtr({ ...stage, dataDir: options.data, out: options.out, progress }));
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
