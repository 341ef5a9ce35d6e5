import { PassThrough } from 'node:stream';
import type { Client } from '../../es-mappings/client.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface EventWriterOptions {
  index: string;
  /** Send what is buffered at least this often (ms). */
  flushIntervalMs?: number;
  flushBytes?: number;
  /** A document Elasticsearch refused, or a batch lost with the connection. */
  onError?: (message: string, lost: number) => void;
  onWritten?: (count: number) => void;
}

export interface EventWriter {
  /** Queues one document; never blocks the request that produced it. */
  write(document: Record<string, unknown>): void;
  /**
   * Queues a document made after the request's answer went out (`make` runs in a later turn of the
   * event loop): what only the log needs is not computed while the user waits. `close()` waits for it.
   */
  writeAfter(make: () => Record<string, unknown> | Promise<Record<string, unknown>>): void;
  /** Sends what is queued and stops; resolves when Elasticsearch has answered. */
  close(): Promise<void>;
  readonly pending: number;
}

/**
 * Events (served searches, feedback) go to Elasticsearch through the client's bulk helper fed by an
 * object stream: the helper batches by size and by time, retries 429s, and `close()` ends the
 * stream so the last batch is flushed on shutdown. If a batch fails for good (Elasticsearch gone for
 * longer than the retries), the failure is reported and a fresh helper takes the following events.
 */
export function createEventWriter(es: Client, options: EventWriterOptions): EventWriter {
  let stream = new PassThrough({ objectMode: true, highWaterMark: 10_000 });
  let pending = 0;
  let closed = false;
  let running = start(stream);

  function start(source: PassThrough): Promise<void> {
    return es.helpers
      .bulk<Record<string, unknown>>({
        datasource: source,
        onDocument: () => ({ create: { _index: options.index } }),
        onDrop: (dropped) => {
          const error = dropped.error as { type?: string; reason?: string } | null;
          pending -= 1;
          options.onError?.(`events ${options.index}: ${error?.type ?? `HTTP ${dropped.status}`}: ${error?.reason ?? ''}`, 1);
        },
        onSuccess: () => {
          pending -= 1;
          options.onWritten?.(1);
        },
        flushBytes: options.flushBytes ?? 1_000_000,
        flushInterval: options.flushIntervalMs ?? 1_000,
        concurrency: 1,
        retries: 3,
        wait: 500,
      })
      .then(
        () => undefined,
        (error: unknown) => {
          const lost = pending;
          pending = 0;
          options.onError?.(`events ${options.index}: ${error instanceof Error ? error.message : String(error)}`, lost);
          if (!closed) {
            stream = new PassThrough({ objectMode: true, highWaterMark: 10_000 });
            running = start(stream);
          }
        },
      );
  }

  const write = (document: Record<string, unknown>) => {
    if (closed) throw createError('SHUTTING_DOWN', `events ${options.index}: writer is closed`);
    pending += 1;
    stream.write(document);
  };
  const later = afterAnswer(write, (error) => options.onError?.(`events ${options.index}: ${error instanceof Error ? error.message : String(error)}`, 1));
  return {
    write,
    writeAfter: later.writeAfter,
    async close() {
      await later.settled();
      closed = true;
      stream.end();
      await running;
    },
    get pending() {
      return pending;
    },
  };
}

/**
 * Documents made after the answer: each `make` runs after the current turn of the event loop
 * (`setImmediate`: the answer's bytes are written by then), and its document goes to `write`; a
 * `make` that throws is reported, not raised. `settled()` resolves once every one under way is written.
 */
export function afterAnswer(write: (document: Record<string, unknown>) => void, onError: (error: unknown) => void): { writeAfter: EventWriter['writeAfter']; settled(): Promise<void> } {
  const running = new Set<Promise<void>>();
  return {
    writeAfter(make) {
      const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(make)
        .then(write)
        .catch(onError)
        .finally(() => running.delete(done));
      running.add(done);
    },
    async settled() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
