import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';
import { clientOptions, type EsConnection } from './connection.ts';

export { errors as esErrors };
export type { Client, ClientOptions };

/**
 * The one place an Elasticsearch client is made, always from a whole connection (URL, credentials,
 * CA), so no caller can drop the credentials on the way. Commands get theirs from the provisioned
 * cluster (`cluster.client`, `cluster.newClient`), never from a bare URL.
 */
export function createClient(connection: EsConnection, overrides: Partial<ClientOptions> = {}): Client {
  const client = new Client(clientOptions(connection, overrides));
  made.set(client, connection);
  return client;
}

const made = new WeakMap<Client, EsConnection>();

/**
 * The connection a client was made from, for code handed only the client (the sidecar) that must
 * say which credential Elasticsearch refused: the client's errors do not carry it.
 */
export function connectionOf(client: Client): EsConnection | undefined {
  return made.get(client);
}

/** Readiness from `_cluster/health` (this distribution does not serve `GET /`). */
export async function clusterReady(client: Client, timeoutMs = 5_000, signal?: AbortSignal): Promise<void> {
  await client.cluster.health({ wait_for_status: 'yellow', timeout: `${Math.ceil(timeoutMs / 1000)}s` }, { requestTimeout: timeoutMs + 2_000, maxRetries: 0, signal });
}

/** The server's version from `_nodes/_local`. */
export async function serverVersion(client: Client): Promise<string> {
  const info = await client.nodes.info({ node_id: '_local', metric: '_none' }, { maxRetries: 0 });
  return Object.values(info.nodes)[0]?.version ?? 'unknown';
}
