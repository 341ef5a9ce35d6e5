import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TableName } from './schema.ts';
import { createError } from '../../es-mappings/errors.ts';

/**
 * The part files of a table in `dataDir`, in part order. Accepted names (all read as tab-separated
 * CSV): `photos.tsv000`, `photos.tsv001`, … (as published), a single `photos.tsv`, and the same
 * with `.csv` (`photos.csv000…`, `photos.csv`). Parts sort by number (`tsv999` before `tsv1000`).
 * A table with no file is `[]`; both a `.tsv` and a `.csv` family for one table is an error
 * (reading both would count every row twice).
 */
export async function partFiles(dataDir: string, table: TableName): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dataDir);
  } catch (error) {
    throw createError('DATA_NOT_FOUND', `table reader: cannot list ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
  const pattern = new RegExp(`^${table}\\.(tsv|csv)(\\d*)$`);
  const parts = names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ name, family: match[1]!, part: match[2] === '' ? -1 : Number(match[2]) }] : [];
  });
  const families = new Set(parts.map((p) => p.family));
  if (families.size > 1) throw createError('DATA_MALFORMED', `table reader: ${dataDir} has both ${table}.tsv… and ${table}.csv… files; keep one set`);
  return parts.sort((a, b) => a.part - b.part || (a.name < b.name ? -1 : 1)).map((p) => join(dataDir, p.name));
}
