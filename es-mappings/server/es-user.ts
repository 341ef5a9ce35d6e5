import { execFile } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createError } from '../errors.ts';

const run = promisify(execFile);

/** Elasticsearch refuses to run as root; as root we run it as this system user. */
export const ES_SYSTEM_USER = process.env.PIXRANK_ES_USER ?? 'pixrank-es';

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * When this process is root: the dedicated user (created if missing, no login shell, no home),
 * else undefined (Elasticsearch runs as the current user).
 */
export async function esRunAs(log: (line: string) => void): Promise<RunAs | undefined> {
  if (!isRoot()) return undefined;
  let ids = await lookup(ES_SYSTEM_USER);
  if (!ids) {
    log(`es: running as root; creating system user ${ES_SYSTEM_USER} for Elasticsearch (it refuses root)`);
    try {
      await run('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', ES_SYSTEM_USER]);
    } catch (error) {
      // Two processes may race to create it.
      if (!(await lookup(ES_SYSTEM_USER))) {
        throw createError(
          'USER_SETUP_FAILED',
          `es user: Elasticsearch refuses to run as root and the user ${ES_SYSTEM_USER} could not be created (${(error as Error).message}); create it or run as a non-root user`,
          { cause: error },
        );
      }
    }
    ids = await lookup(ES_SYSTEM_USER);
  }
  if (!ids) throw createError('USER_SETUP_FAILED', `es user: ${ES_SYSTEM_USER} does not exist after useradd`);
  return { ...ids, name: ES_SYSTEM_USER };
}

async function lookup(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Gives the user a folder of its own (recursively, for data, logs and config). */
export async function handOver(path: string, user: RunAs): Promise<void> {
  await run('chown', ['-R', `${user.uid}:${user.gid}`, path]);
}

/**
 * The user must be able to reach (traverse, not list) every folder above its own, e.g. /root when
 * the cache is ~/.cache. We add only the execute bit for others where it is missing and say so.
 */
export async function grantTraverse(path: string, log: (line: string) => void): Promise<void> {
  let dir = dirname(resolve(path));
  const granted: string[] = [];
  while (true) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      await chmod(dir, info.mode | 0o001);
      granted.push(dir);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (granted.length > 0) log(`es: let ${ES_SYSTEM_USER} traverse ${granted.join(", ")} (o+x) to reach ${path}`);
}

