/** One observation: a user did something with an item `weight` times (downloads, likes…). */
export interface Interaction {
  user: string;
  item: string;
  weight: number;
}

/**
 * Users × items in compressed sparse rows, both ways (by user for the user step of ALS, by item for
 * the item step), with the string ids behind the row and column numbers.
 */
export interface InteractionMatrix {
  userIds: string[];
  itemIds: string[];
  userIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  byUser: Csr;
  byItem: Csr;
}

export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Builds the matrix; repeated (user, item) pairs add up. Ids keep their first-seen order. */
export function interactionMatrix(interactions: Iterable<Interaction>, known: { users?: string[]; items?: string[] } = {}): InteractionMatrix {
  const userIndex = new Map<string, number>((known.users ?? []).map((id, i) => [id, i]));
  const itemIndex = new Map<string, number>((known.items ?? []).map((id, i) => [id, i]));
  const cells = new Map<number, Map<number, number>>();
  for (const { user, item, weight } of interactions) {
    if (!(weight > 0)) continue;
    let u = userIndex.get(user);
    if (u === undefined) userIndex.set(user, (u = userIndex.size));
    let i = itemIndex.get(item);
    if (i === undefined) itemIndex.set(item, (i = itemIndex.size));
    let row = cells.get(u);
    if (!row) cells.set(u, (row = new Map()));
    row.set(i, (row.get(i) ?? 0) + weight);
  }
  const triples: Array<[number, number, number]> = [];
  for (const [u, row] of cells) for (const [i, w] of row) triples.push([u, i, w]);
  return {
    userIds: [...userIndex.keys()],
    itemIds: [...itemIndex.keys()],
    userIndex,
    itemIndex,
    byUser: csr(triples, userIndex.size, 0),
    byItem: csr(triples, itemIndex.size, 1),
  };
}

function csr(triples: Array<[number, number, number]>, rows: number, rowOf: 0 | 1): Csr {
  const col = rowOf === 0 ? 1 : 0;
  const indptr = new Int32Array(rows + 1);
  for (const t of triples) indptr[t[rowOf] + 1]! += 1;
  for (let r = 0; r < rows; r++) indptr[r + 1]! += indptr[r]!;
  const fill = indptr.slice(0, rows);
  const indices = new Int32Array(triples.length);
  const values = new Float32Array(triples.length);
  for (const t of triples) {
    const at = fill[t[rowOf]]!++;
    indices[at] = t[col];
    values[at] = t[2];
  }
  // Columns in order within each row: deterministic sums whatever the input order.
  for (let r = 0; r < rows; r++) sortRow(indices, values, indptr[r]!, indptr[r + 1]!);
  return { indptr, indices, values };
}

function sortRow(indices: Int32Array, values: Float32Array, from: number, to: number): void {
  const order = Array.from({ length: to - from }, (_, k) => from + k).sort((a, b) => indices[a]! - indices[b]!);
  const i2 = order.map((k) => indices[k]!);
  const v2 = order.map((k) => values[k]!);
  indices.set(i2, from);
  values.set(v2, from);
}
