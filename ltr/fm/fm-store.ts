import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpy, readNpy } from '../../ingest/vectors/npy.ts';
import { FieldEncoder, type FieldEncoderState } from './fields.ts';
import type { FmSettings, FmState } from './fm-bpr.ts';
import { createError } from '../../es-mappings/errors.ts';

const FORMAT_VERSION = 1;

/** What every FM-family model (FM, DeepFM) saves beside its weights: ids, seen items, vocabulary. */
export interface FittedIdsHeader {
  users: string[];
  items: string[];
  seen: { indptr: number[]; indices: number[] };
  encoder: FieldEncoderState;
}

export interface FittedIds {
  encoder: FieldEncoder;
  userIds: string[];
  itemIds: string[];
  seenPtr: Int32Array;
  seenItems: Int32Array;
}

export function fittedIdsHeader(state: FittedIds): FittedIdsHeader {
  return {
    users: state.userIds,
    items: state.itemIds,
    seen: { indptr: Array.from(state.seenPtr), indices: Array.from(state.seenItems) },
    encoder: state.encoder.state(),
  };
}

export function fittedIdsFrom(header: FittedIdsHeader): FittedIds {
  return {
    encoder: FieldEncoder.fromState(header.encoder),
    userIds: header.users,
    itemIds: header.items,
    seenPtr: Int32Array.from(header.seen.indptr),
    seenItems: Int32Array.from(header.seen.indices),
  };
}

interface FmHeader extends FittedIdsHeader {
  kind: string;
  format: number;
  settings: FmSettings;
}

/**
 * A fitted FM on disk: `model.json` (settings, ids, vocabulary, item side data, seen items) beside
 * `linear.npy` (features × 1) and `factors.npy` (features × k), float32, readable by NumPy.
 * DeepFM keeps its own files; `kind` says which model a directory holds.
 */
export async function writeFmState(dir: string, kind: string, settings: FmSettings, state: FmState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { params } = state;
  await writeFile(join(dir, 'linear.npy'), encodeNpy({ rows: params.n, cols: 1, data: params.w }));
  await writeFile(join(dir, 'factors.npy'), encodeNpy({ rows: params.n, cols: params.k, data: params.v }));
  const header: FmHeader = {
    kind,
    format: FORMAT_VERSION,
    settings,
    ...fittedIdsHeader(state),
  };
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(header)}\n`);
}

export async function readFmState(dir: string, kind: string): Promise<{ settings: FmSettings; state: FmState }> {
  const header = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as FmHeader;
  if (header.kind !== kind || header.format !== FORMAT_VERSION) {
    throw createError('MODEL_INVALID', `${kind} store: ${dir} holds a ${header.kind} model of format ${header.format}, not ${kind} format ${FORMAT_VERSION}`);
  }
  const ids = fittedIdsFrom(header);
  const { encoder } = ids;
  const linear = await readNpy(join(dir, 'linear.npy'));
  const factors = await readNpy(join(dir, 'factors.npy'));
  const k = header.settings.factors;
  if (linear.rows !== encoder.size || linear.cols !== 1 || factors.rows !== encoder.size || factors.cols !== k) {
    throw createError('MODEL_INVALID', `${kind} store: ${dir}: weight files (${linear.rows}×${linear.cols}, ${factors.rows}×${factors.cols}) do not match ${encoder.size} features × ${k} factors`);
  }
  if (header.seen.indptr.length !== header.users.length + 1) throw createError('MODEL_INVALID', `${kind} store: ${dir}: seen rows do not match the users`);
  return {
    settings: header.settings,
    state: { ...ids, params: { n: encoder.size, k, w: linear.data, v: factors.data } },
  };
}
