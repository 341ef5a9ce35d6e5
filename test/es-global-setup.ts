import type { TestProject } from 'vitest/node';
import type { EsConnection } from '../es-mappings/connection.ts';
import { provisionCluster, type Cluster } from '../es-mappings/provision.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    esUrl: string;
    esVersion: string;
    esSource: string;
    /** URL, credentials and CA: test clients are made from this, never from the bare URL. */
    esConnection: EsConnection;
  }
}

let cluster: Cluster | undefined;

/**
 * One real Elasticsearch for the `es` test project: ES_URL when set, else a node of its own in a
 * temp folder (never the one `pixrank es start` left, so tests never touch a person's data).
 * The node is stopped in teardown, on Ctrl-C, and by the kernel if this process is killed.
 */
export async function setup(project: TestProject): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  cluster = await provisionCluster({ log, ignoreStartedInstance: true });
  process.stdout.write(`\n[es] integration tests run against Elasticsearch ${cluster.version} (${cluster.source}) at ${cluster.url}\n\n`);
  project.provide('esUrl', cluster.url);
  project.provide('esVersion', cluster.version);
  project.provide('esSource', cluster.source);
  project.provide('esConnection', cluster.connection);
}

export async function teardown(): Promise<void> {
  await cluster?.release();
  cluster = undefined;
}
