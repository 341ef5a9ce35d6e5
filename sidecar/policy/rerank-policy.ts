import { cosine } from '../../ltr/vectors.ts';

/** What the policy needs to know of a ranked hit. */
export interface PolicyHit {
  id: string;
  photographer: string | null;
  clip: ArrayLike<number> | null;
}

export interface PolicyOptions {
  /** Drop a hit whose CLIP cosine to a hit ranked above it exceeds this (1 disables). */
  duplicateCosine?: number;
  /** At most this many hits per photographer (0 disables). */
  maxPerPhotographer?: number;
  /** Ids never to show (e.g. the query photo of /similar, or business rules). */
  exclude?: ReadonlySet<string>;
}

export type PolicyDecision = 'kept' | 'duplicate' | 'photographer_cap' | 'excluded';

export interface PolicyResult<T extends PolicyHit> {
  kept: T[];
  dropped: Array<{ hit: T; reason: Exclude<PolicyDecision, 'kept'>; of?: string }>;
}

/**
 * The re-rank policy of a visual search engine (Pinterest-style: filters and de-duplication after
 * retrieval): walk the ranking once, dropping excluded ids, near-duplicates of a better-ranked hit
 * (CLIP cosine above a threshold; the best-ranked such hit is named), and hits past a
 * per-photographer cap, so one burst of near-identical shots cannot fill a page. Order is kept.
 */
export function applyPolicy<T extends PolicyHit>(ranked: readonly T[], options: PolicyOptions = {}): PolicyResult<T> {
  const threshold = options.duplicateCosine ?? 0.97;
  const cap = options.maxPerPhotographer ?? 0;
  const kept: T[] = [];
  const dropped: PolicyResult<T>['dropped'] = [];
  const perPhotographer = new Map<string, number>();
  const vectors = ranked.map((hit) => hit.clip);
  // Below 0 even a zero vector is a duplicate (its cosine is 0) and no bound holds: every pair is compared.
  const duplicates = threshold < 0 ? new AllPairs(vectors, threshold) : threshold < 1 ? new NearDuplicates(vectors, threshold) : undefined;
  ranked.forEach((hit, i) => {
    if (options.exclude?.has(hit.id)) {
      dropped.push({ hit, reason: 'excluded' });
      return;
    }
    const original = duplicates?.originalOf(i);
    if (original !== undefined) {
      dropped.push({ hit, reason: 'duplicate', of: ranked[original]!.id });
      return;
    }
    if (cap > 0 && hit.photographer) {
      const count = perPhotographer.get(hit.photographer) ?? 0;
      if (count >= cap) {
        dropped.push({ hit, reason: 'photographer_cap' });
        return;
      }
      perPhotographer.set(hit.photographer, count + 1);
    }
    kept.push(hit);
    duplicates?.keep(i);
  });
  return { kept, dropped };
}

/**
 * Basis vectors each hit is described by (the bound below is written out for exactly four). Each
 * costs n × d to build; on the demo's vectors 4 did best (1.8 ms for 190 candidates, 6.7 ms for
 * 300; 8 took 3.0 and 6.7, 16 took 2.5 and 7.5).
 */
const BASIS = 4;
/** Slack on every bound, far above the rounding of a 512-term float64 dot product (~1e-13). */
const SLACK = 1e-6;

/**
 * The best-ranked kept hit each hit nearly duplicates, found without comparing it to every kept
 * hit: comparing each with all cost O(n²) cosines — 10 ms of a 37 ms personalized search (~190
 * candidates) and 32 ms of an 80 ms /recommend (~300), 2,000 photos, 256 dims.
 *
 * Each unit vector u is split into its coordinates c on a small orthonormal basis of the
 * candidates' own span (pivoted Gram–Schmidt: each next basis vector is the hit the basis
 * explains least) and a rest of length e = √(1 − |c|²). By Cauchy–Schwarz u·v ≤ c_u·c_v + e_u·e_v,
 * so a pair whose bound is at most the threshold cannot be a duplicate and its exact cosine is
 * never computed; and since a duplicate's distance is below r = √(2 − 2t), its coordinates differ
 * by less than r along every basis vector, so kept hits sit in a grid over three coordinates with
 * cells of side r and a hit looks only at its 3 × 3 × 3 neighbouring cells. Every pair that survives
 * both is decided by the same cosine as before, so the answer is the same.
 */
class NearDuplicates {
  /** Coordinate m of hit i at `i * BASIS + m` (0 past the basis vectors the candidates needed). */
  private readonly coords: Float64Array;
  /** The length of each hit's unit vector outside the basis; NaN for a hit without a vector. */
  private readonly rest: Float64Array;
  /** The side of a grid cell: at least r, so a duplicate is at most one cell away along each axis. */
  private readonly cell: number;
  /** The hits' unit vectors, one row of `dims` each (zeros for a hit without a vector). */
  private readonly units: Float64Array;
  private readonly dims: number;
  /** Kept hits per grid cell, in rank order. */
  private readonly grid = new Map<number, number[]>();

