import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createClient, type Client } from '../es-mappings/client.ts';
import { connectionEnv } from '../es-mappings/connection.ts';

/** A client of the Elasticsearch the `es` test project started (see es-global-setup.ts), with its credentials. */
export function testClient(): Client {
  return createClient(inject('esConnection'));
}

/** The environment that points a child `pixrank` process at the same Elasticsearch, credentials included. */
export function testClusterEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(connectionEnv(inject('esConnection')))) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** An alias name no other test uses, so tests never see each other's documents. */
export function uniqueAlias(prefix = 'test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every index, alias and template a test made under `alias`. */
export async function dropAlias(client: Client, alias: string): Promise<void> {
  await client.indices.delete({ index: `${alias}-v*`, ignore_unavailable: true, allow_no_indices: true });
  await client.indices.deleteIndexTemplate({ name: `pixrank-${alias}` }).catch(() => {});
}
