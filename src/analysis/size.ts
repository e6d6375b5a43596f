/**
 * Size arithmetic of seed notebooks 001 and 004: distinct colours, index bits per pixel, raw sizes.
 */
import { checkBytes, checkInteger, checkNumber, rangeError } from './common.js';

/**
 * Distinct RGB colours of RGBA bytes (alpha ignored, as `np.unique(rgb, axis=0)` in seed notebook 002).
 * Accepts RGBA bytes or an image `{ data, width, height }`.
 */
export function countDistinctColours(data: Uint8Array | Uint8ClampedArray | { data: Uint8Array | Uint8ClampedArray }): number {
  const bytes = checkBytes('data', typeof data === 'object' && data !== null && !ArrayBuffer.isView(data) ? (data as { data: unknown }).data : data);
  if (bytes.length % 4 !== 0) throw rangeError('data.length', 'a multiple of 4 (RGBA bytes)', bytes.length);
  const n = bytes.length / 4;
  if (n < 1 << 15) {
    const seen = new Set<number>();
    for (let i = 0; i < bytes.length; i += 4) seen.add(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16));
    return seen.size;
  }
  // One bit per possible colour: 2 MiB, and no hashing.
  const bits = new Uint32Array(1 << 19);
  let count = 0;
  for (let i = 0; i < bytes.length; i += 4) {
    const c = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16);
    const word = c >>> 5;
    const mask = 1 << (c & 31);
    const w = bits[word]!;
    if ((w & mask) === 0) {
      bits[word] = w | mask;
      count++;
    }
  }
  return count;
}

/**
 * Bits that index one of k palette colours: ceil(log2 k). k = 8 needs 3 bits (seed notebook 004), k = 16
 * needs 4, k = 17 needs 5. k = 1 needs 0 bits: a one-colour image is described by its palette alone (a
 * PNG still spends 1 bit a pixel on it, since bit depth 1 is the smallest it has). k: an integer >= 1.
 */
export function bitsPerPixel(k: number): number {
  checkInteger('k', k, 1, Number.MAX_SAFE_INTEGER);
  let bits = 0;
  while (2 ** bits < k) bits++;
  return bits;
}

/**
 * Bytes of width * height pixels of `bitsPerPixel` bits each, packed without padding and rounded up to a
 * whole byte: 24 bits gives seed notebook 001's width * height * 3. Palette and headers are not included.
 */
export function rawSizeBytes(width: number, height: number, bitsPerPixel: number): number {
  checkInteger('width', width, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('height', height, 0, Number.MAX_SAFE_INTEGER);
  checkNumber('bitsPerPixel', bitsPerPixel, 0, 2 ** 20);
  return Math.ceil((width * height * bitsPerPixel) / 8);
}
