import { LRUCache } from 'lru-cache';
import { imageOutput, maskInput, openClipModel, pixelInput, textInput, textOutput, type ClipModel } from './model-folder.ts';
import type { OnnxFeed } from './ort-session.ts';
import { pixelsPerImage, preprocessImage } from './preprocess.ts';
import { ClipError } from './errors.ts';

export interface ClipEncoderOptions {
  /** Load the `_quantized` (int8) exports instead of fp32. */
  quantized?: boolean;
  /** onnxruntime intra-op threads per session; default: the machine's core count. */
  threads?: number;
  /** Entries in the LRU cache of `embedQuery`; 0 turns the cache off. Default 1024. */
  textCacheSize?: number;
  /** Rows per session run for texts and images. Default 8. */
  batchSize?: number;
}

export interface ClipEncoder {
  readonly modelDir: string;
  readonly dims: number;
  readonly quantized: boolean;
  /** L2-normalized rows, in input order. */
  embedText(texts: string[]): Promise<Float32Array[]>;
  /** One L2-normalized row; LRU-cached by the exact text. */
  embedQuery(text: string): Promise<Float32Array>;
  /** Image files or bytes → L2-normalized rows; an image that cannot be read is an Error in its slot. */
  embedImages(inputs: Array<string | Buffer>): Promise<Array<Float32Array | Error>>;
  /** A preprocessed NCHW float32 batch of `count` images → L2-normalized rows. */
  embedPixels(pixels: Float32Array, count: number): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** Copies each row of a [rows, dims] output and scales it to unit length. */
function normalizedRows(data: Float32Array, rows: number, dims: number): Float32Array[] {
  const out: Float32Array[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = data.slice(r * dims, (r + 1) * dims);
    let sum = 0;
    for (let i = 0; i < dims; i++) sum += row[i]! * row[i]!;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = 0; i < dims; i++) row[i]! *= scale;
    out[r] = row;
  }
  return out;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1)) throw new ClipError('CLIP_INVALID_ARGUMENT', `clip encoder: ${name} must be a ${allowZero ? 'whole' : 'positive whole'} number, got ${v}`);
  return v;
}

/** Texts ordered by token count, so that each batch pads to little more than its own length. */
function byLength(ids: number[][]): number[] {
  return ids.map((_, i) => i).sort((a, b) => ids[a]!.length - ids[b]!.length || a - b);
}

/**
 * Text and image encoders over one CLIP model folder (see model-folder.ts for the layout).
 * Texts are padded to the longest in their batch, not to 77: the model's causal attention makes
 * the padding invisible to the pooled end token, and 77 positions cost about 4× the time of 8.
 *
 * @example
 * const clip = await loadClipEncoder('models/clip-vit-base-patch32', { quantized: true });
 * const [dog] = await clip.embedText(['a dog']);
 * const [photo] = await clip.embedImages(['photo.jpg']);
 */
