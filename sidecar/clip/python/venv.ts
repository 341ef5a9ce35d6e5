import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClipError } from '../errors.ts';

/** The pinned requirements of the export (and training) scripts. */
export const requirementsFile = fileURLToPath(new URL('./requirements.txt', import.meta.url));

/** Written last: a folder without it is a half-made environment and is rebuilt. */
const markerName = '.pixrank-complete.json';

export interface PythonEnvOptions {
  /** requirements.txt to install; default: this folder's. */
  requirements?: string;
  /** The interpreter that makes the venv; default `$PIXRANK_PYTHON`, else `python3`. */
  python?: string;
  /** Folder holding the environments (the CLI's: `<cache>/python`). */
  root: string;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
}

export interface PythonEnv {
  /** The virtualenv folder: `<root>/<first 12 hex of sha256(requirements.txt)>`. */
  dir: string;
  /** Its interpreter. */
  python: string;
  /** True when it was made by this call, false when an existing one was reused. */
  created: boolean;
}

export interface RunOptions {
  log: (line: string) => void;
  /** Prefix of each forwarded output line. */
  prefix: string;
  cwd?: string;
}

export interface RunResult {
  code: number;
  /** Every stdout line, in order (stderr is only forwarded). */
  stdout: string[];
}

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split(/\r?\n|\r/);
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim().length > 0) onLine(part);
  });
  stream.on('end', () => {
    if (rest.trim().length > 0) onLine(rest);
  });
}

/**
 * Runs a program, forwarding its output line by line; resolves with its exit code.
 * A program that cannot be started (ENOENT) rejects with the spawn error.
 */
export function runProgram(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const stdout: string[] = [];
    forwardLines(child.stdout, (line) => {
      stdout.push(line);
      options.log(`${options.prefix}${line}`);
    });
    forwardLines(child.stderr, (line) => options.log(`${options.prefix}${line}`));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout }));
  });
}

function venvPython(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

/** The short hash that names an environment: the first 12 hex digits of sha256(requirements text). */
export function requirementsHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * A virtualenv with the pinned requirements, under `<root>/<hash>`: made with
 * `python3 -m venv` and `pip install -r` the first time, reused afterwards. A folder left
 * half-made (no marker file, which is written last) is removed and made again. Two processes
 * making the same environment at the same moment are not coordinated.
 *
 * @example
 * const env = await ensurePythonEnv({ root: join(cacheDir, 'python') });
 * await runProgram(env.python, ['export_clip.py', '--help'], { log: console.error, prefix: '' });
 */
export async function ensurePythonEnv(options: PythonEnvOptions): Promise<PythonEnv> {
  const log = options.log ?? stderrLog;
  const requirements = options.requirements ?? requirementsFile;
  const python = options.python ?? process.env.PIXRANK_PYTHON ?? 'python3';
  let text: string;
  try {
    text = await readFile(requirements, 'utf8');
  } catch (error) {
    throw new ClipError('CLIP_PYTHON_FAILED', `python env: cannot read ${requirements}: ${(error as Error).message}`, { cause: error });
  }
  const dir = join(options.root, requirementsHash(text));
  const marker = join(dir, markerName);
  if (existsSync(marker) && existsSync(venvPython(dir))) return { dir, python: venvPython(dir), created: false };

  let version: RunResult;
  try {
    version = await runProgram(python, ['--version'], { log: () => {}, prefix: '' });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'was not found on PATH' : `cannot be run (${(error as Error).message})`;
    throw new ClipError('CLIP_PYTHON_FAILED', `python env: ${python} ${reason}; install Python 3.10+ with venv and pip, or set PIXRANK_PYTHON to an interpreter`);
  }
  if (version.code !== 0) throw new ClipError('CLIP_PYTHON_FAILED', `python env: ${python} --version exited with code ${version.code}`);

  if (existsSync(dir)) {
    log(`python env: removing the unfinished environment ${dir}`);
    await rm(dir, { recursive: true, force: true });
  }
  const started = Date.now();
  log(`python env: creating ${dir} with ${python} (${version.stdout.join(' ').trim() || 'version unknown'})`);
  const venv = await runProgram(python, ['-m', 'venv', dir], { log, prefix: 'python env: ' });
  if (venv.code !== 0) {
    throw new ClipError('CLIP_PYTHON_FAILED', `python env: ${python} -m venv ${dir} exited with code ${venv.code} (on Debian/Ubuntu: apt-get install python3-venv)`);
  }
  log(`python env: pip install -r ${requirements} (torch is large: a few minutes on first use)`);
  const pip = await runProgram(
    venvPython(dir),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', requirements],
    { log, prefix: 'python env: ' },
  );
  if (pip.code !== 0) throw new ClipError('CLIP_PYTHON_FAILED', `python env: pip install -r ${requirements} exited with code ${pip.code} (see the lines above; ${dir} is left unfinished and will be remade)`);
  const made = { requirements, hash: requirementsHash(text), python: version.stdout.join(' ').trim(), seconds: Math.round((Date.now() - started) / 1000) };
  await writeFile(marker, `${JSON.stringify(made, null, 2)}\n`);
  log(`python env: ready in ${made.seconds} s`);
  return { dir, python: venvPython(dir), created: true };
}
