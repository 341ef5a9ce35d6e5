import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { TABLES } from './schema.ts';

export interface Reject {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

/**
 * `<data>/rejects/<table>.ndjson`, one `{"file","line","reason","raw"}` a line (raw cut at 10,000
 * characters). Creating a writer deletes the previous run's five table files, so the files always
 * hold one run's rejects (a table without rejects has no file); a file is opened on its first reject.
 */
export class RejectWriter {
  readonly counts = new Map<string, number>();
  readonly #dir: string;
  readonly #streams = new Map<string, WriteStream>();

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'rejects');
    for (const table of TABLES) rmSync(join(this.#dir, `${table}.ndjson`), { force: true });
  }

  write(table: string, reject: Reject): void {
    let stream = this.#streams.get(table);
    if (!stream) {
      mkdirSync(this.#dir, { recursive: true });
      stream = createWriteStream(join(this.#dir, `${table}.ndjson`));
      this.#streams.set(table, stream);
    }
    const raw = reject.raw.length > 10_000 ? `${reject.raw.slice(0, 10_000)}…` : reject.raw;
    stream.write(`${JSON.stringify({ ...reject, raw })}\n`);
    this.counts.set(table, (this.counts.get(table) ?? 0) + 1);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.#streams.values()].map(async (stream) => {
        stream.end();
        await finished(stream);
      }),
    );
    this.#streams.clear();
  }
}
