import type { Logger } from 'pino';
import type { ElasticReads } from './elastic-reads.ts';
import { fillTable, type PhotoTable, type TableLoad } from './photo-table.ts';

export interface TableSyncOptions {
  index: string;
  /** How often the photos indexed since the last read are read (ms); 0: loaded once, never refreshed. */
  refreshMs: number;
  /**
   * How far before the newest photo held a refresh starts reading (ms): a photo indexed earlier may
   * become visible later (a refresh interval, a bulk request still running).
   */
  overlapMs?: number;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** Where the table stands: what `/readyz` says of it. */
export interface TableSyncState {
  /** `loading` until the first load ends; `skipped` when the index cannot be loaded (photos are read by id). */
  state: 'loading' | 'loaded' | 'skipped' | 'failed';
  held: number;
  /** False when the table had no room for every photo. */
  complete?: boolean;
}

/**
 * Keeps the sidecar's photo table loaded: the whole index once the sidecar starts (in the background:
 * the sidecar serves meanwhile, reading by id what the table does not hold yet), then the photos
 * indexed since, every `refreshMs`. A failed read is logged and tried again at the next refresh;
 * `stop()` aborts the read under way and the timer.
 */
export class TableSync {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private current: TableSyncState = { state: 'loading', held: 0 };
  /** Settles when the first load ends, however it ended. */
  readonly loaded: Promise<void>;

  constructor(
    private readonly table: PhotoTable,
    private readonly reads: Pick<ElasticReads, 'scanPhotos' | 'indexedAfter'>,
    private readonly options: TableSyncOptions,
  ) {
    this.loaded = this.first();
  }

  get status(): TableSyncState {
    return { ...this.current, held: this.table.size };
  }

  /** Whether the table held every photo of the index at its last read (photos indexed since are read by id). */
  get holdsEvery(): boolean {
    return this.current.state === 'loaded' && this.current.complete === true;
  }

  stop(): void {
    this.abort.abort();
    clearTimeout(this.timer);
  }

  /**
   * The timer's read (callable at once): when a photo was indexed after the newest one held, the
   * photos indexed since that one less the overlap; else nothing (one count). Without that check
   * every refresh of an index no one writes to read its last minute of photos again: 12,034 of the
   * 100,000-photo bench index every 30 s, which showed as the sidecar's slowest requests.
   */
  async refresh(): Promise<TableLoad> {
    const newest = this.table.newestIndexedAt;
    if (newest === undefined) return this.fill(undefined);
    if (!(await this.reads.indexedAfter(newest, { index: this.options.index, signal: this.abort.signal }))) return { read: 0, held: this.table.size, complete: true };
    return this.fill(newest - (this.options.overlapMs ?? 60_000));
  }

  private fill(since: number | undefined): Promise<TableLoad> {
    return fillTable(this.table, this.reads, { index: this.options.index, signal: this.abort.signal, ...(since !== undefined ? { since } : {}) });
  }

  private async first(): Promise<void> {
    const started = performance.now();
    const load = await this.attempt(() => this.fill(undefined));
    if (load?.skipped) {
      this.current = { state: 'skipped', held: load.held };
      this.options.logger.info({ reason: load.skipped }, 'photos are read per request, not held in memory');
      return;
    }
    if (load) {
      this.current = { state: 'loaded', held: load.held, complete: load.complete };
      this.options.logger.info({ photos: load.held, complete: load.complete, ms: Math.round(performance.now() - started) }, load.complete ? 'photos held in memory' : 'photos held in memory, as many as fit (--photo-table-size): the others are read per request');
    } else {
      this.current = { state: 'failed', held: this.table.size };
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.options.refreshMs <= 0 || this.abort.signal.aborted) return;
    this.timer = setTimeout(async () => {
      // After a failed load the table may hold part of the index: read all of it again, not what is newer.
      const load = await this.attempt(() => (this.current.state === 'failed' ? this.fill(undefined) : this.refresh()));
      if (load && this.current.state === 'failed') this.current = { state: 'loaded', held: load.held, complete: load.complete };
      this.schedule();
    }, this.options.refreshMs);
    this.timer.unref();
  }

  private async attempt(what: () => Promise<TableLoad>): Promise<TableLoad | undefined> {
    try {
      return await what();
    } catch (error) {
      if (!this.abort.signal.aborted) this.options.logger.warn({ err: error }, 'reading the photos into memory failed; they are read per request until the next try');
      return undefined;
    }
  }
}

/**
 * `reads` whose lists ask Elasticsearch for their hits' ids alone once the table holds every photo,
 * and take each candidate's facts from it (`ListOptions.known`); before that, as `reads` does.
 */
export function listsFromTable(reads: ElasticReads, table: PhotoTable, sync: TableSync): ElasticReads {
  const known = (id: string) => table.fact(id);
  return { ...reads, lists: (queries, options) => reads.lists(queries, sync.holdsEvery ? { ...options, known } : options) };
}
