import { tableSchema, type Cell, type ColumnType, type RowOf, type TableName } from './schema.ts';
import { createError } from '../../es-mappings/errors.ts';

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** Unsplash ids are 11 characters of [A-Za-z0-9_-]; allow other lengths, never other characters (ids become file names and `_id`s). */
export const PHOTO_ID = /^[A-Za-z0-9_-]{1,64}$/;

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * One field as its column type says; '' is null. Numbers may carry surrounding spaces, nothing
 * else (`0x10`, `1,5`, `NaN`, `Infinity` are errors, not numbers). Booleans are `t`/`f` (also
 * `true`/`false`). Timestamps (`2020-05-13 15:28:22.457`, with or without a fraction) become
 * ISO-8601 strings in UTC — the dataset writes no zone, and a string stays exact (microseconds
 * are cut to milliseconds), serializes to JSON and Elasticsearch as is, and sorts as text; a
 * caller that wants a Date has `new Date(value)`. Impossible dates (02-30, 25:00) are errors.
 */
export function parseCell(value: string, type: ColumnType): Cell {
  if (value === '') return null;
  switch (type) {
    case 'string':
      return value;
    case 'int': {
      const n = Number(value.trim());
      if (!INTEGER.test(value.trim()) || !Number.isSafeInteger(n)) throw createError('DATA_MALFORMED', `not an integer: ${shown(value)}`);
      return n;
    }
    case 'float': {
      const n = Number(value.trim());
      if (!FLOAT.test(value.trim()) || !Number.isFinite(n)) throw createError('DATA_MALFORMED', `not a number: ${shown(value)}`);
      return n;
    }
    case 'bool': {
      if (value === 't' || value === 'true') return true;
      if (value === 'f' || value === 'false') return false;
      throw createError('DATA_MALFORMED', `not a boolean (t/f): ${shown(value)}`);
    }
    case 'timestamp': {
      const match = TIMESTAMP.exec(value.trim());
      if (!match) throw createError('DATA_MALFORMED', `not a timestamp: ${shown(value)}`);
      const [, day, time, fraction = '', zone = 'Z'] = match;
      const date = new Date(`${day}T${time}${fraction.slice(0, 4)}${zone}`);
      // Date rolls 2021-02-30 over to March; a round trip of the day and time catches it.
      const local = Number.isNaN(date.getTime()) ? '' : new Date(date.getTime() - zoneOffsetMs(zone)).toISOString();
      if (local.slice(0, 19) !== `${day}T${time}`) throw createError('DATA_MALFORMED', `not a timestamp: ${shown(value)}`);
      return date.toISOString();
    }
  }
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? 1 : -1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
}

/** Turns the raw fields of one part file into typed rows, by that part's header. */
export type RowTyper<T extends TableName> = (fields: readonly string[]) => RowOf<T>;

/**
 * Checks a part's header once and returns the function that types its rows. A header that lacks
 * a key column, or names a column twice, is one clear error: every row would be a reject.
 * The returned function throws `column NAME: reason` on a bad field, `missing NAME` on an empty
 * key, and `photo_id "…" is not an id` on an id with characters outside [A-Za-z0-9_-].
 */
export function rowTyper<T extends TableName>(table: T, header: readonly string[], file: string): RowTyper<T> {
  const schema = tableSchema(table);
  const types = new Map(schema.columns);
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw createError('DATA_MALFORMED', `table reader: ${file}: the header names ${name} twice`);
    seen.add(name);
  }
  const lacking = schema.required.filter((name) => !seen.has(name));
  if (lacking.length > 0) throw createError('DATA_MALFORMED', `table reader: ${file}: the header has no ${lacking.join(', ')} column (header: ${header.join(', ').slice(0, 300)})`);
  const absent = schema.columns.map(([name]) => name).filter((name) => !seen.has(name));
  const headerTypes = header.map((name) => types.get(name) ?? 'string');

  return (fields) => {
    const row: Record<string, Cell> = {};
    for (let i = 0; i < header.length; i += 1) {
      const name = header[i]!;
      try {
        row[name] = parseCell(fields[i] ?? '', headerTypes[i]!);
      } catch (error) {
        throw createError('DATA_MALFORMED', `column ${name}: ${(error as Error).message}`, { cause: error });
      }
    }
    for (const name of absent) row[name] = null;
    for (const name of schema.required) {
      if (row[name] === null) throw createError('DATA_MALFORMED', `missing ${name}`);
    }
    const id = row.photo_id;
    if (typeof id === 'string' && !PHOTO_ID.test(id)) throw createError('DATA_MALFORMED', `photo_id ${shown(id)} is not an id`);
    return row as RowOf<T>;
  };
}
