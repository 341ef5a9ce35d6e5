import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PixrankError } from './errors.ts';
import { provisionCluster } from './provision.ts';

const saved = process.env.ES_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.ES_URL;
  else process.env.ES_URL = saved;
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('provisionCluster with ES_URL', () => {
  it('an unreachable ES_URL is one clear error within seconds, naming the URL and what to do', async () => {
    process.env.ES_URL = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const error = await provisionCluster().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PixrankError);
    expect((error as PixrankError).code).toBe('ES_UNREACHABLE');
    expect((error as Error).message).toContain(process.env.ES_URL);
    expect((error as Error).message).toContain('unset it');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
