import type { Random } from '../../ltr/random.ts';

/** Draws a topic's motif as SVG elements on a w×h canvas in the `ink` color. */
type Motif = (r: Random, w: number, h: number, ink: string) => string;

const f = (n: number): string => n.toFixed(1);

function repeat(count: number, draw: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => draw(i)).join('');
}

/**
 * One visual motif per topic (layout, shapes, texture), jittered per photo, so that a vision model
 * can learn the topic from pixels alone (the world CLIP is trained on these images).
 */
export const MOTIFS: Record<string, Motif> = {
  beach: (r, w, h, ink) =>
    `<rect x="0" y="${f(h * (0.6 + r.float() * 0.1))}" width="${w}" height="${h}" fill="${ink}" opacity="0.6"/>` +
    repeat(r.int(3, 5), (i) => {
      const y = h * (0.45 + i * 0.1);
      return `<path d="M0 ${f(y)} Q ${f(w / 4)} ${f(y - 12)} ${f(w / 2)} ${f(y)} T ${w} ${f(y)}" stroke="${ink}" stroke-width="5" fill="none"/>`;
    }),
  mountain: (r, w, h, ink) =>
    repeat(r.int(2, 4), () => {
      const cx = r.float() * w;
      const top = h * (0.15 + r.float() * 0.3);
      const half = w * (0.2 + r.float() * 0.2);
      return `<polygon points="${f(cx - half)},${h} ${f(cx)},${f(top)} ${f(cx + half)},${h}" fill="${ink}"/>`;
    }),
  city: (r, w, h, ink) =>
    repeat(r.int(6, 10), (i, n = 10) => {
      const bw = w / n;
      const bh = h * (0.3 + r.float() * 0.6);
      return `<rect x="${f(i * bw + 2)}" y="${f(h - bh)}" width="${f(bw - 4)}" height="${f(bh)}" fill="${ink}"/>`;
    }),
  forest: (r, w, h, ink) =>
    repeat(r.int(5, 8), (i) => {
      const x = ((i + 0.5) / 8) * w + (r.float() - 0.5) * 10;
      return `<rect x="${f(x - 4)}" y="${f(h * 0.45)}" width="8" height="${f(h * 0.55)}" fill="${ink}"/><circle cx="${f(x)}" cy="${f(h * 0.4)}" r="${f(14 + r.float() * 8)}" fill="${ink}"/>`;
    }),
  food: (r, w, h, ink) => {
    const cx = w / 2 + (r.float() - 0.5) * 20;
    const cy = h / 2 + (r.float() - 0.5) * 20;
    return repeat(4, (i) => `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(h * (0.42 - i * 0.09))}" fill="none" stroke="${ink}" stroke-width="6"/>`);
  },
  cat: (r, w, h, ink) => {
    const cx = w / 2 + (r.float() - 0.5) * 30;
    const cy = h * 0.58;
    const s = h * (0.22 + r.float() * 0.06);
    return `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(s)}" fill="${ink}"/><polygon points="${f(cx - s)},${f(cy - s * 0.4)} ${f(cx - s * 0.7)},${f(cy - s * 1.6)} ${f(cx - s * 0.2)},${f(cy - s * 0.9)}" fill="${ink}"/><polygon points="${f(cx + s)},${f(cy - s * 0.4)} ${f(cx + s * 0.7)},${f(cy - s * 1.6)} ${f(cx + s * 0.2)},${f(cy - s * 0.9)}" fill="${ink}"/>`;
  },
  dog: (r, w, h, ink) => {
    const cx = w / 2 + (r.float() - 0.5) * 30;
    const cy = h * 0.5;
    const s = h * (0.22 + r.float() * 0.06);
    return `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(s)}" fill="${ink}"/><ellipse cx="${f(cx - s * 1.1)}" cy="${f(cy + s * 0.5)}" rx="${f(s * 0.35)}" ry="${f(s * 0.9)}" fill="${ink}"/><ellipse cx="${f(cx + s * 1.1)}" cy="${f(cy + s * 0.5)}" rx="${f(s * 0.35)}" ry="${f(s * 0.9)}" fill="${ink}"/>`;
  },
  car: (r, w, h, ink) => {
    const x = w * (0.1 + r.float() * 0.1);
    const y = h * (0.45 + r.float() * 0.1);
    const cw = w * 0.7;
    return `<rect x="${f(x)}" y="${f(y)}" width="${f(cw)}" height="${f(h * 0.2)}" rx="12" fill="${ink}"/><rect x="${f(x + cw * 0.2)}" y="${f(y - h * 0.14)}" width="${f(cw * 0.5)}" height="${f(h * 0.16)}" rx="8" fill="${ink}"/><circle cx="${f(x + cw * 0.2)}" cy="${f(y + h * 0.22)}" r="${f(h * 0.09)}" fill="${ink}"/><circle cx="${f(x + cw * 0.8)}" cy="${f(y + h * 0.22)}" r="${f(h * 0.09)}" fill="${ink}"/>`;
  },
  flower: (r, w, h, ink) => {
    const cx = w / 2 + (r.float() - 0.5) * 30;
    const cy = h / 2 + (r.float() - 0.5) * 20;
    const petals = r.int(5, 8);
    return (
      repeat(petals, (i) => {
        const a = (360 / petals) * i;
        return `<ellipse cx="${f(cx)}" cy="${f(cy - h * 0.2)}" rx="${f(h * 0.08)}" ry="${f(h * 0.18)}" fill="${ink}" transform="rotate(${a} ${f(cx)} ${f(cy)})"/>`;
      }) + `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(h * 0.07)}" fill="${ink}"/>`
    );
  },
  sunset: (r, w, h, ink) => {
    const horizon = h * (0.55 + r.float() * 0.1);
    return `<circle cx="${f(w / 2 + (r.float() - 0.5) * 40)}" cy="${f(horizon)}" r="${f(h * 0.25)}" fill="${ink}"/><rect x="0" y="${f(horizon)}" width="${w}" height="4" fill="${ink}"/>` + repeat(3, (i) => `<rect x="0" y="${f(horizon + 12 + i * 14)}" width="${w}" height="3" fill="${ink}" opacity="0.7"/>`);
  },
  snow: (r, w, h, ink) => repeat(r.int(60, 90), () => `<circle cx="${f(r.float() * w)}" cy="${f(r.float() * h)}" r="${f(2 + r.float() * 3)}" fill="${ink}"/>`),
  desert: (r, w, h, ink) =>
    repeat(3, (i) => {
      const y = h * (0.5 + i * 0.15);
      const amp = 10 + r.float() * 12;
      return `<path d="M0 ${f(y)} C ${f(w * 0.3)} ${f(y - amp)}, ${f(w * 0.6)} ${f(y + amp)}, ${w} ${f(y - amp / 2)} L ${w} ${h} L 0 ${h} Z" fill="${ink}" opacity="${0.4 + i * 0.2}"/>`;
    }),
  night: (r, w, h, ink) => {
    const cx = w * (0.2 + r.float() * 0.6);
    const cy = h * (0.2 + r.float() * 0.2);
    return `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(h * 0.14)}" fill="${ink}"/>` + repeat(r.int(12, 20), () => `<rect x="${f(r.float() * w)}" y="${f(r.float() * h)}" width="3" height="3" fill="${ink}" transform="rotate(45)"/>`);
  },
  coffee: (r, w, h, ink) => {
    const x = w * (0.3 + (r.float() - 0.5) * 0.1);
    const y = h * 0.35;
    return `<rect x="${f(x)}" y="${f(y)}" width="${f(w * 0.3)}" height="${f(h * 0.4)}" rx="6" fill="${ink}"/><ellipse cx="${f(x + w * 0.33)}" cy="${f(y + h * 0.18)}" rx="${f(w * 0.07)}" ry="${f(h * 0.1)}" fill="none" stroke="${ink}" stroke-width="7"/><ellipse cx="${f(x + w * 0.15)}" cy="${f(y + h * 0.45)}" rx="${f(w * 0.28)}" ry="${f(h * 0.05)}" fill="${ink}"/>`;
  },
  books: (r, w, h, ink) => {
    let x = w * 0.08;
    return repeat(r.int(6, 9), () => {
      const bw = 10 + r.float() * 12;
      const bh = h * (0.4 + r.float() * 0.35);
      const rect = `<rect x="${f(x)}" y="${f(h * 0.85 - bh)}" width="${f(bw)}" height="${f(bh)}" fill="${ink}"/>`;
      x += bw + 4;
      return rect;
    }) + `<rect x="0" y="${f(h * 0.85)}" width="${w}" height="6" fill="${ink}"/>`;
  },
  bicycle: (r, w, h, ink) => {
    const y = h * (0.6 + (r.float() - 0.5) * 0.1);
    const a = w * 0.3;
    const b = w * 0.7;
    const s = h * 0.18;
    return `<circle cx="${f(a)}" cy="${f(y)}" r="${f(s)}" fill="none" stroke="${ink}" stroke-width="5"/><circle cx="${f(b)}" cy="${f(y)}" r="${f(s)}" fill="none" stroke="${ink}" stroke-width="5"/><polyline points="${f(a)},${f(y)} ${f(w * 0.45)},${f(y - s * 1.2)} ${f(b)},${f(y)} ${f(w * 0.5)},${f(y)} ${f(a)},${f(y)}" fill="none" stroke="${ink}" stroke-width="5"/>`;
  },
  architecture: (r, w, h, ink) => {
    const n = r.int(3, 5);
    const aw = w / n;
    return repeat(n, (i) => `<path d="M ${f(i * aw + 6)} ${h} L ${f(i * aw + 6)} ${f(h * 0.5)} A ${f(aw / 2 - 6)} ${f(aw / 2 - 6)} 0 0 1 ${f((i + 1) * aw - 6)} ${f(h * 0.5)} L ${f((i + 1) * aw - 6)} ${h}" fill="none" stroke="${ink}" stroke-width="7"/>`);
  },
  waterfall: (r, w, h, ink) =>
    repeat(r.int(6, 9), (i) => {
      const x = w * (0.3 + i * 0.05) + (r.float() - 0.5) * 6;
      return `<path d="M ${f(x)} 0 Q ${f(x + 8)} ${f(h * 0.25)} ${f(x)} ${f(h * 0.5)} T ${f(x)} ${h}" stroke="${ink}" stroke-width="4" fill="none"/>`;
    }),
  bird: (r, w, h, ink) =>
    repeat(r.int(5, 9), () => {
      const x = r.float() * w * 0.9;
      const y = r.float() * h * 0.7;
      const s = 8 + r.float() * 10;
      return `<polyline points="${f(x)},${f(y)} ${f(x + s)},${f(y + s * 0.6)} ${f(x + 2 * s)},${f(y)}" fill="none" stroke="${ink}" stroke-width="4"/>`;
    }),
  sport: (r, w, h, ink) => {
    const cx = w / 2 + (r.float() - 0.5) * 40;
    const cy = h / 2 + (r.float() - 0.5) * 20;
    const s = h * 0.3;
    return `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(s)}" fill="none" stroke="${ink}" stroke-width="7"/><path d="M ${f(cx - s)} ${f(cy)} Q ${f(cx)} ${f(cy - s * 0.6)} ${f(cx + s)} ${f(cy)}" stroke="${ink}" stroke-width="5" fill="none"/><path d="M ${f(cx - s)} ${f(cy)} Q ${f(cx)} ${f(cy + s * 0.6)} ${f(cx + s)} ${f(cy)}" stroke="${ink}" stroke-width="5" fill="none"/><rect x="0" y="${f(h * 0.9)}" width="${w}" height="${f(h * 0.1)}" fill="${ink}"/>`;
  },
};
