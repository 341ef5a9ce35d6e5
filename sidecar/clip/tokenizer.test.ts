import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanClipText } from './text-clean.ts';
import { clipContextLength, loadClipTokenizer } from './tokenizer.ts';
import { tinyClipDir, tokenizerFixtureDir } from '../../test/clip-fixtures.ts';

interface Case {
  text: string;
  openai: number[];
  hf: number[];
}

const cases: Case[] = readFileSync(join(tokenizerFixtureDir, 'cases.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

describe('CLIP tokenizer against OpenAI clip.tokenize', () => {
  it('has the 384 reference cases, 8 of which Hugging Face tokenizes differently', () => {
    expect(cases.length).toBe(384);
    expect(cases.filter((c) => JSON.stringify(c.openai) !== JSON.stringify(c.hf)).length).toBe(8);
  });

  const fromJson = loadClipTokenizer(tokenizerFixtureDir);
  it('reproduces the openai ids of every case (tokenizer.json)', () => {
    const wrong = cases.filter((c) => JSON.stringify(fromJson.encode(c.text)) !== JSON.stringify(c.openai));
    expect(wrong.map((c) => c.text)).toEqual([]);
  });

  const bare = mkdtempSync(join(tmpdir(), 'pixrank-vocab-'));
  afterAll(() => rmSync(bare, { recursive: true, force: true }));
  it('reproduces every case from vocab.json + merges.txt alone', () => {
    cpSync(join(tokenizerFixtureDir, 'vocab.json'), join(bare, 'vocab.json'));
    cpSync(join(tokenizerFixtureDir, 'merges.txt'), join(bare, 'merges.txt'));
    const fromVocab = loadClipTokenizer(bare);
    const wrong = cases.filter((c) => JSON.stringify(fromVocab.encode(c.text)) !== JSON.stringify(c.openai));
    expect(wrong.map((c) => c.text)).toEqual([]);
  });

  it('cuts long texts to 77 ids and keeps the end token', () => {
    const long = cases.filter((c) => c.openai.length === clipContextLength);
    expect(long.length).toBeGreaterThan(0);
    for (const c of long) {
      const ids = fromJson.encode(c.text);
      expect(ids.length).toBe(clipContextLength);
      expect(ids[0]).toBe(fromJson.startId);
      expect(ids.at(-1)).toBe(fromJson.endId);
    }
  });

  it('reads the tiny model folder too', () => {
    expect(loadClipTokenizer(tinyClipDir).encode('a photo of a cat')).toEqual(cases[0]!.openai);
  });

  it('names the folder when there is no tokenizer', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pixrank-empty-'));
    try {
      expect(() => loadClipTokenizer(empty)).toThrow(`clip tokenizer: ${empty} has neither tokenizer.json nor vocab.json + merges.txt`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

// Expected values: Python 3.11, ftfy 6.3.1, `whitespace_clean(basic_clean(t)).lower()` from OpenAI's simple_tokenizer.py.
describe('cleanClipText (basic_clean + whitespace_clean + lower)', () => {
  it.each([
    ['fish &amp;amp; chips', 'fish & chips'],
    ['&lt;b&gt;bold&lt;/b&gt;', '<b>bold</b>'],
    ['ﬁne ﬂower', 'fine flower'],
    ['“quoted” ‘single’', '"quoted" \'single\''],
    ['  Tabs\tand\n\nLines  ', 'tabs and lines'],
    ['ＦＵＬＬ　ｗｉｄｔｈ', 'full width'],
    ['bom\ufeffand\u0007bell', 'bomandbell'],
    ['cafe\u0301', 'café'],
    ['&copy2023 &eacute', '©2023 é'],
    ['x\x85y', 'x…y'],
    ['a\x1fb', 'ab'],
    ['\x1b[31mred\x1b[0m', 'red'],
    ['ǅ ĳ', 'dž ij'],
    ['price \x80 5', 'price € 5'],
  ])('%j → %j', (input, expected) => {
    expect(cleanClipText(input)).toBe(expected);
  });

  it('stops unescaping in ftfy once a line holds "<" (two html.unescape passes remain)', () => {
    expect(cleanClipText('<p>&amp;amp;amp;')).toBe('<p>&amp;');
    expect(cleanClipText('&amp;amp;amp;')).toBe('&');
  });
});
