/**
 * Ordered dithering: each pixel moves by an offset that depends only on its position in an 8 x 8 Bayer
 * threshold map (tiled over the image) before it takes its nearest palette colour. Every pixel is
 * independent, so the GPU runs the same thing in the pass that paints the image (shaders/ordered.wgsl).
 *
 * The offsets are integers, computed once on the host from the map, the palette and the level, and added
 * to each of R, G and B of the 8-bit pixel (then clamped to 0..255): in 'srgb' the CPU and the GPU compare
 * the same integer distances, so they choose the same colour for every pixel. In 'oklab' the offset pixel
 * is converted and compared in OKLab (f64 here, f32 on the GPU).
 */
import { toSpace, type ColorSpace } from '../colour-space.js';
import { OklabLabelCache } from './caches.js';
import { medianGap, OKLAB_BOX, PaletteGrid, SRGB_BOX } from './palette-grid.js';

/** Side of the threshold map. */
export const MAP_SIDE = 8;

/** The 8 x 8 Bayer map, row by row: thresholds 0..63, each once, neighbours as far apart in order as can be. */
export const BAYER_8: Uint8Array = (() => {
  let map = [0];
  let side = 1;
  // Each doubling puts four copies of the map side by side, ranked 0, 2, 3, 1 (times 4) around the last one.
  while (side < MAP_SIDE) {
    const next = new Array<number>(side * side * 4);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = map[y * side + x]! * 4;
        next[y * side * 2 + x] = v;
        next[y * side * 2 + x + side] = v + 2;
        next[(y + side) * side * 2 + x] = v + 3;
        next[(y + side) * side * 2 + x + side] = v + 1;
      }
    }
    map = next;
    side *= 2;
  }
  return Uint8Array.from(map);
})();

/**
 * The palette's spread, per channel: the median distance from a palette colour to its nearest other
 * colour (8-bit sRGB, Euclidean), divided by sqrt(3), since the offset moves all three channels. An
 * offset range of one spread carries a pixel across the typical gap between neighbouring colours.
 */
export function paletteSpread(palette: Uint8Array): number {
  return medianGap(toSpace(palette, 'srgb')) / Math.sqrt(3);
}

/**
 * The integer offset of each map position (row by row, MAP_SIDE^2 of them): the threshold centred on 0,
 * times the spread and the level, rounded. Level 0 gives all zeros (plain nearest colour).
 */
export function orderedOffsets(palette: Uint8Array, level: number): Int32Array {
  const spread = paletteSpread(palette) * level;
  const cells = MAP_SIDE * MAP_SIDE;
  return Int32Array.from(BAYER_8, (t) => Math.round(((t + 0.5) / cells - 0.5) * spread));
}

/** Byte clamp. */
const byte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Ordered-dithered labels of `pixels` (packed RGBA8, `width` a row): each pixel plus its map offset,
 * clamped to 0..255 per channel, then its nearest palette colour in `space` (the lowest index on ties).
 * `guesses` (each pixel's undithered label, when known) only make the sRGB search faster.
 */
export function orderedLabels(pixels: Uint32Array, width: number, palette: Uint8Array, offsets: Int32Array, space: ColorSpace, guesses?: Uint8Array): Uint8Array {
  const labels = new Uint8Array(pixels.length);
  const grid = new PaletteGrid(toSpace(palette, space), space === 'oklab' ? OKLAB_BOX : SRGB_BOX);
  const cache = space === 'oklab' ? new OklabLabelCache(grid) : undefined;
  for (let start = 0, y = 0; start < pixels.length; start += width, y++) {
    const row = (y & (MAP_SIDE - 1)) * MAP_SIDE;
    const end = Math.min(pixels.length, start + width);
    let previous = 0;
    for (let i = start, x = 0; i < end; i++, x++) {
      const p = pixels[i]!;
      const o = offsets[row + (x & (MAP_SIDE - 1))]!;
      const r = byte((p & 255) + o);
      const g = byte(((p >>> 8) & 255) + o);
      const b = byte(((p >>> 16) & 255) + o);
      if (cache) labels[i] = cache.label(r | (g << 8) | (b << 16));
      else labels[i] = guesses ? grid.nearestFrom(guesses[i]!, previous, r, g, b) : grid.nearest(r, g, b);
      previous = labels[i]!;
    }
  }
  return labels;
}
