import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import getPort from 'get-port';
import { generateWorld } from '../bench/world/generate.ts';
import type { Client } from '../es-mappings/client.ts';
import { cacheDir } from '../es-mappings/paths.ts';
import { provisionCluster } from '../es-mappings/provision.ts';
import { DEFAULT_ALIAS } from '../es-mappings/templates.ts';
import { logToStderr } from '../es-mappings/with-cluster.ts';
import { loadImageEmbedder } from '../ingest/clip-embedder.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { MANIFEST_FILE, readModelsDir } from '../ltr/pipeline/models-dir.ts';
import { stderrProgress } from '../ltr/pipeline/progress.ts';
import { trainLtr } from '../ltr/pipeline/train-ltr.ts';
import { replayFirstStage } from '../sidecar/retrieval/first-stage.ts';
import { loadClipEncoder } from '../sidecar/clip/index.ts';
import { defaultClipModel } from '../sidecar/clip-cli/model-choice.ts';
import { DEFAULT_PHOTO_TABLE, openServices } from '../sidecar/open-services.ts';
import { listen } from '../sidecar/serve.ts';
import { positiveInt } from './cli-options.ts';

const DEMO_WORLD = { photos: 2000, users: 300, seed: 7 };

/**
 * `npm start`: the demo on a local default, nothing to configure, each step saying what it does.
 * 1. Elasticsearch (ES_URL, the node `es start` left, Docker, else the persistent local node);
 * 2. a dataset: `UNSPLASH_DIR` when set, else a generated world made once in the cache and reused;
 * 3. ingest (incremental: a second start indexes nothing new);
 * 4. the personalization models (`pixrank train`), trained once per dataset, index and CLIP model;
 * 5. the sidecar on a printed URL, with the learned second pass, until Ctrl-C.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('the demo: Elasticsearch, a dataset ingested once, and the sidecar, until Ctrl-C')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--port <n>', 'the sidecar port (default 8080, or a free one)', positiveInt)
    .option('--model <dir>', 'a CLIP export (Hugging Face ONNX layout)')
    .action(async (options: { index: string; port?: number; model?: string }) => {
      logToStderr('start: 1/5 Elasticsearch');
      const cluster = await provisionCluster({ log: logToStderr, shared: true });
      const model = defaultClipModel(options.model, logToStderr);

      const dataDir = process.env.UNSPLASH_DIR ?? join(cacheDir(), 'worlds', `demo-${DEMO_WORLD.photos}-seed${DEMO_WORLD.seed}`);
      if (process.env.UNSPLASH_DIR) {
        logToStderr(`start: 2/5 dataset from UNSPLASH_DIR=${dataDir}`);
      } else if (existsSync(join(dataDir, '.complete'))) {
        logToStderr(`start: 2/5 dataset: the generated world in ${dataDir} (made earlier; reused)`);
      } else {
        logToStderr(`start: 2/5 dataset: generating a world of ${DEMO_WORLD.photos} photos and ${DEMO_WORLD.users} users into ${dataDir} (set UNSPLASH_DIR to use the real Unsplash Lite files)`);
        await generateWorld({ out: dataDir, ...DEMO_WORLD });
        await writeFile(join(dataDir, '.complete'), `${new Date().toISOString()}\n`);
      }

      logToStderr(`start: 3/5 ingest into ${options.index}${model ? ` with CLIP ${model.dir}` : ' (no CLIP model: keyword search only)'}`);
      const embedder = model ? await loadImageEmbedder(model.dir) : undefined;
      let indexedNow = 0;
      try {
        const summary = await runIngest({ client: cluster.client, dataDir, alias: options.index, ...(embedder ? { embedder } : {}), log: logToStderr });
        logToStderr(`start: ingest: ${summary.indexed} indexed, ${summary.unchanged} unchanged, ${summary.rejected} rejected in ${summary.seconds.toFixed(1)} s`);
        indexedNow = summary.indexed;
      } finally {
        await embedder?.close();
      }

      // Photos indexed now (new ones, or all of them embedded again by another CLIP model) make models trained before stale.
      const modelsDir = await personalizationModels(cluster.client, options.index, dataDir, model?.dir, indexedNow === 0);

      logToStderr('start: 5/5 the sidecar');
      const es = cluster.newClient({ requestTimeout: 5_000, maxRetries: 1 });
      const services = await openServices({ es, index: options.index, modelDir: model?.dir, ...(modelsDir ? { modelsDir } : {}), processMetrics: true, photoTable: DEFAULT_PHOTO_TABLE });
      const port = options.port ?? (await getPort({ port: [8080, 8081, 8082, 8088] }));
      const sidecar = await listen(services, port);
      process.stdout.write(
        [
          `pixrank is running: open ${sidecar.url}/ to search (API docs ${sidecar.url}/docs), Elasticsearch ${cluster.version} at ${cluster.url}, index ${options.index}.`,
          `  try: curl -s ${sidecar.url}/search -H 'content-type: application/json' -d '{"q":"mountain lake","mode":"hybrid","k":5}'`,
          `       curl -s ${sidecar.url}/recommend/<user>?k=5`,
          `Press Ctrl-C to stop${cluster.source === 'local' ? ' (the local Elasticsearch stops with it; its data stays)' : ''}.`,
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      logToStderr('start: stopping');
      await sidecar.stop();
      await es.close();
      await cluster.release();
    });
}

/**
 * Step 4: the models folder of `pixrank train` for this dataset, index and CLIP model, in the cache:
 * reused when it was made for them, the ingest before changed no photo (`reusable`) and the index
 * still holds its ALS factors, else trained (a few
 * minutes, with progress bars). A dataset whose conversions cannot train a ranker leaves the demo
 * unpersonalized, and says so.
 */
async function personalizationModels(client: Client, index: string, dataDir: string, clipDir: string | undefined, reusable: boolean): Promise<string | undefined> {
  const out = join(cacheDir(), 'models', `${index}-${basename(dataDir)}-${clipDir ? basename(clipDir) : 'no-clip'}`);
  if (existsSync(join(out, MANIFEST_FILE))) {
    const manifest = await readModelsDir(out).then(
      (read) => read.manifest,
      (error: Error) => void logToStderr(`start: the models in ${out} do not load (${error.message}); training again`),
    );
    const als = await client.count({ index, query: { exists: { field: 'als' } } }).catch(() => ({ count: 0 }));
    if (manifest && reusable && manifest.data === resolve(dataDir) && manifest.index === index && als.count > 0) {
      logToStderr(`start: 4/5 personalization models in ${out} (trained ${manifest.createdAt}; reused)`);
      return out;
    }
  }
  logToStderr(`start: 4/5 training the personalization models (ALS, FM, DeepFM, LambdaMART) on the dataset's conversions into ${out}`);
  const encoder = clipDir ? await loadClipEncoder(clipDir) : undefined;
  const progress = stderrProgress();
  try {
    const manifest = await trainLtr({ ...replayFirstStage(client, index, encoder), dataDir, out, progress });
    progress.stop();
    logToStderr(`start: models trained (ranker: ${manifest.ranker.trees} trees, cross-validated NDCG@10 ${manifest.ranker['cv_ndcg@10']?.toFixed(3) ?? 'n/a'})`);
    return out;
  } catch (error) {
    progress.stop();
    logToStderr(`start: no personalization models (${(error as Error).message}); the sidecar serves unpersonalized results`);
    return undefined;
  } finally {
    await encoder?.close();
  }
}
