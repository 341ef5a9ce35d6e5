import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ES_DOCKER_IMAGE } from '../version.ts';

const run = promisify(execFile);

/** True when a Docker engine answers (not merely when the docker client is installed). */
export async function dockerAnswers(): Promise<boolean> {
  if (process.env.PIXRANK_NO_DOCKER === '1') return false;
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export interface DockerNode {
  url: string;
  stop(): Promise<void>;
}

/** The same version in a container, through @testcontainers/elasticsearch (an optional dependency). */
export async function startDockerNode(log: (line: string) => void): Promise<DockerNode> {
  const { ElasticsearchContainer } = await import('@testcontainers/elasticsearch');
  log(`es: starting ${ES_DOCKER_IMAGE} with testcontainers`);
  const container = await new ElasticsearchContainer(ES_DOCKER_IMAGE)
    .withEnvironment({ 'xpack.security.enabled': 'false', ES_JAVA_OPTS: `-Xms${process.env.ES_HEAP ?? '1g'} -Xmx${process.env.ES_HEAP ?? '1g'}` })
    .start();
  return {
    url: container.getHttpUrl(),
    stop: async () => {
      await container.stop();
    },
  };
}
