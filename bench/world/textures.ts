import { TOPICS } from './vocabulary.ts';
import { createError } from '../../es-mappings/errors.ts';

/**
 * One fine texture per topic, filling the area the topic is drawn in: a kind of line pattern
 * (stripes, dashes, zigzag, hatch) at one of five angles. Motifs alone are large shapes that a small
 * vision model sees only as a whole; a texture shows the topic inside every 32×32 patch a ViT-B/32
 * looks at, so a model trained on a few thousand photos can learn topics from pixels (the world CLIP does).
 * The textures draw no random numbers: adding them changed the pixels, not the tables.
 */
interface TextureKind {
  /** Tile size in pixels of a 256-pixel photo. */
  period: number;
  /** The tile's content, drawn in `ink`. */
  tile: (p: number, ink: string) => string;
  /** Distinct orientations: the tile looks the same turned by this many degrees. */
  symmetry: number;
}

const KINDS: TextureKind[] = [
  { period: 12, symmetry: 180, tile: (p, ink) => `<rect x="0" y="0" width="${p}" height="1.75" fill="${ink}"/>` },
  { period: 14, symmetry: 180, tile: (p, ink) => `<rect x="0" y="0" width="${p * 0.55}" height="2" fill="${ink}"/><rect x="${p * 0.5}" y="${p * 0.5}" width="${p * 0.3}" height="1.5" fill="${ink}"/>` },
  { period: 16, symmetry: 180, tile: (p, ink) => `<polyline points="0,${p * 0.25} ${p / 2},${p * 0.75} ${p},${p * 0.25}" fill="none" stroke="${ink}" stroke-width="1.5"/>` },
  { period: 20, symmetry: 90, tile: (p, ink) => `<rect x="0" y="0" width="${p}" height="1.5" fill="${ink}"/><rect x="0" y="0" width="1.5" height="${p}" fill="${ink}"/>` },
];

const ANGLES_PER_KIND = 5;

/** The texture of topic number `index`: kind index / 5, angle (index mod 5) steps of symmetry / 5. */
function textureOf(index: number): { kind: TextureKind; angle: number } {
  const kind = KINDS[Math.floor(index / ANGLES_PER_KIND) % KINDS.length]!;
  return { kind, angle: ((index % ANGLES_PER_KIND) * kind.symmetry) / ANGLES_PER_KIND };
}

/**
 * SVG `<pattern>`s for `topic`'s texture, ready to fill a shape with `url(#id)`: `id` draws it in `ink`
 * on the ground; `id-inverse` draws it in `ground` shifted half a tile, for painting over the topic's
 * solid motif shapes, so the texture shows inside them too (and the ground stays the dominant color).
 */
export function texturePatterns(topic: string, id: string, ink: string, ground: string): string {
  const index = TOPICS.findIndex((t) => t.name === topic);
  if (index < 0) throw createError('INTERNAL', `generate: no texture for topic ${topic}`);
  const { kind, angle } = textureOf(index);
  const p = kind.period;
  const pattern = (suffix: string, color: string, shift: number): string =>
    `<pattern id="${id}${suffix}" patternUnits="userSpaceOnUse" width="${p}" height="${p}" patternTransform="rotate(${angle}) translate(${shift} ${shift})">${kind.tile(p, color)}</pattern>`;
  return pattern('', ink, 0) + pattern('-inverse', ground, p / 2);
}
