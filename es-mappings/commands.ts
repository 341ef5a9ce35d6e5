import type { Command } from 'commander';
import { positiveInt } from '../bin/cli-options.ts';
import { applyMappings } from './apply.ts';
import { createClient, serverVersion } from './client.ts';
import { connectionFailure } from './connection-errors.ts';
import { createError, type PixrankError } from './errors.ts';
import { defaultInstanceDir, esStateFile } from './paths.ts';
import { reindexAlias, upgradeIfBehind } from './reindex.ts';
import { startLocalNode } from './server/local-node.ts';
import { isAlive, terminateGroup } from './server/process-group.ts';
import { clearInstanceState, localNodeConnection, readInstanceState, writeInstanceState, type EsInstanceState } from './server/state.ts';
import { DEFAULT_ALIAS } from './templates.ts';
import { logToStderr, withCluster } from './with-cluster.ts';

function printResult(json: boolean, human: string, value: unknown): void {
  process.stdout.write(`${human}\n`);
  if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** What `es start --json` prints: where, and with security on as whom (and the CA to trust). */
function startedJson(state: EsInstanceState): Record<string, string> {
  const out: Record<string, string> = { url: state.url, version: state.version };
  if (state.security) {
    out.username = state.security.username;
    out.password = state.security.password;
    if (state.security.caCert) out.caCert = state.security.caCert;
    if (state.security.caFingerprint) out.caFingerprint = state.security.caFingerprint;
  }
  return out;
}

function describeSecurity(state: EsInstanceState): string {
  const security = state.security;
  if (!security) return '';
  const tls = security.caCert ? `, CA ${security.caCert} (SHA-256 ${security.caFingerprint})` : '';
  return `, security on: user ${security.username} password ${security.password}${tls}; elastic's password is in ${esStateFile()}`;
}

/** `pixrank es start|status|stop|apply|reindex`. */
export function registerEsCommands(program: Command): void {
  const es = program.command('es').description('Elasticsearch: a local node, the photos index and its alias');

  es.command('start')
    .description('start the local Elasticsearch in the background; later commands use it')
    .option('--json', 'print {"url","version"} (with --secure also "username","password") as the last line')
    .option('--port <port>', 'HTTP port (default: a free one)', positiveInt)
    .option('--secure', 'security on: basic auth as the least-privilege user pixrank, random passwords recorded for later commands')
    .option('--tls', 'https with a CA of its own (implies --secure); prints the CA file and fingerprint')
    .action(async (options: { json?: boolean; port?: number; secure?: boolean; tls?: boolean }) => {
      const secure = !!options.secure || !!options.tls;
      const running = await readInstanceState();
      if (running && isAlive(running.pid)) {
        const tlsRunning = running.url.startsWith('https:');
        if ((secure && !running.security) || (options.tls && !tlsRunning)) {
          throw createError('START_FAILED', `es: a node ${running.security ? 'without https' : 'without security'} is already running at ${running.url} (pid ${running.pid}); stop it with pixrank es stop, then start it with ${options.tls ? '--tls' : '--secure'}`);
        }
        printResult(!!options.json, `es: already running at ${running.url} (pid ${running.pid})${describeSecurity(running)}`, startedJson(running));
        return;
      }
      const instanceDir = defaultInstanceDir();
      const node = await startLocalNode({ detached: true, instanceDir, log: logToStderr, secure, tls: !!options.tls, ...(options.port ? { port: options.port } : {}) });
      const state: EsInstanceState = {
        url: node.url,
        version: node.version,
        pid: node.pid,
        instanceDir,
        dataDir: node.layout.dataDir,
        startedAt: new Date().toISOString(),
        ...(node.security ? { security: node.security } : {}),
      };
      await writeInstanceState(state);
      printResult(!!options.json, `es: Elasticsearch ${node.version} running at ${node.url} (pid ${node.pid})${describeSecurity(state)}; stop it with pixrank es stop`, startedJson(state));
    });

  es.command('status')
    .description('is the node pixrank es start left running?')
    .option('--json', 'print the status as JSON on the last line')
    .action(async (options: { json?: boolean }) => {
      const state = await readInstanceState();
      if (!state || !isAlive(state.pid)) {
        printResult(!!options.json, 'es: no node started by pixrank es start is running', { running: false });
        process.exitCode = 3;
        return;
      }
      const connection = localNodeConnection(state.url, state.security);
      const client = createClient(connection);
      try {
        const health = await client.cluster.health({}, { requestTimeout: 5_000, maxRetries: 0 });
        const version = await serverVersion(client);
        printResult(!!options.json, `es: running at ${state.url} (pid ${state.pid}, ${health.status}, version ${version}, data in ${state.dataDir}${state.security ? `, security on, user ${state.security.username}` : ''})`, {
          running: true,
          url: state.url,
          version,
          pid: state.pid,
          health: health.status,
          dataDir: state.dataDir,
          secure: !!state.security,
        });
      } catch (error) {
        throw connectionFailure(error, connection) ?? error;
      } finally {
        await client.close();
      }
    });

  es.command('stop')
    .description('stop the node pixrank es start left running')
    .action(async () => {
      const state = await readInstanceState();
      if (!state) {
        process.stdout.write('es: nothing to stop\n');
        return;
      }
      await terminateGroup(state.pid);
      await clearInstanceState();
      process.stdout.write(`es: stopped the node at ${state.url} (pid ${state.pid})\n`);
    });

  es.command('apply')
    .description('put the index templates and point the alias at a versioned index (idempotent)')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--clip-dims <n>', 'dims of the clip vector field for a new index', positiveInt)
    .option('--als-dims <n>', 'dims of the als vector field for a new index', positiveInt)
    .option('--json', 'print the result as JSON on the last line')
    .action(async (options: { index: string; clipDims?: number; alsDims?: number; json?: boolean }) => {
      const result = await withCluster(async ({ client }) => {
        const applied = await applyMappings(client, { alias: options.index, ...(options.clipDims ? { clipDims: options.clipDims } : {}), ...(options.alsDims ? { alsDims: options.alsDims } : {}) });
        const upgraded = await upgradeIfBehind(client, options.index, logToStderr);
        return upgraded ? { ...applied, index: upgraded.to } : applied;
      });
      const what = result.createdIndex ? 'created' : 'already there';
      printResult(!!options.json, `es: template ${result.template}; ${result.alias} → ${result.index} (${what}, clip ${result.clipDims} dims)`, result);
    });

  es.command('reindex')
    .description('build the next version of the index, copy every document, swap the alias atomically')
    .option('--index <name>', 'the alias of the photos index', DEFAULT_ALIAS)
    .option('--keep-old', 'keep the previous version after the swap')
    .option('--json', 'print the result as JSON on the last line')
    .action(async (options: { index: string; keepOld?: boolean; json?: boolean }) => {
      const result = await withCluster(({ client }) => reindexAlias(client, { alias: options.index, keepOld: !!options.keepOld, log: logToStderr }));
      printResult(!!options.json, `es: ${options.index} now → ${result.to} (${result.documents} documents copied from ${result.from} by ${result.method} in ${result.seconds.toFixed(1)} s)`, result);
    });
}
