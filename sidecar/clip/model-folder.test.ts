import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadClipEncoder } from './encoder.ts';
import { withoutAttentionMask } from './test-onnx-edit.ts';
import { locateClipModel, openClipModel, readPreprocessConfig } from './model-folder.ts';
import { clipPreprocessDefaults } from './preprocess.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A model folder assembled from the fixture's files: `files` maps a name in the folder to a fixture path. */
function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pixrank-clip-'));
  made.push(dir);
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    if (typeof source === 'string') copyFileSync(join(tinyClipDir, source), join(dir, name));
    else writeFileSync(join(dir, name), source);
  }
  return dir;
}

describe('locateClipModel', () => {
  it('finds the files under onnx/ and their _quantized variants', () => {
    const fp32 = locateClipModel(tinyClipDir);
    expect(fp32.textModel).toBe(join(tinyClipDir, 'onnx', 'text_model.onnx'));
    expect(locateClipModel(tinyClipDir, true).visionModel).toBe(join(tinyClipDir, 'onnx', 'vision_model_quantized.onnx'));
  });

  it('names the folder and the file it misses', () => {
    const dir = folder({ 'tokenizer.json': 'tokenizer.json', 'onnx/text_model.onnx': 'onnx/text_model.onnx' });
    expect(() => locateClipModel(dir)).toThrow(`clip loader: missing vision_model.onnx (looked for ${join(dir, 'vision_model.onnx')} and ${join(dir, 'onnx', 'vision_model.onnx')}) (model folder ${dir})`);
    expect(() => locateClipModel(dir, true)).toThrow(/clip loader: missing text_model_quantized.onnx/);
    expect(() => locateClipModel(join(dir, 'nope'))).toThrow(`clip loader: the model folder does not exist (model folder ${join(dir, 'nope')})`);
    expect(() => locateClipModel(dir)).toThrow(expect.objectContaining({ name: 'ClipError', code: 'CLIP_MODEL_NOT_FOUND' }));
  });
});

describe('openClipModel', () => {
  it('loads files at the folder root, without a preprocessor config (CLIP defaults)', async () => {
    const dir = folder({ 'tokenizer.json': 'tokenizer.json', 'text_model.onnx': 'onnx/text_model.onnx', 'vision_model.onnx': 'onnx/vision_model.onnx' });
    const model = await openClipModel(dir, { threads: 1 });
    try {
      expect(model.dims).toBe(64);
      expect(model.text.hasAttentionMask).toBe(true);
      expect(model.preprocess).toEqual(clipPreprocessDefaults);
      expect(model.text.session.threads).toBe(1);
    } finally {
      await model.close();
    }
  });

  it('refuses a vision model in the text model’s place, naming the file and its inputs', async () => {
    const dir = folder({ 'tokenizer.json': 'tokenizer.json', 'text_model.onnx': 'onnx/vision_model.onnx', 'vision_model.onnx': 'onnx/vision_model.onnx' });
    await expect(openClipModel(dir)).rejects.toThrow(`clip loader: ${join(dir, 'text_model.onnx')} is not a CLIP text model: no int64 input input_ids (inputs: pixel_values float32[batch,3,224,224]) (model folder ${dir})`);
    await expect(openClipModel(dir)).rejects.toMatchObject({ code: 'CLIP_MODEL_INVALID' });
  });

  it('refuses a file that is not ONNX', async () => {
    const dir = folder({ 'tokenizer.json': 'tokenizer.json', 'text_model.onnx': Buffer.from('not a model'), 'vision_model.onnx': 'onnx/vision_model.onnx' });
    await expect(openClipModel(dir)).rejects.toThrow(new RegExp(`^clip loader: cannot load ${join(dir, 'text_model.onnx')}`));
  });

  it('refuses a crop size the vision model does not take', async () => {
    const dir = folder({
      'tokenizer.json': 'tokenizer.json',
      'text_model.onnx': 'onnx/text_model.onnx',
      'vision_model.onnx': 'onnx/vision_model.onnx',
      'preprocessor_config.json': Buffer.from(JSON.stringify({ size: { shortest_edge: 256 }, crop_size: { height: 256, width: 256 } })),
    });
    await expect(openClipModel(dir)).rejects.toThrow(/takes 224-pixel images but the crop size is 256 \(preprocessor_config.json\)/);
  });

  it('refuses a folder without a tokenizer', async () => {
    const dir = folder({ 'text_model.onnx': 'onnx/text_model.onnx', 'vision_model.onnx': 'onnx/vision_model.onnx' });
    await expect(openClipModel(dir)).rejects.toThrow(`clip tokenizer: ${dir} has neither tokenizer.json nor vocab.json + merges.txt`);
  });
});

describe('readPreprocessConfig', () => {
  it('reads the fixture’s CLIPImageProcessor config', () => {
    expect(readPreprocessConfig(tinyClipDir)).toEqual({ ...clipPreprocessDefaults, rescaleFactor: 0.00392156862745098 });
  });

  it('rejects settings the preprocessing does not implement', () => {
    const json = (value: object) => folder({ 'preprocessor_config.json': Buffer.from(JSON.stringify(value)) });
    expect(() => readPreprocessConfig(json({ resample: 2 }))).toThrow(/resample 2 is not bicubic/);
    expect(() => readPreprocessConfig(json({ image_mean: [0.5, 0.5] }))).toThrow(/image_mean and image_std must hold 3 numbers/);
    expect(() => readPreprocessConfig(json({ crop_size: { height: 224, width: 200 } }))).toThrow(/crop_size must be square/);
    expect(() => readPreprocessConfig(folder({ 'preprocessor_config.json': Buffer.from('{') }))).toThrow(/clip loader: cannot read .*preprocessor_config.json/);
  });
});

describe('a text model without attention_mask (OpenAI-style export)', () => {
  it('loads and gives the reference embeddings', async () => {
    const model = withoutAttentionMask(readFileSync(join(tinyClipDir, 'onnx', 'text_model.onnx')));
    const dir = folder({ 'tokenizer.json': 'tokenizer.json', 'text_model.onnx': Buffer.from(model), 'vision_model.onnx': 'onnx/vision_model.onnx' });
    const opened = await openClipModel(dir, { threads: 1 });
    expect(opened.text.hasAttentionMask).toBe(false);
    await opened.close();
    const reference = JSON.parse(readFileSync(join(tinyClipDir, 'reference.json'), 'utf8')) as { texts: string[]; text_embeds_normalized: number[][] };
    const clip = await loadClipEncoder(dir, { threads: 1 });
    try {
      const rows = await clip.embedText(reference.texts);
      rows.forEach((row, i) => {
        const ref = reference.text_embeds_normalized[i]!;
        const dot = ref.reduce((s, v, k) => s + v * row[k]!, 0);
        expect(dot).toBeGreaterThanOrEqual(0.9999);
      });
    } finally {
      await clip.close();
    }
  });
});
