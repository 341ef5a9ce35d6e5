import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { pidsMentioning, waitUntil } from '../../test/processes.ts';
import { PixrankError } from '../errors.ts';
import { startLocalNode } from './local-node.ts';

const holdScript = new URL('../../test/fixtures/hold-local-node.ts', import.meta.url).pathname;

/** Runs the fixture that holds a local node; resolves once the node is ready. */
async function holdNode(): Promise<{ child: ReturnType<typeof spawn>; instanceDir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', holdScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) return { child, instanceDir: (JSON.parse(line) as { instanceDir: string }).instanceDir };
  }
  throw new Error('hold-local-node exited before its node was ready');
}

describe('a local node never outlives its owner', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} to the owning process stops Elasticsearch`, async () => {
      const { child, instanceDir } = await holdNode();
      expect(pidsMentioning(instanceDir).length).toBeGreaterThan(0);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
      // SIGINT: the owner stops it before exiting; SIGKILL: the kernel's parent-death signal does.
      expect(await waitUntil(() => pidsMentioning(instanceDir).length === 0, 60_000)).toBe(true);
    });
  }
});

describe('start-up failures are one clear error and leave no process', () => {
  it('a port in use', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const error = await startLocalNode({ port }).catch((e: unknown) => e);
      expect((error as PixrankError).code).toBe('PORT_IN_USE');
      expect((error as Error).message).toContain(`port ${port}`);
    } finally {
      server.close();
    }
  });

  it('a server that is not ready in time is stopped, with the end of its log in the error', async () => {
    const instanceDir = await mkdtemp(join(tmpdir(), 'pixrank-es-slow-'));
    const error = await startLocalNode({ instanceDir, heap: '512m', startTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PixrankError);
    expect((error as PixrankError).code).toBe('NOT_HEALTHY');
    expect((error as Error).message).toMatch(/did not turn yellow or green within 2 s; it was stopped\. The end of its log:\n/);
    expect(pidsMentioning(instanceDir)).toEqual([]);
  });
});
