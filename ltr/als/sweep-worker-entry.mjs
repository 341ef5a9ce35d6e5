// The entry of an ALS worker thread. Loader hooks do not carry over into workers on Node 20, so —
// like bin/pixrank.js — this shim registers tsx's loader, then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
