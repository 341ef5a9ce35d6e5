import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import { rowTyper, type RowTyper } from './cells.ts';
import { partFiles } from './part-files.ts';
import type { Reject } from './reject-writer.ts';
import type { RowOf, TableName } from './schema.ts';
import { createError } from '../../es-mappings/errors.ts';

export { partFiles } from './part-files.ts';

export const DEFAULT_MAX_RECORD_BYTES = 1 << 20;

export interface ReadTableOptions {
  /** Called with every malformed row; the read goes on. */
  onReject?: (reject: Reject) => void;
  /** A record longer than this (a quote that never closes, a runaway line) is cut and reported. Default 1 MiB. */
  maxRecordBytes?: number;
}

/**
 * Streams the typed rows of a table across its part files (see partFiles): tab-delimited CSV
 * semantics (quoted fields may hold tabs, doubled quotes and newlines), a header in every part,
 * columns by header name (see rowTyper). A malformed row goes to `onReject` with its file, its
 * physical line (1-based, the header is line 1) and the reason, and the read goes on. Memory stays
 * flat: one record at a time. A header without the table's key column throws.
 *
 * @example
 * for await (const photo of readTable('/data/lite', 'photos', { onReject: (r) => rejects.write('photos', r) })) use(photo.photo_id);
 */
export async function* readTable<T extends TableName>(dataDir: string, table: T, options: ReadTableOptions = {}): AsyncGenerator<RowOf<T>> {
  for (const file of await partFiles(dataDir, table)) yield* readPart(file, table, options);
}

interface Broken {
  /** Byte offset where the broken record begins; reading resumes after the end of that line. */
  at: number;
  line: number;
  reason: string;
  raw: string;
}

/**
 * One part file. What csv-parse 7 does (tested, see table-reader.test.ts): with
 * skip_records_with_error it calls on_skip once and emits nothing more after a record outgrows
 * max_record_size (CSV_MAX_RECORD_SIZE), or at the end of the file inside a quote
 * (CSV_QUOTE_NOT_CLOSED); and a quote that never closes usually does "close" at a later quoted field,
 * swallowing the rows in between into one record without any error. In every case this reader
 * reports the line where the broken record began and starts a new parser at the line after it, so at
 * most that one line is lost. (Line numbers are counted here from the raw records: info.lines counts
 * a quoted CRLF twice, and the error's bytes_records is not where the record began.) A multi-line record is taken for a broken quote when it has the wrong number of fields,
 * keeps a stray `"` that csv-parse let through (relax_quotes), or has a continuation line with a
 * whole row's worth of tabs.
 */
