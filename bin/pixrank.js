#!/usr/bin/env node
// The `pixrank` CLI. The project is TypeScript run by tsx, so this shim registers tsx's loader
// and hands over to the TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
