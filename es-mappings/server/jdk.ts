import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createError } from '../errors.ts';

const run = promisify(execFile);
const MIN_MAJOR = 17;

export interface FindJdkOptions {
  env?: NodeJS.ProcessEnv;
  /** Where distribution JDKs live. */
  jvmRoot?: string;
}

export interface Jdk {
  home: string;
  major: number;
  /** Where it was found: `ES_JAVA_HOME`, `JAVA_HOME`, `PATH` or `/usr/lib/jvm`. */
  source: string;
  /** The first line `java -version` printed. */
  description: string;
}

/**
 * Finds a JDK ≥ 17 for Elasticsearch, in this order: `ES_JAVA_HOME`, `JAVA_HOME`, `java` on PATH,
 * the JDKs under /usr/lib/jvm (newest first). A candidate that is set but unusable is reported in
 * the error, so a person sees why their setting was skipped.
 */
export async function findJdk(options: FindJdkOptions = {}): Promise<Jdk> {
  const env = options.env ?? process.env;
  const jvmRoot = options.jvmRoot ?? '/usr/lib/jvm';
  const rejected: string[] = [];
  for await (const candidate of candidates(env, jvmRoot)) {
    const java = join(candidate.home, 'bin', 'java');
    if (!existsSync(java)) {
      rejected.push(`${candidate.source}=${candidate.home}: no bin/java`);
      continue;
    }
    const version = await javaVersion(java);
    if (!version) {
      rejected.push(`${candidate.source}=${candidate.home}: java -version failed`);
    } else if (version.major < MIN_MAJOR) {
      rejected.push(`${candidate.source}=${candidate.home}: Java ${version.major} is older than ${MIN_MAJOR}`);
    } else {
      return { home: candidate.home, major: version.major, source: candidate.source, description: version.line };
    }
  }
  throw createError(
    'NO_JDK',
    `es jdk: no JDK ${MIN_MAJOR} or newer found (${rejected.join('; ') || `nothing in ES_JAVA_HOME, JAVA_HOME, PATH or ${jvmRoot}`}); ` +
      `install one (e.g. apt-get install openjdk-17-jre-headless) or set ES_JAVA_HOME`,
  );
}

async function* candidates(env: NodeJS.ProcessEnv, jvmRoot: string): AsyncGenerator<{ home: string; source: string }> {
  if (env.ES_JAVA_HOME) yield { home: env.ES_JAVA_HOME, source: 'ES_JAVA_HOME' };
  if (env.JAVA_HOME) yield { home: env.JAVA_HOME, source: 'JAVA_HOME' };
  const onPath = await javaOnPath(env.PATH ?? '');
  if (onPath) yield { home: onPath, source: 'PATH' };
  if (existsSync(jvmRoot)) {
    const names = (await readdir(jvmRoot, { withFileTypes: true })).filter((d) => d.isDirectory() || d.isSymbolicLink());
    // Prefer the newest: names carry the major version (java-17-openjdk-amd64, temurin-25-jdk-amd64).
    const byMajor = names
      .map((d) => ({ name: d.name, major: Number(/(\d+)/.exec(d.name)?.[1] ?? 0) }))
      .sort((a, b) => b.major - a.major);
    for (const { name } of byMajor) yield { home: join(jvmRoot, name), source: jvmRoot };
  }
}

async function javaOnPath(path: string): Promise<string | undefined> {
  for (const dir of path.split(':')) {
    const java = join(dir, 'java');
    if (dir && existsSync(java)) return dirname(dirname(await realpath(java)));
  }
  return undefined;
}

async function javaVersion(java: string): Promise<{ major: number; line: string } | undefined> {
  try {
    const { stderr, stdout } = await run(java, ['-version'], { timeout: 20_000 });
    const text = `${stderr}${stdout}`;
    const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
    if (!match) return undefined;
    // Java 8 and older report "1.8.0_…".
    const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
    return { major, line: text.split('\n')[0]?.trim() ?? '' };
  } catch {
    return undefined;
  }
}
