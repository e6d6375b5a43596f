/**
 * The weighted set of distinct RGBA colours of an image with transparency (the 32-bit counterpart of
 * histogram.ts's 24-bit one): every fully transparent pixel (alpha 0) counts as the one colour 0, i.e.
 * (0, 0, 0, 0), whatever RGB it carries.
 */

/** Distinct packed RGBA colours (r | g << 8 | b << 16 | a << 24; alpha 0 collapsed to 0), with counts. */
export interface RgbaHistogram {
  colours: Uint32Array;
  weights: Float64Array;
  /** Each pixel's position in `colours`. */
  index: Uint32Array;
  /** Position of the transparent colour 0 in `colours`, or -1 when no pixel has alpha 0. */
  transparent: number;
}

/** Whether any pixel has alpha below 255 (one AND over the pixels: no branch per pixel). */
export function hasTransparency(pixels: Uint32Array): boolean {
  let all = 0xffffffff;
  for (let i = 0; i < pixels.length; i++) all &= pixels[i]!;
  return all >>> 24 !== 255;
}

/** The pixel as its histogram key: itself, or 0 when its alpha is 0. */
function keyOf(pixel: number): number {
  return pixel >>> 24 === 0 ? 0 : pixel >>> 0;
}

/**
 * Counts the distinct colours by open addressing (keys and ids side by side; an id of -1 is an empty slot),
 * the table grown to stay at most half full; a run of equal pixels skips the lookup. Colours are listed in
 * the order of their first pixel. Kept whole: one hot loop over the pixels.
 */
export function buildRgbaHistogram(pixels: Uint32Array): RgbaHistogram {
  const n = pixels.length;
  let bits = 12;
  let keys: Uint32Array = new Uint32Array(1 << bits);
  let ids: Int32Array = new Int32Array(1 << bits).fill(-1);
  let colours: Uint32Array = new Uint32Array(1 << 12);
  let counts: Float64Array = new Float64Array(1 << 12);
  const index = new Uint32Array(n);
  let m = 0;
  let last = -1;
  let lastId = 0;
  for (let i = 0; i < n; i++) {
    const c = keyOf(pixels[i]!);
    if (c !== last) {
      const mask = (1 << bits) - 1;
      let slot = Math.imul(c, 0x9e3779b1) >>> (32 - bits);
      while (ids[slot] !== -1 && keys[slot] !== c) slot = (slot + 1) & mask;
      if (ids[slot] === -1) {
        lastId = m++;
        keys[slot] = c;
        ids[slot] = lastId;
        if (lastId === colours.length) {
          colours = grown(colours, new Uint32Array(lastId * 2));
          counts = grown(counts, new Float64Array(lastId * 2));
        }
        colours[lastId] = c;
        if (m * 2 > 1 << bits) {
          bits++;
          [keys, ids] = rehashed(colours, m, bits);
        }
      } else {
        lastId = ids[slot]!;
      }
      last = c;
    }
    counts[lastId]!++;
    index[i] = lastId;
  }
  const list = colours.slice(0, m);
  return { colours: list, weights: counts.slice(0, m), index, transparent: list.indexOf(0) };
}

function grown<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Tables of 2^bits slots holding the first m colours (id = position). */
function rehashed(colours: Uint32Array, m: number, bits: number): [Uint32Array, Int32Array] {
  const keys = new Uint32Array(1 << bits);
  const ids = new Int32Array(1 << bits).fill(-1);
  const mask = (1 << bits) - 1;
  for (let j = 0; j < m; j++) {
    const c = colours[j]!;
    let slot = Math.imul(c, 0x9e3779b1) >>> (32 - bits);
    while (ids[slot] !== -1) slot = (slot + 1) & mask;
    keys[slot] = c;
    ids[slot] = j;
  }
  return [keys, ids];
}

/** The points of packed RGBA colours in `space` (see alpha-space.ts), 4 numbers each. */
export function rgbaPoints(colours: Uint32Array, space: { toPoint(r: number, g: number, b: number, a: number, out: Float64Array, o: number): void }): Float64Array {
  const out = new Float64Array(colours.length * 4);
  for (let j = 0; j < colours.length; j++) {
    const c = colours[j]!;
    space.toPoint(c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24, out, j * 4);
  }
  return out;
}
