import type { Cluster } from '../../es-mappings/provision.ts';
import type { ElasticsearchCpu } from './cpu.ts';
import type { HttpTarget } from './load.ts';
import { measureRow, type LoadSettings, type RowContext, type RowResult } from './rows.ts';
import { startSidecar } from './sidecar.ts';

/** What every variant row shares with the personalized row: the cluster, its sidecar settings, the same request. */
export interface VariantRowInput {
  cluster: Cluster;
  sidecar: { index: string; model: string; quantized: boolean; modelsDir: string };
  body: () => Record<string, unknown>;
  headers: Record<string, string>;
  settings: LoadSettings;
  esCpu: ElasticsearchCpu;
  context: Omit<RowContext, 'sidecarPid'>;
}

/** A sidecar started differently (an experiment file, a flag), and what its answer must show before it is measured. */
export interface SidecarVariant {
  row: string;
  target: string;
  serve: { experimentFile?: string; extraArgs?: string[] };
  /** Why an answer is not the variant's (wrong status, not personalized, …); undefined when it is. */
  problem(status: number, json: Record<string, unknown>): string | undefined;
}

/**
 * The personalized search on a sidecar of its own, asked exactly what the personalized row asks:
 * the two p50s give what the variant costs.
 */
export async function measureVariantRow(input: VariantRowInput, variant: SidecarVariant): Promise<RowResult> {
  const sidecar = await startSidecar(input.cluster, { ...input.sidecar, ...variant.serve });
  try {
    const request = () => ({ method: 'POST', headers: input.headers, body: JSON.stringify(input.body()) });
    const http: HttpTarget = { origin: sidecar.url, method: 'POST', headers: input.headers, next: () => ({ path: '/search', body: request().body }) };
    const sanity = async () => {
      const response = await fetch(`${sidecar.url}/search`, request());
      const json = (await response.json()) as Record<string, unknown>;
      const problem = variant.problem(response.status, json);
      if (problem) throw new Error(`bench search: ${variant.row}: ${problem}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
    };
    return await measureRow({ name: variant.row, target: variant.target, kind: 'http', withTook: true, http, sanity }, input.settings, input.esCpu, { ...input.context, sidecarPid: sidecar.pid });
  } finally {
    await sidecar.stop();
  }
}

/** The personalized answer every variant row must still give: 200, personalized, a page of 10. */
export function personalizedPageProblem(status: number, json: { hits?: unknown[]; personalized?: boolean }): string | undefined {
  if (status !== 200) return 'not a 200';
  if (json.personalized !== true) return 'not personalized';
  return json.hits?.length === 10 ? undefined : 'not a page of 10 hits';
}
