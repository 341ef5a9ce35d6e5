import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateQuery, meanMetrics } from './metrics.ts';
import {
  decodeTrecId,
  encodeTrecId,
  formatQrels,
  formatRun,
  runFileName,
  writeTrecRun,
  type QrelsQuery,
  type RunRow,
} from './trec.ts';

describe('encodeTrecId', () => {
  it('percent-encodes whitespace and %, keeps the rest, and decodes back', () => {
    expect(encodeTrecId('u123|red car')).toBe('u123|red%20car');
    expect(encodeTrecId('a\tb\nc')).toBe('a%09b%0Ac');
    expect(encodeTrecId('100%')).toBe('100%25');
    expect(encodeTrecId('u1|café+crème')).toBe('u1|café+crème');
    for (const id of ['u123|red car', 'red_car', 'a%20b', 'x\u00a0y', '100%']) {
      expect(decodeTrecId(encodeTrecId(id))).toBe(id);
      expect(encodeTrecId(id)).not.toMatch(/\s/);
    }
    // distinct ids stay distinct (replacing spaces with _ would merge the first two)
    const ids = ['red car', 'red_car', 'red%20car'];
    expect(new Set(ids.map(encodeTrecId)).size).toBe(3);
    expect(() => encodeTrecId('')).toThrow('trec: an id must not be empty');
  });
});

describe('formatQrels', () => {
  it('writes `qid 0 docid gain`, gain 2^grade − 1, grade-0 items left out', () => {
    const text = formatQrels([
      { qid: 'u1|red car', relevant: new Set(['b', 'd']) },
      { qid: 'u2|dog', relevant: new Map([['x', 1], ['y', 0], ['z', 3]]) },
    ]);
    expect(text).toBe('u1|red%20car 0 b 1\nu1|red%20car 0 d 1\nu2|dog 0 x 1\nu2|dog 0 z 7\n');
  });

  it('throws on a query without relevant items and on a repeated query', () => {
    expect(() => formatQrels([{ qid: 'q', relevant: new Set() }])).toThrow(
      'trec: qrels for query "q": eval: query has no relevant items',
    );
    const q: QrelsQuery = { qid: 'q', relevant: new Set(['a']) };
    expect(() => formatQrels([q, q])).toThrow('trec: query "q" appears twice');
  });
});

describe('formatRun', () => {
  it('without scores: ranks from 1 and score N − rank', () => {
    const text = formatRun([{ qid: 'u1|red car', ranked: ['a', 'b', 'c'] }], 'hybrid+als');
    expect(text).toBe(
      'u1|red%20car Q0 a 1 2 hybrid+als\nu1|red%20car Q0 b 2 1 hybrid+als\nu1|red%20car Q0 c 3 0 hybrid+als\n',
    );
  });

  it('with scores: written so they parse back to the same double', () => {
    const text = formatRun([{ qid: 'q', ranked: ['a', 'b'], scores: [0.1 + 0.2, 1e-7] }], 'clip');
    expect(text).toBe('q Q0 a 1 0.30000000000000004 clip\nq Q0 b 2 1e-7 clip\n');
  });

  it('drops repeated ids after the first, with their scores', () => {
    const text = formatRun([{ qid: 'q', ranked: ['a', 'a', 'b'], scores: [3, 5, 2] }], 'r');
    expect(text).toBe('q Q0 a 1 3 r\nq Q0 b 2 2 r\n');
    expect(formatRun([{ qid: 'q', ranked: ['a', 'a', 'b'] }], 'r')).toBe('q Q0 a 1 1 r\nq Q0 b 2 0 r\n');
  });

  it('an empty ranked list writes no line', () => {
    expect(formatRun([{ qid: 'q', ranked: [] }], 'r')).toBe('');
  });

  it('throws on scores trec_eval would reorder, bad lengths, bad names and repeated queries', () => {
    expect(() => formatRun([{ qid: 'q', ranked: ['a', 'b'], scores: [1, 1] }], 'r')).toThrow(
      'trec: query "q": scores must be finite and strictly decreasing (rank 2: 1 after 1)',
    );
    expect(() => formatRun([{ qid: 'q', ranked: ['a', 'b'], scores: [1, 2] }], 'r')).toThrow(/strictly decreasing/);
    expect(() => formatRun([{ qid: 'q', ranked: ['a'], scores: [Number.NaN] }], 'r')).toThrow(/finite/);
    expect(() => formatRun([{ qid: 'q', ranked: ['a', 'b'], scores: [1] }], 'r')).toThrow(
      'trec: query "q" has 2 ids but 1 scores',
    );
    expect(() => formatRun([], 'my run')).toThrow('trec: run name "my run" must be non-empty without whitespace');
    expect(() => formatRun([], '')).toThrow(/non-empty/);
    const row: RunRow = { qid: 'q', ranked: ['a'] };
    expect(() => formatRun([row, row], 'r')).toThrow('trec: query "q" appears twice');
  });
});

