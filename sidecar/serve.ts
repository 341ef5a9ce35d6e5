import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import type { OpenedServices } from './open-services.ts';

export interface RunningSidecar {
  url: string;
  /** Stops taking connections, lets in-flight requests finish, then flushes the event buffers. */
  stop(): Promise<void>;
}

export async function listen(services: OpenedServices, port: number, hostname = '127.0.0.1'): Promise<RunningSidecar> {
  const app = createApp(services);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${address.port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
        await services.close();
      })();
      return stopping;
    },
  };
}
