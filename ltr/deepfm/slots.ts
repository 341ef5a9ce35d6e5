import { FIELD, FIELDS } from '../fm/fields.ts';
import type { FlatSparse } from '../fm/training-set.ts';
import { createError } from '../../es-mappings/errors.ts';

/**
 * DeepFM's fixed-width input: a tensor needs the same number of features per example, so each
 * example fills `width` slots — one per single-valued field and `maxTokens` for the query — with
 * (feature index, value); an absent feature is the padding feature 0 with value 0, which adds
 * nothing to the FM part and a zero to the MLP's field embedding.
 */
export interface SlotLayout {
  maxTokens: number;
  width: number;
  /** Field of each slot (the MLP pools a field's slots into one embedding). */
  fieldOfSlot: number[];
  /** First slot of each field. */
  firstSlot: number[];
}

export function slotLayout(maxTokens: number): SlotLayout {
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw createError('INVALID_ARGUMENT', `deepfm slots: maxTokens must be a positive integer, not ${maxTokens}`);
  const fieldOfSlot: number[] = [];
  const firstSlot: number[] = [];
  for (const [field, name] of FIELDS.entries()) {
    firstSlot.push(fieldOfSlot.length);
    const slots = name === 'query' ? maxTokens : 1;
    for (let s = 0; s < slots; s++) fieldOfSlot.push(field);
  }
  return { maxTokens, width: fieldOfSlot.length, fieldOfSlot, firstSlot };
}

/** A batch of examples in slots: `indices` and `values` are rows × width, row-major. */
export interface SlotBatch {
  rows: number;
  indices: Int32Array;
  values: Float32Array;
}

export function slotBatch(layout: SlotLayout, rows: number): SlotBatch {
  return { rows, indices: new Int32Array(rows * layout.width), values: new Float32Array(rows * layout.width) };
}

/**
 * Writes the features of rows `from`…`to` of `side` into example `row`'s slots. A query's tokens
 * past `maxTokens` are dropped (their 1/√n weights stay as encoded).
 */
export function fillSlots(layout: SlotLayout, batch: SlotBatch, row: number, side: Pick<FlatSparse, 'indices' | 'values' | 'fields'>, from: number, to: number): void {
  const base = row * layout.width;
  let tokens = 0;
  for (let at = from; at < to; at++) {
    const field = side.fields[at]!;
    let slot = layout.firstSlot[field]!;
    if (field === FIELD.query) {
      if (tokens === layout.maxTokens) continue;
      slot += tokens++;
    }
    batch.indices[base + slot] = side.indices[at]!;
    batch.values[base + slot] = side.values[at]!;
  }
}
