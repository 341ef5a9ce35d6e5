import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClipError, type ClipErrorCode } from './errors.ts';
import { openOnnxSession, type OnnxSession, type OnnxValueInfo } from './ort-session.ts';
import { clipPreprocessDefaults, type PreprocessConfig } from './preprocess.ts';
import { loadClipTokenizer, type ClipTokenizer } from './tokenizer.ts';

/**
 * A CLIP export in the Hugging Face layout (the files public ONNX ports publish):
 * `text_model.onnx` and `vision_model.onnx` at the folder root or under `onnx/` (their
 * `_quantized` int8 variants on request), `tokenizer.json` or `vocab.json` + `merges.txt`, and
 * optionally `preprocessor_config.json`.
 */
export interface ClipModelFiles {
  dir: string;
  textModel: string;
  visionModel: string;
  quantized: boolean;
}

export interface ClipModelOptions {
  quantized?: boolean;
  threads?: number;
}

export interface TextModel {
  session: OnnxSession;
  /** Exports from Hugging Face take an attention mask; OpenAI-style ones may not. */
  hasAttentionMask: boolean;
}

export interface ClipModel {
  files: ClipModelFiles;
  tokenizer: ClipTokenizer;
  preprocess: PreprocessConfig;
  text: TextModel;
  vision: OnnxSession;
  dims: number;
  close(): Promise<void>;
}

export const textInput = 'input_ids';
export const maskInput = 'attention_mask';
export const textOutput = 'text_embeds';
export const pixelInput = 'pixel_values';
export const imageOutput = 'image_embeds';

/** Errors of the loader name the folder; a file that is not there is CLIP_MODEL_NOT_FOUND, one that does not fit CLIP_MODEL_INVALID. */
function loaderError(dir: string, message: string, code: ClipErrorCode = 'CLIP_MODEL_INVALID', cause?: unknown): ClipError {
  return new ClipError(code, `clip loader: ${message} (model folder ${dir})`, cause === undefined ? undefined : { cause });
}

/** Finds the two ONNX files; a missing one is an error naming the folder and every path tried. */
export function locateClipModel(dir: string, quantized = false): ClipModelFiles {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw loaderError(root, 'the model folder does not exist', 'CLIP_MODEL_NOT_FOUND');
  const find = (base: string) => {
    const file = `${base}${quantized ? '_quantized' : ''}.onnx`;
    const tried = [join(root, file), join(root, 'onnx', file)];
    const found = tried.find((path) => existsSync(path));
    if (!found) throw loaderError(root, `missing ${file} (looked for ${tried.join(' and ')})`, 'CLIP_MODEL_NOT_FOUND');
    return found;
  };
  return { dir: root, textModel: find('text_model'), visionModel: find('vision_model'), quantized };
}

function numberArray(value: unknown, length: number): number[] | undefined {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
}

/** `preprocessor_config.json` of a CLIPImageProcessor, or CLIP's defaults when the folder has none. */
export function readPreprocessConfig(dir: string): PreprocessConfig {
  const path = join(dir, 'preprocessor_config.json');
  if (!existsSync(path)) return clipPreprocessDefaults;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw loaderError(dir, `cannot read ${path}: ${(error as Error).message}`, 'CLIP_MODEL_INVALID', error);
  }
  const bad = (what: string) => loaderError(dir, `${path}: ${what}`);
  const size = json.size as Record<string, unknown> | number | undefined;
  const shortestEdge = typeof size === 'number' ? size : (size?.shortest_edge ?? clipPreprocessDefaults.shortestEdge);
  const cropRaw = json.crop_size as Record<string, unknown> | number | undefined;
  const crop = typeof cropRaw === 'number' ? { height: cropRaw, width: cropRaw } : (cropRaw ?? {});
  const cropSize = crop.height ?? clipPreprocessDefaults.cropSize;
  if (typeof shortestEdge !== 'number' || shortestEdge <= 0) throw bad('size.shortest_edge must be a positive number');
  if (typeof cropSize !== 'number' || cropSize <= 0 || (crop.width ?? cropSize) !== cropSize) throw bad('crop_size must be square');
  if (json.do_resize === false || json.do_center_crop === false || json.do_normalize === false || json.do_rescale === false) {
    throw bad('turning off resize, crop, rescale or normalize is not supported');
  }
  if (json.resample !== undefined && json.resample !== 3) throw bad(`resample ${String(json.resample)} is not bicubic (3)`);
  const mean = json.image_mean === undefined ? clipPreprocessDefaults.mean : numberArray(json.image_mean, 3);
  const std = json.image_std === undefined ? clipPreprocessDefaults.std : numberArray(json.image_std, 3);
  if (!mean || !std) throw bad('image_mean and image_std must hold 3 numbers');
  const rescaleFactor = json.rescale_factor ?? clipPreprocessDefaults.rescaleFactor;
  if (typeof rescaleFactor !== 'number') throw bad('rescale_factor must be a number');
  return { shortestEdge, cropSize, rescaleFactor, mean: [mean[0]!, mean[1]!, mean[2]!], std: [std[0]!, std[1]!, std[2]!] };
}

