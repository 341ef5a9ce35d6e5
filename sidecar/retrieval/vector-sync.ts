import type { Logger } from 'pino';
import type { TableLoad, VectorStore } from './photo-cache.ts';

export interface VectorSyncOptions {
  /** How often the photos indexed since the last read are read (ms); 0: loaded once, never refreshed. */
  refreshMs: number;
  /** How far before the newest photo held a refresh starts reading (ms): see VectorStore.refresh. */
  overlapMs?: number;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** Where the table stands: what `/readyz` says of it. */
export interface VectorSyncState {
  /** `loading` until the first load ends; `skipped` when the index cannot be loaded (the vectors are read by id). */
  state: 'loading' | 'loaded' | 'skipped' | 'failed';
  held: number;
  /** False when the table had no room for every photo. */
  complete?: boolean;
}

/**
 * Keeps a VectorStore's table loaded: the whole index once the sidecar starts (in the background: the
 * sidecar serves meanwhile, reading by id what the table does not hold yet), then the photos indexed
 * since, every `refreshMs`. A failed read is logged and tried again at the next refresh; `stop()`
 * aborts the read under way and the timer.
 */
export class VectorSync {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private current: VectorSyncState = { state: 'loading', held: 0 };
  /** Settles when the first load ends, however it ended. */
  readonly loaded: Promise<void>;

  constructor(
    private readonly vectors: VectorStore,
    private readonly options: VectorSyncOptions,
  ) {
    this.loaded = this.first();
  }

  get status(): VectorSyncState {
    return { ...this.current, held: this.vectors.held };
  }

  stop(): void {
    this.abort.abort();
    clearTimeout(this.timer);
  }

  private async first(): Promise<void> {
    const started = performance.now();
    const load = await this.read(() => this.vectors.load(this.abort.signal));
    if (load?.skipped) {
      this.current = { state: 'skipped', held: load.held };
      this.options.logger.info({ reason: load.skipped }, 'photo vectors are read per request, not held in memory');
      return;
    }
    if (load) {
      this.current = { state: 'loaded', held: load.held, complete: load.complete };
      this.options.logger.info({ photos: load.held, complete: load.complete, ms: Math.round(performance.now() - started) }, load.complete ? 'photo vectors held in memory' : 'photo vectors held in memory, as many as fit (--vector-table-photos): the others are read per request');
    } else {
      this.current = { state: 'failed', held: this.vectors.held };
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.options.refreshMs <= 0 || this.abort.signal.aborted) return;
    this.timer = setTimeout(async () => {
      // After a failed load the table may hold part of the index: read all of it again, not what is newer.
      const load = await this.read(() => (this.current.state === 'failed' ? this.vectors.load(this.abort.signal) : this.vectors.refresh(this.options.overlapMs ?? 60_000, this.abort.signal)));
      if (load && this.current.state === 'failed') this.current = { state: 'loaded', held: load.held, complete: load.complete };
      this.schedule();
    }, this.options.refreshMs);
    this.timer.unref();
  }

  private async read(what: () => Promise<TableLoad>): Promise<TableLoad | undefined> {
    try {
      return await what();
    } catch (error) {
      if (!this.abort.signal.aborted) this.options.logger.warn({ err: error }, 'reading photo vectors into memory failed; they are read per request until the next try');
      return undefined;
    }
  }
}
