import { parentPort } from 'node:worker_threads';
import { CgKernel } from './kernel.ts';
import { workPhase, type PhaseMessage, type WorkerInit, type WorkerReply } from './sweeper.ts';
import { createError } from '../../es-mappings/errors.ts';

// One ALS thread: says it has loaded, takes its WorkerInit (views of the shared arena), then runs
// phases on request (see sweeper.ts).
const port = parentPort;
if (!port) throw createError('INTERNAL', 'als worker: must run as a worker thread');
const reply = (message: WorkerReply): void => port.postMessage(message);
let kernel: CgKernel | undefined;
port.on('message', (message: PhaseMessage | WorkerInit) => {
  try {
    if ('memory' in message) kernel = new CgKernel(message.memory, message.layout, message.settings, message.thread, message.module);
    else if (!kernel) throw createError('INTERNAL', 'a phase before the arena');
    else workPhase(kernel, message.phase, message.side);
    reply({ ok: true });
  } catch (error) {
    reply({ ok: false, error: (error as Error).message });
  }
});
reply({ ok: true });
