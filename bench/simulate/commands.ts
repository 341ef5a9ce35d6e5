import type { Command } from 'commander';
import { positiveInt } from '../../bin/cli-options.ts';
import { simulate } from './simulate.ts';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description("play a generated world's users (truth/users.jsonl) against a running sidecar: searches, a position-based click model (P(examine rank r) = r^-0.7), clicks and downloads posted to /feedback; prints a JSON summary")
    .requiredOption('--data <dir>', 'the generated world (its truth/ is read; the product never reads it)')
    .requiredOption('--sidecar <url>', 'the running sidecar, e.g. http://127.0.0.1:8080')
    .requiredOption('--searches <n>', 'searches to play', positiveInt)
    .option('--seed <n>', 'the same seed plays the same sessions', positiveInt, 1)
    .option('--concurrency <n>', 'sessions at once', positiveInt, 4)
    .option('--k <n>', 'hits per page', positiveInt, 10)
    .option('--max-seconds <n>', 'start no session after this long', positiveInt, 3_600)
    .option('--eta <x>', 'η of the examination probability r^-η', parseFloat, 0.7)
    .action(async (options: { data: string; sidecar: string; searches: number; seed: number; concurrency: number; k: number; maxSeconds: number; eta: number }) => {
      let last = 0;
      const summary = await simulate({
        dataDir: options.data,
        sidecar: options.sidecar,
        searches: options.searches,
        seed: options.seed,
        concurrency: options.concurrency,
        k: options.k,
        maxSeconds: options.maxSeconds,
        clickModel: { eta: options.eta, noiseClick: 0.02 },
        onProgress: (done) => {
          if (done - last >= 200) {
            last = done;
            process.stderr.write(`simulate: ${done}/${options.searches} searches\n`);
          }
        },
      });
      process.stderr.write(`simulate: ${summary.searches} searches, ${summary.clicks} clicks, ${summary.downloads} downloads, ${summary.errors} errors in ${summary.seconds} s\n`);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      if (summary.errors > 0 && summary.searches === 0) process.exitCode = 1;
    });
}
