import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePythonEnv, requirementsHash, runProgram } from './venv.ts';

// A requirements file with no packages: pip installs nothing, so these run offline with the real
// python3, venv and pip. The pinned torch environment is exercised by export.test.ts.
describe('python env', () => {
  let root: string;
  let requirements: string;
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pixrank-venv-'));
    requirements = join(root, 'requirements.txt');
    await writeFile(requirements, '# nothing to install\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('names the environment by a short hash of the requirements text', () => {
    expect(requirementsHash('torch==2.15.0\n')).toMatch(/^[0-9a-f]{12}$/);
    expect(requirementsHash('torch==2.15.0\n')).not.toBe(requirementsHash('torch==2.14.0\n'));
  });

  it('makes a virtualenv once, reuses it, and remakes one left unfinished', async () => {
    const first = await ensurePythonEnv({ requirements, root, log });
    expect(first.created).toBe(true);
    expect(first.dir).toBe(join(root, requirementsHash('# nothing to install\n')));
    expect(existsSync(join(first.dir, '.pixrank-complete.json'))).toBe(true);
    const run = await runProgram(first.python, ['-c', 'import sys; print(sys.prefix)'], { log, prefix: '' });
    expect(run.stdout).toEqual([first.dir]);
    expect(lines.some((line) => line.startsWith('python env: creating'))).toBe(true);

    const again = await ensurePythonEnv({ requirements, root, log });
    expect(again).toEqual({ ...first, created: false });

    await rm(join(first.dir, '.pixrank-complete.json'));
    const remade = await ensurePythonEnv({ requirements, root, log });
    expect(remade.created).toBe(true);
    expect(lines.some((line) => line.startsWith('python env: removing the unfinished environment'))).toBe(true);
  }, 120_000);

  it('says so when the interpreter is missing', async () => {
    await expect(ensurePythonEnv({ requirements, root: join(root, 'other'), python: 'python3-not-installed-here', log })).rejects.toThrow(
      /^python env: python3-not-installed-here was not found on PATH; install Python/,
    );
    expect(existsSync(join(root, 'other'))).toBe(false);
  });

  it('says so when the requirements file is missing', async () => {
    await expect(ensurePythonEnv({ requirements: join(root, 'none.txt'), root, log })).rejects.toThrow(/^python env: cannot read .*none\.txt/);
  });

  it('reports the exit code of a failing program and forwards its lines', async () => {
    const seen: string[] = [];
    const run = await runProgram('python3', ['-c', 'import sys; print("out"); print("err", file=sys.stderr); sys.exit(3)'], {
      log: (line) => void seen.push(line),
      prefix: '> ',
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toEqual(['out']);
    expect(seen.sort()).toEqual(['> err', '> out']);
  });
});
