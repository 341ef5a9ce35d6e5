import { describe, expect, it } from 'vitest';
import { parseProcStat, parseSystemStat } from './cpu.ts';

describe('parseProcStat', () => {
  it('adds utime and stime, whatever the command name holds', () => {
    const line = '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 11 0 100 0 0';
    expect(parseProcStat(line)).toBe(1234 + 567);
  });
});

describe('parseSystemStat', () => {
  it('counts idle and iowait as not busy', () => {
    const text = 'cpu  100 5 50 1000 20 0 3 0 0 0\ncpu0 50 2 25 500 10 0 1 0 0 0\n';
    expect(parseSystemStat(text)).toEqual({ busy: 158, total: 1178 });
  });
});
