import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import extractZip from 'extract-zip';
import { createError } from '../errors.ts';
import { esDistributionDir } from '../paths.ts';
import { ES_MAVEN_ARTIFACT, ES_MAVEN_GROUP } from '../version.ts';
import { algorithmOf, fileDigest, parseChecksumFile } from './checksum.ts';

const run = promisify(execFile);
const UNPACKED_MARKER = '.pixrank-unpacked';

export interface DistributionOptions {
  /** Progress lines for a person ("es: downloading …"). */
  log?: (line: string) => void;
}

/** Maven Central's repository layout; `PIXRANK_MAVEN_REPO` points at a mirror. */
function mavenRepoUrl(): string {
  return (process.env.PIXRANK_MAVEN_REPO ?? 'https://repo1.maven.org/maven2').replace(/\/$/, '');
}

function artifactPath(version: string): string {
  const group = ES_MAVEN_GROUP.replaceAll('.', '/');
  return `${group}/${ES_MAVEN_ARTIFACT}/${version}/${ES_MAVEN_ARTIFACT}-${version}.zip`;
}

/**
 * Returns ES_HOME of an unpacked distribution of `version`, downloading (checksum verified) and
 * unpacking it into the cache folder the first time. Safe against concurrent callers: unpacking
 * happens in a private folder that is renamed into place.
 */
export async function ensureDistribution(version: string, options: DistributionOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const dir = esDistributionDir(version);
  const home = join(dir, `elasticsearch-${version}`);
  if (existsSync(join(home, UNPACKED_MARKER))) return home;

  await mkdir(dir, { recursive: true });
  const zip = await downloadVerified(version, dir, log);
  const staging = join(dir, `.unpack-${process.pid}-${Date.now()}`);
  log(`es: unpacking ${zip}`);
  try {
    await extractZip(zip, { dir: staging });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    await rm(zip, { force: true });
    throw createError(
      'DOWNLOAD_FAILED',
      `es download: ${zip} could not be unpacked (${(error as Error).message}); it was deleted, run the command again to download it anew`,
      { cause: error },
    );
  }
  await writeFile(join(staging, `elasticsearch-${version}`, UNPACKED_MARKER), new Date().toISOString());
  try {
    await rename(join(staging, `elasticsearch-${version}`), home);
  } catch (error) {
    // Another process unpacked it first: theirs is as good as ours.
    if (!existsSync(join(home, UNPACKED_MARKER))) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return home;
}

/** The zip in `<dir>/download/`, its digest checked against Maven Central's published one. */
async function downloadVerified(version: string, dir: string, log: (line: string) => void): Promise<string> {
  const downloads = join(dir, 'download');
  await mkdir(downloads, { recursive: true });
  const zip = join(downloads, `${ES_MAVEN_ARTIFACT}-${version}.zip`);
  const expectedFile = `${zip}.expected`;

  if (!existsSync(zip) || !existsSync(expectedFile)) {
    await rm(zip, { force: true });
    const viaMaven = await downloadWithMaven(version, downloads, log);
    const expected = viaMaven ?? (await downloadOverHttps(version, zip, log));
    await writeFile(expectedFile, expected);
  }

  const expected = (await readFile(expectedFile, 'utf8')).trim();
  const actual = await fileDigest(zip, algorithmOf(expected));
  if (actual !== expected) {
    await rm(zip, { force: true });
    await rm(expectedFile, { force: true });
    throw createError(
      'CHECKSUM_MISMATCH',
      `es download: ${zip} is corrupt (${algorithmOf(expected)} ${actual}, Maven Central says ${expected}); it was deleted, run the command again to download it anew`,
    );
  }
  log(`es: ${algorithmOf(expected)} verified for ${zip}`);
  return zip;
}

/**
 * `mvn dependency:copy` where Maven is installed (it honours the user's mirrors and proxies).
 * Returns the expected digest, or undefined when Maven is absent or failed (then HTTPS is tried).
 */
async function downloadWithMaven(version: string, outDir: string, log: (line: string) => void): Promise<string | undefined> {
  if (process.env.PIXRANK_NO_MAVEN === '1') return undefined;
  const artifact = `${ES_MAVEN_GROUP}:${ES_MAVEN_ARTIFACT}:${version}:zip`;
  log(`es: downloading ${artifact} with mvn dependency:copy`);
  try {
    await run('mvn', ['-q', '-B', '--strict-checksums', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${outDir}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    log(code === 'ENOENT' ? 'es: mvn is not installed; downloading over HTTPS' : `es: mvn failed (${firstLine(error)}); downloading over HTTPS`);
    return undefined;
  }
  // Maven keeps the published checksum beside the artifact in the local repository.
  const local = join(process.env.PIXRANK_M2_REPO ?? join(homedir(), '.m2', 'repository'), `${artifactPath(version)}.sha1`);
  if (existsSync(local)) return parseChecksumFile(await readFile(local, 'utf8'));
  return fetchPublishedDigest(version);
}

async function downloadOverHttps(version: string, zip: string, log: (line: string) => void): Promise<string> {
  const url = `${mavenRepoUrl()}/${artifactPath(version)}`;
  const expected = await fetchPublishedDigest(version);
  log(`es: downloading ${url}`);
  const response = await fetchOrExplain(url);
  if (!response.body) throw createError('DOWNLOAD_FAILED', `es download: ${url} answered with no body`);
  const part = `${zip}.part`;
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(part));
  await rename(part, zip);
  return expected;
}

async function fetchPublishedDigest(version: string): Promise<string> {
  const base = `${mavenRepoUrl()}/${artifactPath(version)}`;
  for (const suffix of ['.sha512', '.sha1']) {
    const response = await fetchOrExplain(base + suffix, { allowMissing: true });
    if (response.ok) return parseChecksumFile(await response.text());
  }
  throw createError('DOWNLOAD_FAILED', `es download: Maven Central publishes no checksum for ${base}`);
}

async function fetchOrExplain(url: string, options: { allowMissing?: boolean } = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  } catch (error) {
    throw createError(
      'DOWNLOAD_FAILED',
      `es download: cannot reach ${url} (${firstLine(error)}); check the network, set PIXRANK_MAVEN_REPO to a mirror, or set ES_URL to a running cluster`,
      { cause: error },
    );
  }
  if (!response.ok && !(options.allowMissing && response.status === 404)) {
    throw createError('DOWNLOAD_FAILED', `es download: ${url} answered HTTP ${response.status}`);
  }
  return response;
}

function firstLine(error: unknown): string {
  const err = error as { stderr?: string; message?: string };
  const text = (err.stderr && err.stderr.trim()) || err.message || String(error);
  return text.split('\n')[0] ?? text;
}
