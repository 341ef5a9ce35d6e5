import { InvalidArgumentError, type Command } from 'commander';
import { positiveInt } from '../../../bin/cli-options.ts';
import { withCluster } from '../../../es-mappings/with-cluster.ts';
import { readExperimentEvents } from './read-events.ts';
import { abReport, formatReport, interleaveReport } from './report.ts';

function credit(value: string): 'clicks' | 'downloads' {
  if (value !== 'clicks' && value !== 'downloads') throw new InvalidArgumentError('expected clicks or downloads');
  return value;
}

function probability(value: string): number {
  const p = Number(value);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, got ${value}`);
  return p;
}

/** `pixrank experiment report NAME`: the verdict of an experiment from its logged searches and feedback. */
export function registerExperimentCommands(program: Command): void {
  const experiment = program.command('experiment').description('online experiments of the sidecar (`serve --experiment FILE`)');
  experiment
    .command('report')
    .description('read search-events ⋈ feedback-events of an experiment: interleave → wins, ties, Δ, 95% interval, sign-test p, winner; ab → clicks and downloads per search per arm, difference, interval, p')
    .argument('<name>', 'the experiment’s name')
    .option('--since <time>', 'only searches from then on (an ISO time, or Elasticsearch date math such as now-1h)')
    .option('--first <n>', 'only the first n searches served (how many an experiment needed)', positiveInt)
    .option('--credit <kind>', 'what counts: clicks or downloads', credit, 'clicks')
    .option('--alpha <p>', 'name a winner only below this p', probability, 0.05)
    .option('--json', 'print the report as one JSON object, last')
    .action(async (name: string, options: { since?: string; first?: number; credit: 'clicks' | 'downloads'; alpha: number; json?: boolean }) => {
      await withCluster(async ({ client }) => {
        const events = await readExperimentEvents(client, name, { ...(options.since ? { since: options.since } : {}), ...(options.first ? { first: options.first } : {}) });
        const reportOptions = { credit: options.credit, alpha: options.alpha };
        const report =
          events.method === 'interleave'
            ? interleaveReport(name, [events.arms[0]!, events.arms[1]!], events.searches, events.feedback, reportOptions)
            : abReport(name, events.arms, events.searches, events.feedback, reportOptions);
        process.stdout.write(`${formatReport(report)}\n`);
        if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      });
    });
}
