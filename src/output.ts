/** From labels and centroids to what users see: the byte palette and the quantized RGBA image. */
import { fromSpace, type ColorSpace } from './colour-space.js';

/**
 * Fitted centroids (points of `space`) as the float sRGB triples that results report: sRGB ones as they
 * are (the same array); OKLab ones converted back and clamped to 0..255 (the mean of colours inside the
 * sRGB gamut can lie just outside it, OKLab's gamut not being a box).
 */
export function srgbCentroids(points: Float64Array, space: ColorSpace): Float64Array {
  if (space === 'srgb') return points;
  const rgb = fromSpace(points, space);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.min(255, Math.max(0, rgb[i]!));
  return rgb;
}

/** Rounds float centroids to an RGB byte palette. */
export function toPalette(centroids: Float64Array): Uint8Array {
  const palette = new Uint8Array(centroids.length);
  for (let i = 0; i < centroids.length; i++) palette[i] = Math.min(255, Math.max(0, Math.round(centroids[i]!)));
  return palette;
}

/** The palette's colours packed as pixels are, r | g << 8 | b << 16 (alpha 0), one u32 each. */
export function packedPalette(palette: Uint8Array): Uint32Array<ArrayBuffer> {
  const k = palette.length / 3;
  const packed = new Uint32Array(k);
  for (let j = 0; j < k; j++) packed[j] = palette[j * 3]! | (palette[j * 3 + 1]! << 8) | (palette[j * 3 + 2]! << 16);
  return packed;
}

/** Paints each pixel with its label's palette colour, keeping the original alpha. */
export function renderImage(pixels: Uint32Array, labels: Uint8Array, palette: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const lut = packedPalette(palette);
  const out = new Uint32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (lut[labels[i]!]! | (pixels[i]! & 0xff000000)) >>> 0;
  return new Uint8ClampedArray(out.buffer);
}
