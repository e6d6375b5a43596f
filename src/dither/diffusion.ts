/**
 * Error diffusion: each pixel's quantization error is passed on to the neighbours not yet visited, so that
 * areas keep their mean colour where the palette has no exact match. The kernel is Floyd-Steinberg (7/16
 * ahead, 3/16, 5/16, 1/16 on the next row), run serpentine (rows alternate direction): of the kernels
 * tried in the literature, larger ones (Jarvis-Judice-Ninke, Stucki: 12 taps over three rows) give
 * slightly smoother gradients at three times the memory traffic, and the serpentine scan already removes
 * Floyd-Steinberg's main flaw (diagonal "worms" running in the scan direction); with only 4 taps it stays
 * well inside the cost target (a few tens of ms per megapixel).
 *
 * Two things keep it from adding noise where it does harm:
 * - the error a pixel receives is clamped, per coordinate, to ERROR_CLAMP times the palette's typical gap
 *   (the median distance between neighbouring palette colours): a colour far from every palette entry
 *   (a saturated highlight, a thin line) cannot pile up error that then bleeds across the next hard edge;
 * - the received error is weakened where the pixel's own colour is already close to a palette colour
 *   (its undithered error under FLAT_MAX, linearly): flat areas the palette matches stay flat, which is
 *   where dithering only adds noise and costs file size;
 * - and weakened in texture: by gap / (gap + TEXTURE_WEIGHT * t), t the pixel's mean absolute difference
 *   from its four neighbours (8-bit sRGB, summed over R, G, B). Detail hides banding by itself, and
 *   dithering noise on top of it only moves colours away (it raised the mean CIEDE2000 on every bench
 *   photo); smooth areas, where banding shows, are dithered fully. bench/README.md has the tuning runs.
 *
 * Distances and errors are in the clustering space ('srgb': the 8-bit values, 'oklab': scaled OKLab).
 */
import { toSpace, type ColorSpace } from '../colour-space.js';
import { OklabCache } from './caches.js';
import { diffuseNative } from './diffusion-native.js';
import { medianGap, OKLAB_BOX, PaletteGrid, SRGB_BOX } from './palette-grid.js';

/** The largest error a pixel receives, per coordinate, in palette gaps. */
export const ERROR_CLAMP = 0.75;
/**
 * Below this undithered error the received error is weakened, down to none at zero: FLAT_FRACTION of the
 * palette's gap, at most FLAT_MAX (in the space's units, about 1.5 levels of each 8-bit channel), so that
 * only colours the palette already matches closely are left alone, never a gradient between far colours.
 */
export const FLAT_FRACTION = 0.25;
export const FLAT_MAX = 2.5;
/** How much local texture weakens the received error (see the module comment). */
export const TEXTURE_WEIGHT = 1.5;

/** Which bytes of a packed pixel the texture measure compares: R, G, B for opaque images. */
export const RGB_BYTES = 0x00ffffff;
/** R, G, B and alpha, for images with transparency. */
export const RGBA_BYTES = 0xffffffff;

/** Sum over the four bytes of |a - b| of two packed pixels. */
function byteDifference(a: number, b: number): number {
  return Math.abs((a & 255) - (b & 255)) + Math.abs(((a >>> 8) & 255) - ((b >>> 8) & 255)) + Math.abs(((a >>> 16) & 255) - ((b >>> 16) & 255)) + Math.abs((a >>> 24) - (b >>> 24));
}

/**
 * The texture weakening gap / (gap + TEXTURE_WEIGHT * t) of every pixel of the row starting at
 * `rowStart`, into out[0..rowLength): t is the pixel's mean absolute difference from its neighbours in
 * the image (4 of them, fewer at the borders), summed over the bytes `bytes` selects. Each difference is
 * computed once: the one with the right neighbour serves the next pixel as its left one, and `vertical`
 * carries, per column, the difference between this row and the next into the next row (call it for rows
 * in order, from the first).
 */
export function rowSmoothness(pixels: Uint32Array, width: number, rowStart: number, rowLength: number, gap: number, vertical: Int32Array, out: Float64Array, bytes = RGB_BYTES): void {
  let left = 0;
  for (let x = 0; x < rowLength; x++) {
    const i = rowStart + x;
    const p = pixels[i]! & bytes;
    let sum = 0;
    let n = 0;
    if (x > 0) (sum += left), n++;
    if (x + 1 < rowLength) {
      left = byteDifference(p, pixels[i + 1]! & bytes);
      sum += left;
      n++;
    }
    if (i >= width) (sum += vertical[x]!), n++;
    if (i + width < pixels.length) {
      const down = byteDifference(p, pixels[i + width]! & bytes);
      vertical[x] = down;
      sum += down;
      n++;
    }
    out[x] = gap / (gap + (TEXTURE_WEIGHT * sum) / (n === 0 ? 1 : n));
  }
}

/** What a diffusion run needs besides the image. */
export interface DiffusionInput {
  /** The byte palette (RGB triples). */
  palette: Uint8Array;
  /** Each pixel's undithered label (its nearest palette colour), for how flat its neighbourhood is. */
  nearestLabels: Uint8Array;
  /** 0..1: scales the error passed on. */
  level: number;
  space: ColorSpace;
  /** Whether an sRGB image may be diffused in WebAssembly (diffusion-native.ts: the same labels); default true. */
  native?: boolean;
}

