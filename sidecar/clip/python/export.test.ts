import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClipEncoder } from '../encoder.ts';
import { pythonEnvRoot } from '../../../es-mappings/paths.ts';
import { tinyClipDir, tokenizerFixtureDir } from '../../../test/clip-fixtures.ts';
import { exportClip, type ExportClipSummary } from './export.ts';
import { cosine } from '../../../ltr/vectors.ts';

interface Reference {
  texts: string[];
  images: string[];
  text_embeds_normalized: number[][];
  image_embeds_normalized: number[][];
}

/** A safetensors file without one tensor (8-byte header length, JSON header, packed data). */
function withoutTensor(file: Buffer, name: string): Buffer {
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets?: [number, number] }>;
  const data = file.subarray(8 + headerLength);
  if (!header[name]) throw new Error(`test: no tensor ${name}`);
  delete header[name];
  const chunks: Buffer[] = [];
  let offset = 0;
  const entries = Object.entries(header).filter(([key]) => key !== '__metadata__');
  entries.sort(([, a], [, b]) => a.data_offsets![0] - b.data_offsets![0]);
  for (const [, entry] of entries) {
    const [start, end] = entry.data_offsets!;
    chunks.push(data.subarray(start, end));
    entry.data_offsets = [offset, offset + end - start];
    offset += end - start;
  }
  const json = Buffer.from(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8, ' '));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...chunks]);
}

// The CLI's virtualenv folder, so the 3 GB environment is made once for tests and commands alike.
const env = { root: pythonEnvRoot() };

// Needs the pinned torch environment: made under the cache folder on first use (pip downloads
// about 3 GB from PyPI, a few minutes), so it runs only on request.
describe.skipIf(process.env.PIXRANK_PYTHON_TESTS !== '1')('model export (PIXRANK_PYTHON_TESTS=1)', () => {
  const reference = JSON.parse(readFileSync(`${tinyClipDir}/reference.json`, 'utf8')) as Reference;
  let work: string;
  let out: string;
  let summary: ExportClipSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pixrank-export-'));
    out = join(work, 'tiny');
    // The tiny fixture's torch checkpoint has no tokenizer: the CLIP tokenizer fixture is copied in.
    summary = await exportClip({ out, checkpoint: `${tinyClipDir}/torch`, tokenizer: tokenizerFixtureDir, log: (line) => void lines.push(line), env });
  }, 900_000);
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('writes the Hugging Face ONNX layout, fp32 within cosine 0.9999 of torch', () => {
    expect(Object.keys(summary.files).sort()).toEqual(['text_model.onnx', 'text_model_quantized.onnx', 'vision_model.onnx', 'vision_model_quantized.onnx']);
    for (const name of ['text_model.onnx', 'vision_model.onnx']) {
      expect(Math.min(...summary.cosine_to_torch[name]!)).toBeGreaterThanOrEqual(0.9999);
    }
    expect(summary.dims).toBe(reference.text_embeds_normalized[0]!.length);
    expect(lines.some((line) => line.startsWith('verify text_model.onnx: cosine to torch per row'))).toBe(true);
    expect(readFileSync(join(out, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(tokenizerFixtureDir, 'tokenizer.json'), 'utf8'));
    const pre = JSON.parse(readFileSync(join(out, 'preprocessor_config.json'), 'utf8')) as { crop_size: { height: number } };
    expect(pre.crop_size.height).toBe(224);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { model_type: string };
    expect(config.model_type).toBe('clip');
  });

  it('loads in the encoder and reproduces the reference embeddings of the same checkpoint', async () => {
    const clip = await loadClipEncoder(out, { threads: 2 });
    try {
      const texts = await clip.embedText(reference.texts);
      texts.forEach((row, i) => expect(cosine(row, reference.text_embeds_normalized[i]!)).toBeGreaterThanOrEqual(0.9999));
      const images = await clip.embedImages(reference.images.map((name) => `${tinyClipDir}/images/${name}`));
      images.forEach((row, i) => {
        if (row instanceof Error) throw row;
        expect(cosine(row, reference.image_embeds_normalized[i]!)).toBeGreaterThanOrEqual(0.9999);
      });
    } finally {
      await clip.close();
    }
    const int8 = await loadClipEncoder(out, { threads: 2, quantized: true });
    try {
      const [row] = await int8.embedText([reference.texts[0]!]);
      expect(cosine(row!, reference.text_embeds_normalized[0]!)).toBeGreaterThan(0.95);
    } finally {
      await int8.close();
    }
  });

  it('fails loudly on a checkpoint of another model type', async () => {
    const bad = join(work, 'not-clip');
    await mkdir(bad);
    await writeFile(join(bad, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'] }));
    const seen: string[] = [];
    await expect(exportClip({ out: join(work, 'bad-out'), checkpoint: bad, log: (line) => void seen.push(line), env })).rejects.toThrow(
      /^clip export: export_clip\.py exited with code 1/,
    );
    expect(seen).toContain(`export_clip: error: ${bad}/config.json has model_type 'bert'; a CLIPModel checkpoint has 'clip'`);
  });

  it('fails loudly on a CLIP checkpoint with weights missing (from_pretrained would fill them randomly)', async () => {
    const partial = join(work, 'partial');
    await mkdir(partial);
    await writeFile(join(partial, 'config.json'), readFileSync(`${tinyClipDir}/torch/config.json`));
    await writeFile(join(partial, 'model.safetensors'), withoutTensor(readFileSync(`${tinyClipDir}/torch/model.safetensors`), 'visual_projection.weight'));
    const seen: string[] = [];
    await expect(exportClip({ out: join(work, 'partial-out'), checkpoint: partial, log: (line) => void seen.push(line), env })).rejects.toThrow(/exited with code 1/);
    expect(seen).toContain(`export_clip: error: ${partial} lacks 1 weights of a CLIPModel, e.g. visual_projection.weight`);
  });
});

describe('model export options', () => {
  it('refuses contradictory or missing options before starting Python', async () => {
    const out = join(tmpdir(), 'pixrank-export-never-written');
    await expect(exportClip({ out, randomB32: true, checkpoint: `${tinyClipDir}/torch`, env })).rejects.toThrow(/^clip export: give exactly one of/);
    await expect(exportClip({ out, env })).rejects.toThrow(/^clip export: give exactly one of/);
    await expect(exportClip({ out, checkpoint: `${tinyClipDir}/torch`, seed: 3, env })).rejects.toThrow(/seed applies only to randomB32/);
    await expect(exportClip({ out, randomB32: true, seed: -1, env })).rejects.toThrow(/seed must be a whole number/);
    await expect(exportClip({ out, checkpoint: tinyClipDir, env })).rejects.toThrow(/is not a Hugging Face checkpoint folder \(no config\.json\)/);
  });
});
