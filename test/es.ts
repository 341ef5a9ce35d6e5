import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { authFromEnv, createClient, type Client } from '../es-mappings/client.ts';

/** A client of the Elasticsearch the `es` test project started (see es-global-setup.ts). */
export function testClient(): Client {
  const url = inject('esUrl');
  return createClient(url, inject('esSource') === 'ES_URL' ? authFromEnv() : {});
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
