import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PixrankError } from '../errors.ts';
import { findJdk } from './jdk.ts';

describe('findJdk', () => {
  it('finds a JDK of at least 17 on this machine and says where', async () => {
    const jdk = await findJdk();
    expect(jdk.major).toBeGreaterThanOrEqual(17);
    expect(jdk.description).toMatch(/version/);
  });

  it('explains why each candidate was skipped when none fits', async () => {
    const emptyJvmRoot = await mkdtemp(join(tmpdir(), 'jvm-'));
    const error = await findJdk({ env: { ES_JAVA_HOME: '/nowhere/jdk', PATH: '' }, jvmRoot: emptyJvmRoot }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PixrankError);
    expect((error as PixrankError).code).toBe('NO_JDK');
    expect((error as Error).message).toContain('ES_JAVA_HOME=/nowhere/jdk: no bin/java');
    expect((error as Error).message).toContain('set ES_JAVA_HOME');
  });
});
