import sharp from 'sharp';
import { MOTIFS } from './motifs.ts';
import type { Random } from '../../ltr/random.ts';
import { texturePatterns } from './textures.ts';
import { createError } from '../../es-mappings/errors.ts';

/** The ink for a one-color photo: a shade of the background, so the background stays the dominant color. */
export function shadeOf(hex: string): string {
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const light = 0.299 * r + 0.587 * g + 0.114 * b > 140;
  const k = light ? 0.55 : 1.8;
  const c = (v: number): string => Math.min(255, Math.round(v * k + (light ? 0 : 25))).toString(16).padStart(2, '0');
  return `${c(r)}${c(g)}${c(b)}`;
}

export interface RenderSpec {
  width: number;
  height: number;
  topics: string[];
  /** Palette hexes, dominant first: the background is the first, the motifs are drawn in the second. */
  colors: string[];
  format: 'jpeg' | 'png';
}

/** A photo's SVG: its dominant color as the ground, its first topic's texture over the whole ground and
 * its motif on top; a second topic in the top-right corner, its texture and motif at 45% size, so both
 * stay legible. Synchronous, so that random draws happen in photo order whatever the rasterizer does in
 * parallel. */
export function photoSvg(r: Random, spec: RenderSpec): string {
  const { width: w, height: h } = spec;
  const ground = `#${spec.colors[0]!}`;
  const ink = `#${inkOf(spec.colors)}`;
  const patterns = spec.topics.map((topic, i) => texturePatterns(topic, `texture${i}`, ink, ground)).join('');
  const shapes = spec.topics.map((topic, i) => {
    const motif = MOTIFS[topic];
    if (!motif) throw createError('INTERNAL', `generate: no motif for topic ${topic}`);
    const body = motif(r, w, h, ink);
    if (i === 0) return `<rect width="${w}" height="${h}" fill="url(#texture0)"/>${body}<rect width="${w}" height="${h}" fill="url(#texture0-inverse)"/>`;
    const corner = `x="${f(w * 0.55)}" y="0" width="${f(w * 0.45)}" height="${f(h * 0.45)}"`;
    return `<rect ${corner} fill="${ground}"/><rect ${corner} fill="url(#texture${i})"/><g transform="translate(${f(w * 0.55)} 0) scale(0.45)">${body}</g><rect ${corner} fill="url(#texture${i}-inverse)"/>`;
  });
  const grain = Array.from({ length: 30 }, () => `<rect x="${(r.float() * w).toFixed(0)}" y="${(r.float() * h).toFixed(0)}" width="2" height="2" fill="${ink}" opacity="0.35"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs>${patterns}</defs><rect width="${w}" height="${h}" fill="${ground}"/>${shapes.join('')}${grain}</svg>`;
}

const f = (n: number): string => n.toFixed(1);

export function inkOf(colors: string[]): string {
  return colors[1] ?? shadeOf(colors[0]!);
}

export interface Rendered {
  bytes: Buffer;
  /** Share of pixels nearest to the ground and to the ink color: what the colors table reports. */
  coverage: [number, number];
}

export async function rasterize(svg: string, spec: RenderSpec): Promise<Rendered> {
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const targets = [spec.colors[0]!, inkOf(spec.colors)].map((hex) => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const counts = [0, 0];
  for (let p = 0; p < data.length; p += info.channels) {
    const d = targets.map(([r, g, b]) => (data[p]! - r!) ** 2 + (data[p + 1]! - g!) ** 2 + (data[p + 2]! - b!) ** 2);
    counts[d[0]! <= d[1]! ? 0 : 1]! += 1;
  }
  const total = counts[0]! + counts[1]!;
  const image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const bytes = spec.format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 85 }).toBuffer();
  return { bytes, coverage: [counts[0]! / total, counts[1]! / total] };
}
