import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium: playwright-core drives it (its own browser downloads cannot reach their host here). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium the browser tests drive: `PIXRANK_CHROMIUM`, else Debian's, installed with apt-get
 * when missing and this process may (root, apt-get present) — as `.ci/run` does before the tests.
 * Returns the reason instead when there is none, for the test to skip with.
 */
export function findChromium(log: (line: string) => void = (line) => console.log(line)): { path: string } | { missing: string } {
  const chosen = process.env.PIXRANK_CHROMIUM;
  if (chosen) return existsSync(chosen) ? { path: chosen } : { missing: `PIXRANK_CHROMIUM=${chosen} does not exist` };
  if (existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM };
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    return { missing: `${DEBIAN_CHROMIUM} is missing and cannot be installed here (${root ? 'no apt-get' : 'not root'}); run apt-get install -y chromium` };
  }
  log(`browser tests: ${DEBIAN_CHROMIUM} is missing; installing Debian's chromium with apt-get (a few minutes)`);
  try {
    execFileSync('/bin/sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 280_000 });
  } catch (error) {
    return { missing: `installing chromium with apt-get failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n').pop()}` };
  }
  return existsSync(DEBIAN_CHROMIUM) ? { path: DEBIAN_CHROMIUM } : { missing: `apt-get installed chromium but ${DEBIAN_CHROMIUM} is still missing` };
}
