import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import getPort from 'get-port';
import { SERVE_NODE_FLAGS } from '../../bin/node-flags.ts';
import { connectionEnv } from '../../es-mappings/connection.ts';
import { createError } from '../../es-mappings/errors.ts';
import type { Cluster } from '../../es-mappings/provision.ts';

export interface RunningSidecar {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `pixrank serve` as a child process (the product as deployed), on a free port, with the learned
 * second pass of `modelsDir`, once it holds the photos in memory (its photo table loads in the
 * background after it starts listening; measured before that, a row would time reads by id and the
 * load's own Elasticsearch work).
 */
export async function startSidecar(cluster: Cluster, options: { index: string; model: string; quantized: boolean; modelsDir: string; experimentFile?: string; extraArgs?: string[] }): Promise<RunningSidecar> {
  const args = ['--index', options.index, '--model', options.model, '--models', options.modelsDir, ...(options.quantized ? ['--quantized'] : []), ...(options.experimentFile ? ['--experiment', options.experimentFile] : []), ...(options.extraArgs ?? [])];
  const sidecar = await spawnServe(cluster, args, { env: { LOG_LEVEL: 'warn' } });
  try {
    await photosHeld(sidecar.url);
  } catch (error) {
    await sidecar.stop();
    throw error;
  }
  return sidecar;
}

/** Waits (10 minutes at most) until the sidecar's `/readyz` says its photo table is no longer loading. */
async function photosHeld(url: string): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { photo_table?: { state: string; held: number } };
    if (ready.photo_table?.state !== 'loading') return;
    if (Date.now() > deadline) throw createError('PROCESS_FAILED', `bench: the sidecar at ${url} was still loading its photo table after 10 minutes (${ready.photo_table.held} photos held)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * `pixrank serve ARGS --port <free>` as a child process, resolved once it prints its address line.
 * Its log goes to `logFile` when given (and the last of it into the error if it exits first), else to
 * this process's stderr. Only the cluster's connection is used (a test passes the harness's).
 */
export async function spawnServe(cluster: Pick<Cluster, 'connection'>, args: string[], options: { env?: Record<string, string>; logFile?: string } = {}): Promise<RunningSidecar> {
  const port = await getPort();
  const env = { ...process.env, ...connectionEnv(cluster.connection), ...options.env };
  const stderr = options.logFile ? openSync(options.logFile, 'w') : 'inherit';
  const child: ChildProcess = spawn(process.execPath, [...SERVE_NODE_FLAGS, 'bin/pixrank.js', 'serve', '--port', String(port), ...args], { env, stdio: ['ignore', 'pipe', stderr], cwd: new URL('../../', import.meta.url).pathname });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => {
      const tail = options.logFile ? `: ${readFileSync(options.logFile, 'utf8').split('\n').slice(-20).join('\n')}` : '';
      reject(createError('PROCESS_FAILED', `bench: pixrank serve exited with ${code}${tail}`));
    });
  });
  return {
    url: (JSON.parse(line) as { url: string }).url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Counters of the sidecar's caches from /metrics: query-embedding cache and vector cache, hits and misses. */
export async function cacheCounters(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counters: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^pixrank_(query_embedding|vector)_cache_total\{result="(hit|miss)"\}\s+([\d.e+]+)/.exec(line);
    if (m) counters[`${m[1]}_${m[2]}`] = Number(m[3]);
  }
  return counters;
}

export function counterDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
}
