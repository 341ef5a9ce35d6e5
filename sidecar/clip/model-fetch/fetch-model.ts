import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pRetry from 'p-retry';
import { downloadFile, matchesMetadata } from './download-file.ts';
import { checkRepoId, fileMetadata, hubOptionsFromEnv, listRepo, type FileMetadata, type HubOptions } from './hub-client.ts';
import { lineProgress, type FetchProgress } from './progress.ts';
import { selectModelFiles } from './select-files.ts';

export interface FetchModelOptions {
  /** Branch, tag or commit; default `main`. */
  revision?: string;
  quantized?: boolean;
  /** Where the files go (the CLI's default: `<cache>/models/<owner>--<name>`). */
  dir: string;
  /** Default: HF_ENDPOINT and HF_TOKEN from the environment. */
  hub?: HubOptions;
  /** Retries per request after the first attempt. Default 5. */
  retries?: number;
  /** First backoff in ms, doubled per retry with jitter. Default 1000. */
  minBackoffMs?: number;
  progress?: FetchProgress;
}

export interface FetchedFile {
  path: string;
  size: number;
  etag: string;
  downloaded: boolean;
}

export interface FetchModelResult {
  dir: string;
  repo: string;
  commit: string;
  files: FetchedFile[];
}

/** Written beside the files: what each one was when fetched, so a second run need not hash them. */
interface Manifest {
  repo: string;
  commit: string;
  files: Record<string, { etag: string; size: number }>;
}

export const manifestName = '.pixrank-fetch.json';

async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    const json = JSON.parse(await readFile(join(dir, manifestName), 'utf8')) as Manifest;
    return typeof json.files === 'object' && json.files !== null ? json : undefined;
  } catch {
    return undefined;
  }
}

async function isPresent(target: string, meta: FileMetadata, manifest: Manifest | undefined): Promise<boolean> {
  if (!existsSync(target)) return false;
  const known = manifest?.files[meta.path];
  if (known && known.etag === meta.etag && known.size === meta.size) {
    if ((await stat(target)).size === meta.size) return true;
  }
  return matchesMetadata(target, meta);
}

/**
 * `pixrank model fetch`: the files of a CLIP export in the Hugging Face ONNX layout, from the hub
 * (or any server with its URL layout, `HF_ENDPOINT`), into a model folder. All files come from the
 * commit the revision points to when the fetch starts. Files already present with the hub's
 * checksum are not downloaded again.
 *
 * @example
 * const { dir } = await fetchModel('Xenova/clip-vit-base-patch32', { dir: 'models/clip-b32', quantized: true });
 */
export async function fetchModel(repo: string, options: FetchModelOptions): Promise<FetchModelResult> {
  checkRepoId(repo);
  const hub = options.hub ?? hubOptionsFromEnv();
  const revision = options.revision ?? 'main';
  const dir = resolve(options.dir);
  const progress = options.progress ?? lineProgress(() => {});
  const retry = { retries: options.retries ?? 5, minTimeout: options.minBackoffMs ?? 1000, factor: 2, randomize: true };
  try {
    const listing = await pRetry(() => listRepo(hub, repo, revision), retry);
    const paths = selectModelFiles(listing.files, repo, { quantized: options.quantized ?? false });
    progress.note(`${repo} at ${revision} (commit ${listing.commit}) → ${dir}: ${paths.join(', ')}`);
    const manifest: Manifest = { repo, commit: listing.commit, files: {} };
    const previous = await readManifest(dir);
    const files: FetchedFile[] = [];
    for (const path of paths) {
      const meta = await pRetry(() => fileMetadata(hub, repo, listing.commit, path), retry);
      const target = join(dir, path);
      const present = await isPresent(target, meta, previous);
      if (!present) {
        await downloadFile(meta, target, hub, { retries: retry.retries, minBackoffMs: retry.minTimeout }, progress);
      }
      progress.finish(path, present ? 'present' : 'downloaded');
      files.push({ path, size: meta.size, etag: meta.etag, downloaded: !present });
      manifest.files[path] = { etag: meta.etag, size: meta.size };
      await writeFile(join(dir, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
    }
    return { dir, repo, commit: listing.commit, files };
  } finally {
    progress.stop();
  }
}
