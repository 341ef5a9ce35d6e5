import { PixrankError } from '../es-mappings/errors.ts';
import { ClipError } from '../sidecar/clip/index.ts';

/** `DEBUG=pixrank` (or `*`, as the `debug` package reads it, in a comma or space separated list). */
export function debugOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === 'pixrank' || name === '*');
}

/** The stack of an error and of each cause under it, for DEBUG. */
function stacks(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(depth === 0 ? '' : 'caused by: ', e instanceof Error ? (e.stack ?? e.message) : String(e), '\n');
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('');
}

/**
 * What the CLI prints when a command fails. An error pixrank raised on purpose is one line (more
 * only when its message carries a log): `pixrank: CODE: message`, the message already naming the
 * part that failed and what to do, so its stack would only hide that. Any other error is a bug or
 * a failure nobody foresaw: its message, and its stack with DEBUG=pixrank.
 */
export function failureText(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const debug = debugOn(env);
  if (error instanceof PixrankError || error instanceof ClipError) {
    return `pixrank: ${error.code}: ${error.message}\n${debug ? stacks(error) : ''}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `pixrank: ${message}\n${debug ? stacks(error) : 'pixrank: (an unexpected error; DEBUG=pixrank prints its stack)\n'}`;
}
