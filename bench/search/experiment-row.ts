import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster } from '../../es-mappings/provision.ts';
import type { HttpTarget } from './load.ts';
import { measureRow, type LoadSettings, type RowContext, type RowResult } from './rows.ts';
import { startSidecar } from './sidecar.ts';
import type { ElasticsearchCpu } from './cpu.ts';

export const EXPERIMENT_ROW = '/search hybrid personalized, interleaving';

/**
 * The personalized search with an experiment running: a sidecar serving an interleaving experiment
 * whose two arms both run the trained second pass (the same models folder: the dearest case, two
 * second passes and the team draft per request), asked what the personalized row asks.
 */
export async function measureExperimentRow(input: {
  cluster: Cluster;
  sidecar: { index: string; model: string; quantized: boolean; modelsDir: string };
  body: () => Record<string, unknown>;
  headers: Record<string, string>;
  settings: LoadSettings;
  esCpu: ElasticsearchCpu;
  context: Omit<RowContext, 'sidecarPid'>;
}): Promise<RowResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-experiment-'));
  const file = join(dir, 'experiment.json');
  await writeFile(file, JSON.stringify({ name: `bench-${Date.now()}`, method: 'interleave', arms: { a: { models: input.sidecar.modelsDir }, b: { models: input.sidecar.modelsDir } } }));
  const sidecar = await startSidecar(input.cluster, { ...input.sidecar, experimentFile: file });
  try {
    const http: HttpTarget = { origin: sidecar.url, method: 'POST', headers: input.headers, next: () => ({ path: '/search', body: JSON.stringify(input.body()) }) };
    const sanity = async () => {
      const response = await fetch(`${sidecar.url}/search`, { method: 'POST', headers: input.headers, body: JSON.stringify(input.body()) });
      const json = (await response.json()) as { hits?: Array<{ team?: string }>; personalized?: boolean; experiment?: { method: string } };
      const teams = new Set((json.hits ?? []).map((h) => h.team));
      if (response.status !== 200 || json.experiment?.method !== 'interleave' || json.personalized !== true || json.hits?.length !== 10 || teams.has(undefined)) {
        throw new Error(`bench search: the experiment sidecar answered ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
      }
    };
    return await measureRow({ name: EXPERIMENT_ROW, target: 'sidecar (interleave: two second passes)', kind: 'http', withTook: true, http, sanity }, input.settings, input.esCpu, { ...input.context, sidecarPid: sidecar.pid });
  } finally {
    await sidecar.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
