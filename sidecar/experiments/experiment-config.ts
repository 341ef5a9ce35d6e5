import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from '@hono/zod-openapi';
import { createError } from '../../es-mappings/errors.ts';
import { FusionOptionsSchema, PolicyOptionsSchema } from '../pipeline/request-options.ts';

const ArmSchema = z
  .object({
    models: z.string().min(1).nullable().describe('a `pixrank train` folder (relative to the experiment file), or null: the unpersonalized first stage'),
    fusion: FusionOptionsSchema.optional(),
    policy: PolicyOptionsSchema.optional(),
    reverse: z.boolean().optional().describe("serve the arm's order upside down: a deliberately bad arm, to check that an experiment can find a loser"),
  })
  .strict();

export const ExperimentFileSchema = z
  .object({
    name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
    method: z.enum(['ab', 'interleave']),
    arms: z.record(z.string().trim().min(1).max(50).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'), ArmSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const arms = Object.values(file.arms);
    if (arms.length < 2) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'an experiment needs two or more arms' });
    if (file.method === 'interleave') {
      // Both rankings of an interleaved search come from one retrieval; an arm's fusion and policy overrides apply to its own order (experiment-plan.ts).
      if (arms.length !== 2) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'team-draft interleaving takes exactly two arms' });
    }
  });

export type ExperimentFile = z.infer<typeof ExperimentFileSchema>;
export type ArmFile = z.infer<typeof ArmSchema>;

/** The arms of a file in its order (the first is the control), with `models` resolved against the file's folder. */
export interface ExperimentConfig {
  name: string;
  method: 'ab' | 'interleave';
  arms: Array<ArmFile & { name: string }>;
  file?: string;
}

export function parseExperiment(json: unknown, file?: string): ExperimentConfig {
  const parsed = ExperimentFileSchema.safeParse(json);
  const where = file ?? 'experiment';
  if (!parsed.success) throw createError('INVALID_ARGUMENT', `experiment: ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  const base = file ? dirname(file) : process.cwd();
  return {
    name: parsed.data.name,
    method: parsed.data.method,
    arms: Object.entries(parsed.data.arms).map(([name, arm]) => ({ ...arm, name, models: arm.models === null ? null : resolve(base, arm.models) })),
    ...(file ? { file } : {}),
  };
}

/** Reads and checks an experiment file (`pixrank serve --experiment FILE.json`). */
export async function readExperimentFile(file: string): Promise<ExperimentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw createError('DATA_NOT_FOUND', `experiment: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw createError('DATA_MALFORMED', `experiment: ${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseExperiment(json, resolve(file));
}
