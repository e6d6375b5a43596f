/**
 * Dithering of images with transparency, against an RGBA palette, in the 4-D premultiplied space of
 * src/kmeans/alpha-space.ts (the space the palette was fitted in). The same two methods as for opaque
 * images, and the same safeguards:
 * - `'ordered'`: each pixel's straight colour moves by its Bayer map offset (the integers of
 *   ordered.ts, on R, G and B, clamped to 0..255, spread by the palette's distinct RGB colours; alpha is
 *   left as it is) before it takes its nearest entry, so edges keep their alpha and colours are dithered;
 * - `'diffusion'`: serpentine Floyd-Steinberg on the 4-D points, the received error clamped per
 *   coordinate to ERROR_CLAMP palette gaps, weakened where the pixel's own nearest entry already
 *   matches it and in texture (as in diffusion.ts; the texture here also counts alpha differences). Alpha error is diffused too, with one exception: a fully opaque
 *   pixel drops the part of the error it receives (along the space's `alphaDirection`) that would lower
 *   its alpha, so an opaque area next to a soft edge is not dotted with holes; and a fully transparent pixel takes the transparent entry, receives nothing and passes nothing on
 *   (nothing leaks into or out of what is invisible).
 * Only palette indices come out; the palette never moves.
 */
import { distance4, nearestEntry, type AlphaSpace } from '../kmeans/alpha-space.js';
import { ERROR_CLAMP, FLAT_FRACTION, FLAT_MAX, RGBA_BYTES, rowSmoothness } from './diffusion.js';
import { orderedOffsets, MAP_SIDE } from './ordered.js';
import { medianOf, nearestOther2 } from './palette-grid.js';

/**
 * Exact nearest-entry search with a shortcut: a point closer to a guessed entry than half that entry's
 * distance to every other entry has the guess as its unique nearest entry (triangle inequality).
 */
export class EntrySearch {
  /** Per entry: (half the distance to its nearest other entry)^2. */
  private readonly halfGap2: Float64Array;
  /** The median distance from an entry to its nearest other (the palette's typical gap). */
  readonly gap: number;

  constructor(readonly entries: Float64Array) {
    const nearest2 = nearestOther2(entries, 4);
    this.halfGap2 = nearest2.map((d) => d / 4);
    this.gap = medianOf(nearest2);
  }

  /** The nearest entry to (x0..x3), the lowest index on ties; `guess` and `other` are tried first. */
  nearestFrom(guess: number, other: number, x0: number, x1: number, x2: number, x3: number): number {
    if (this.owns(guess, x0, x1, x2, x3)) return guess;
    if (other !== guess && this.owns(other, x0, x1, x2, x3)) return other;
    return nearestEntry(this.entries, x0, x1, x2, x3);
  }

  /** Whether the point is within half of entry j's gap of it (so j is its nearest entry). */
  private owns(j: number, x0: number, x1: number, x2: number, x3: number): boolean {
    const e = this.entries;
    const o = j * 4;
    const d0 = x0 - e[o]!;
    const d1 = x1 - e[o + 1]!;
    const d2 = x2 - e[o + 2]!;
    const d3 = x3 - e[o + 3]!;
    return d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 < this.halfGap2[j]!;
  }
}

/** What alpha dithering needs besides the method. */
export interface AlphaDitherInput {
  /** Pixels per row. */
  width: number;
  /** The image's distinct RGBA colours (alpha 0 collapsed to 0) and each pixel's position among them. */
  colours: Uint32Array;
  index: Uint32Array;
  /** The colours as points of `space`, 4 numbers each. */
  points: Float64Array;
  /** Each distinct colour's undithered (nearest) entry. */
  nearestLabels: Uint8Array;
  /** The palette: RGB bytes, and its entries as points of `space`. */
  palette: Uint8Array;
  search: EntrySearch;
  /** Position of the transparent colour in `colours` (-1: none), and the entry it takes. */
  transparent: number;
  transparentEntry: number;
  level: number;
  space: AlphaSpace;
}

const byte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * The palette's distinct RGB triples: entries that differ only in alpha (the transparent entry and black,
 * a colour at two alphas) are one colour for the spread of the map's offsets, which move RGB only.
 */
function distinctRgb(palette: Uint8Array): Uint8Array {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let j = 0; j < palette.length; j += 3) {
    const key = palette[j]! | (palette[j + 1]! << 8) | (palette[j + 2]! << 16);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(palette[j]!, palette[j + 1]!, palette[j + 2]!);
  }
  return Uint8Array.from(out);
}

