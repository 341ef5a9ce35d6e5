import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { esStateFile } from '../paths.ts';

/** What `pixrank es start` leaves behind so later commands find the node it started. */
export interface EsInstanceState {
  url: string;
  version: string;
  pid: number;
  instanceDir: string;
  dataDir: string;
  startedAt: string;
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

export async function writeInstanceState(state: EsInstanceState): Promise<void> {
  const file = esStateFile();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
}

export async function clearInstanceState(): Promise<void> {
  await rm(esStateFile(), { force: true });
}
