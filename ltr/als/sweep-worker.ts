import { parentPort, workerData } from 'node:worker_threads';
import { CgKernel } from './kernel.ts';
import { workPhase, type PhaseMessage, type WorkerInit, type WorkerReply } from './sweeper.ts';

// One ALS thread: views of the shared arena, then phases on request (see sweeper.ts).
const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('als worker: must run as a worker thread');
const reply = (message: WorkerReply): void => port.postMessage(message);
try {
  const kernel = new CgKernel(init.memory, init.layout, init.settings, init.thread, init.module);
  port.on('message', (message: PhaseMessage) => {
    try {
      workPhase(kernel, message.phase, message.side);
      reply({ ok: true });
    } catch (error) {
      reply({ ok: false, error: (error as Error).message });
    }
  });
  reply({ ok: true });
} catch (error) {
  reply({ ok: false, error: (error as Error).message });
}
