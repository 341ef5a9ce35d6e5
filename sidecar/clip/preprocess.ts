import sharp from 'sharp';
import { resizeBicubicRgb } from './pil-resample.ts';
import { ClipError } from './errors.ts';

/** The parameters of Hugging Face's `CLIPImageProcessor` that change the pixels. */
export interface PreprocessConfig {
  /** `size.shortest_edge`: the shortest side after resizing. */
  shortestEdge: number;
  /** `crop_size` (square crops only; CLIP's are). */
  cropSize: number;
  /** `rescale_factor`, applied to 0–255 values before normalizing. */
  rescaleFactor: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** CLIP's own values (OpenAI's `clip/clip.py` and `preprocessor_config.json` of the OpenAI exports). */
export const clipPreprocessDefaults: PreprocessConfig = {
  shortestEdge: 224,
  cropSize: 224,
  rescaleFactor: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

/** Floats in one preprocessed image: 3 × crop × crop. */
export function pixelsPerImage(config: PreprocessConfig): number {
  return 3 * config.cropSize * config.cropSize;
}

/** `transformers.image_transforms.get_resize_output_image_size` with `default_to_square=False`. */
export function resizedSize(width: number, height: number, shortestEdge: number): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.floor((shortestEdge * long) / short);
  return width <= height ? { width: shortestEdge, height: newLong } : { width: newLong, height: shortestEdge };
}

/**
 * Composites RGBA onto white as PIL's `Image.alpha_composite` does in
 * `transformers.image_transforms.convert_to_rgb` (libvips' flatten rounds differently: 0.0076
 * mean difference on alpha.png against 0.00001 this way).
 */
function flattenOnWhite(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    const a = rgba[i + 3]!;
    const back = 255 * (255 - a);
    out[j] = Math.round((rgba[i]! * a + back) / 255);
    out[j + 1] = Math.round((rgba[i + 1]! * a + back) / 255);
    out[j + 2] = Math.round((rgba[i + 2]! * a + back) / 255);
  }
  return out;
}

interface Geometry {
  width: number;
  height: number;
  resized: { width: number; height: number };
  left: number;
  top: number;
  crop: number;
}

const resizeOptions = { kernel: 'cubic', fit: 'fill', fastShrinkOnLoad: false } as const;

/** Raw RGB bytes at full size → the crop, with sharp when shrinking and Pillow's algorithm when enlarging. */
async function resizeRawRgb(rgb: Uint8Array, g: Geometry): Promise<Uint8Array> {
  if (Math.min(g.width, g.height) >= Math.min(g.resized.width, g.resized.height)) {
    return sharp(rgb, { raw: { width: g.width, height: g.height, channels: 3 } })
      .resize(g.resized.width, g.resized.height, resizeOptions)
      .extract({ left: g.left, top: g.top, width: g.crop, height: g.crop })
      .raw()
      .toBuffer();
  }
  const resized = resizeBicubicRgb(rgb, g.width, g.height, g.resized.width, g.resized.height);
  const out = new Uint8Array(g.crop * g.crop * 3);
  const rowBytes = g.crop * 3;
  for (let y = 0; y < g.crop; y++) {
    const from = ((g.top + y) * g.resized.width + g.left) * 3;
    out.set(resized.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}

/**
 * Decodes, converts to RGB, resizes the shortest side and center-crops; returns crop×crop×3 bytes.
 *
 * - RGB as `transformers.image_transforms.convert_to_rgb`: alpha composited onto white (the
 *   alpha.png reference is 0.94 off when alpha is just dropped); gray repeated into three
 *   channels; the first frame of an animation; EXIF orientation not applied (PIL does not either).
 * - Resize: when shrinking, sharp's `cubic` (Catmull-Rom, the a = -0.5 kernel of PIL's BICUBIC,
 *   widened by the scale as PIL does) with shrink-on-load off, so JPEGs are decoded at full size
 *   as PIL does; when enlarging, Pillow's own algorithm (pil-resample.ts).
 * - Crop offsets rounded down, as `image_transforms.center_crop` does.
 */
export async function rgbCrop(input: string | Buffer, config: PreprocessConfig): Promise<Uint8Array> {
  const image = sharp(input, { pages: 1, failOn: 'error' });
  const meta = await image.metadata();
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw new ClipError('CLIP_INPUT_INVALID', 'no image size in the header');
  const resized = resizedSize(width, height, config.shortestEdge);
  const crop = config.cropSize;
  if (resized.width < crop || resized.height < crop) {
    throw new ClipError('CLIP_MODEL_INVALID', `crop ${crop} is larger than the resized image ${resized.width}×${resized.height}`);
  }
  const g: Geometry = {
    width,
    height,
    resized,
    crop,
    left: Math.floor((resized.width - crop) / 2),
    top: Math.floor((resized.height - crop) / 2),
  };
  const srgb = image.toColourspace('srgb');
  if (meta.hasAlpha) {
    const { data, info } = await srgb.ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new ClipError('CLIP_INTERNAL', `expected 4 channels after decoding, got ${info.channels}`);
    return resizeRawRgb(flattenOnWhite(data), g);
  }
  if (Math.min(width, height) >= config.shortestEdge) {
    const { data, info } = await srgb
      .resize(resized.width, resized.height, resizeOptions)
      .extract({ left: g.left, top: g.top, width: crop, height: crop })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ClipError('CLIP_INTERNAL', `expected 3 channels after decoding, got ${info.channels}`);
    return data;
  }
  const { data, info } = await srgb.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new ClipError('CLIP_INTERNAL', `expected 3 channels after decoding, got ${info.channels}`);
  return resizeRawRgb(data, g);
}

/** Interleaved RGB bytes (HWC) → normalized planes (CHW), written at `offset` of `out`. */
function writeNormalized(rgb: Uint8Array, config: PreprocessConfig, out: Float32Array, offset: number): void {
  const plane = config.cropSize * config.cropSize;
  for (let c = 0; c < 3; c++) {
    const scale = config.rescaleFactor / config.std[c]!;
    const shift = config.mean[c]! / config.std[c]!;
    const base = offset + c * plane;
    for (let i = 0, j = c; i < plane; i++, j += 3) out[base + i] = rgb[j]! * scale - shift;
  }
}

/**
 * One image file or its bytes → CLIP pixel values (float32 NCHW, one image), written into `out`
 * at `offset` (a fresh array when `out` is omitted). JPEG, PNG, WebP, GIF (first frame) and
 * anything else sharp decodes.
 *
 * @example
 * const pixels = await preprocessImage('photo.jpg', clipPreprocessDefaults); // length 3·224·224
 */
export async function preprocessImage(
  input: string | Buffer,
  config: PreprocessConfig,
  out: Float32Array = new Float32Array(pixelsPerImage(config)),
  offset = 0,
): Promise<Float32Array> {
  if (offset + pixelsPerImage(config) > out.length) throw new ClipError('CLIP_INVALID_ARGUMENT', 'clip preprocess: the output array is too small');
  let rgb: Uint8Array;
  try {
    rgb = await rgbCrop(input, config);
  } catch (error) {
    const what = typeof input === 'string' ? input : `an image of ${input.length} bytes`;
    throw new ClipError('CLIP_INPUT_INVALID', `clip preprocess: cannot read ${what}: ${(error as Error).message}`, { cause: error });
  }
  writeNormalized(rgb, config, out, offset);
  return out;
}
