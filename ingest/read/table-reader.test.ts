import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reject } from './reject-writer.ts';
import type { TableName } from './schema.ts';
import { readTable } from './table-reader.ts';

async function dataset(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tsv-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

async function readAll(dir: string, table: TableName, maxRecordBytes?: number) {
  const rejects: Reject[] = [];
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of readTable(dir, table, { onReject: (r) => rejects.push(r), ...(maxRecordBytes ? { maxRecordBytes } : {}) })) rows.push(row);
  return { rows, rejects, ids: rows.map((r) => r.photo_id), lines: rejects.map((r) => r.line) };
}

const HEADER = 'photo_id\tphoto_featured\tphoto_width\tphoto_aspect_ratio\tphoto_submitted_at\tphoto_description\n';
const row = (id: string, description = 'ok'): string => `${id}\tt\t1\t1.5\t2020-01-01 00:00:00\t${description}\n`;

describe('readTable: CSV semantics', () => {
  it('parses quoted tabs, doubled quotes and newlines, typed by header name; empty is null', async () => {
    const dir = await dataset({
      'photos.tsv000': HEADER + 'aaaaaaaaaaa\tt\t4000\t1.5\t2020-05-13 15:28:22.457\t"tab\there, ""quoted"", and\nnewline"\n' + 'bbbbbbbbbbb\tf\t\t\t2021-01-02 03:04:05\t\n',
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rejects).toEqual([]);
    expect(rows[0]).toMatchObject({ photo_id: 'aaaaaaaaaaa', photo_featured: true, photo_width: 4000, photo_aspect_ratio: 1.5, photo_submitted_at: '2020-05-13T15:28:22.457Z', photo_description: 'tab\there, "quoted", and\nnewline' });
    expect(rows[1]).toMatchObject({ photo_id: 'bbbbbbbbbbb', photo_featured: false, photo_width: null, photo_aspect_ratio: null, photo_submitted_at: '2021-01-02T03:04:05.000Z', photo_description: null });
  });

  it('keeps genuine multi-line fields, also ones that begin with a quote, and counts lines after them', async () => {
    const dir = await dataset({
      'photos.tsv000': HEADER + row('multi111111', '"one\ntwo\nthree"') + row('quoted11111', '"""Hi"" she said\nand left"') + 'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx\n',
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rows.map((r) => r.photo_description)).toEqual(['one\ntwo\nthree', '"Hi" she said\nand left']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[7, 'column photo_width: not an integer: "wide"']]);
  });

  it('reads CRLF files and a byte-order mark, skips blank lines, and keeps line numbers right', async () => {
    const text = `\ufeff${HEADER}${row('crlf1111111', '"a\r\nb"')}\n${row('crlf2222222')}${row('bad!1111111')}`.replaceAll(/(?<!\r)\n/g, '\r\n');
    const dir = await dataset({ 'photos.tsv000': text });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rows.map((r) => [r.photo_id, r.photo_description])).toEqual([['crlf1111111', 'a\r\nb'], ['crlf2222222', 'ok']]);
    expect(rejects.map((r) => [r.line, r.reason, r.raw])).toEqual([[6, 'photo_id "bad!1111111" is not an id', 'bad!1111111\tt\t1\t1.5\t2020-01-01 00:00:00\tok']]);
  });
});

describe('readTable: headers and parts', () => {
  it('reads columns by name whatever their order, across parts each with its own header (1.0 and 1.2 columns)', async () => {
    const dir = await dataset({
      'photos.tsv000': 'photo_url\tphoto_id\nhttps://u/1\taaaaaaaaaaa\n', // 1.0: no width, description, blur_hash
      'photos.tsv001': 'photo_id\tphoto_width\tblur_hash\tfuture_column\nbbbbbbbbbbb\t20\tLKO2?U%2Tw=w\t9\n', // 1.2 and later
    });
    const { rows, rejects } = await readAll(dir, 'photos');
    expect(rejects).toEqual([]);
    expect(rows[0]).toMatchObject({ photo_id: 'aaaaaaaaaaa', photo_url: 'https://u/1', photo_width: null, photo_description: null, blur_hash: null });
    expect(rows[1]).toMatchObject({ photo_id: 'bbbbbbbbbbb', photo_url: null, photo_width: 20, blur_hash: 'LKO2?U%2Tw=w', future_column: '9' });
    expect(Object.keys(rows[0]!)).toHaveLength(31); // every known photos column, null when absent
  });

  it('a part whose header lacks the key column is one clear error', async () => {
    const dir = await dataset({ 'keywords.tsv000': 'photo\tkeyword\nx\ty\n' });
    await expect(readAll(dir, 'keywords')).rejects.toThrow('table reader: keywords.tsv000: the header has no photo_id column');
  });

  it('an empty part yields nothing', async () => {
    const dir = await dataset({ 'colors.tsv000': '' });
    expect((await readAll(dir, 'colors')).rows).toEqual([]);
  });
});

