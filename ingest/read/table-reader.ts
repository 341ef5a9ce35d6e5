import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import type { Reject } from './reject-writer.ts';
import { typedRow, type Cell, type TableName } from './schema.ts';

export interface ReadTableOptions {
  onReject?: (reject: Reject) => void;
  /** A record longer than this (a quote that never closes) is cut and reported. */
  maxRecordBytes?: number;
}

/**
 * The part files of a table, in order: `photos.tsv000`, `photos.tsv001`, … (a single `photos.tsv`
 * or `photos.csv000…` is accepted too).
 */
export async function partFiles(dataDir: string, table: TableName): Promise<string[]> {
  const names = await readdir(dataDir);
  const pattern = new RegExp(`^${table}\\.(tsv|csv)(\\d{3,})?$`);
  return names.filter((name) => pattern.test(name)).sort().map((name) => join(dataDir, name));
}

/**
 * Streams the typed rows of a table across its part files: tab-delimited CSV semantics (quoted
 * fields may hold tabs, doubled quotes and newlines), a header in every part, columns by header
 * name. A malformed row goes to `onReject` with its file, line and reason, and reading goes on.
 * Memory stays flat: one record at a time.
 */
export async function* readTable(dataDir: string, table: TableName, options: ReadTableOptions = {}): AsyncGenerator<Record<string, Cell>> {
  for (const file of await partFiles(dataDir, table)) yield* readPart(file, table, options);
}

async function* readPart(file: string, table: TableName, options: ReadTableOptions): AsyncGenerator<Record<string, Cell>> {
  const reject = (line: number, reason: string, raw: string): void => options.onReject?.({ file: basename(file), line, reason, raw: raw.replace(/\n$/, '') });
  let header: string[] | undefined;
  let fromLine = 1;
  let start = 0;
  // csv-parse cannot resynchronize after a record that outgrows max_record_size (a quote that never
  // closes): it stops. We then report the line where that record began and parse again after it.
  while (true) {
    const base = fromLine - 1;
    let lastLine = base;
    let cut: { line: number; raw: string } | undefined;
    const parser = createReadStream(file, { start }).pipe(
      parse({
        delimiter: '\t',
        relax_quotes: true,
        relax_column_count: true,
        max_record_size: options.maxRecordBytes ?? 1 << 20,
        info: true,
        raw: true,
        bom: true,
        skip_records_with_error: true,
        on_skip: (error: CsvError | undefined, raw?: string) => {
          const text = (raw ?? String((error as { raw?: string } | undefined)?.raw ?? '')).split('\n')[0] ?? '';
          if (error?.code === 'CSV_MAX_RECORD_SIZE' || error?.code === 'CSV_QUOTE_NOT_CLOSED') cut = { line: lastLine + 1, raw: text.slice(0, 1000) };
          else reject(lastLine + 1, `unreadable record: ${error?.message ?? 'parse error'}`, text);
        },
      }),
    );
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      const startLine = lastLine + 1;
      lastLine = base + info.lines;
      if (!header) {
        header = record.map((name) => name.trim());
        continue;
      }
      if (record.length === 1 && record[0] === '') continue; // a blank line
      if (record.length !== header.length) {
        reject(startLine, `expected ${header.length} fields, got ${record.length}`, raw);
        continue;
      }
      try {
        yield typedRow(table, header, record);
      } catch (error) {
        reject(startLine, (error as Error).message, raw);
      }
    }
    if (!cut) return;
    reject(cut.line, `a quoted field never closes (cut at the end of the file or at ${options.maxRecordBytes ?? 1 << 20} bytes); reading resumes on the next line`, cut.raw);
    fromLine = cut.line + 1;
    start = await byteOffsetOfLine(file, fromLine);
  }
}

/** Where physical line `line` (1-based) of a file begins. */
async function byteOffsetOfLine(file: string, line: number): Promise<number> {
  let newlines = 0;
  let offset = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let at = -1;
    while ((at = chunk.indexOf(10, at + 1)) !== -1) {
      newlines += 1;
      if (newlines === line - 1) return offset + at + 1;
    }
    offset += chunk.length;
  }
  return offset;
}