function describe(values: readonly OnnxValueInfo[]): string {
  return values.map((v) => `${v.name} ${v.type}[${v.shape.join(',')}]`).join(', ') || 'none';
}

/** The embedding width from an output shaped [batch, dims], when the export fixes it. */
function fixedDims(output: OnnxValueInfo): number | undefined {
  const last = output.shape.at(-1);
  return output.shape.length === 2 && typeof last === 'number' ? last : undefined;
}

async function open(dir: string, path: string, threads: number | undefined): Promise<OnnxSession> {
  try {
    return await openOnnxSession(path, threads === undefined ? {} : { threads });
  } catch (error) {
    throw loaderError(dir, `cannot load ${path}: ${(error as Error).message}`, 'CLIP_MODEL_INVALID', error);
  }
}

function requireValue(dir: string, path: string, kind: 'input' | 'output', list: readonly OnnxValueInfo[], name: string, type: string): OnnxValueInfo {
  const found = list.find((v) => v.name === name);
  if (!found || found.type !== type) {
    throw loaderError(dir, `${path} is not a CLIP ${name === textInput || name === textOutput ? 'text' : 'vision'} model: no ${type} ${kind} ${name} (${kind}s: ${describe(list)})`);
  }
  return found;
}

/**
 * Opens a CLIP model folder: both sessions, the tokenizer and the preprocessing parameters,
 * checked against each other, so that a wrong folder fails at start-up and not at the first query.
 */
export async function openClipModel(dir: string, options: ClipModelOptions = {}): Promise<ClipModel> {
  const files = locateClipModel(dir, options.quantized ?? false);
  const tokenizer = loadClipTokenizer(files.dir);
  const preprocess = readPreprocessConfig(files.dir);
  const textSession = await open(files.dir, files.textModel, options.threads);
  let vision: OnnxSession | undefined;
  try {
    requireValue(files.dir, files.textModel, 'input', textSession.inputs, textInput, 'int64');
    const textOut = requireValue(files.dir, files.textModel, 'output', textSession.outputs, textOutput, 'float32');
    const hasAttentionMask = textSession.inputs.some((v) => v.name === maskInput);
    vision = await open(files.dir, files.visionModel, options.threads);
    const pixels = requireValue(files.dir, files.visionModel, 'input', vision.inputs, pixelInput, 'float32');
    const imageOut = requireValue(files.dir, files.visionModel, 'output', vision.outputs, imageOutput, 'float32');
    const [, channels, height, width] = pixels.shape;
    if (pixels.shape.length !== 4 || (typeof channels === 'number' && channels !== 3)) {
      throw loaderError(files.dir, `${files.visionModel}: pixel_values must be [batch,3,height,width], is [${pixels.shape.join(',')}]`);
    }
    for (const side of [height, width]) {
      if (typeof side === 'number' && side !== preprocess.cropSize) {
        throw loaderError(files.dir, `${files.visionModel} takes ${side}-pixel images but the crop size is ${preprocess.cropSize} (preprocessor_config.json)`);
      }
    }
    const textDims = fixedDims(textOut) ?? (await probeTextDims(textSession, tokenizer, hasAttentionMask));
    const imageDims = fixedDims(imageOut) ?? (await probeImageDims(vision, preprocess.cropSize));
    if (textDims !== imageDims) {
      throw loaderError(files.dir, `${files.textModel} gives ${textDims} dims but ${files.visionModel} gives ${imageDims}`);
    }
    const text: TextModel = { session: textSession, hasAttentionMask };
    const visionSession = vision;
    return {
      files,
      tokenizer,
      preprocess,
      text,
      vision: visionSession,
      dims: textDims,
      async close() {
        await Promise.all([textSession.close(), visionSession.close()]);
      },
    };
  } catch (error) {
    await Promise.all([textSession.close(), vision?.close()]);
    throw error;
  }
}

/** For exports whose output width is a symbolic axis: one run tells. */
async function probeTextDims(session: OnnxSession, tokenizer: ClipTokenizer, hasAttentionMask: boolean): Promise<number> {
  const ids = BigInt64Array.from([BigInt(tokenizer.startId), BigInt(tokenizer.endId)]);
  const feeds: Parameters<OnnxSession['run']>[0] = { [textInput]: { type: 'int64', data: ids, dims: [1, 2] } };
  if (hasAttentionMask) feeds[maskInput] = { type: 'int64', data: BigInt64Array.from([1n, 1n]), dims: [1, 2] };
  const out = await session.run(feeds, [textOutput]);
  return out[textOutput]!.dims.at(-1)!;
}

async function probeImageDims(session: OnnxSession, size: number): Promise<number> {
  const data = new Float32Array(3 * size * size);
  const out = await session.run({ [pixelInput]: { type: 'float32', data, dims: [1, 3, size, size] } }, [imageOutput]);
  return out[imageOutput]!.dims.at(-1)!;
}
