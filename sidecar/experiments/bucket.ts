/**
 * Stable assignment of a key (a user, or a key the client keeps) to an arm: the FNV-1a scheme of
 * GrowthBook's `hash()` v2 — the 32-bit FNV-1a of the FNV-1a of `salt + key`, so that keys that
 * differ in their last character still land far apart. The experiment's name is the salt: a new
 * experiment reshuffles everyone.
 */

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [0, 1) that depends only on (salt, key). */
export function unitHash(salt: string, key: string): number {
  return (fnv1a32(String(fnv1a32(salt + key))) % 10_000) / 10_000;
}

/**
 * The arm of `key`: arms share [0, 1) equally, in the order given.
 *
 * @example
 * armOf('new-ranker', 'user-42', ['none', 'ltr']); // the same arm on every call
 */
export function armOf<T>(salt: string, key: string, arms: readonly T[]): T {
  return arms[Math.min(arms.length - 1, Math.floor(unitHash(salt, key) * arms.length))]!;
}
