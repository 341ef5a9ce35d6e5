import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { clipPreprocessDefaults, pixelsPerImage, preprocessImage, resizedSize } from './preprocess.ts';
import { fixtureImages, tinyClipDir } from '../../test/clip-fixtures.ts';

function reference(name: string): Float32Array {
  const bytes = readFileSync(`${tinyClipDir}/images/${name}.pixel_values.f32`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

describe('CLIP image preprocessing against CLIPImageProcessor (PIL) pixel_values', () => {
  const rows: Array<{ image: string; meanAbsDiff: number; maxAbsDiff: number }> = [];

  it.each(fixtureImages)('%s: mean abs difference < 0.02', async (name) => {
    const ref = reference(name);
    expect(ref.length).toBe(pixelsPerImage(clipPreprocessDefaults));
    const got = await preprocessImage(`${tinyClipDir}/images/${name}`, clipPreprocessDefaults);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ref[i]! - got[i]!);
      sum += d;
      if (d > max) max = d;
    }
    const meanAbsDiff = sum / ref.length;
    rows.push({ image: name, meanAbsDiff: Number(meanAbsDiff.toFixed(5)), maxAbsDiff: Number(max.toFixed(4)) });
    expect(meanAbsDiff).toBeLessThan(0.02);
  });

  it('prints the differences per image', () => {
    console.table(rows);
    expect(rows.length).toBe(fixtureImages.length);
  });
});

describe('preprocessImage', () => {
  it('reads bytes as well as files and writes at an offset', async () => {
    const bytes = readFileSync(`${tinyClipDir}/images/landscape.jpg`);
    const n = pixelsPerImage(clipPreprocessDefaults);
    const out = new Float32Array(2 * n);
    await preprocessImage(bytes, clipPreprocessDefaults, out, n);
    const fromFile = await preprocessImage(`${tinyClipDir}/images/landscape.jpg`, clipPreprocessDefaults);
    expect(out.subarray(n)).toEqual(fromFile);
    expect(out.subarray(0, n).every((v) => v === 0)).toBe(true);
  });

  it('reads only the first frame of an animated GIF', async () => {
    const frame = (color: string) => sharp({ create: { width: 240, height: 240, channels: 3, background: color } }).raw().toBuffer();
    const frames = Buffer.concat([await frame('#ff0000'), await frame('#0000ff')]);
    const gif = await sharp(frames, { raw: { width: 240, height: 480, channels: 3, pageHeight: 240 } }).gif().toBuffer();
    const pixels = await preprocessImage(gif, clipPreprocessDefaults);
    const plane = 224 * 224;
    const red = (1 - clipPreprocessDefaults.mean[0]) / clipPreprocessDefaults.std[0];
    expect(pixels[plane / 2]).toBeCloseTo(red, 2);
  });

  it('reads CMYK JPEGs and 16-bit PNGs as 8-bit sRGB', async () => {
    const plain = (color: string) => sharp({ create: { width: 300, height: 260, channels: 3, background: color } });
    const cmyk = await plain('#ff0000').jpeg({ quality: 95 }).toColourspace('cmyk').toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const deep = await plain('#00ff00').png().toColourspace('rgb16').toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const plane = 224 * 224;
    const { mean, std } = clipPreprocessDefaults;
    const value = (c: number, level: number) => (level - mean[c]!) / std[c]!;
    const red = await preprocessImage(cmyk, clipPreprocessDefaults);
    expect(red[plane / 2]!).toBeCloseTo(value(0, 1), 0);
    expect(red[plane + plane / 2]!).toBeCloseTo(value(1, 0), 0);
    const green = await preprocessImage(deep, clipPreprocessDefaults);
    expect(green[plane / 2]!).toBeCloseTo(value(0, 0), 5);
    expect(green[plane + plane / 2]!).toBeCloseTo(value(1, 1), 5);
  });

  it('names the image it cannot read', async () => {
    await expect(preprocessImage(Buffer.from('not an image at all'), clipPreprocessDefaults)).rejects.toThrow(/clip preprocess: cannot read an image of 19 bytes/);
    await expect(preprocessImage('/nonexistent/photo.jpg', clipPreprocessDefaults)).rejects.toThrow(/clip preprocess: cannot read \/nonexistent\/photo.jpg/);
    const jpeg = readFileSync(`${tinyClipDir}/images/landscape.jpg`);
    await expect(preprocessImage(jpeg.subarray(0, 2000), clipPreprocessDefaults)).rejects.toThrow(/clip preprocess/);
  });

  it('computes the resize size as transformers does (long side rounded down)', () => {
    expect(resizedSize(640, 480, 224)).toEqual({ width: 298, height: 224 });
    expect(resizedSize(80, 50, 224)).toEqual({ width: 358, height: 224 });
    expect(resizedSize(300, 500, 224)).toEqual({ width: 224, height: 373 });
  });
});