export async function loadClipEncoder(modelDir: string, options: ClipEncoderOptions = {}): Promise<ClipEncoder> {
  const batchSize = positive('batchSize', options.batchSize, 8);
  const cacheSize = positive('textCacheSize', options.textCacheSize, 1024, true);
  const threads = options.threads === undefined ? undefined : positive('threads', options.threads, 1);
  const model: ClipModel = await openClipModel(modelDir, { quantized: options.quantized ?? false, ...(threads ? { threads } : {}) });
  const { tokenizer, text, vision, dims, preprocess } = model;
  const padId = BigInt(tokenizer.padId);
  const perImage = pixelsPerImage(preprocess);
  const cache = cacheSize > 0 ? new LRUCache<string, Float32Array>({ max: cacheSize }) : undefined;
  const textOutputs = [textOutput];
  const imageOutputs = [imageOutput];

  /** One session run over token rows padded to the longest; rows come back normalized, in order. */
  async function runText(rows: number[][]): Promise<Float32Array[]> {
    let length = 0;
    for (const row of rows) if (row.length > length) length = row.length;
    const ids = new BigInt64Array(rows.length * length).fill(padId);
    const mask = text.hasAttentionMask ? new BigInt64Array(rows.length * length) : undefined;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const base = r * length;
      for (let i = 0; i < row.length; i++) {
        ids[base + i] = BigInt(row[i]!);
        if (mask) mask[base + i] = 1n;
      }
    }
    const shape = [rows.length, length];
    const feeds: Record<string, OnnxFeed> = { [textInput]: { type: 'int64', data: ids, dims: shape } };
    if (mask) feeds[maskInput] = { type: 'int64', data: mask, dims: shape };
    const out = await text.session.run(feeds, textOutputs);
    return normalizedRows(out[textOutput]!.data, rows.length, dims);
  }

  async function runPixels(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    const size = preprocess.cropSize;
    const out = await vision.run({ [pixelInput]: { type: 'float32', data: pixels, dims: [count, 3, size, size] } }, imageOutputs);
    return normalizedRows(out[imageOutput]!.data, count, dims);
  }

  async function embedText(texts: string[]): Promise<Float32Array[]> {
    const ids = texts.map((t) => tokenizer.encode(t));
    const order = byLength(ids);
    const result: Float32Array[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const slots = order.slice(start, start + batchSize);
      const rows = await runText(slots.map((i) => ids[i]!));
      slots.forEach((slot, k) => (result[slot] = rows[k]!));
    }
    return result;
  }

  async function embedQuery(query: string): Promise<Float32Array> {
    const hit = cache?.get(query);
    if (hit) return hit.slice();
    const [row] = await runText([tokenizer.encode(query)]);
    cache?.set(query, row!);
    return row!.slice();
  }

  /** Preprocesses one batch; failed images keep their error, the others pack densely. */
  async function prepare(inputs: Array<string | Buffer>) {
    const pixels = new Float32Array(inputs.length * perImage);
    const outcomes = await Promise.all(
      inputs.map((input, i) =>
        preprocessImage(input, preprocess, pixels, i * perImage).then(
          () => null,
          (error: unknown) => (error instanceof Error ? error : new ClipError('CLIP_INPUT_INVALID', String(error))),
        ),
      ),
    );
    const ok = outcomes.flatMap((outcome, i) => (outcome ? [] : [i]));
    // Move the good images to the front so the batch is one contiguous tensor.
    ok.forEach((from, to) => {
      if (from !== to) pixels.copyWithin(to * perImage, from * perImage, (from + 1) * perImage);
    });
    return { outcomes, ok, pixels: pixels.subarray(0, ok.length * perImage) };
  }

  async function embedImages(inputs: Array<string | Buffer>): Promise<Array<Float32Array | Error>> {
    const result: Array<Float32Array | Error> = new Array(inputs.length);
    const batch = (start: number) => prepare(inputs.slice(start, start + batchSize));
    // The next batch decodes (sharp, libuv threads) while this one runs on the session.
    let next = inputs.length > 0 ? batch(0) : undefined;
    for (let start = 0; next; start += batchSize) {
      const current = await next;
      next = start + batchSize < inputs.length ? batch(start + batchSize) : undefined;
      const rows = current.ok.length > 0 ? await runPixels(current.pixels, current.ok.length) : [];
      current.outcomes.forEach((error, i) => {
        if (error) result[start + i] = error;
      });
      current.ok.forEach((i, k) => (result[start + i] = rows[k]!));
    }
    return result;
  }

  async function embedPixels(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    if (!Number.isInteger(count) || count < 0 || pixels.length !== count * perImage) {
      throw new ClipError('CLIP_INVALID_ARGUMENT', `clip encoder: embedPixels expects ${count} × ${perImage} floats, got ${pixels.length}`);
    }
    const rows: Float32Array[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      rows.push(...(await runPixels(pixels.subarray(start * perImage, (start + n) * perImage), n)));
    }
    return rows;
  }

  return {
    modelDir: model.files.dir,
    dims,
    quantized: model.files.quantized,
    embedText,
    embedQuery,
    embedImages,
    embedPixels,
    close: () => model.close(),
  };
}
