import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { pino } from 'pino';
import { nonNegativeInt, positiveInt, shareOption } from '../bin/cli-options.ts';
import { eventMappingsUpToDate } from '../es-mappings/apply.ts';
import { provisionCluster } from '../es-mappings/provision.ts';
import { DEFAULT_ALIAS } from '../es-mappings/templates.ts';
import { logToStderr, withCluster } from '../es-mappings/with-cluster.ts';
import { defaultClipModel } from './clip-cli/model-choice.ts';
import { describeExperiment, openExperimentFile } from './experiments/experiment.ts';
import type { EsProxyAuth } from './es-front/forwarded-headers.ts';
import { DEFAULT_PHOTO_TABLE, openServices } from './open-services.ts';
import { LtrSecondPass } from './rerank/ltr-pass.ts';
import { runSearch, SearchRequestSchema } from './search/search-route.ts';
import { listen } from './serve.ts';
import { createError } from '../es-mappings/errors.ts';

interface ModelOptions {
  model?: string;
  quantized?: boolean;
}

function modelDir(options: ModelOptions): string | undefined {
  return defaultClipModel(options.model, logToStderr)?.dir;
}

function mode(value: string): 'keyword' | 'clip' | 'hybrid' {
  if (value !== 'keyword' && value !== 'clip' && value !== 'hybrid') throw new InvalidArgumentError('expected keyword, clip or hybrid');
  return value;
}

function proxyAuth(value: string): EsProxyAuth {
  if (value !== 'client' && value !== 'sidecar') throw new InvalidArgumentError("expected 'client' or 'sidecar'");
  return value;
}

