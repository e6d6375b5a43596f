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
 *   where dithering only adds noise and costs file size.
 *
 * Distances and errors are in the clustering space ('srgb': the 8-bit values, 'oklab': scaled OKLab).
 */
import { toSpace, type ColorSpace } from '../colour-space.js';
import { OklabCache } from './caches.js';
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

/** What a diffusion run needs besides the image. */
export interface DiffusionInput {
  /** The byte palette (RGB triples). */
  palette: Uint8Array;
  /** Each pixel's undithered label (its nearest palette colour), for how flat its neighbourhood is. */
  nearestLabels: Uint8Array;
  /** 0..1: scales the error passed on. */
  level: number;
  space: ColorSpace;
}

/**
 * Error-diffused labels of `pixels` (packed RGBA8, `width` a row): each pixel plus the (clamped, weakened)
 * error it received takes its nearest palette colour in `space`, and passes its own error on. Only palette
 * indices come out. One function: the per-pixel loop is the hot path and is kept whole.
 */
export function diffusionLabels(pixels: Uint32Array, width: number, input: DiffusionInput): Uint8Array {
  const { palette, nearestLabels, level, space } = input;
  const points = toSpace(palette, space);
  const grid = new PaletteGrid(points, space === 'oklab' ? OKLAB_BOX : SRGB_BOX);
  const gap = medianGap(points);
  const limit = ERROR_CLAMP * gap;
  const flat = Math.min(FLAT_FRACTION * gap, FLAT_MAX);
  const flat2 = flat * flat;
  const height = Math.ceil(pixels.length / width);
  const labels = new Uint8Array(pixels.length);
  // The errors of this row and the next, 3 per pixel, with one pixel of padding at each end.
  let here = new Float64Array((width + 2) * 3);
  let next = new Float64Array((width + 2) * 3);
  const oklab = space === 'oklab' ? new OklabCache() : undefined;
  for (let y = 0; y < height; y++) {
    const dir = y % 2 === 0 ? 1 : -1;
    const rowStart = y * width;
    const rowLength = Math.min(width, pixels.length - rowStart);
    let previous = 0;
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
      const gain = d2 >= flat2 ? level : (level * Math.sqrt(d2)) / flat;
      const e = (x + 1) * 3;
      const e0 = here[e]!;
      const e1 = here[e + 1]!;
      const e2 = here[e + 2]!;
      const v0 = c0 + gain * (e0 > limit ? limit : e0 < -limit ? -limit : e0);
      const v1 = c1 + gain * (e1 > limit ? limit : e1 < -limit ? -limit : e1);
      const v2 = c2 + gain * (e2 > limit ? limit : e2 < -limit ? -limit : e2);
      const j = grid.nearestFrom(nearestLabels[i]!, previous, v0, v1, v2);
      previous = j;
      labels[i] = j;
      const q0 = v0 - points[j * 3]!;
      const q1 = v1 - points[j * 3 + 1]!;
      const q2 = v2 - points[j * 3 + 2]!;
      const ahead = e + dir * 3;
      const behind = e - dir * 3;
      here[ahead] = here[ahead]! + q0 * (7 / 16);
      here[ahead + 1] = here[ahead + 1]! + q1 * (7 / 16);
      here[ahead + 2] = here[ahead + 2]! + q2 * (7 / 16);
      next[behind] = next[behind]! + q0 * (3 / 16);
      next[behind + 1] = next[behind + 1]! + q1 * (3 / 16);
      next[behind + 2] = next[behind + 2]! + q2 * (3 / 16);
      next[e] = next[e]! + q0 * (5 / 16);
      next[e + 1] = next[e + 1]! + q1 * (5 / 16);
      next[e + 2] = next[e + 2]! + q2 * (5 / 16);
      next[ahead] = next[ahead]! + q0 * (1 / 16);
      next[ahead + 1] = next[ahead + 1]! + q1 * (1 / 16);
      next[ahead + 2] = next[ahead + 2]! + q2 * (1 / 16);
    }
    const done = here;
    here = next;
    next = done.fill(0);
  }
  return labels;
}