  constructor(
    private readonly vectors: ReadonlyArray<ArrayLike<number> | null>,
    private readonly threshold: number,
  ) {
    const units = vectors.map(unit);
    const placed = units.flatMap((u, i) => (u ? [i] : []));
    this.dims = placed.length > 0 ? units[placed[0]!]!.length : 0;
    this.units = new Float64Array(vectors.length * this.dims);
    for (const i of placed) if (units[i]!.length === this.dims) this.units.set(units[i]!, i * this.dims);
    this.coords = new Float64Array(vectors.length * BASIS);
    const energy = new Float64Array(vectors.length).fill(Number.NaN);
    for (const i of placed) energy[i] = 1;
    // No finer than 1/1024: a looser grid is still right, and the cell keys stay exact integers.
    this.cell = Math.max(Math.sqrt(Math.max(0, 2 - 2 * threshold)) + SLACK, 2 ** -10);
    const directions: Float64Array[] = [];
    let pivot = placed[0];
    for (let m = 0; m < BASIS && pivot !== undefined && energy[pivot]! > 1e-9; m++) {
      // The pivot's part outside the basis so far, scaled to length 1: the next basis vector.
      const direction = Float64Array.from(units[pivot]!);
      for (let b = 0; b < m; b++) {
        const c = this.coords[pivot * BASIS + b]!;
        const previous = directions[b]!;
        for (let d = 0; d < direction.length; d++) direction[d] = direction[d]! - c * previous[d]!;
      }
      const length = Math.sqrt(energy[pivot]!);
      for (let d = 0; d < direction.length; d++) direction[d] = direction[d]! / length;
      directions.push(direction);
      let next = pivot;
      for (const i of placed) {
        const c = dot(units[i]!, direction);
        this.coords[i * BASIS + m] = c;
        energy[i] = Math.max(0, energy[i]! - c * c);
        if (energy[i]! > energy[next]!) next = i;
      }
      pivot = next;
    }
    this.rest = energy.map(Math.sqrt);
  }

  /** Hit `i` was kept: later hits are compared with it. */
  keep(i: number): void {
    if (Number.isNaN(this.rest[i]!)) return;
    const key = this.key(this.cellOf(i, 0), this.cellOf(i, 1), this.cellOf(i, 2));
    const members = this.grid.get(key);
    if (members) members.push(i);
    else this.grid.set(key, [i]);
  }

  /** The best-ranked kept hit whose cosine to hit `i` exceeds the threshold, if any. */
  originalOf(i: number): number | undefined {
    const rest = this.rest;
    const coords = this.coords;
    const restI = rest[i]!;
    if (Number.isNaN(restI)) return undefined;
    // This hit's coordinates, held in locals: the bound below runs for most kept hits of the
    // neighbouring cells (a million times for 2,000 candidates), so it must cost a few multiplies.
    const o = i * BASIS;
    const c0 = coords[o]!;
    const c1 = coords[o + 1]!;
    const c2 = coords[o + 2]!;
    const c3 = coords[o + 3]!;
    const limit = this.threshold - SLACK;
    const x = this.cellOf(i, 0);
    const y = this.cellOf(i, 1);
    const z = this.cellOf(i, 2);
    let best = Infinity;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          const members = this.grid.get(this.key(x + dx, y + dy, z + dz));
          if (!members) continue;
          for (let m = 0; m < members.length; m++) {
            const j = members[m]!;
            if (j >= best) break;
            const q = j * BASIS;
            const bound = restI * rest[j]! + c0 * coords[q]! + c1 * coords[q + 1]! + c2 * coords[q + 2]! + c3 * coords[q + 3]!;
            if (bound > limit && this.unitDot(i, j) > limit && cosine(this.vectors[j]!, this.vectors[i]!) > this.threshold) {
              best = j;
              break;
            }
          }
        }
      }
    }
    return best === Infinity ? undefined : best;
  }

  /** The cosine of hits i and j from their unit vectors: a third of `cosine`'s work, exact but for rounding. */
  private unitDot(i: number, j: number): number {
    const a = i * this.dims;
    const b = j * this.dims;
    const n = this.dims - (this.dims % 4);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < n; d += 4) {
      s0 += this.units[a + d]! * this.units[b + d]!;
      s1 += this.units[a + d + 1]! * this.units[b + d + 1]!;
      s2 += this.units[a + d + 2]! * this.units[b + d + 2]!;
      s3 += this.units[a + d + 3]! * this.units[b + d + 3]!;
    }
    for (let d = n; d < this.dims; d++) s0 += this.units[a + d]! * this.units[b + d]!;
    return s0 + s1 + (s2 + s3);
  }

  /** The grid cell of hit i along basis vector m. */
  private cellOf(i: number, m: number): number {
    return Math.floor(this.coords[i * BASIS + m]! / this.cell);
  }

  private key(x: number, y: number, z: number): number {
    // Coordinates lie in [-1, 1] and a cell is at least 2^-10 wide: under 2^12 cells a side.
    return ((x + 4_096) * 8_192 + (y + 4_096)) * 8_192 + (z + 4_096);
  }
}

/** Every hit against every kept one: the policy as first written, for thresholds no bound serves. */
class AllPairs {
  private readonly kept: number[] = [];

  constructor(
    private readonly vectors: ReadonlyArray<ArrayLike<number> | null>,
    private readonly threshold: number,
  ) {}

  keep(i: number): void {
    if (this.vectors[i]) this.kept.push(i);
  }

  originalOf(i: number): number | undefined {
    const vector = this.vectors[i];
    return vector ? this.kept.find((j) => cosine(this.vectors[j]!, vector) > this.threshold) : undefined;
  }
}

/** The vector scaled to length 1, or undefined when it has none (zero, or not finite): it is never a duplicate. */
function unit(vector: ArrayLike<number> | null): Float64Array | undefined {
  if (!vector) return undefined;
  let squares = 0;
  for (let i = 0; i < vector.length; i++) squares += vector[i]! * vector[i]!;
  const norm = Math.sqrt(squares);
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  const out = new Float64Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
