import type { SecondPass } from '../../ltr/second-pass.ts';
import type { FusionOptions, PolicyOptionsInput } from '../pipeline/request-options.ts';
import { LtrSecondPass } from '../rerank/ltr-pass.ts';
import { armOf } from './bucket.ts';
import { readExperimentFile, type ExperimentConfig } from './experiment-config.ts';

/** One arm, ready to rank: its second pass (none for `"models": null`) and its overrides. */
export interface ExperimentArm {
  name: string;
  models: string | null;
  pass?: SecondPass;
  reverse: boolean;
  fusion?: FusionOptions;
  policy?: PolicyOptionsInput;
}

/** The running experiment of a sidecar. */
export interface Experiment {
  name: string;
  method: 'ab' | 'interleave';
  /** In the file's order; the first is the control. */
  arms: ExperimentArm[];
  file?: string;
}

/** Loads every arm's models (a folder named by two arms is loaded once). */
export async function openExperiment(config: ExperimentConfig): Promise<Experiment> {
  const passes = new Map<string, Promise<LtrSecondPass>>();
  const arms = await Promise.all(
    config.arms.map(async (arm): Promise<ExperimentArm> => {
      let pass: SecondPass | undefined;
      if (arm.models !== null) {
        if (!passes.has(arm.models)) passes.set(arm.models, LtrSecondPass.open(arm.models));
        pass = await passes.get(arm.models)!;
      }
      return { name: arm.name, models: arm.models, pass, reverse: arm.reverse ?? false, ...(arm.fusion ? { fusion: arm.fusion } : {}), ...(arm.policy ? { policy: arm.policy } : {}) };
    }),
  );
  return { name: config.name, method: config.method, arms, ...(config.file ? { file: config.file } : {}) };
}

export async function openExperimentFile(file: string): Promise<Experiment> {
  return openExperiment(await readExperimentFile(file));
}

/**
 * The arm of an A/B request: by a stable hash of (experiment, user); a request without a user is
 * bucketed by the key its client keeps (`experiment_key`), else it sees the control.
 */
export function abArm(experiment: Experiment, user: string | undefined, key: string | undefined): ExperimentArm {
  const unit = user ?? key;
  return unit ? armOf(experiment.name, unit, experiment.arms) : experiment.arms[0]!;
}

/** What `GET /experiments` shows of the running experiment. */
export function describeExperiment(experiment: Experiment | undefined) {
  if (!experiment) return { experiment: null };
  return {
    experiment: {
      name: experiment.name,
      method: experiment.method,
      control: experiment.arms[0]!.name,
      file: experiment.file ?? null,
      arms: Object.fromEntries(
        experiment.arms.map((arm) => [
          arm.name,
          { models: arm.models, second_pass: arm.pass?.version ?? null, reverse: arm.reverse, ...(arm.fusion ? { fusion: arm.fusion } : {}), ...(arm.policy ? { policy: arm.policy } : {}) },
        ]),
      ),
    },
  };
}
