import { existsSync } from 'node:fs';

/** Elasticsearch runs as a launcher JVM plus a server JVM: we signal their whole process group. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but owned by another user (the dedicated Elasticsearch user).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' || isAlive(pid);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when nothing of the group is left. */
export async function terminateGroup(pid: number, graceMs = 30_000): Promise<void> {
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(200);
  if (groupAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (groupAlive(pid)) await sleep(100);
  }
}

/** `setpriv --pdeathsig` ties a child's life to ours even when we are killed with SIGKILL. */
export const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
