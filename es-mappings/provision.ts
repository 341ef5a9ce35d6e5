import { clusterReady, createClient, serverVersion, type Client, type ClientOptions } from './client.ts';
import { CONNECTION_ENV, connectionFromEnv, type EsConnection } from './connection.ts';
import { connectionFailure } from './connection-errors.ts';
import { createError } from './errors.ts';
import { dockerAnswers, startDockerNode } from './server/docker.ts';
import { startLocalNode } from './server/local-node.ts';
import { isAlive } from './server/process-group.ts';
import { clearInstanceState, localNodeConnection, readInstanceState, writeInstanceState } from './server/state.ts';
import { defaultInstanceDir } from './paths.ts';

export type ClusterSource = 'ES_URL' | 'es start' | 'docker' | 'local';

export interface Cluster {
  url: string;
  version: string;
  source: ClusterSource;
  /** Where and as whom (plain data: for child processes and test workers). */
  connection: EsConnection;
  /** A client with the cluster's credentials and CA; closed by `release`. */
  client: Client;
  /** Another client with the same credentials and CA but other options (the sidecar's short timeouts); the caller closes it. */
  newClient(overrides?: Partial<ClientOptions>): Client;
  /** Stops what this call started; a cluster found running is left running. */
  release(): Promise<void>;
}

export interface ProvisionOptions {
  log?: (line: string) => void;
  /** Where ES_URL and the credentials are read from (process.env unless a test says otherwise). */
  env?: NodeJS.ProcessEnv;
  /** Instance folder for a node started here (tests pass a temp folder). */
  instanceDir?: string;
  /** Skip the node `pixrank es start` left running (tests want a node of their own). */
  ignoreStartedInstance?: boolean;
  /**
   * Start the local node on the persistent default instance (the one `es start` uses) and record
   * it like `es start` does while it runs, so that what one command ingests the next one finds,
   * and commands run meanwhile share the node instead of starting another on the same data.
   */
  shared?: boolean;
  /** A node started here runs with security on (and https with `tls`); its clients carry the credentials. */
  secure?: boolean;
  tls?: boolean;
}

/**
 * The Elasticsearch every command, test and bench uses, in this order:
 * 1. `ES_URL` or `ES_CLOUD_ID` (with `ES_API_KEY` or `ES_USERNAME`/`ES_PASSWORD`, and
 *    `ES_CA_CERT` or `ES_CA_FINGERPRINT` for https), see connection.ts;
 * 2. the node `pixrank es start` left running, with the credentials it recorded;
 * 3. a container, when a Docker engine answers (not for a secured node);
 * 4. the local distribution, started for the caller's duration.
 */
export async function provisionCluster(options: ProvisionOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const env = options.env ?? process.env;

  const fromEnv = connectionFromEnv(env);
  if (fromEnv) return await connectTo(fromEnv, fromEnv.cloudId ? 'ES_CLOUD_ID' : 'ES_URL');
  const stray = CONNECTION_ENV.filter((name) => env[name]);
  if (stray.length > 0) log(`es: ${stray.join(', ')} set without ES_URL or ES_CLOUD_ID; ignored`);

  if (!options.ignoreStartedInstance) {
    const state = await readInstanceState();
    if (state) {
      const connection = localNodeConnection(state.url, state.security);
      const client = createClient(connection);
      try {
        if (!isAlive(state.pid)) throw createError('ES_UNREACHABLE', `pid ${state.pid} is gone`);
        await clusterReady(client, 5_000);
        log(`es: using the running local node at ${state.url} (started by es start or another pixrank command)`);
        return cluster(connection, client, await serverVersion(client), 'es start', () => client.close());
      } catch (error) {
        await client.close();
        // It answers, but not to what it recorded: forgetting it would start a second node on the same data.
        const refused = connectionFailure(error, connection);
        if (refused) throw refused;
        log(`es: the node recorded by pixrank es start is not answering (${describe(error)}); forgetting it`);
        await clearInstanceState();
      }
    }
  }

  if (!options.secure && !options.tls && (await dockerAnswers())) {
    const node = await startDockerNode(log);
    const connection: EsConnection = { url: node.url };
    const client = createClient(connection);
    return cluster(connection, client, await serverVersion(client), 'docker', async () => {
      await client.close();
      await node.stop();
    });
  }

  const instanceDir = options.instanceDir ?? (options.shared ? defaultInstanceDir() : undefined);
  const node = await startLocalNode({ log, ...(instanceDir ? { instanceDir } : {}), secure: !!options.secure, tls: !!options.tls });
  const client = createClient(node.connection);
  log(`es: Elasticsearch ${node.version} ready at ${node.url}`);
  if (options.shared) {
    await writeInstanceState({ url: node.url, version: node.version, pid: node.pid, instanceDir: node.layout.instanceDir, dataDir: node.layout.dataDir, startedAt: new Date().toISOString(), ...(node.security ? { security: node.security } : {}) });
  }
  return cluster(node.connection, client, node.version, 'local', async () => {
    await client.close();
    if (options.shared && (await readInstanceState())?.pid === node.pid) await clearInstanceState();
    await node.stop();
  });
}

/** A cluster the environment names: it must answer, to these credentials, within seconds. */
async function connectTo(connection: EsConnection, variable: 'ES_URL' | 'ES_CLOUD_ID'): Promise<Cluster> {
  const client = createClient(connection);
  try {
    await clusterReady(client, 10_000);
    return cluster(connection, client, await serverVersion(client), 'ES_URL', () => client.close());
  } catch (error) {
    await client.close();
    const refused = connectionFailure(error, connection);
    if (refused) throw refused;
    const shown = variable === 'ES_URL' ? `ES_URL=${connection.url}` : `ES_CLOUD_ID (${connection.url})`;
    throw createError(
      'ES_UNREACHABLE',
      `es: ${shown} is unreachable or not ready (${describe(error)}); start that cluster, fix ${variable}, or unset it to let pixrank start a local Elasticsearch`,
      { cause: error },
    );
  }
}

function cluster(connection: EsConnection, client: Client, version: string, source: ClusterSource, release: () => Promise<void>): Cluster {
  return { url: connection.url, version, source, connection, client, newClient: (overrides = {}) => createClient(connection, overrides), release };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