/**
 * Error-diffused labels of `pixels` (packed RGBA8, `width` a row): each pixel plus the (clamped, weakened)
 * error it received takes its nearest palette colour in `space`, and passes its own error on. Only palette
 * indices come out. One function: the per-pixel loop is the hot path and is kept whole.
 */
export function diffusionLabels(pixels: Uint32Array, width: number, input: DiffusionInput): Uint8Array {
  const { palette, nearestLabels, level, space, native = true } = input;
  const points = toSpace(palette, space);
  const grid = new PaletteGrid(points, space === 'oklab' ? OKLAB_BOX : SRGB_BOX);
  const gap = medianGap(points);
  const limit = ERROR_CLAMP * gap;
  // Negated once here: a negation first met in the clamp's rare branch would deoptimize the loop below.
  const low = -limit;
  const flat = Math.min(FLAT_FRACTION * gap, FLAT_MAX);
  const flat2 = flat * flat;
  if (native && space === 'srgb') {
    const labels = diffuseNative(pixels, width, nearestLabels, points, grid, { level, limit, low, flat, flat2, gap });
    if (labels) return labels;
  }
  const height = Math.ceil(pixels.length / width);
  const labels = new Uint8Array(pixels.length);
  // The errors this row receives from the one above, and those the next row receives from this one, 3 per
  // pixel, with one pixel of padding at each end (written, never read). Each entry is written once a row.
  let here = new Float64Array((width + 2) * 3);
  let next = new Float64Array((width + 2) * 3);
  const oklab = space === 'oklab' ? new OklabCache() : undefined;
  const vertical = new Int32Array(width);
  const smoothness = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    const dir = y % 2 === 0 ? 1 : -1;
    const rowStart = y * width;
    const rowLength = Math.min(width, pixels.length - rowStart);
    rowSmoothness(pixels, width, rowStart, rowLength, gap, vertical, smoothness);
    let previous = 0;
    // The error passed along the row (7/16 of the last pixel's), and the next row's sums still open: the
    // column behind the current pixel (waiting for its 3/16) and the current one (waiting for 5/16).
    let carry0 = 0;
    let carry1 = 0;
    let carry2 = 0;
    let behind0 = 0;
    let behind1 = 0;
    let behind2 = 0;
    let below0 = 0;
    let below1 = 0;
    let below2 = 0;
    for (let n = 0; n < rowLength; n++) {
      const x = dir === 1 ? n : rowLength - 1 - n;
      const i = rowStart + x;
      const p = pixels[i]!;
      let c0 = p & 255;
      let c1 = (p >>> 8) & 255;
      let c2 = (p >>> 16) & 255;
      if (oklab) {
        const at = oklab.at(p & 0xffffff);
        c0 = oklab.values[at]!;
        c1 = oklab.values[at + 1]!;
        c2 = oklab.values[at + 2]!;
      }
      // How far the pixel is from its own nearest colour sets how much of the received error it takes.
      const own = nearestLabels[i]! * 3;
      const o0 = c0 - points[own]!;
      const o1 = c1 - points[own + 1]!;
      const o2 = c2 - points[own + 2]!;
      const d2 = o0 * o0 + o1 * o1 + o2 * o2;
      const gain = (d2 >= flat2 ? level : (level * Math.sqrt(d2)) / flat) * smoothness[x]!;
      const e = (x + 1) * 3;
      const e0 = here[e]! + carry0;
      const e1 = here[e + 1]! + carry1;
      const e2 = here[e + 2]! + carry2;
      const v0 = c0 + gain * (e0 > limit ? limit : e0 < low ? low : e0);
      const v1 = c1 + gain * (e1 > limit ? limit : e1 < low ? low : e1);
      const v2 = c2 + gain * (e2 > limit ? limit : e2 < low ? low : e2);
      const j = grid.nearestFrom(nearestLabels[i]!, previous, v0, v1, v2);
      previous = j;
      labels[i] = j;
      const q0 = v0 - points[j * 3]!;
      const q1 = v1 - points[j * 3 + 1]!;
      const q2 = v2 - points[j * 3 + 2]!;
      // 7/16 to the next pixel of the row; the column behind on the next row is complete with its 3/16.
      carry0 = q0 * (7 / 16);
      carry1 = q1 * (7 / 16);
      carry2 = q2 * (7 / 16);
      const behind = e - dir * 3;
      next[behind] = behind0 + q0 * (3 / 16);
      next[behind + 1] = behind1 + q1 * (3 / 16);
      next[behind + 2] = behind2 + q2 * (3 / 16);
      behind0 = below0 + q0 * (5 / 16);
      behind1 = below1 + q1 * (5 / 16);
      behind2 = below2 + q2 * (5 / 16);
      below0 = q0 * (1 / 16);
      below1 = q1 * (1 / 16);
      below2 = q2 * (1 / 16);
    }
    // The row's last column on the next row (every other column was written as some pixel's "behind").
    const last = (dir === 1 ? rowLength : 1) * 3;
    next[last] = behind0;
    next[last + 1] = behind1;
    next[last + 2] = behind2;
    const done = here;
    here = next;
    next = done;
  }
  return labels;
}
