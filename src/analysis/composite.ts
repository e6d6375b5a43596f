/**
 * Errors of images with transparency as they are seen: both images composited (straight alpha, "over")
 * on a solid background, then compared per RGB channel. Composited values are kept as floats (no
 * rounding), so a fully transparent pixel shows the background whatever RGB it carries. The library's own
 * `mse` of a result with `paletteAlpha` is {@link compositedMse}'s `mean`.
 */
import { checkImage, rangeError, typeError, type RgbaImage } from './common.js';

/** A background: black, white, or [r, g, b] bytes. */
export type Background = 'black' | 'white' | readonly [number, number, number];

/** Mean squared error per channel of two RGBA images composited over one background. */
export function compositedMseOver(original: RgbaImage, quantized: RgbaImage, background: Background): number {
  const a = checkImage('original', original);
  const b = checkImage('quantized', quantized);
  if (a.width !== b.width || a.height !== b.height) throw rangeError('quantized', `the original's size ${a.width}x${a.height}`, `${b.width}x${b.height}`);
  const bg = backgroundOf(background);
  let sse = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const wa = a.data[i + 3]! / 255;
    const wb = b.data[i + 3]! / 255;
    for (let c = 0; c < 3; c++) {
      const d = a.data[i + c]! * wa - b.data[i + c]! * wb + bg[c]! * (wb - wa);
      sse += d * d;
    }
  }
  return sse / ((a.data.length / 4) * 3);
}

/** The composited errors over black and over white, and their mean. */
export function compositedMse(original: RgbaImage, quantized: RgbaImage): { black: number; white: number; mean: number } {
  const black = compositedMseOver(original, quantized, 'black');
  const white = compositedMseOver(original, quantized, 'white');
  return { black, white, mean: (black + white) / 2 };
}

function backgroundOf(background: Background): readonly number[] {
  if (background === 'black') return [0, 0, 0];
  if (background === 'white') return [255, 255, 255];
  if (Array.isArray(background) && background.length === 3 && background.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) return background;
  throw typeError('background', '"black", "white" or [r, g, b] bytes', background);
}
