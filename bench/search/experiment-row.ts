import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowResult } from './rows.ts';
import { measureVariantRow, personalizedPageProblem, type VariantRowInput } from './variant-row.ts';

export const EXPERIMENT_ROW = '/search hybrid personalized, interleaving';

/**
 * The personalized search with an experiment running: a sidecar serving an interleaving experiment
 * whose two arms both run the trained second pass (the same models folder: the dearest case, two
 * second passes and the team draft per request), asked what the personalized row asks.
 */
export async function measureExperimentRow(input: VariantRowInput): Promise<RowResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-experiment-'));
  const file = join(dir, 'experiment.json');
  await writeFile(file, JSON.stringify({ name: `bench-${Date.now()}`, method: 'interleave', arms: { a: { models: input.sidecar.modelsDir }, b: { models: input.sidecar.modelsDir } } }));
  try {
    return await measureVariantRow(input, {
      row: EXPERIMENT_ROW,
      target: 'sidecar (interleave: two second passes)',
      serve: { experimentFile: file },
      problem: (status, json) => {
        const answer = json as { hits?: Array<{ team?: string }>; personalized?: boolean; experiment?: { method: string } };
        if (answer.experiment?.method !== 'interleave') return 'not interleaved';
        if ((answer.hits ?? []).some((hit) => hit.team === undefined)) return 'a hit without its team';
        return personalizedPageProblem(status, answer);
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
