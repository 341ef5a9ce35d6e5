import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpy, readNpy } from '../../ingest/vectors/npy.ts';
import { fittedIdsFrom, fittedIdsHeader, type FittedIdsHeader } from '../fm/fm-store.ts';
import type { DeepFmSettings, DeepFmState } from './deepfm.ts';
import { DeepFmNetwork, type NamedMatrix } from './network.ts';
import { slotLayout } from './slots.ts';
import { createError } from '../../es-mappings/errors.ts';

const FORMAT_VERSION = 1;

interface DeepFmHeader extends FittedIdsHeader {
  kind: 'deepfm';
  format: number;
  settings: DeepFmSettings;
  /** Weight names in order; each is `<name>.npy` (float32, rows × cols) beside this file. */
  weights: Array<{ name: string; rows: number; cols: number }>;
}

/**
 * A fitted DeepFM on disk: `model.json` and one `.npy` per weight matrix, read back with plain file
 * IO (not tfjs's model IO, which wants URLs and its own layer format).
 */
export async function writeDeepFm(dir: string, settings: DeepFmSettings, state: DeepFmState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const weights = state.network.weights();
  for (const w of weights) await writeFile(join(dir, `${w.name}.npy`), encodeNpy(w));
  const header: DeepFmHeader = {
    kind: 'deepfm',
    format: FORMAT_VERSION,
    settings,
    ...fittedIdsHeader(state),
    weights: weights.map(({ name, rows, cols }) => ({ name, rows, cols })),
  };
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(header)}\n`);
}

/** Needs a tfjs backend loaded (`tfReady`): the weights become tfjs variables. */
export async function readDeepFm(dir: string): Promise<{ settings: DeepFmSettings; state: DeepFmState }> {
  const header = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as DeepFmHeader;
  if (header.kind !== 'deepfm' || header.format !== FORMAT_VERSION) {
    throw createError('MODEL_INVALID', `deepfm store: ${dir} holds a ${header.kind} model of format ${header.format}, not deepfm format ${FORMAT_VERSION}`);
  }
  const ids = fittedIdsFrom(header);
  const { encoder } = ids;
  const weights = new Map<string, NamedMatrix>();
  for (const { name } of header.weights) {
    const m = await readNpy(join(dir, `${name}.npy`));
    weights.set(name, { name, ...m });
  }
  const { settings } = header;
  // the network checks every shape against the settings and the vocabulary
  const network = new DeepFmNetwork({ features: encoder.size, factors: settings.factors, hidden: settings.hidden }, slotLayout(settings.maxTokens), weights);
  return {
    settings,
    state: { ...ids, network },
  };
}