/** `pixrank serve` (the sidecar on a port) and `pixrank search "text"` (the same search, in-process). */
export function registerSidecarCommands(program: Command): void {
  program
    .command('serve')
    .description('run the sidecar (HTTP) over the photos index; SIGTERM finishes in-flight requests and flushes events')
    .option('--port <n>', 'port to listen on', positiveInt, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--model <dir>', 'a CLIP export (Hugging Face ONNX layout); default $CLIP_MODEL_DIR, else the shipped world model')
    .option('--quantized', 'use the int8 (_quantized) model files')
    .option('--models <dir>', 'a `pixrank train` folder: the learned second pass (reloaded on SIGHUP)')
    .option('--experiment <file>', 'an experiment JSON file ({"name", "method": "ab"|"interleave", "arms": {...}}): /search serves its arms (reloaded on SIGHUP)')
    .option('--swap-share <p>', 'share of first pages that randomize an adjacent pair in the top 10 (position-bias estimation)', shareOption, 0.05)
    .option('--no-feature-log', 'do not log the served feature vectors in search-events')
    .option('--photo-table-size <n>', "photos whose CLIP vectors and display fields are held in memory, loaded at start and refreshed (about 3.3 KiB each at 512 dims: 100,000 photos took 330 MB); 0: read per request", nonNegativeInt, DEFAULT_PHOTO_TABLE.photos)
    .option('--es-proxy-writes', 'let writes and admin calls through the Elasticsearch front (default: read-only, they answer 403); the cluster still checks the caller')
    .option('--es-proxy-auth <who>', "credentials of a front call without its own Authorization: 'sidecar' (the sidecar's) or 'client' (none: the cluster decides)", proxyAuth, 'sidecar')
    .action(async (options: ModelOptions & { port: number; host: string; index: string; models?: string; experiment?: string; swapShare: number; featureLog: boolean; photoTableSize: number; esProxyWrites?: boolean; esProxyAuth: EsProxyAuth }) => {
      const cluster = await provisionCluster({ log: logToStderr, shared: true });
      // The sidecar's own client: short timeouts so a sick cluster is a 503, never a hang.
      const es = cluster.newClient({ requestTimeout: 5_000, maxRetries: 1 });
      await eventMappingsUpToDate(cluster.client, (line) => logToStderr(`serve: ${line}`));
      const services = await openServices({
        es,
        index: options.index,
        modelDir: modelDir(options),
        quantized: options.quantized,
        processMetrics: true,
        learning: { swapShare: options.swapShare, logFeatures: options.featureLog },
        photoTable: { ...DEFAULT_PHOTO_TABLE, photos: options.photoTableSize },
        limits: { esProxy: { writes: !!options.esProxyWrites, auth: options.esProxyAuth } },
        ...(options.models ? { modelsDir: options.models } : {}),
        ...(options.experiment ? { experimentFile: options.experiment } : {}),
      });
      const sidecar = await listen(services, options.port, options.host);
      const pass = services.secondPass;
      if (pass instanceof LtrSecondPass) {
        process.on('SIGHUP', () => {
          logToStderr(`serve: SIGHUP: reloading the models in ${pass.dir}`);
          pass.reload().then(
            (version) => logToStderr(`serve: second pass now ${version}`),
            (error: unknown) => logToStderr(`serve: reload failed, the previous models keep serving: ${(error as Error).message}`),
          );
        });
      }
      const experimentFile = options.experiment;
      if (experimentFile) {
        process.on('SIGHUP', () => {
          logToStderr(`serve: SIGHUP: reloading the experiment ${experimentFile} and its arms' models`);
          // The running experiment serves until the new one has loaded; a file that does not load keeps it.
          openExperimentFile(experimentFile).then(
            (experiment) => {
              services.experiment = experiment;
              logToStderr(`serve: experiment now ${JSON.stringify(describeExperiment(experiment))}`);
            },
            (error: unknown) => logToStderr(`serve: experiment reload failed, the previous one keeps running: ${(error as Error).message}`),
          );
        });
      }
      logToStderr(`serve: sidecar on ${sidecar.url} (index ${options.index}, Elasticsearch ${cluster.url}); routes at ${sidecar.url}/docs`);
      logToStderr(`serve: every other call goes to Elasticsearch (${options.esProxyWrites ? 'reads and writes' : 'read-only; --es-proxy-writes lets writes through'}; calls without Authorization go with ${options.esProxyAuth === 'sidecar' ? "the sidecar's credentials" : 'none'})`);
      process.stdout.write(`${JSON.stringify({ url: sidecar.url, index: options.index, elasticsearch: cluster.url })}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      logToStderr('serve: stopping (finishing requests, flushing events)');
      await sidecar.stop();
      await es.close();
      await cluster.release();
    });

  program
    .command('search')
    .description('search the photos index as POST /search does; the last line is the JSON response')
    .argument('<text>', 'the query text')
    .option('--mode <mode>', 'keyword, clip or hybrid', mode, 'hybrid')
    .option('--k <n>', 'hits per page (1-100)', positiveInt, 10)
    .option('--page <n>', 'page (1-based)', positiveInt, 1)
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--user <id>', 'personalize for this user')
    .option('--country <code>', 'where the request comes from (second-pass context)')
    .option('--lang <code>', "the query's language (ISO 639); else detected from the text, else the country's")
    .option('--model <dir>', 'a CLIP export (Hugging Face ONNX layout); default $CLIP_MODEL_DIR, else the shipped world model')
    .option('--quantized', 'use the int8 (_quantized) model files')
    .option('--models <dir>', 'a `pixrank train` folder: the learned second pass for --user')
    .option('--explain', 'include per-stage details')
    .option('--json', 'print only the JSON response')
    .action(async (text: string, options: ModelOptions & { mode: string; k: number; page: number; index: string; user?: string; country?: string; lang?: string; models?: string; explain?: boolean; json?: boolean }) => {
      const parsed = SearchRequestSchema.safeParse({ q: text, mode: options.mode, k: options.k, page: options.page, user: options.user, country: options.country, lang: options.lang, personalize: !!options.user, explain: !!options.explain });
      if (!parsed.success) throw createError('INVALID_ARGUMENT', `search: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`);
      const needsModel = parsed.data.mode !== 'keyword';
      await withCluster(async (cluster) => {
        const services = await openServices({ es: cluster.client, index: options.index, modelDir: needsModel ? modelDir(options) : undefined, quantized: options.quantized, logger: pino({ level: 'silent' }), ...(options.models ? { modelsDir: options.models } : {}) });
        try {
          const response = await runSearch(services, parsed.data, { requestId: randomUUID() });
          if (!options.json) {
            for (const hit of response.hits) {
              process.stdout.write(`${String(hit.rank).padStart(3)}. ${hit.photo_id}  ${hit.score.toFixed(4)}  ${hit.photographer ?? ''}  ${(hit.description ?? '').slice(0, 70)}\n`);
            }
          }
          process.stdout.write(`${JSON.stringify(response)}\n`);
        } finally {
          await services.close();
        }
      });
    });
}
