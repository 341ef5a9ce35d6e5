import { Command } from 'commander';
import { registerSimulateCommand } from '../bench/simulate/commands.ts';
import { registerWorldCommands } from '../bench/world/commands.ts';
import { registerEsCommands } from '../es-mappings/commands.ts';
import { connectionFailure } from '../es-mappings/connection-errors.ts';
import { registerIngestCommands } from '../ingest/commands.ts';
import { registerLtrCommands } from '../ltr/commands.ts';
import { registerModelTrainWorldCommand } from '../bench/world/clip-train/commands.ts';
import { registerClipCommands } from '../sidecar/clip-cli/clip-commands.ts';
import { registerModelExportCommand } from '../sidecar/clip-cli/model-export-command.ts';
import { registerModelFetchCommand } from '../sidecar/clip-cli/model-fetch-command.ts';
import { registerSidecarCommands } from '../sidecar/commands.ts';
import { registerExperimentCommands } from '../sidecar/experiments/report/report-command.ts';
import { failureText } from './failure-text.ts';
import { registerStartCommand } from './start.ts';

/**
 * The one CLI. Each folder owns its commands and registers them here, so adding a command
 * never means editing another part's file beyond one line in this list.
 */
const program = new Command('pixrank')
  .description('Personalized image search on Elasticsearch')
  .showHelpAfterError();

registerEsCommands(program);
registerWorldCommands(program);
registerIngestCommands(program);
registerClipCommands(program);
registerSidecarCommands(program);
registerLtrCommands(program);
registerStartCommand(program);
registerSimulateCommand(program);
registerExperimentCommands(program);

/** `pixrank model …`: getting a CLIP model (fetch from the hub, export a local checkpoint). */
const model = program
  .command('model')
  .description('Get a CLIP model in the Hugging Face ONNX layout (fetch, export, or train the world CLIP)');
registerModelFetchCommand(model);
registerModelExportCommand(model);
registerModelTrainWorldCommand(model);

try {
  await program.parseAsync(process.argv);
} catch (caught) {
  // A credential refused on a path that did not say so itself is still one line naming the variable.
  process.stderr.write(failureText(connectionFailure(caught) ?? caught));
  process.exitCode = 1;
}
