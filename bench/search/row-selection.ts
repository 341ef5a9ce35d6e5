import { createError } from '../../es-mappings/errors.ts';
import { EXPERIMENT_ROW } from './experiment-row.ts';
import { LOGGING_OFF_ROW } from './logging-row.ts';
import { SEQUENCED_ROW } from './sequenced-row.ts';

/** The rows timed without the sidecar: the encoder, Elasticsearch with the sidecar's bodies, and both in sequence. */
export const COMPONENT_ROWS = ['embed', 'es keyword', 'es knn', 'es msearch', SEQUENCED_ROW] as const;
/** The rows sent to the sidecar started with the trained models. */
export const SIDECAR_ROWS = ['/search keyword', '/search clip', '/search hybrid', '/search hybrid personalized', '/recommend/:user', '/similar photo_id'] as const;
/** Every row of `npm run bench:search`, in the order it measures them. */
export const ALL_ROWS: readonly string[] = [...COMPONENT_ROWS, ...SIDECAR_ROWS, EXPERIMENT_ROW, LOGGING_OFF_ROW];

export interface RowSelection {
  /** The names given, in the bench's order, or 'all'. */
  readonly names: readonly string[] | 'all';
  /** Whether to measure the row; a name the bench does not have is an error (a row added without its name here). */
  has(name: string): boolean;
}

/**
 * The rows `--rows` asks for: a comma-separated list of row names (`ALL_ROWS`), every row when
 * absent. An unknown name is an error that lists the names, so a typo measures nothing by mistake.
 *
 * @example selectRows('embed, es msearch').has('es knn') // false
 */
export function selectRows(option: string | undefined): RowSelection {
  const known = new Set(ALL_ROWS);
  const check = (name: string): string => {
    if (!known.has(name)) throw createError('INVALID_ARGUMENT', `bench search: no row named "${name}" (rows: ${ALL_ROWS.join(', ')})`);
    return name;
  };
  if (option === undefined) return { names: 'all', has: (name) => check(name) === name };
  const given = new Set(splitNames(option, check));
  if (given.size === 0) throw createError('INVALID_ARGUMENT', `bench search: --rows names no row (rows: ${ALL_ROWS.join(', ')})`);
  return { names: ALL_ROWS.filter((name) => given.has(name)), has: (name) => given.has(check(name)) };
}

/**
 * The names of a comma-separated list, where a name may itself hold a comma ("/search hybrid
 * personalized, interleaving"): at each place the longest known name followed by a comma or the
 * end is taken; else the text up to the next comma, which `check` refuses.
 */
function splitNames(option: string, check: (name: string) => string): string[] {
  const byLength = [...ALL_ROWS].sort((a, b) => b.length - a.length);
  const names: string[] = [];
  let rest = option;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') return names;
    const known = byLength.find((name) => rest.startsWith(name) && /^\s*(,|$)/.test(rest.slice(name.length)));
    const name = known ?? rest.split(',')[0]!.trim();
    names.push(check(name));
    rest = rest.slice(known ? known.length : rest.indexOf(',') === -1 ? rest.length : rest.indexOf(','));
  }
}
