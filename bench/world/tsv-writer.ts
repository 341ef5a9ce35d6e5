import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createError } from '../../es-mappings/errors.ts';

export type TsvValue = string | number | boolean | null | undefined;

/** A field as the dataset writes it: empty for null, `t`/`f`, quoted when it holds a tab, quote or newline. */
export function tsvField(value: TsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  return /[\t"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `<table>.tsv000`, `<table>.tsv001`, …: a header in every part, a new part every `rowsPerPart` rows. */
export class TsvTableWriter {
  rows = 0;
  readonly #dir: string;
  readonly #table: string;
  readonly #columns: readonly string[];
  readonly #rowsPerPart: number;
  #part = -1;
  #stream: WriteStream | undefined;
  readonly #closed: Array<Promise<void>> = [];

  constructor(dir: string, table: string, columns: readonly string[], rowsPerPart: number) {
    this.#dir = dir;
    this.#table = table;
    this.#columns = columns;
    this.#rowsPerPart = rowsPerPart;
  }

  write(values: readonly TsvValue[]): void {
    if (values.length !== this.#columns.length) throw createError('INTERNAL', `generate: ${this.#table} row has ${values.length} fields, header ${this.#columns.length}`);
    if (!this.#stream || this.rows % this.#rowsPerPart === 0) this.#nextPart();
    this.#stream!.write(`${values.map(tsvField).join('\t')}\n`);
    this.rows += 1;
  }

  #nextPart(): void {
    if (this.#stream) {
      this.#stream.end();
      this.#closed.push(finished(this.#stream));
    }
    this.#part += 1;
    this.#stream = createWriteStream(join(this.#dir, `${this.#table}.tsv${String(this.#part).padStart(3, '0')}`));
    this.#stream.write(`${this.#columns.join('\t')}\n`);
  }

  async close(): Promise<void> {
    if (!this.#stream) this.#nextPart();
    this.#stream!.end();
    this.#closed.push(finished(this.#stream!));
    await Promise.all(this.#closed);
  }
}