describe('runFileName', () => {
  it('keeps + and replaces only / and whitespace', () => {
    expect(runFileName('hybrid+session_profile')).toBe('hybrid+session_profile.run');
    expect(runFileName('a/b c\td')).toBe('a_b_c_d.run');
    expect(runFileName('ltr')).toBe('ltr.run');
    for (const bad of ['', '.', '..', 'a\0b']) expect(() => runFileName(bad)).toThrow(/cannot name a run file/);
  });
});

/** Reads a run file the way trec_eval does: sort by score descending, ties by docid descending. */
function parseRun(text: string): Map<string, string[]> {
  const byQuery = new Map<string, { doc: string; score: number }[]>();
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const [qid, , doc, , score] = line.split(/\s+/);
    const rows = byQuery.get(qid!) ?? [];
    rows.push({ doc: doc!, score: Number(score) });
    byQuery.set(qid!, rows);
  }
  const ranked = new Map<string, string[]>();
  for (const [qid, rows] of byQuery) {
    rows.sort((x, y) => y.score - x.score || (y.doc < x.doc ? -1 : y.doc > x.doc ? 1 : 0));
    ranked.set(decodeTrecId(qid), rows.map((r) => decodeTrecId(r.doc)));
  }
  return ranked;
}

function parseQrels(text: string): Map<string, Map<string, number>> {
  const byQuery = new Map<string, Map<string, number>>();
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const [qid, , doc, gain] = line.split(/\s+/);
    const q = decodeTrecId(qid!);
    const grades = byQuery.get(q) ?? new Map<string, number>();
    grades.set(decodeTrecId(doc!), Math.log2(Number(gain) + 1)); // gain 2^g − 1 → grade g
    byQuery.set(q, grades);
  }
  return byQuery;
}

describe('writeTrecRun', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  const qrels: QrelsQuery[] = [
    { qid: 'u1|red car', relevant: new Set(['b', 'd']) },
    { qid: 'u2|dog park', relevant: new Map([['p 1', 2], ['p2', 1], ['p3', 0]]) },
    { qid: 'u3|100% cats', relevant: new Set(['z']) },
  ];
  const runs: Record<string, RunRow[]> = {
    keyword: [
      { qid: 'u1|red car', ranked: ['a', 'b', 'c', 'd'] },
      { qid: 'u2|dog park', ranked: ['p2', 'p3', 'p 1'], scores: [9.5, 9.25, -1] },
      { qid: 'u3|100% cats', ranked: [] },
    ],
    'hybrid+als': [
      { qid: 'u1|red car', ranked: ['d', 'd', 'b'] },
      { qid: 'u2|dog park', ranked: ['p 1', 'p2'] },
      { qid: 'u3|100% cats', ranked: ['y', 'z'] },
    ],
  };

  it('writes qrels.tsv and <row>.run that recompute the same metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pixrank-trec-'));
    dirs.push(dir);
    const out = join(dir, 'nested', 'run');
    const files = await writeTrecRun(out, qrels, runs);
    expect(files).toEqual({
      qrels: join(out, 'qrels.tsv'),
      runs: { keyword: join(out, 'keyword.run'), 'hybrid+als': join(out, 'hybrid+als.run') },
    });
    expect((await readdir(out)).sort()).toEqual(['hybrid+als.run', 'keyword.run', 'qrels.tsv']);

    const judged = parseQrels(await readFile(files.qrels, 'utf8'));
    expect(judged.get('u2|dog park')).toEqual(new Map([['p 1', 2], ['p2', 1]]));
    const cutoffs = [1, 2, 10];
    for (const [name, rows] of Object.entries(runs)) {
      const text = await readFile(files.runs[name]!, 'utf8');
      expect(text.split('\n')[0]!.split(' ')[5]).toBe(name);
      const read = parseRun(text);
      // every query of the qrels is evaluated; one missing from the run counts as an empty list (trec_eval -c)
      const fromFiles = meanMetrics([...judged].map(([qid, grades]) => evaluateQuery(read.get(qid) ?? [], grades, cutoffs)));
      const direct = meanMetrics(
        rows.map((row) => evaluateQuery(row.ranked, qrels.find((q) => q.qid === row.qid)!.relevant, cutoffs)),
      );
      for (const [key, value] of Object.entries(direct)) expect(fromFiles[key], `${name} ${key}`).toBeCloseTo(value, 12);
    }
  });

  it('refuses two runs that map to one file, before writing anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pixrank-trec-'));
    dirs.push(dir);
    const out = join(dir, 'run');
    const rows = [{ qid: 'u1|red car', ranked: ['b'] }];
    await expect(writeTrecRun(out, qrels, { 'a b': rows, a_b: rows })).rejects.toThrow(
      'trec: run "a_b" would overwrite a_b.run',
    );
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });
});
