import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The cache folder: `$PIXRANK_CACHE_DIR`, else `$XDG_CACHE_HOME/pixrank`, else `~/.cache/pixrank`.
 * Downloads, unpacked servers, models and the state of `pixrank es start` live here.
 */
export function cacheDir(): string {
  if (process.env.PIXRANK_CACHE_DIR) return process.env.PIXRANK_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'pixrank');
}

/** Where the Python virtualenvs of the model export and training scripts are made: `<cache>/python`. */
export function pythonEnvRoot(): string {
  return join(cacheDir(), 'python');
}

/** Where the distribution of a version is unpacked: `<cache>/es/<version>`. */
export function esDistributionDir(version: string): string {
  return join(cacheDir(), 'es', version);
}

/** The state file `pixrank es start` leaves for later commands. */
export function esStateFile(): string {
  return join(cacheDir(), 'es', 'instance.json');
}

/** The persistent node's folder (data survives restarts): `es start`, `npm start` and the CLI share it. */
export function defaultInstanceDir(): string {
  return join(cacheDir(), 'es', 'instances', 'default');
}