describe('readTable: rejects', () => {
  it('rejects each kind of malformed row with its line and reason, and reads on', async () => {
    const dir = await dataset({
      'photos.tsv000':
        HEADER +
        row('good1111111') + // line 2
        'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx\n' + // 3
        '\tt\t1\t1\t2020-01-01 00:00:00\tno id\n' + // 4
        row('toomany1111', 'x\textra') + // 5
        'badtime1111\tt\t1\t1\tyesterday\tx\n' + // 6
        'badbool1111\tyes\t1\t1\t2020-01-01 00:00:00\tx\n' + // 7
        row('good2222222', '"two\nlines"') + // 8-9
        'toofew11111\tt\t1\n' + // 10
        'bad id 1111\tt\t1\t1\t2020-01-01 00:00:00\tx\n' + // 11
        'badfloat111\tt\t1\t1,5\t2020-01-01 00:00:00\tx\n' + // 12
        row('good3333333', 'last'), // 13
    });
    const { ids, rejects } = await readAll(dir, 'photos');
    expect(ids).toEqual(['good1111111', 'good2222222', 'good3333333']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'column photo_width: not an integer: "wide"'],
      [4, 'missing photo_id'],
      [5, 'expected 6 fields, got 7'],
      [6, 'column photo_submitted_at: not a timestamp: "yesterday"'],
      [7, 'column photo_featured: not a boolean (t/f): "yes"'],
      [10, 'expected 6 fields, got 3'],
      [11, 'photo_id "bad id 1111" is not an id'],
      [12, 'column photo_aspect_ratio: not a number: "1,5"'],
    ]);
    expect(rejects[0]).toEqual({ file: 'photos.tsv000', line: 3, reason: 'column photo_width: not an integer: "wide"', raw: 'badnumber11\tt\twide\t1\t2020-01-01 00:00:00\tx' });
  });

  it('a quote open at the end of the file is reported, and the rows after its line are still read', async () => {
    const dir = await dataset({ 'photos.tsv000': HEADER + row('before11111') + row('broken11111', '"open') + row('after111111') + row('after222222') });
    const { ids, rejects } = await readAll(dir, 'photos');
    expect(ids).toEqual(['before11111', 'after111111', 'after222222']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[3, 'a quoted field never closes (open at the end of the file); reading resumes on line 4']]);
    expect(rejects[0]!.raw).toBe('broken11111\tt\t1\t1.5\t2020-01-01 00:00:00\t"open');
  });

  it('a quote that never closes but runs into a later quoted field loses only its own line', async () => {
    // csv-parse alone would return one row whose description swallows lines 4-5 (it "closes" at line 5).
    const dir = await dataset({ 'photos.tsv000': HEADER + row('before11111') + row('broken11111', '"open') + row('after111111') + row('after222222', '"quoted"') + row('after333333') });
    const { rows, ids, rejects } = await readAll(dir, 'photos');
    expect(ids).toEqual(['before11111', 'after111111', 'after222222', 'after333333']);
    expect(rows[2]!.photo_description).toBe('quoted');
    expect(rejects.map((r) => r.line)).toEqual([3]);
    expect(rejects[0]!.reason).toMatch(/^a quoted field never closes: the record from line 3 to 5 .*; reading resumes on line 4$/);
  });

  it('the same when the runaway field closes cleanly at the end of a later line', async () => {
    const dir = await dataset({ 'keywords.tsv000': 'photo_id\tkeyword\tai_service_1_confidence\naaaaaaaaaaa\t"open\t1\nbbbbbbbbbbb\tdog\t2\ncccccccccc1\tcat"\t3\ndddddddddd1\towl\t4\n' });
    const { rows, rejects } = await readAll(dir, 'keywords');
    expect(rejects).toEqual([
      { file: 'keywords.tsv000', line: 2, reason: 'a quoted field never closes: the record from line 2 to 4 swallows lines that look like rows (2 tabs); reading resumes on line 3', raw: 'aaaaaaaaaaa\t"open\t1' },
    ]);
    // The stray quote that "closed" the field stays in its own row's text: the row is well formed otherwise.
    expect(rows.map((r) => [r.photo_id, r.keyword])).toEqual([['bbbbbbbbbbb', 'dog'], ['cccccccccc1', 'cat"'], ['dddddddddd1', 'owl']]);
  });

  it('cuts a quoted field that never closes at 1 MiB, reports its line, and reads the rows after it', async () => {
    const after = Array.from({ length: 25_000 }, (_, i) => row(`after${String(i).padStart(6, '0')}`, 'line after'));
    const dir = await dataset({ 'photos.tsv000': HEADER + row('before11111') + row('broken11111', '"never closes') + after.join('') });
    const { ids, rejects } = await readAll(dir, 'photos');
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[3, 'a quoted field never closes (cut at 1048576 bytes); reading resumes on line 4']]);
    expect(ids.length).toBe(1 + 25_000);
    expect(ids.at(-1)).toBe('after024999');
  });

  it('a line longer than the limit is cut and reported; the next line is read', async () => {
    const dir = await dataset({ 'photos.tsv000': HEADER + row('long1111111', 'x'.repeat(5000)) + row('next1111111') });
    const { ids, rejects } = await readAll(dir, 'photos', 1000);
    expect(ids).toEqual(['next1111111']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'a record longer than 1000 bytes; reading resumes on line 3']]);
  });
});
