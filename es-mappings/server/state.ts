import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EsConnection } from '../connection.ts';
import { esStateFile } from '../paths.ts';

/** The credentials of a node started with security on (see security.ts). */
export interface LocalNodeCredentials {
  /** The least-privilege file-realm user commands use. */
  username: string;
  password: string;
  /** The built-in superuser's password (bootstrap.password), for a person's own admin work. */
  superuserPassword: string;
  /** A user that may only read (role pixrank_read): a front client without write privilege. */
  reader?: { username: string; password: string };
  /** The CA's PEM file when the node serves https. */
  caCert?: string;
  caFingerprint?: string;
}

/** What `pixrank es start` leaves behind so later commands find the node it started. */
export interface EsInstanceState {
  url: string;
  version: string;
  pid: number;
  instanceDir: string;
  dataDir: string;
  startedAt: string;
  security?: LocalNodeCredentials;
}

export async function readInstanceState(): Promise<EsInstanceState | undefined> {
  const file = esStateFile();
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as EsInstanceState;
  } catch {
    return undefined;
  }
}

/** Written readable by its owner only: it may hold passwords. */
export async function writeInstanceState(state: EsInstanceState): Promise<void> {
  const file = esStateFile();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an older file keeps its mode otherwise.
  await chmod(file, 0o600);
}

export async function clearInstanceState(): Promise<void> {
  await rm(esStateFile(), { force: true });
}

/** How to reach a local node: its URL, and with security on its user and its CA. */
export function localNodeConnection(url: string, security: LocalNodeCredentials | undefined): EsConnection {
  if (!security) return { url, localNode: true };
  const connection: EsConnection = { url, username: security.username, password: security.password, localNode: true };
  if (security.caCert) {
    connection.ca = readFileSync(security.caCert, 'utf8');
    connection.caFile = security.caCert;
  }
  return connection;
}
