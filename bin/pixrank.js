#!/usr/bin/env -S node --max-semi-space-size=64
// The `pixrank` CLI. The project is TypeScript run by tsx, so this shim registers tsx's loader
// and hands over to the TypeScript entry point. The flags on the first line: see bin/node-flags.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