/** Ordered-dithered labels of an image with transparency (see the module comment). */
export function orderedAlphaLabels(input: AlphaDitherInput): Uint8Array {
  const { width, colours, index, nearestLabels, palette, search, transparent, transparentEntry, level, space } = input;
  const offsets = orderedOffsets(distinctRgb(palette), level);
  const labels = new Uint8Array(index.length);
  const point = new Float64Array(4);
  for (let start = 0, y = 0; start < index.length; start += width, y++) {
    const row = (y & (MAP_SIDE - 1)) * MAP_SIDE;
    const end = Math.min(index.length, start + width);
    let previous = 0;
    for (let i = start, x = 0; i < end; i++, x++) {
      const id = index[i]!;
      if (id === transparent) {
        labels[i] = transparentEntry;
        continue;
      }
      const c = colours[id]!;
      const o = offsets[row + (x & (MAP_SIDE - 1))]!;
      space.toPoint(byte((c & 255) + o), byte(((c >>> 8) & 255) + o), byte(((c >>> 16) & 255) + o), c >>> 24, point, 0);
      previous = search.nearestFrom(nearestLabels[id]!, previous, point[0]!, point[1]!, point[2]!, point[3]!);
      labels[i] = previous;
    }
  }
  return labels;
}

/** Floyd-Steinberg's share of one coordinate `c` of an error: 7/16 ahead, 3/16, 5/16 and 1/16 below. */
function spread(here: Float64Array, next: Float64Array, e: number, dir: number, q: number, c: number): void {
  const ahead = e + dir * 4 + c;
  const behind = e - dir * 4 + c;
  here[ahead] = here[ahead]! + q * (7 / 16);
  next[behind] = next[behind]! + q * (3 / 16);
  next[e + c] = next[e + c]! + q * (5 / 16);
  next[ahead] = next[ahead]! + q * (1 / 16);
}

/**
 * Error-diffused labels of an image with transparency (see the module comment). The errors of the row
 * and of the next one are kept in two buffers of 4 numbers per pixel with a pixel of padding at each
 * end; the next row's is cleared before each row. One function: the per-pixel loop is the hot path.
 */
export function diffusionAlphaLabels(input: AlphaDitherInput): Uint8Array {
  const { width, colours, index, points, nearestLabels, search, transparent, transparentEntry, level } = input;
  const limit = ERROR_CLAMP * search.gap;
  const flat = Math.min(FLAT_FRACTION * search.gap, FLAT_MAX);
  const entries = search.entries;
  const labels = new Uint8Array(index.length);
  let here = new Float64Array((width + 2) * 4);
  let next = new Float64Array((width + 2) * 4);
  const clamp = (e: number): number => (e > limit ? limit : e < -limit ? -limit : e);
  const [u0, u1, u2, u3] = input.space.alphaDirection;
  // Each pixel's colour as the histogram has it (alpha 0 collapsed to 0), for the texture measure.
  const keyed = new Uint32Array(index.length);
  for (let i = 0; i < index.length; i++) keyed[i] = colours[index[i]!]!;
  const vertical = new Int32Array(width);
  const smoothness = new Float64Array(width);
  for (let start = 0, y = 0; start < index.length; start += width, y++) {
    const dir = y % 2 === 0 ? 1 : -1;
    const rowLength = Math.min(width, index.length - start);
    rowSmoothness(keyed, width, start, rowLength, search.gap, vertical, smoothness, RGBA_BYTES);
    next.fill(0);
    let previous = 0;
    for (let n = 0; n < rowLength; n++) {
      const x = dir === 1 ? n : rowLength - 1 - n;
      const i = start + x;
      const id = index[i]!;
      if (id === transparent) {
        labels[i] = transparentEntry;
        continue;
      }
      const p = id * 4;
      const own = nearestLabels[id]!;
      const d = Math.sqrt(distance4(points, p, entries, own * 4));
      const gain = (d >= flat ? level : (level * d) / flat) * smoothness[x]!;
      const e = (x + 1) * 4;
      // A fully opaque pixel takes no error that would lower its alpha (a push towards opaque it takes).
      const opaque = colours[id]! >>> 24 === 255;
      let r0 = clamp(here[e]!);
      let r1 = clamp(here[e + 1]!);
      let r2 = clamp(here[e + 2]!);
      let r3 = clamp(here[e + 3]!);
      const ra = opaque && r3 < 0 ? r3 / u3 : 0;
      r0 -= ra * u0;
      r1 -= ra * u1;
      r2 -= ra * u2;
      r3 -= ra * u3;
      const v0 = points[p]! + gain * r0;
      const v1 = points[p + 1]! + gain * r1;
      const v2 = points[p + 2]! + gain * r2;
      const v3 = points[p + 3]! + gain * r3;
      const j = search.nearestFrom(own, previous, v0, v1, v2, v3);
      previous = j;
      labels[i] = j;
      spread(here, next, e, dir, v0 - entries[j * 4]!, 0);
      spread(here, next, e, dir, v1 - entries[j * 4 + 1]!, 1);
      spread(here, next, e, dir, v2 - entries[j * 4 + 2]!, 2);
      spread(here, next, e, dir, v3 - entries[j * 4 + 3]!, 3);
    }
    const done = here;
    here = next;
    next = done;
  }
  return labels;
}
