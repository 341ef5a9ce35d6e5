import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { mkdtemp, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { clusterReady, createClient, serverVersion } from '../client.ts';
import type { EsConnection } from '../connection.ts';
import { connectionFailure } from '../connection-errors.ts';
import { createError } from '../errors.ts';
import { ES_VERSION } from '../version.ts';
import { ensureDistribution } from './download.ts';
import { esRunAs, grantTraverse, handOver } from './es-user.ts';
import { findJdk, type Jdk } from './jdk.ts';
import { nodeLayout, writeNodeConfig, type NodeLayout } from './node-config.ts';
import { SETPRIV, sleep, terminateGroup, signalGroup } from './process-group.ts';
import { setUpSecurity } from './security.ts';
import { localNodeConnection, type LocalNodeCredentials } from './state.ts';

export interface LocalNodeOptions {
  version?: string;
  /** Instance folder (config, data, logs); a fresh temp folder when absent. */
  instanceDir?: string;
  /** HTTP port; a free one when absent. `ES_PORT` sets it too. */
  port?: number;
  /** Heap size; `ES_HEAP` or 1g. */
  heap?: string;
  /**
   * Keep running after this process exits (`pixrank es start`). Otherwise the node is tied to this
   * process: stopped on exit, on SIGINT/SIGTERM, and by the kernel (parent-death signal) on SIGKILL.
   */
  detached?: boolean;
  startTimeoutMs?: number;
  /**
   * Security on: basic auth with fresh random passwords for `elastic` and the least-privilege user
   * `pixrank` (security.ts). `tls` adds https with a CA of the instance's own and implies `secure`.
   */
  secure?: boolean;
  tls?: boolean;
  log?: (line: string) => void;
}

export interface LocalNode {
  url: string;
  version: string;
  pid: number;
  layout: NodeLayout;
  jdk: Jdk;
  /** How to reach it, as the `pixrank` user when security is on. */
  connection: EsConnection;
  /** The passwords and CA when security is on. */
  security?: LocalNodeCredentials;
  stop(): Promise<void>;
}

const attached = new Set<number>();

/** Downloads (once), configures and starts a single-node Elasticsearch on loopback; resolves when it is yellow or green. */
export async function startLocalNode(options: LocalNodeOptions = {}): Promise<LocalNode> {
  const log = options.log ?? (() => {});
  const version = options.version ?? ES_VERSION;
  const requestedPort = options.port ?? (process.env.ES_PORT ? Number(process.env.ES_PORT) : undefined);
  if (requestedPort !== undefined) await assertPortFree(requestedPort);
  const jdk = await findJdk();
  log(`es: Java ${jdk.major} from ${jdk.source}: ${jdk.home} (${jdk.description})`);
  const esHome = await ensureDistribution(version, { log });

  const instanceDir = options.instanceDir ?? (await mkdtemp(join(tmpdir(), 'pixrank-es-')));
  await mkdir(instanceDir, { recursive: true });
  const layout = nodeLayout(instanceDir);
  const httpPort = requestedPort ?? (await getPort({ host: '127.0.0.1' }));
  const transportPort = await getPort({ host: '127.0.0.1', exclude: [httpPort] });
  const tls = !!options.tls;
  const secure = !!options.secure || tls;
  await writeNodeConfig(esHome, layout, { httpPort, transportPort, heap: options.heap ?? process.env.ES_HEAP ?? '1g', secure, tls });
  const security = secure ? await setUpSecurity({ esHome, javaHome: jdk.home, configDir: layout.configDir }, layout, { tls, log }) : undefined;

  const runAs = await esRunAs(log);
  if (runAs) {
    await grantTraverse(esHome, log);
    await grantTraverse(instanceDir, log);
    await handOver(instanceDir, runAs);
  }

  const logFile = join(layout.instanceDir, 'stdout.log');
  const out = openSync(logFile, 'a');
  const bin = join(esHome, 'bin', 'elasticsearch');
  const tie = !options.detached && SETPRIV ? [SETPRIV, '--pdeathsig', 'TERM', '--'] : [];
  const [command, ...args] = [...tie, bin];
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${httpPort}`;
  log(`es: starting Elasticsearch ${version} on ${url}${runAs ? ` as ${runAs.name}` : ''} (data in ${layout.dataDir})`);
  let child: ChildProcess;
  try {
    child = spawn(command as string, args, {
      env: {
        ...process.env,
        ES_JAVA_HOME: jdk.home,
        ES_PATH_CONF: layout.configDir,
        ES_TMPDIR: layout.tmpDir,
        HOME: layout.instanceDir,
        // The heap lives in jvm.options.d; a stray ES_JAVA_OPTS from the caller must not override it.
        ES_JAVA_OPTS: '',
      },
      cwd: layout.instanceDir,
      detached: true,
      stdio: ['ignore', out, out],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) throw createError('START_FAILED', `es start: could not spawn ${bin}`);
  if (options.detached) child.unref();
  else track(pid);

  const connection = localNodeConnection(url, security);
  const stop = async (): Promise<void> => {
    await terminateGroup(pid);
    attached.delete(pid);
  };
  let nodeVersion: string;
  try {
    nodeVersion = await waitForHealth(connection, child, layout, logFile, options.startTimeoutMs ?? 180_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, version: nodeVersion, pid, layout, jdk, connection, ...(security ? { security } : {}), stop };
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(createError('PORT_IN_USE', `es start: port ${port} on 127.0.0.1 is in use (${error.code}); free it or choose another with ES_PORT / --port`)),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/**
 * Polls `_cluster/health` with the node's own credentials until it is yellow or green, and returns
 * its version. A refused credential or certificate is reported at once: waiting would not help.
 */
async function waitForHealth(connection: EsConnection, child: ChildProcess, layout: NodeLayout, logFile: string, timeoutMs: number): Promise<string> {
  let exited: number | null | undefined;
  child.once('exit', (code, signal) => {
    exited = code ?? (signal ? -1 : 0);
  });
  const client = createClient(connection, { requestTimeout: 5_000, maxRetries: 0 });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited !== undefined) {
        const tail = logTail(layout, logFile);
        const code = /BindException|Address already in use/.test(tail) ? 'PORT_IN_USE' : 'START_FAILED';
        throw createError(code, `es start: Elasticsearch exited with code ${exited} before it was ready. The end of its log:\n${tail}`);
      }
      try {
        await clusterReady(client, 1_000);
        // `GET /` is not served by this distribution (405), so the version comes from the node info.
        return await serverVersion(client);
      } catch (error) {
        const refused = connectionFailure(error, connection);
        if (refused) throw refused;
        // Not listening or not yellow yet.
      }
      await sleep(500);
    }
  } finally {
    await client.close();
  }
  throw createError(
    'NOT_HEALTHY',
    `es start: Elasticsearch at ${connection.url} did not turn yellow or green within ${Math.round(timeoutMs / 1000)} s; it was stopped. The end of its log:\n${logTail(layout, logFile)}`,
  );
}

/** The last lines Elasticsearch wrote: its own log file, else what it printed. */
export function logTail(layout: NodeLayout, stdoutFile: string, lines = 25): string {
  const own = join(layout.logsDir, 'pixrank.log');
  const file = existsSync(own) ? own : stdoutFile;
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

function track(pid: number): void {
  if (attached.size === 0) installExitHooks();
  attached.add(pid);
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // On exit only synchronous work runs: send SIGTERM and let Elasticsearch shut itself down.
  process.on('exit', () => {
    for (const pid of attached) signalGroup(pid, 'SIGTERM');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void Promise.all([...attached].map((pid) => terminateGroup(pid, 15_000))).finally(() => {
        process.kill(process.pid, signal);
      });
    });
  }
}
