import { Random } from '../../ltr/random.ts';
import type { Csr, InteractionMatrix } from '../../ltr/interactions.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface SyntheticOptions {
  users: number;
  items: number;
  nnz: number;
  seed: number;
}

/**
 * A users × items count matrix for timing ALS: row lengths log-normal (mean nnz/users), items drawn
 * with power-law popularity (item rank = ⌊items · u³⌋, density ∝ rank^(−2/3)) under a random
 * permutation of item numbers, distinct items per row, counts 1–3. Exactly `nnz` stored cells.
 */
export function syntheticCsr(options: SyntheticOptions): Csr {
  const { users, items, nnz, seed } = options;
  if (!(users > 0 && items > 0 && nnz > 0)) throw createError('INVALID_ARGUMENT', 'als bench: users, items and nnz must be positive');
  if (nnz > users * items * 0.5) throw createError('INVALID_ARGUMENT', `als bench: ${nnz} interactions is over half of ${users} × ${items}`);
  const random = new Random(seed);
  const permutation = Int32Array.from({ length: items }, (_, i) => i);
  for (let i = items - 1; i > 0; i--) {
    const j = Math.floor(random.float() * (i + 1));
    const t = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = t;
  }
  const weights = Float64Array.from({ length: users }, () => random.logNormal(0, 1));
  const total = weights.reduce((s, w) => s + w, 0);
  const cap = Math.floor(items / 2);
  const lengths = Int32Array.from(weights, (w) => Math.min(cap, Math.floor((w / total) * nnz)));
  // Hand out what the rounding (and the cap) left, one per row, round robin.
  let left = nnz - lengths.reduce((s, n) => s + n, 0);
  for (let u = 0; left > 0; u = (u + 1) % users) {
    if (lengths[u]! < cap) {
      lengths[u]! += 1;
      left -= 1;
    }
  }
  const indptr = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) indptr[u + 1] = indptr[u]! + lengths[u]!;
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const chosen = new Set<number>();
  for (let u = 0; u < users; u++) {
    chosen.clear();
    const n = lengths[u]!;
    while (chosen.size < n) chosen.add(permutation[Math.floor(items * random.float() ** 3)]!);
    const row = Int32Array.from(chosen).sort();
    indices.set(row, indptr[u]!);
    for (let k = indptr[u]!; k < indptr[u + 1]!; k++) {
      const c = random.float();
      values[k] = c < 0.7 ? 1 : c < 0.9 ? 2 : 3;
    }
  }
  return { indptr, indices, values };
}

/** The transpose of a CSR (columns become rows, in order). */
export function transpose(m: Csr, cols: number): Csr {
  const nnz = m.indices.length;
  const indptr = new Int32Array(cols + 1);
  for (let k = 0; k < nnz; k++) indptr[m.indices[k]! + 1]! += 1;
  for (let c = 0; c < cols; c++) indptr[c + 1]! += indptr[c]!;
  const fill = indptr.slice(0, cols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const rows = m.indptr.length - 1;
  for (let r = 0; r < rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const at = fill[m.indices[k]!]!++;
      indices[at] = r;
      values[at] = m.values[k]!;
    }
  }
  return { indptr, indices, values };
}

/** An InteractionMatrix over a user-major CSR, with ids `u<row>` and `i<column>`. */
export function matrixFromCsr(byUser: Csr, items: number): InteractionMatrix {
  const users = byUser.indptr.length - 1;
  const userIds = Array.from({ length: users }, (_, u) => `u${u}`);
  const itemIds = Array.from({ length: items }, (_, i) => `i${i}`);
  return {
    userIds,
    itemIds,
    userIndex: new Map(userIds.map((id, u) => [id, u])),
    itemIndex: new Map(itemIds.map((id, i) => [id, i])),
    byUser,
    byItem: transpose(byUser, items),
  };
}