export async function* readPart<T extends TableName>(file: string, table: T, options: ReadTableOptions = {}): AsyncGenerator<RowOf<T>> {
  const name = basename(file);
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const reject = (line: number, reason: string, raw: string): void => options.onReject?.({ file: name, line, reason, raw: trimRaw(raw) });
  let header: string[] | undefined;
  let typed: RowTyper<T> | undefined;
  let start = 0;
  let line = 1;
  while (start >= 0) {
    let skipped: (CsvError & { records: number }) | undefined;
    let skippedRaw = '';
    let broken: Broken | undefined;
    let recordStart = start;
    const parser = createReadStream(file, { start }).pipe(
      parse({
        delimiter: '\t',
        relax_quotes: true,
        relax_column_count: true,
        max_record_size: maxRecordBytes,
        info: true,
        raw: true,
        bom: true,
        skip_records_with_error: true,
        on_skip: (error: CsvError | undefined, raw?: string) => {
          if (skipped || !error) return;
          skipped = error as CsvError & { records: number };
          skippedRaw = raw ?? '';
        },
      }),
    );
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { bytes: number; records: number }; raw: string }>) {
      // The parser runs ahead of this loop: records it emitted after a skipped one are past the cut.
      if (skipped && info.records > skipped.records) break;
      const recordLine = line;
      const lines = linesIn(raw);
      const at = recordStart;
      line += lines;
      recordStart = start + info.bytes;
      if (!header || !typed) {
        header = record.map((column) => column.trim());
        typed = rowTyper(table, header, name);
        continue;
      }
      if (record.length === 1 && record[0] === '') continue; // a blank line
      if (lines > 1) {
        const why = brokenQuote(record, raw, header.length);
        if (why) {
          broken = { at, line: recordLine, reason: `a quoted field never closes: the record from line ${recordLine} to ${recordLine + lines - 1} ${why}; reading resumes on line ${recordLine + 1}`, raw: firstLine(raw) };
          break;
        }
      }
      if (record.length !== header.length) {
        reject(recordLine, `expected ${header.length} fields, got ${record.length}`, raw);
        continue;
      }
      let row: RowOf<T>;
      try {
        row = typed(record);
      } catch (error) {
        reject(recordLine, (error as Error).message, raw);
        continue;
      }
      yield row;
    }
    if (!broken && skipped) {
      const first = firstLine(skippedRaw);
      const reason = skipped.code === 'CSV_MAX_RECORD_SIZE' || skipped.code === 'CSV_QUOTE_NOT_CLOSED'
        ? /(^|\t)"/.test(first)
          ? `a quoted field never closes (${skipped.code === 'CSV_MAX_RECORD_SIZE' ? `cut at ${maxRecordBytes} bytes` : 'open at the end of the file'}); reading resumes on line ${line + 1}`
          : `a record longer than ${maxRecordBytes} bytes; reading resumes on line ${line + 1}`
        : `unreadable record (${skipped.message}); reading resumes on line ${line + 1}`;
      // The loop stopped right after the last record before the skipped one: recordStart and line are where it begins
      // (the error's own bytes_records is not that offset).
      broken = { at: recordStart, line, reason, raw: first };
    }
    if (!broken) return;
    if (!header) throw createError('DATA_MALFORMED', `table reader: ${name}: the header line is unreadable: ${broken.reason}`);
    reject(broken.line, broken.reason, broken.raw);
    start = await offsetAfterLine(file, broken.at);
    line = broken.line + 1;
  }
}

/**
 * Why a record spanning several lines looks like a quote that never closed, or undefined when it
 * looks like a genuine multi-line field.
 */
function brokenQuote(record: readonly string[], raw: string, fields: number): string | undefined {
  if (record.length !== fields) return `has ${record.length} fields, not ${fields}`;
  // A field csv-parse kept with its opening quote: the quote did not close where a field ends.
  const stray = record.find((value) => value.startsWith('"') && !raw.includes(`"${value.replaceAll('"', '""')}"`));
  if (stray !== undefined) return 'holds a quote that does not close where a field ends';
  if (fields >= 3) {
    const rows = raw.replace(/\r?\n$/, '').split('\n').slice(1);
    if (rows.some((text) => text.split('\t').length >= fields)) return `swallows lines that look like rows (${fields - 1} tabs)`;
  }
  return undefined;
}

/** Physical lines a record spans. csv-parse's raw ends with `\n`, or with `\r` for CRLF files (it drops the `\n`). */
function linesIn(raw: string): number {
  let count = 1;
  const end = raw.endsWith('\n') ? raw.length - 1 : raw.length;
  for (let at = raw.indexOf('\n'); at !== -1 && at < end; at = raw.indexOf('\n', at + 1)) count += 1;
  return count;
}

function firstLine(raw: string): string {
  const end = raw.indexOf('\n');
  return end === -1 ? raw : raw.slice(0, end);
}

function trimRaw(raw: string): string {
  return raw.replace(/\r?\n?$/, '').replace(/\r$/, '');
}

/** Where the line after the one holding byte `at` begins, or -1 at the end of the file. */
async function offsetAfterLine(file: string, at: number): Promise<number> {
  let offset = at;
  for await (const chunk of createReadStream(file, { start: at }) as AsyncIterable<Buffer>) {
    const newline = chunk.indexOf(10);
    if (newline !== -1) return offset + newline + 1;
    offset += chunk.length;
  }
  return -1;
}
