/**
 * TREC files for an evaluation, so a standard tool (trec_eval, pytrec_eval, ranx) recomputes what
 * `metrics.ts` reports:
 *
 *   trec_eval -c -m ndcg_cut.10,20,50,100 -m P.10,20,50,100 -m recall.10,20,50,100 \
 *             -m map_cut.10,20,50,100 -m success.10,20,50,100 qrels.tsv hybrid+als.run
 *
 * `-c` matters: a query whose ranked list is empty has no line in the run, and without `-c` trec_eval
 * would drop it from the mean, where `meanMetrics` counts it as zeros.
 *
 * Ids: TREC columns are split on whitespace, and our query ids (`u123|red car`) contain spaces. Ids
 * (query and document alike) are written with every whitespace character and `%` percent-encoded
 * (`u123|red%20car`): readable, and unlike replacing spaces with `_` it cannot make two queries one
 * (`red car` vs `red_car`); `decodeTrecId` reverses it.
 *
 * Grades: the qrels column holds the gain 2^grade − 1 (binary relevance: 1), because trec_eval's nDCG
 * uses the qrels value as the gain; relevance (value ≥ 1) is unchanged by that, so P, recall, AP and
 * success agree too.
 *
 * Ranks: trec_eval ignores the rank column and sorts by score (ties by document id, descending), so
 * scores must strictly decrease down the list; without scores, score = N − rank.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dedupeRanked, gainOf, relevantGrades, type Relevance } from './metrics.ts';
import { createError } from '../../es-mappings/errors.ts';

/** One query's judgements. */
export interface QrelsQuery {
  qid: string;
  relevant: Relevance;
}

/** One query's ranked list in one run, best first; `scores` (optional) parallel to `ranked`. */
export interface RunRow {
  qid: string;
  ranked: readonly string[];
  scores?: readonly number[];
}

/** What `writeTrecRun` wrote: the qrels path and each run name's path. */
export interface TrecFiles {
  qrels: string;
  runs: Record<string, string>;
}

// C's isspace plus every Unicode space (\s), and the escape character itself.
const ENCODED = /[\s%]/gu;

/** The id with whitespace and `%` percent-encoded (UTF-8): `u123|red car` → `u123|red%20car`. */
export function encodeTrecId(id: string): string {
  if (id.length === 0) throw createError('INVALID_ARGUMENT', 'trec: an id must not be empty');
  return id.replace(ENCODED, (ch) => encodeURIComponent(ch));
}

/** The inverse of `encodeTrecId`. */
export function decodeTrecId(encoded: string): string {
  return decodeURIComponent(encoded);
}

/**
 * Qrels lines `qid 0 docid gain`, one per relevant item (grade-0 items are left out: not relevant).
 * @throws on a repeated qid or a query without relevant items (leave those out of the evaluation).
 */
export function formatQrels(queries: readonly QrelsQuery[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const { qid, relevant } of queries) {
    const q = uniqueQid(qid, seen);
    let grades: Map<string, number>;
    try {
      grades = relevantGrades(relevant);
    } catch (error) {
      throw createError('INVALID_ARGUMENT', `trec: qrels for query ${JSON.stringify(qid)}: ${(error as Error).message}`, { cause: error });
    }
    for (const [doc, grade] of grades) lines.push(`${q} 0 ${encodeTrecId(doc)} ${gainOf(grade)}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Run lines `qid Q0 docid rank score runName`, ranks from 1. Repeated ids are dropped after their
 * first occurrence (as `evaluateQuery` counts them; trec_eval rejects duplicates).
 * @throws on a repeated qid, a run name with whitespace, scores of the wrong length, or scores that
 * are not finite and strictly decreasing (trec_eval would reorder such a list).
 */
export function formatRun(rows: readonly RunRow[], runName: string): string {
  if (runName.length === 0 || /\s/u.test(runName)) {
    throw createError('INVALID_ARGUMENT', `trec: run name ${JSON.stringify(runName)} must be non-empty without whitespace`);
  }
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const { qid, ranked, scores } of rows) {
    const q = uniqueQid(qid, seen);
    if (scores !== undefined && scores.length !== ranked.length) {
      throw createError('INVALID_ARGUMENT', `trec: query ${JSON.stringify(qid)} has ${ranked.length} ids but ${scores.length} scores`);
    }
    const list = dedupeRanked(ranked);
    const kept = scores === undefined ? list.map((_, i) => list.length - (i + 1)) : firstScores(ranked, scores);
    let previous = Number.POSITIVE_INFINITY;
    list.forEach((doc, i) => {
      const score = kept[i]!;
      if (!Number.isFinite(score) || score >= previous) {
        throw createError(
          'INVALID_ARGUMENT',
          `trec: query ${JSON.stringify(qid)}: scores must be finite and strictly decreasing (rank ${i + 1}: ${score} after ${previous})`,
        );
      }
      previous = score;
      // String(number) is the shortest text that parses back (C atof) to the same double.
      lines.push(`${q} Q0 ${encodeTrecId(doc)} ${i + 1} ${String(score)} ${runName}`);
    });
  }
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * The file name of a run: the row name with `/` and whitespace replaced by `_` (so `hybrid+als`
 * stays `hybrid+als.run`; `+` is an ordinary file name character on every system we write to).
 * @throws when nothing usable is left (empty, `.`, `..`) or the name holds a NUL.
 */
export function runFileName(name: string): string {
  const stem = name.replace(/[/\s]/gu, '_');
  if (stem === '' || stem === '.' || stem === '..' || stem.includes('\0')) {
    throw createError('INVALID_ARGUMENT', `trec: ${JSON.stringify(name)} cannot name a run file`);
  }
  return `${stem}.run`;
}

/**
 * Writes `qrels.tsv` and one `<name>.run` per run into `dir` (created if missing); the run's name
 * column is its file stem.
 * @throws when two run names map to the same file (`a b` and `a_b`), or on any `formatQrels` /
 * `formatRun` error — before anything is written.
 * @example
 * await writeTrecRun('out/run', queries, { keyword: keywordRows, 'hybrid+als': alsRows });
 */
export async function writeTrecRun(
  dir: string,
  qrels: readonly QrelsQuery[],
  runs: Record<string, readonly RunRow[]>,
): Promise<TrecFiles> {
  const files = new Map<string, string>([['qrels.tsv', formatQrels(qrels)]]);
  const written: TrecFiles = { qrels: join(dir, 'qrels.tsv'), runs: {} };
  for (const [name, rows] of Object.entries(runs)) {
    const file = runFileName(name);
    if (files.has(file)) throw createError('INVALID_ARGUMENT', `trec: run ${JSON.stringify(name)} would overwrite ${file}`);
    files.set(file, formatRun(rows, file.slice(0, -'.run'.length)));
    written.runs[name] = join(dir, file);
  }
  await mkdir(dir, { recursive: true });
  for (const [file, text] of files) await writeFile(join(dir, file), text);
  return written;
}

function uniqueQid(qid: string, seen: Set<string>): string {
  const q = encodeTrecId(qid);
  if (seen.has(q)) throw createError('INVALID_ARGUMENT', `trec: query ${JSON.stringify(qid)} appears twice`);
  seen.add(q);
  return q;
}

/** The score of each id's first occurrence, in `dedupeRanked` order. */
function firstScores(ranked: readonly string[], scores: readonly number[]): number[] {
  const seen = new Set<string>();
  const kept: number[] = [];
  ranked.forEach((id, i) => {
    if (seen.has(id)) return;
    seen.add(id);
    kept.push(scores[i]!);
  });
  return kept;
}
