import { authFromEnv, clusterReady, createClient, serverVersion, type Client } from './client.ts';
import { createError } from './errors.ts';
import { dockerAnswers, startDockerNode } from './server/docker.ts';
import { startLocalNode } from './server/local-node.ts';
import { isAlive } from './server/process-group.ts';
import { clearInstanceState, readInstanceState, writeInstanceState } from './server/state.ts';
import { defaultInstanceDir } from './paths.ts';

export type ClusterSource = 'ES_URL' | 'es start' | 'docker' | 'local';

export interface Cluster {
  url: string;
  version: string;
  source: ClusterSource;
  client: Client;
  /** Stops what this call started; a cluster found running is left running. */
  release(): Promise<void>;
}

export interface ProvisionOptions {
  log?: (line: string) => void;
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
}

/**
 * The Elasticsearch every command, test and bench uses, in this order:
 * 1. `ES_URL` (with `ES_API_KEY` or `ES_USERNAME`/`ES_PASSWORD`);
 * 2. the node `pixrank es start` left running;
 * 3. a container, when a Docker engine answers;
 * 4. the local distribution, started for the caller's duration.
 */
export async function provisionCluster(options: ProvisionOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});

  if (process.env.ES_URL) {
    const url = process.env.ES_URL;
    const client = createClient(url, authFromEnv());
    try {
      await clusterReady(client, 10_000);
    } catch (error) {
      await client.close();
      throw createError(
        'ES_UNREACHABLE',
        `es: ES_URL=${url} is unreachable or not ready (${describe(error)}); start that cluster, fix ES_URL, or unset it to let pixrank start a local Elasticsearch`,
        { cause: error },
      );
    }
    return { url, version: await serverVersion(client), source: 'ES_URL', client, release: () => client.close() };
  }

  if (!options.ignoreStartedInstance) {
    const state = await readInstanceState();
    if (state) {
      const client = createClient(state.url);
      try {
        if (!isAlive(state.pid)) throw new Error(`pid ${state.pid} is gone`);
        await clusterReady(client, 5_000);
        log(`es: using the running local node at ${state.url} (started by es start or another pixrank command)`);
        return { url: state.url, version: await serverVersion(client), source: 'es start', client, release: () => client.close() };
      } catch (error) {
        await client.close();
        log(`es: the node recorded by pixrank es start is not answering (${describe(error)}); forgetting it`);
        await clearInstanceState();
      }
    }
  }

  if (await dockerAnswers()) {
    const node = await startDockerNode(log);
    const client = createClient(node.url);
    return { url: node.url, version: await serverVersion(client), source: 'docker', client, release: async () => {
      await client.close();
      await node.stop();
    } };
  }

  const instanceDir = options.instanceDir ?? (options.shared ? defaultInstanceDir() : undefined);
  const node = await startLocalNode({ log, ...(instanceDir ? { instanceDir } : {}) });
  const client = createClient(node.url);
  log(`es: Elasticsearch ${node.version} ready at ${node.url}`);
  if (options.shared) {
    await writeInstanceState({ url: node.url, version: node.version, pid: node.pid, instanceDir: node.layout.instanceDir, dataDir: node.layout.dataDir, startedAt: new Date().toISOString() });
  }
  return {
    url: node.url,
    version: node.version,
    source: 'local',
    client,
    release: async () => {
      await client.close();
      if (options.shared && (await readInstanceState())?.pid === node.pid) await clearInstanceState();
      await node.stop();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
