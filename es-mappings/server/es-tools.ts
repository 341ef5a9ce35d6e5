import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createError, type PixrankError } from '../errors.ts';

const run = promisify(execFile);

export interface ToolContext {
  esHome: string;
  /** The JDK Elasticsearch runs with; its command-line tools need the same. */
  javaHome: string;
  /** The instance's config folder: the tools read and write the keystore and users there. */
  configDir: string;
}

/**
 * Runs one of the distribution's command-line tools (bin/elasticsearch-keystore, -users,
 * -certutil) on the instance's config folder. `input` goes to its stdin, so that secrets never
 * appear on a command line another user could read with ps.
 */
export async function runEsTool(context: ToolContext, tool: string, args: string[], input?: string): Promise<string> {
  const pending = run(join(context.esHome, 'bin', tool), args, {
    env: { ...process.env, ES_JAVA_HOME: context.javaHome, ES_PATH_CONF: context.configDir, ES_JAVA_OPTS: '' },
    timeout: 120_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  pending.child.stdin?.end(input ?? '');
  try {
    return (await pending).stdout;
  } catch (error) {
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
    const said = `${stderr ?? ''}\n${stdout ?? ''}`.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? message;
    throw createError('SECURITY_SETUP_FAILED', `es start: ${tool} ${args[0] ?? ''} failed (${said}); the node was not started`, { cause: error });
  }
}
