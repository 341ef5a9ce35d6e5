// bench/page.ts — `npm run bench:page -- --url http://127.0.0.1:8080`: the search page as a person
// meets it, in a real browser (Debian's Chromium driven by playwright-core), against a sidecar that
// is already running — the one `npm start` printed, for the issue's goal ("a first search shows
// photos in under 1 s").
//
// Rows, each in a fresh browser context (empty cache: every thumbnail is fetched and, the first time
// the sidecar is asked for it, made by sharp):
//   open page       navigation to the page's `load` event, and its own transfer (HTML + JS + CSS)
//   first search    the first search typed into the freshly opened page: submit → every thumbnail
//                   of the results loaded and decoded (`naturalWidth > 0`), by the page's own clock
//   searches        `--searches` more (default 20), a new query each: p50, p90, max
// Queries are the world generator's topic words (what the demo world's photos show), cycled.
// Prints a table; writes bench/results/page.json (`--out FILE`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { findChromium } from '../test/chromium.ts';
import { median, timedSearch } from '../test/browser-steps.ts';
import { TOPICS } from './world/vocabulary.ts';
import { machine } from './machine.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080/' },
    searches: { type: 'string', default: '20' },
    out: { type: 'string', default: 'bench/results/page.json' },
  },
});

const url = new URL(values.url!).toString();
const searches = Number(values.searches);
const found = findChromium();
if ('missing' in found) throw new Error(`bench page: no browser: ${found.missing}`);
const browser = await chromium.launch({ executablePath: found.path, args: ['--no-sandbox'] });
const queries = TOPICS.flatMap((topic) => topic.keywords.slice(0, 2));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

try {
  const context = await browser.newContext();
  // tsx compiles this file keeping function names (esbuild's keepNames): the functions handed to
  // page.evaluate call its `__name` helper, which the page lacks. The identity is all it does.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = await context.newPage();
  // The page's own files (HTML, JS, CSS): every response before the first search.
  const own: Array<Promise<number>> = [];
  const countOwn = (response: import('playwright-core').Response) => void own.push(response.body().then((body) => body.length, () => 0));
  page.on('response', countOwn);
  const opened = performance.now();
  await page.goto(url, { waitUntil: 'load' });
  const openMs = performance.now() - opened;
  page.off('response', countOwn);
  const pageBytes = (await Promise.all(own)).reduce((a, b) => a + b, 0);

  const first = await timedSearch(page, queries[0]!);
  const times: Array<{ q: string; ms: number; thumbnails: number }> = [];
  for (let i = 1; i <= searches; i++) {
    const q = queries[i % queries.length]!;
    times.push({ q, ...(await timedSearch(page, q)) });
  }
  await context.close();

  const ms = times.map((t) => t.ms);
  const result = {
    benchmark: 'page',
    date: new Date().toISOString(),
    url,
    machine: machine(),
    goal: 'first search: submit → all thumbnails decoded < 1000 ms; the page’s own transfer ≤ 100 KB',
    open_page: { ms: Math.round(openMs), own_transfer_bytes: pageBytes },
    first_search: { q: queries[0], ms: Math.round(first.ms), thumbnails: first.thumbnails },
    searches: { n: ms.length, p50: Math.round(median(ms)), p90: Math.round(percentile(ms, 0.9)), max: Math.round(Math.max(...ms)), every: times.map((t) => ({ ...t, ms: Math.round(t.ms) })) },
  };
  console.log(`\npage at ${url}\n`);
  console.log('| row | ms | detail |\n|---|---:|---|');
  console.log(`| open page (to load) | ${result.open_page.ms} | own transfer ${(pageBytes / 1024).toFixed(1)} KB |`);
  console.log(`| first search "${queries[0]}" (submit → thumbnails decoded) | ${result.first_search.ms} | ${first.thumbnails} thumbnails |`);
  console.log(`| next ${ms.length} searches, p50 | ${result.searches.p50} | p90 ${result.searches.p90}, max ${result.searches.max} |`);
  const out = resolve(values.out!);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nbench page: wrote ${out}`);
} finally {
  await browser.close();
}
