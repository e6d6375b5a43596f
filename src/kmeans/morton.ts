/**
 * Morton (Z-order) keys of RGB colours: the bits of R, G and B interleaved, so that colours near in colour
 * space are mostly near in key order, and every octree box of the colour cube is one run of keys.
 */

/** SPREAD[v]: the 8 bits of v spread to every third bit. */
const SPREAD = (() => {
  const table = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    let s = 0;
    for (let bit = 0; bit < 8; bit++) if (v & (1 << bit)) s |= 1 << (3 * bit);
    table[v] = s;
  }
  return table;
})();

/** The 24-bit key of the colour (r, g, b), each an integer 0..255. */
export function mortonKey(r: number, g: number, b: number): number {
  return (SPREAD[r]! << 2) | (SPREAD[g]! << 1) | SPREAD[b]!;
}

/** The key of a packed colour (r | g << 8 | b << 16; higher bits ignored). */
export function mortonKeyOfPacked(c: number): number {
  return (SPREAD[c & 255]! << 2) | (SPREAD[(c >>> 8) & 255]! << 1) | SPREAD[(c >>> 16) & 255]!;
}

/** COMPACT[v]: a 12-bit key chunk (4 bits of each channel) back to r | g << 8 | b << 16, 4 bits each. */
const COMPACT = (() => {
  const table = new Uint32Array(4096);
  for (let v = 0; v < 4096; v++) {
    let c = 0;
    for (let bit = 0; bit < 4; bit++) {
      if (v & (1 << (3 * bit + 2))) c |= 1 << bit;
      if (v & (1 << (3 * bit + 1))) c |= 1 << (bit + 8);
      if (v & (1 << (3 * bit))) c |= 1 << (bit + 16);
    }
    table[v] = c;
  }
  return table;
})();

/** The packed colour (r | g << 8 | b << 16) of a 24-bit key: the inverse of `mortonKeyOfPacked`. */
export function colourOfKey(key: number): number {
  return COMPACT[key & 4095]! | (COMPACT[key >>> 12]! << 4);
}

/** Counts of both 12-bit digits of 24-bit keys, turned into each bucket's first position (4096 + 4096 entries). */
function digitStarts(keys: Uint32Array): Uint32Array {
  const starts = new Uint32Array(8192);
  // Both digits are counted in one pass over the keys.
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    starts[key & 4095]!++;
    starts[4096 + (key >>> 12)]!++;
  }
  let low = 0;
  let high = 0;
  for (let d = 0; d < 4096; d++) {
    const l = starts[d]!;
    starts[d] = low;
    low += l;
    const h = starts[4096 + d]!;
    starts[4096 + d] = high;
    high += h;
  }
  return starts;
}

/**
 * Sorts 24-bit keys in place, ascending and stable, carrying each key's original index into `positions`
 * (two 12-bit counting passes). `lowKeys` and `lowPositions` are scratch of the same length.
 */
export function sortKeys24(keys: Uint32Array, positions: Uint32Array, lowKeys: Uint32Array, lowPositions: Uint32Array): void {
  const n = keys.length;
  const starts = digitStarts(keys);
  for (let i = 0; i < n; i++) {
    const at = starts[keys[i]! & 4095]!++;
    lowKeys[at] = keys[i]!;
    lowPositions[at] = i;
  }
  for (let p = 0; p < n; p++) {
    const at = starts[4096 + (lowKeys[p]! >>> 12)]!++;
    keys[at] = lowKeys[p]!;
    positions[at] = lowPositions[p]!;
  }
}

/** Sorts 24-bit keys in place, ascending (two 12-bit counting passes); `scratch` has the same length. */
export function sortKeysOnly24(keys: Uint32Array, scratch: Uint32Array): void {
  const n = keys.length;
  const starts = digitStarts(keys);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    scratch[starts[key & 4095]!++] = key;
  }
  for (let p = 0; p < n; p++) {
    const key = scratch[p]!;
    keys[starts[4096 + (key >>> 12)]!++] = key;
  }
}
