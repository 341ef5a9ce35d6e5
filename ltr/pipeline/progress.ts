import cliProgress from 'cli-progress';

/** How the train and eval pipelines report: lines, and a bar per stage. */
export interface PipelineProgress {
  log(line: string): void;
  tick(stage: string, value: number, total: number, detail?: Record<string, number>): void;
  stop(): void;
}

function formatDetail(detail: Record<string, number> | undefined): string {
  if (!detail) return '';
  return Object.entries(detail)
    .filter(([, v]) => Number.isFinite(v))
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(', ');
}

/** Progress bars on stderr (one per stage, each left on screen when done); plain lines when stderr is not a terminal. */
export function stderrProgress(): PipelineProgress {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let stage = '';
  let lastLine = 0;
  const finish = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    log(line) {
      finish();
      process.stderr.write(`${line}\n`);
    },
    tick(name, value, total, detail) {
      if (name !== stage) {
        finish();
        stage = name;
        if (tty) {
          bar = new cliProgress.SingleBar({ format: `${name.padEnd(36)} [{bar}] {value}/{total} {detail}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(total, 0, { detail: '' });
        }
      }
      if (bar) {
        bar.setTotal(total);
        bar.update(value, { detail: formatDetail(detail) });
        if (value >= total) finish();
      } else if (value >= total || Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        process.stderr.write(`${name}: ${value}/${total}${detail ? ` ${formatDetail(detail)}` : ''}\n`);
      }
    },
    stop: finish,
  };
}
