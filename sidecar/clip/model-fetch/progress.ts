import cliProgress from 'cli-progress';
import type { DownloadEvents } from './download-file.ts';

/** What a fetch tells its user: per-file byte progress plus one line per decision. */
export interface FetchProgress extends DownloadEvents {
  note(line: string): void;
  finish(path: string, outcome: 'downloaded' | 'present'): void;
  stop(): void;
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Plain lines, for logs and pipes: no carriage returns, one line per event. */
export function lineProgress(write: (line: string) => void): FetchProgress {
  return {
    note: (line) => write(`model fetch: ${line}`),
    start: (path, total, already, resumed) =>
      write(`model fetch: ${path}: ${resumed ? `resuming at ${mib(already)} of` : 'downloading'} ${mib(total)}`),
    advance: () => {},
    retry: (path, error, attempt) => write(`model fetch: ${path}: attempt ${attempt} failed (${error.message}); retrying`),
    finish: (path, outcome) => write(`model fetch: ${path}: ${outcome === 'present' ? 'already present' : 'downloaded and verified'}`),
    stop: () => {},
  };
}

/** One cli-progress bar per file on a terminal (stderr, so stdout stays machine-readable). */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): FetchProgress {
  const multi = new cliProgress.MultiBar(
    { stream, format: ' {bar} {percentage}% | {value}/{total} bytes | {file}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    note: (line) => multi.log(`model fetch: ${line}\n`),
    start(path, total, already) {
      const bar = bars.get(path);
      if (bar) bar.update(already);
      else bars.set(path, multi.create(total, already, { file: path }));
    },
    advance: (path, bytes) => bars.get(path)?.increment(bytes),
    retry: (path, error, attempt) => multi.log(`model fetch: ${path}: attempt ${attempt} failed (${error.message}); retrying\n`),
    finish(path, outcome) {
      if (outcome === 'present') multi.log(`model fetch: ${path}: already present\n`);
    },
    stop: () => multi.stop(),
  };
}

export function defaultProgress(): FetchProgress {
  return process.stderr.isTTY ? barProgress() : lineProgress((line) => process.stderr.write(`${line}\n`));
}
