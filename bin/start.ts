import { join } from 'node:path';
import type { Command } from 'commander';
import { applyMappings } from '../es-mappings/apply.ts';
import { cacheDir } from '../es-mappings/paths.ts';
import { provisionCluster } from '../es-mappings/provision.ts';
import { DEFAULT_ALIAS } from '../es-mappings/templates.ts';
import { logToStderr } from '../es-mappings/with-cluster.ts';

/**
 * `npm start`: the main job on a local default, nothing to configure. Each step says what it does.
 * Today: Elasticsearch (ES_URL, the node `es start` left, Docker, else a local node for as long as
 * this runs) and the photos index. The dataset, ingest and the sidecar join as they land (issues C, D).
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('set everything up on a local default and run until Ctrl-C')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .action(async (options: { index: string }) => {
      logToStderr('start: 1/2 Elasticsearch');
      // A data folder that survives restarts, so what was ingested once is there next time.
      const cluster = await provisionCluster({ log: logToStderr, instanceDir: join(cacheDir(), 'es', 'instances', 'start') });
      logToStderr(`start: 2/2 the ${options.index} index (templates, alias)`);
      const applied = await applyMappings(cluster.client, { alias: options.index });
      process.stdout.write(
        `Elasticsearch ${cluster.version} (${cluster.source}) at ${cluster.url}; ${applied.alias} → ${applied.index}. ` +
          `Press Ctrl-C to stop${cluster.source === 'local' ? ' (the local node stops with it)' : ''}.\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await cluster.release();
    });
}
