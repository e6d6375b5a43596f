/**
 * The 4-D space RGBA colours are clustered and labelled in, for images with transparency, and the
 * nearest-entry search in it (shared by the fit, the labelling, and later the dithering of alpha images).
 *
 * Every point is premultiplied colour with alpha as a fourth coordinate, so a fully transparent pixel
 * is the origin whatever RGB it carries, and colours that are barely visible (low alpha) are close to
 * each other: no halo of stray opaque colours at soft edges.
 *
 * `'srgb'`: with alpha = a / 255 and p = c * alpha (c = r, g, b), the point is
 * (p_r - a/2, p_g - a/2, p_b - a/2, a * sqrt(3)/2), a linear change of coordinates of (p, a) chosen so that
 * the squared Euclidean distance between two colours equals the mean of their squared distances when both
 * are composited over black and over white (over black a pixel shows p, over white p + 255 - a):
 * (|dp|^2 + |dp - da|^2) / 2 = sum_c (dp_c - da/2)^2 + (3/4) da^2. So the k-means objective is that mean
 * composited error, and a centroid (a weighted mean) is the weighted mean of premultiplied colours.
 *
 * `'oklab'`: premultiplied OKLab, (L, a, b) * alpha with alpha itself (0..255) as the fourth coordinate
 * (OKLab scaled as in src/colour-space.ts, black to white 255 units, so alpha weighs like lightness).
 */
import { oklabToSrgb, srgbToOklab, type ColorSpace } from '../colour-space.js';

/** A space of 4-D points for straight (not premultiplied) RGBA colours, 0..255 each. */
export interface AlphaSpace {
  readonly name: ColorSpace;
  /** Writes the point of the straight colour (r, g, b, a) at out[o..o+3]. */
  toPoint(r: number, g: number, b: number, a: number, out: Float64Array, o: number): void;
  /**
   * Writes the straight colour of the point x[o..o+3] at out[p..p+3] as floats clamped to 0..255, its
   * RGB worked out at alpha `alpha` (the point's own alpha unless given: pass the rounded byte so that
   * the colour's premultiplied value is kept). Alpha 0 gives (0, 0, 0, 0).
   */
  fromPoint(x: Float64Array, o: number, out: Float64Array, p: number, alpha?: number): void;
  /**
   * How a point moves when alpha grows by one with the premultiplied colour kept: the direction of a pure
   * alpha change (its last coordinate is never 0). Dithering removes this part of an error to keep alpha.
   */
  readonly alphaDirection: readonly [number, number, number, number];
}

const HALF_SQRT3 = Math.sqrt(3) / 2;

const clamp255 = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : v);

/** Premultiplied sRGB, measured as the mean of the errors composited over black and over white. */
export const COMPOSITE_SRGB: AlphaSpace = {
  name: 'srgb',
  alphaDirection: [-0.5, -0.5, -0.5, HALF_SQRT3],
  toPoint(r, g, b, a, out, o) {
    const alpha = a / 255;
    const half = a / 2;
    out[o] = r * alpha - half;
    out[o + 1] = g * alpha - half;
    out[o + 2] = b * alpha - half;
    out[o + 3] = a * HALF_SQRT3;
  },
  fromPoint(x, o, out, p, alpha) {
    const own = clamp255(x[o + 3]! / HALF_SQRT3);
    const a = alpha ?? own;
    out[p + 3] = a;
    if (a <= 0) {
      out[p] = out[p + 1] = out[p + 2] = 0;
      return;
    }
    // Premultiplied colour of the point, then straight colour at alpha a.
    const half = own / 2;
    for (let c = 0; c < 3; c++) out[p + c] = clamp255(((x[o + c]! + half) * 255) / a);
  },
};

/** Premultiplied OKLab (scaled OKLab times a / 255) with alpha as the fourth coordinate. */
export const PREMULTIPLIED_OKLAB: AlphaSpace = {
  name: 'oklab',
  alphaDirection: [0, 0, 0, 1],
  toPoint(r, g, b, a, out, o) {
    srgbToOklab(r, g, b, out, o);
    const alpha = a / 255;
    out[o] = out[o]! * alpha;
    out[o + 1] = out[o + 1]! * alpha;
    out[o + 2] = out[o + 2]! * alpha;
    out[o + 3] = a;
  },
  fromPoint(x, o, out, p, alpha) {
    const own = clamp255(x[o + 3]!);
    const a = alpha ?? own;
    out[p + 3] = a;
    if (own <= 0 || a <= 0) {
      out[p] = out[p + 1] = out[p + 2] = 0;
      return;
    }
    const s = 255 / own;
    oklabToSrgb(x[o]! * s, x[o + 1]! * s, x[o + 2]! * s, out, p);
    for (let c = 0; c < 3; c++) out[p + c] = clamp255(out[p + c]!);
  },
};

/** The alpha space of a colour space. */
export function alphaSpaceOf(space: ColorSpace): AlphaSpace {
  return space === 'oklab' ? PREMULTIPLIED_OKLAB : COMPOSITE_SRGB;
}

/** The points of straight RGBA palette entries (RGB bytes + one alpha byte each), 4 numbers per entry. */
export function palettePoints(palette: Uint8Array | Float64Array, alpha: Uint8Array, space: AlphaSpace): Float64Array {
  const k = alpha.length;
  const out = new Float64Array(k * 4);
  for (let j = 0; j < k; j++) space.toPoint(palette[j * 3]!, palette[j * 3 + 1]!, palette[j * 3 + 2]!, alpha[j]!, out, j * 4);
  return out;
}

/** Squared distance of x[o..o+3] to y[p..p+3]. */
export function distance4(x: Float64Array, o: number, y: Float64Array, p: number): number {
  const d0 = x[o]! - y[p]!;
  const d1 = x[o + 1]! - y[p + 1]!;
  const d2 = x[o + 2]! - y[p + 2]!;
  const d3 = x[o + 3]! - y[p + 3]!;
  return d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
}

/**
 * The index of the entry of `entries` (4 numbers each) nearest to the point (x0, x1, x2, x3), the lowest
 * index on ties. Reusable by anything that needs a palette entry for a point of the space (labelling,
 * dithering with a diffused error added to the point).
 */
export function nearestEntry(entries: Float64Array, x0: number, x1: number, x2: number, x3: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0, o = 0; o < entries.length; j++, o += 4) {
    const d0 = x0 - entries[o]!;
    const d3 = x3 - entries[o + 3]!;
    let d = d0 * d0 + d3 * d3;
    if (d >= bestD) continue;
    const d1 = x1 - entries[o + 1]!;
    const d2 = x2 - entries[o + 2]!;
    d += d1 * d1 + d2 * d2;
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}
