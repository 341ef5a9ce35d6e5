import { readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RejectWriter, type Reject } from './reject-writer.ts';
import { partFiles, readTable } from './table-reader.ts';

async function dataset(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tsv-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

async function readAll(dir: string, table: 'photos' | 'keywords' | 'conversions', maxRecordBytes?: number) {
  const rejects: Reject[] = [];
  const rows = [];
  for await (const row of readTable(dir, table, { onReject: (r) => rejects.push(r), ...(maxRecordBytes ? { maxRecordBytes } : {}) })) rows.push(row);
  return { rows, rejects };
}

const HEADER = 'photo_id\tphoto_featured\tphoto_width\tphoto_aspect_ratio\tphoto_submitted_at\tphoto_description\n';

describe('readTable', () => {
  it('parses quoted tabs, doubled quotes and newlines, typed by header name; empty is null', async () => {
    const dir = await dataset({
      'photos.tsv000': HEADER + 'aaaaaaaaaaa\tt\t4000\t1.5\t2020-05-13 15:28:22.457\t"tab\there, ""quoted"", and\nnewline"\n' + 'bbbbbbbbbbb\tf\t\t\t2021-01-02 03:04:05\t\n',
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      { photo_id: 'aaaaaaaaaaa', photo_featured: true, photo_width: 4000, photo_aspect_ratio: 1.5, photo_submitted_at: '2020-05-13T15:28:22.457Z', photo_description: 'tab\there, "quoted", and\nnewline' },
      { photo_id: 'bbbbbbbbbbb', photo_featured: false, photo_width: null, photo_aspect_ratio: null, photo_submitted_at: '2021-01-02T03:04:05.000Z', photo_description: null },
    ]);
  });

  it('reads columns by name whatever their order, across parts each with its header', async () => {
    const dir = await dataset({
      'photos.tsv000': 'photo_width\tphoto_id\n10\taaaaaaaaaaa\n',
      'photos.tsv001': 'photo_id\tphoto_width\tblur_hash\nbbbbbbbbbbb\t20\tLKO2?U%2Tw=w\n',
    });
    expect((await partFiles(dir, 'photos')).map((f) => f.slice(-13))).toEqual(['photos.tsv000', 'photos.tsv001']);
    const { rows } = await readAll(dir, 'photos');
    expect(rows).toEqual([{ photo_width: 10, photo_id: 'aaaaaaaaaaa' }, { photo_id: 'bbbbbbbbbbb', photo_width: 20, blur_hash: 'LKO2?U%2Tw=w' }]);
  });

  it('a quote still open at the end of the file is reported, the rows before it kept', async () => {
    const dir = await dataset({ 'photos.tsv000': HEADER + 'before11111\tt\t1\t1\t2020-01-01 00:00:00\tok\n' + 'broken11111\tt\t1\t1\t2020-01-01 00:00:00\t"open\n' });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rows.map((r) => r.photo_id)).toEqual(['before11111']);
    expect(rejects.map((r) => r.line)).toEqual([3]);
  });

  it('rejects each kind of malformed row with its line and reason, and reads on', async () => {
    const dir = await dataset({
      'photos.tsv000':
        HEADER +
        'good1111111\tt\t1\t1\t2020-01-01 00:00:00\tok\n' + // line 2
        'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx\n' + // 3
        '\tt\t1\t1\t2020-01-01 00:00:00\tno id\n' + // 4
        'toomany1111\tt\t1\t1\t2020-01-01 00:00:00\tx\textra\n' + // 5
        'badtime1111\tt\t1\t1\tyesterday\tx\n' + // 6
        'badbool1111\tyes\t1\t1\t2020-01-01 00:00:00\tx\n' + // 7
        'good2222222\tf\t2\t2\t2020-01-01 00:00:00\t"two\nlines"\n' + // 8-9
        'good3333333\tf\t3\t3\t2020-01-01 00:00:00\tlast\n', // 10
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rows.map((r) => r.photo_id)).toEqual(['good1111111', 'good2222222', 'good3333333']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'column photo_width: not an integer: "wide"'],
      [4, 'missing photo_id'],
      [5, 'expected 6 fields, got 7'],
      [6, 'column photo_submitted_at: not a timestamp: "yesterday"'],
      [7, 'column photo_featured: not a boolean (t/f): "yes"'],
    ]);
    expect(rejects[0]).toMatchObject({ file: 'photos.tsv000', raw: 'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx' });
  });

  it('cuts a quoted field that never closes at 1 MiB, reports its line, and reads the rows after it', async () => {
    const after = Array.from({ length: 25_000 }, (_, i) => `after${String(i).padStart(6, '0')}\tt\t1\t1\t2020-01-01 00:00:00\tline after\n`);
    const dir = await dataset({
      'photos.tsv000':
        HEADER +
        'before11111\tt\t1\t1\t2020-01-01 00:00:00\tok\n' + // 2
        'broken11111\tt\t1\t1\t2020-01-01 00:00:00\t"never closes\n' + // 3
        after.join(''), // 4 … 25003: more than 1 MiB, so the open quote outgrows the limit
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rejects.map((r) => [r.line, r.reason.split(' (')[0]])).toEqual([[3, 'a quoted field never closes']]);
    expect(rows.length).toBe(1 + 25_000);
    expect(rows.at(-1)!.photo_id).toBe('after024999');
  });

  it('a quote still open at the end of the file is reported, the rows before it kept', async () => {
    const dir = await dataset({ 'photos.tsv000': HEADER + 'before11111\tt\t1\t1\t2020-01-01 00:00:00\tok\n' + 'broken11111\tt\t1\t1\t2020-01-01 00:00:00\t"open\n' });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rows.map((r) => r.photo_id)).toEqual(['before11111']);
    expect(rejects.map((r) => r.line)).toEqual([3]);
  });

  it('rejects each kind of malformed row with its line and reason, and reads on', async () => {
    const dir = await dataset({
      'photos.tsv000':
        HEADER +
        'good1111111\tt\t1\t1\t2020-01-01 00:00:00\tok\n' + // line 2
        'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx\n' + // 3
        '\tt\t1\t1\t2020-01-01 00:00:00\tno id\n' + // 4
        'toomany1111\tt\t1\t1\t2020-01-01 00:00:00\tx\textra\n' + // 5
        'badtime1111\tt\t1\t1\tyesterday\tx\n' + // 6
        'badbool1111\tyes\t1\t1\t2020-01-01 00:00:00\tx\n' + // 7
        'good2222222\tf\t2\t2\t2020-01-01 00:00:00\t"two\nlines"\n' + // 8-9
        'good3333333\tf\t3\t3\t2020-01-01 00:00:00\tlast\n', // 10
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rows.map((r) => r.photo_id)).toEqual(['good1111111', 'good2222222', 'good3333333']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'column photo_width: not an integer: "wide"'],
      [4, 'missing photo_id'],
      [5, 'expected 6 fields, got 7'],
      [6, 'column photo_submitted_at: not a timestamp: "yesterday"'],
      [7, 'column photo_featured: not a boolean (t/f): "yes"'],
    ]);
    expect(rejects[0]).toMatchObject({ file: 'photos.tsv000', raw: 'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx' });
  });

  it('writes rejects to <data>/rejects/<table>.ndjson', async () => {
    const dir = await dataset({ 'keywords.tsv000': 'photo_id\tkeyword\tai_service_1_confidence\naaaaaaaaaaa\tdog\tnan?\n' });
    const writer = new RejectWriter(dir);
    for await (const _ of readTable(dir, 'keywords', { onReject: (r) => writer.write('keywords', r) }));
    await writer.close();
    const lines = (await readFile(join(dir, 'rejects', 'keywords.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ file: 'keywords.tsv000', line: 2, reason: 'column ai_service_1_confidence: not a number: "nan?"', raw: 'aaaaaaaaaaa\tdog\tnan?' }]);
  });

  it('streams: memory does not grow with the number of rows', async () => {
    const rows = 200_000;
    const body = Array.from({ length: rows }, (_, i) => `p${String(i).padStart(10, '0')}\tkeyword number ${i}\t${i % 100}\n`).join('');
    const dir = await dataset({ 'keywords.tsv000': `photo_id\tkeyword\tai_service_1_confidence\n${body}` });
    // Retained heap after a full collection: what the reader holds on to, not passing garbage.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = retained();
    let count = 0;
    let peak = 0;
    for await (const _ of readTable(dir, 'keywords')) {
      count += 1;
      if (count % 50_000 === 0) peak = Math.max(peak, retained() - before);
    }
    expect(count).toBe(rows);
    // 150k typed rows held at once take ~25 MB or more; a stream holds a few chunks.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  });
});
