import type { Csr } from '../interactions.ts';

/**
 * Users and items renumbered by activity (most interactions first) for the length of a fit. A CG
 * row reads the factor rows of everything it interacted with; with popular items (and heavy users)
 * packed at the front, the rows read most share cache lines and pages instead of being spread over
 * the whole factor matrix (on a 100k × 100k × 5M power-law matrix, most of a sweep's time was cache
 * and TLB misses). Rows are independent within a half-sweep, so the order changes no arithmetic but
 * the order of Gram-block sums.
 */
export interface DegreeOrder {
  /** position → original user row, and the same for items */
  userOrder: Int32Array;
  itemOrder: Int32Array;
  /** The interactions in the new numbering, columns ascending within each row. */
  byUser: Csr;
  byItem: Csr;
}

/** Row numbers sorted by row length, longest first, ties by number. */
export function byDegree(indptr: Int32Array): Int32Array {
  const rows = indptr.length - 1;
  const degree = (r: number): number => indptr[r + 1]! - indptr[r]!;
  return Int32Array.from({ length: rows }, (_, r) => r).sort((a, b) => degree(b) - degree(a) || a - b);
}

/** Inverse of a permutation: position of each original row. */
export function inverse(order: Int32Array): Int32Array {
  const at = new Int32Array(order.length);
  for (let p = 0; p < order.length; p++) at[order[p]!] = p;
  return at;
}

export function degreeOrder(byUser: Csr, byItem: Csr): DegreeOrder {
  const userOrder = byDegree(byUser.indptr);
  const itemOrder = byDegree(byItem.indptr);
  return { userOrder, itemOrder, byUser: relabel(byUser, userOrder, inverse(itemOrder)), byItem: relabel(byItem, itemOrder, inverse(userOrder)) };
}

/**
 * Rows taken in `order`, columns renamed by `columnAt`. A row's columns keep their old relative
 * order (one gather pass, no sort: the order within a row only changes which sum comes first).
 */
function relabel(m: Csr, order: Int32Array, columnAt: Int32Array): Csr {
  const rows = order.length;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.values.length);
  for (let p = 0; p < rows; p++) {
    const r = order[p]!;
    const start = m.indptr[r]!;
    const end = m.indptr[r + 1]!;
    const at = indptr[p]! - start;
    for (let k = start; k < end; k++) {
      indices[at + k] = columnAt[m.indices[k]!]!;
      values[at + k] = m.values[k]!;
    }
    indptr[p + 1] = indptr[p]! + end - start;
  }
  return { indptr, indices, values };
}
