import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyClipDir, tokenizerFixtureDir } from '../../test/clip-fixtures.ts';
import { cosine } from '../../ltr/vectors.ts';

const cli = fileURLToPath(new URL('../../bin/pixrank.js', import.meta.url));
const run = promisify(execFile);

async function pixrank(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function lines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

const reference = JSON.parse(readFileSync(`${tinyClipDir}/reference.json`, 'utf8')) as { texts: string[]; text_embeds_normalized: number[][]; images: string[]; image_embeds_normalized: number[][] };
const cases = readFileSync(join(tokenizerFixtureDir, 'cases.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as { text: string; openai: number[] });

const tmp = mkdtempSync(join(tmpdir(), 'pixrank-clip-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pixrank tokenize', () => {
  it('prints the openai ids of arguments, then of --jsonl lines, in order', async () => {
    const file = join(tmp, 'texts.jsonl');
    const picked = cases.filter((c) => /[&“ﬁ\n]/.test(c.text)).slice(0, 5).concat(cases.slice(0, 3));
    writeFileSync(file, picked.map((c) => JSON.stringify(c.text)).join('\n') + '\n');
    const { code, stdout } = await pixrank('tokenize', '--model', tinyClipDir, 'a dog', '--jsonl', file);
    expect(code).toBe(0);
    const ids = lines(stdout);
    expect(ids.length).toBe(1 + picked.length);
    expect(ids[0]).toEqual([49406, 320, 1929, 49407]);
    expect(ids.slice(1)).toEqual(picked.map((c) => c.openai));
  });

  it('names the line of a --jsonl file that is not a JSON string', async () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(file, '"fine"\n{"text": "no"}\n');
    const { code, stderr } = await pixrank('tokenize', '--model', tinyClipDir, '--jsonl', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`tokenize: ${file} line 2: expected a JSON string`);
  });
});

describe('pixrank embed', () => {
  it('text: one vector of the model dimension per input, as the reference', async () => {
    const { code, stdout } = await pixrank('embed', 'text', '--model', tinyClipDir, reference.texts[0]!, reference.texts[2]!);
    expect(code).toBe(0);
    const rows = lines(stdout) as number[][];
    expect(rows.length).toBe(2);
    expect(rows[0]!.length).toBe(64);
    expect(cosine(rows[0]!, reference.text_embeds_normalized[0]!)).toBeGreaterThanOrEqual(0.9999);
    expect(cosine(rows[1]!, reference.text_embeds_normalized[2]!)).toBeGreaterThanOrEqual(0.9999);
  });

  it('image: null for an unreadable file, the others in order, exit code 1', async () => {
    const bad = join(tmp, 'broken.jpg');
    writeFileSync(bad, 'not a jpeg');
    const files = [join(tinyClipDir, 'images', 'wide.jpg'), bad, join(tinyClipDir, 'images', 'alpha.png')];
    const { code, stdout, stderr } = await pixrank('embed', 'image', '--model', tinyClipDir, ...files);
    expect(code).toBe(1);
    const rows = lines(stdout) as Array<number[] | null>;
    expect(rows[1]).toBeNull();
    expect(cosine(rows[0]!, reference.image_embeds_normalized[reference.images.indexOf('wide.jpg')]!)).toBeGreaterThanOrEqual(0.9999);
    expect(cosine(rows[2]!, reference.image_embeds_normalized[reference.images.indexOf('alpha.png')]!)).toBeGreaterThanOrEqual(0.9999);
    expect(stderr).toContain(`embed image: clip preprocess: cannot read ${bad}`);
    expect(stderr).toContain('embed image: 1 of 3 images could not be embedded');
  });

  it('names the model folder it cannot use', async () => {
    const { code, stderr } = await pixrank('embed', 'text', '--model', tmp, 'a dog');
    expect(code).toBe(1);
    expect(stderr).toContain(`clip loader: missing text_model.onnx`);
    expect(stderr).toContain(`(model folder ${tmp})`);
  });
});
