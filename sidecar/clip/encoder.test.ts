import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClipEncoder, type ClipEncoder } from './encoder.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';
import { cosine } from '../../ltr/vectors.ts';

interface Reference {
  texts: string[];
  images: string[];
  text_embeds_normalized: number[][];
  image_embeds_normalized: number[][];
}

const reference = JSON.parse(readFileSync(`${tinyClipDir}/reference.json`, 'utf8')) as Reference;
const imagePath = (name: string) => `${tinyClipDir}/images/${name}`;

function norm(a: Float32Array): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

function vectors(rows: Array<Float32Array | Error>): Float32Array[] {
  return rows.map((row) => {
    if (row instanceof Error) throw row;
    return row;
  });
}

describe('CLIP encoder on the tiny fp32 export', () => {
  let clip: ClipEncoder;
  beforeAll(async () => {
    clip = await loadClipEncoder(tinyClipDir, { threads: 2, batchSize: 4 });
  });
  afterAll(() => clip.close());

  it('reads the dims from the model', () => {
    expect(clip.dims).toBe(reference.text_embeds_normalized[0]!.length);
    expect(clip.quantized).toBe(false);
    expect(clip.modelDir).toBe(tinyClipDir);
  });

  it('reproduces the reference text embeddings (cosine ≥ 0.9999 per row, unit length)', async () => {
    const rows = await clip.embedText(reference.texts);
    expect(rows.length).toBe(reference.texts.length);
    rows.forEach((row, i) => {
      expect(row.length).toBe(clip.dims);
      expect(norm(row)).toBeCloseTo(1, 5);
      expect(cosine(row, reference.text_embeds_normalized[i]!)).toBeGreaterThanOrEqual(0.9999);
    });
  });

  it('pads a batch to its longest text without changing the shorter ones', async () => {
    const [short, long] = await clip.embedText(['a dog', reference.texts.reduce((a, b) => (b.length > a.length ? b : a))]);
    const alone = await clip.embedQuery('a dog');
    expect(cosine(short!, alone)).toBeGreaterThan(0.99999);
    expect(cosine(short!, long!)).toBeLessThan(0.9999);
  });

  it('caches queries and hands out copies', async () => {
    const first = await clip.embedQuery(reference.texts[3]!);
    expect(cosine(first, reference.text_embeds_normalized[3]!)).toBeGreaterThanOrEqual(0.9999);
    first.fill(0);
    const second = await clip.embedQuery(reference.texts[3]!);
    expect(cosine(second, reference.text_embeds_normalized[3]!)).toBeGreaterThanOrEqual(0.9999);
    expect(second).not.toBe(first);
  });

  it('reproduces the reference image embeddings from files and bytes (cosine ≥ 0.9999 per row)', async () => {
    const fromFiles = vectors(await clip.embedImages(reference.images.map(imagePath)));
    const fromBytes = vectors(await clip.embedImages(reference.images.map((name) => readFileSync(imagePath(name)))));
    reference.images.forEach((name, i) => {
      expect(cosine(fromFiles[i]!, reference.image_embeds_normalized[i]!), name).toBeGreaterThanOrEqual(0.9999);
      expect(fromBytes[i]).toEqual(fromFiles[i]);
    });
  });

  it('embeds the reference pixel_values as they are', async () => {
    const per = 3 * 224 * 224;
    const pixels = new Float32Array(reference.images.length * per);
    reference.images.forEach((name, i) => {
      const bytes = readFileSync(`${imagePath(name)}.pixel_values.f32`);
      pixels.set(new Float32Array(bytes.buffer, bytes.byteOffset, per), i * per);
    });
    const rows = await clip.embedPixels(pixels, reference.images.length);
    rows.forEach((row, i) => expect(cosine(row, reference.image_embeds_normalized[i]!)).toBeGreaterThanOrEqual(0.99999));
    await expect(clip.embedPixels(pixels.subarray(1), reference.images.length)).rejects.toThrow(/clip encoder: embedPixels expects 8 × 150528 floats/);
  });

  it('fails a corrupt or missing image alone; the rest of the batch goes on', async () => {
    const inputs = [imagePath('landscape.jpg'), Buffer.from('definitely not an image'), '/nonexistent/x.png', imagePath('gray.png'), imagePath('wide.jpg')];
    const rows = await clip.embedImages(inputs);
    expect(rows[1]).toBeInstanceOf(Error);
    expect((rows[1] as Error).message).toMatch(/^clip preprocess: cannot read an image of 23 bytes/);
    expect((rows[2] as Error).message).toMatch(/^clip preprocess: cannot read \/nonexistent\/x.png/);
    const ok = [rows[0], rows[3], rows[4]] as Float32Array[];
    const expected = ['landscape.jpg', 'gray.png', 'wide.jpg'].map((n) => reference.image_embeds_normalized[reference.images.indexOf(n)]!);
    ok.forEach((row, i) => expect(cosine(row, expected[i]!)).toBeGreaterThanOrEqual(0.9999));
    expect(await clip.embedImages([])).toEqual([]);
  });
});

describe('CLIP encoder on the tiny int8 export', () => {
  it('loads the _quantized files and stays close to fp32', async () => {
    const fp32 = await loadClipEncoder(tinyClipDir, { threads: 1 });
    const int8 = await loadClipEncoder(tinyClipDir, { quantized: true, threads: 1 });
    try {
      expect(int8.quantized).toBe(true);
      expect(int8.dims).toBe(fp32.dims);
      const [a, b] = [await fp32.embedText(reference.texts), await int8.embedText(reference.texts)];
      const textCos = a.map((row, i) => cosine(row, b[i]!));
      const [c, d] = [vectors(await fp32.embedImages(reference.images.map(imagePath))), vectors(await int8.embedImages(reference.images.map(imagePath)))];
      const imageCos = c.map((row, i) => cosine(row, d[i]!));
      console.log(`int8 vs fp32 cosine: text min ${Math.min(...textCos).toFixed(4)} mean ${(textCos.reduce((s, v) => s + v, 0) / textCos.length).toFixed(4)}; image min ${Math.min(...imageCos).toFixed(4)}`);
      // Measured on the tiny export: text min 0.9939, image min 0.9998.
      expect(Math.min(...textCos)).toBeGreaterThan(0.99);
      expect(Math.min(...imageCos)).toBeGreaterThan(0.999);
    } finally {
      await Promise.all([fp32.close(), int8.close()]);
    }
  });
});

describe('loadClipEncoder options', () => {
  it('rejects bad numbers before loading anything', async () => {
    await expect(loadClipEncoder(tinyClipDir, { batchSize: 0 })).rejects.toThrow('clip encoder: batchSize must be a positive whole number, got 0');
    await expect(loadClipEncoder(tinyClipDir, { threads: 1.5 })).rejects.toThrow('clip encoder: threads must be a positive whole number, got 1.5');
  });

  it('works with the query cache off', async () => {
    const clip = await loadClipEncoder(tinyClipDir, { textCacheSize: 0, threads: 1 });
    try {
      const row = await clip.embedQuery(reference.texts[0]!);
      expect(cosine(row, reference.text_embeds_normalized[0]!)).toBeGreaterThanOrEqual(0.9999);
    } finally {
      await clip.close();
    }
  });
});
