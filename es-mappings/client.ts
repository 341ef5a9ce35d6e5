import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';

export { errors as esErrors };
export type { Client };

export interface EsAuth {
  apiKey?: string;
  username?: string;
  password?: string;
}

/** Credentials for `ES_URL` from the environment: `ES_API_KEY`, or `ES_USERNAME` + `ES_PASSWORD`. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): EsAuth {
  if (env.ES_API_KEY) return { apiKey: env.ES_API_KEY };
  if (env.ES_USERNAME) return { username: env.ES_USERNAME, password: env.ES_PASSWORD ?? '' };
  return {};
}

/**
 * The one place an Elasticsearch client is made. Timeouts are bounded so that an unreachable
 * cluster is an error within seconds, never a hang.
 */
export function createClient(url: string, auth: EsAuth = {}, overrides: Partial<ClientOptions> = {}): Client {
  const options: ClientOptions = {
    node: url,
    requestTimeout: 30_000,
    maxRetries: 2,
    ...overrides,
  };
  if (auth.apiKey) options.auth = { apiKey: auth.apiKey };
  else if (auth.username) options.auth = { username: auth.username, password: auth.password ?? '' };
  return new Client(options);
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
