/**
 * Pillow's `Image.resize(size, BICUBIC)` for 8-bit RGB, reproduced bit for bit: separable passes
 * (horizontal, then vertical) with fixed-point coefficients and an 8-bit intermediate, as in
 * Pillow's `libImaging/Resample.c`. The reference `CLIPImageProcessor` resizes with Pillow; libvips
 * (sharp) agrees with it when shrinking but places its taps differently when enlarging, which
 * moved pixel values by up to 14 levels on the fixtures, so enlargements go through this.
 */

const PRECISION_BITS = 32 - 8 - 2;
const BICUBIC_A = -0.5;
const BICUBIC_SUPPORT = 2;

function bicubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((BICUBIC_A + 2) * t - (BICUBIC_A + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * BICUBIC_A;
  return 0;
}

interface Coefficients {
  /** First input index per output index. */
  bounds: Int32Array;
  /** Taps per output index. */
  counts: Int32Array;
  /** `kmax` fixed-point weights per output index. */
  weights: Int32Array;
  kmax: number;
}

/** `precompute_coeffs` + `normalize_coeffs_8bpc` of Resample.c, for a full-image box. */
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const kmax = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize);
  const counts = new Int32Array(outSize);
  const weights = new Int32Array(outSize * kmax);
  const k = new Float64Array(kmax);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    // Pillow truncates toward zero with a C cast.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[xx * kmax + x] = Math.trunc(w * (1 << PRECISION_BITS) + (w < 0 ? -0.5 : 0.5));
    }
    bounds[xx] = xmin;
    counts[xx] = xmax;
  }
  return { bounds, counts, weights, kmax };
}

function clip8(value: number): number {
  const v = value >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Resizes interleaved 8-bit RGB (HWC) from `width`×`height` to `outWidth`×`outHeight`.
 * Sums stay below 2^31: 255 · 2^22 · (a few taps of weight ≤ ~1.3) fits, as in Pillow's C ints.
 */
export function resizeBicubicRgb(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const half = 1 << (PRECISION_BITS - 1);
  let rows = src;
  if (outWidth !== width) {
    const c = coefficients(width, outWidth);
    rows = new Uint8Array(outWidth * height * 3);
    for (let y = 0; y < height; y++) {
      const line = y * width * 3;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = c.bounds[xx]!;
        const n = c.counts[xx]!;
        const kBase = xx * c.kmax;
        let r = half;
        let g = half;
        let b = half;
        for (let x = 0; x < n; x++) {
          const w = c.weights[kBase + x]!;
          const p = line + (xmin + x) * 3;
          r += src[p]! * w;
          g += src[p + 1]! * w;
          b += src[p + 2]! * w;
        }
        const o = (y * outWidth + xx) * 3;
        rows[o] = clip8(r);
        rows[o + 1] = clip8(g);
        rows[o + 2] = clip8(b);
      }
    }
  }
  if (outHeight === height) return rows;
  const c = coefficients(height, outHeight);
  const out = new Uint8Array(outWidth * outHeight * 3);
  const stride = outWidth * 3;
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = c.bounds[yy]!;
    const n = c.counts[yy]!;
    const kBase = yy * c.kmax;
    for (let i = 0; i < stride; i++) {
      let s = half;
      for (let y = 0; y < n; y++) s += rows[(ymin + y) * stride + i]! * c.weights[kBase + y]!;
      out[yy * stride + i] = clip8(s);
    }
  }
  return out;
}
