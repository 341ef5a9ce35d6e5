import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTable } from './table-reader.ts';

const ROWS = 200_000;
const BOUND = 8 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Retained heap after a full collection: what the reader holds on to, not passing garbage. */
function retained(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Peak retained heap growth while `consume` walks every row of the table. */
async function peakGrowth(dir: string, consume: (row: Record<string, unknown>) => void): Promise<{ count: number; peak: number }> {
  const before = retained();
  let count = 0;
  let peak = 0;
  for await (const row of readTable(dir, 'keywords')) {
    consume(row);
    count += 1;
    if (count % 40_000 === 0) peak = Math.max(peak, retained() - before);
  }
  return { count, peak };
}

describe('readTable memory', () => {
  let dir = '';
  beforeAll(async () => {
    const body = Array.from({ length: ROWS }, (_, i) => `p${String(i).padStart(10, '0')}\tkeyword number ${i}\t${i % 100}\t\tf\n`).join('');
    dir = await mkdtemp(join(tmpdir(), 'tsv-memory-'));
    await writeFile(join(dir, 'keywords.tsv000'), `photo_id\tkeyword\tai_service_1_confidence\tai_service_2_confidence\tsuggested_by_user\n${body}`);
  });

  it(`streams ${ROWS} rows with retained heap growth under ${BOUND / 2 ** 20} MiB`, async () => {
    const { count, peak } = await peakGrowth(dir, () => {});
    expect(count).toBe(ROWS);
    expect(peak).toBeLessThan(BOUND);
  });

  it('control: a consumer that keeps every row breaks the same bound (so the test above can fail)', async () => {
    const kept: Array<Record<string, unknown>> = [];
    const { peak } = await peakGrowth(dir, (row) => kept.push(row));
    expect(kept).toHaveLength(ROWS);
    expect(peak).toBeGreaterThan(BOUND);
  });
});
