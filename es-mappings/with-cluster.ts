import { connectionFailure } from './connection-errors.ts';
import { provisionCluster, type Cluster, type ProvisionOptions } from './provision.ts';

/** Progress for a person goes to stderr, so stdout stays the command's result. */
export const logToStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Runs `work` against the cluster chosen by `provisionCluster` (ES_URL, the node `es start` left,
 * Docker, else the persistent local node started for this command's duration and stopped
 * afterwards — its data stays for the next command). A credential refused midway (a user whose
 * role lacks a privilege) is the same one-line error as one refused at the start.
 */
export async function withCluster<T>(work: (cluster: Cluster) => Promise<T>, options: ProvisionOptions = {}): Promise<T> {
  const cluster = await provisionCluster({ log: logToStderr, shared: true, ...options });
  try {
    return await work(cluster);
  } catch (error) {
    throw connectionFailure(error, cluster.connection) ?? error;
  } finally {
    await cluster.release();
  }
}
