import type { Cluster } from '../../es-mappings/provision.ts';
import type { ElasticsearchCpu } from './cpu.ts';
import type { HttpTarget } from './load.ts';
import { measureRow, type LoadSettings, type RowContext, type RowResult } from './rows.ts';
import { startSidecar } from './sidecar.ts';

export const LOGGING_OFF_ROW = '/search hybrid personalized, feature logging off';

/**
 * The personalized search on a sidecar started with `--no-feature-log`: the same request as the
 * personalized row (whose sidecar logs every served feature vector, the default), so the two p50s
 * give the cost of the logging.
 */
export async function measureLoggingOffRow(input: {
  cluster: Cluster;
  sidecar: { index: string; model: string; quantized: boolean; modelsDir: string };
  body: () => Record<string, unknown>;
  headers: Record<string, string>;
  settings: LoadSettings;
  esCpu: ElasticsearchCpu;
  context: Omit<RowContext, 'sidecarPid'>;
}): Promise<RowResult> {
  const sidecar = await startSidecar(input.cluster, { ...input.sidecar, extraArgs: ['--no-feature-log'] });
  try {
    const http: HttpTarget = { origin: sidecar.url, method: 'POST', headers: input.headers, next: () => ({ path: '/search', body: JSON.stringify(input.body()) }) };
    const sanity = async () => {
      const response = await fetch(`${sidecar.url}/search`, { method: 'POST', headers: input.headers, body: JSON.stringify(input.body()) });
      const json = (await response.json()) as { hits?: unknown[]; personalized?: boolean };
      if (response.status !== 200 || json.personalized !== true || json.hits?.length !== 10) throw new Error(`bench search: the sidecar without feature logging answered ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
    };
    return await measureRow({ name: LOGGING_OFF_ROW, target: 'sidecar (second pass: trained models; --no-feature-log)', kind: 'http', withTook: true, http, sanity }, input.settings, input.esCpu, { ...input.context, sidecarPid: sidecar.pid });
  } finally {
    await sidecar.stop();
  }
}
