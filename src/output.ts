/** From labels and centroids to what users see: the byte palette and the quantized RGBA image. */

/** Rounds float centroids to an RGB byte palette. */
export function toPalette(centroids: Float64Array): Uint8Array {
  const palette = new Uint8Array(centroids.length);
  for (let i = 0; i < centroids.length; i++) palette[i] = Math.min(255, Math.max(0, Math.round(centroids[i]!)));
  return palette;
}

/** Paints each pixel with its label's palette colour, keeping the original alpha. */
export function renderImage(pixels: Uint32Array, labels: Uint8Array, palette: Uint8Array): Uint8ClampedArray {
  const k = palette.length / 3;
  const lut = new Uint32Array(k);
  for (let j = 0; j < k; j++) lut[j] = palette[j * 3]! | (palette[j * 3 + 1]! << 8) | (palette[j * 3 + 2]! << 16);
  const out = new Uint32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (lut[labels[i]!]! | (pixels[i]! & 0xff000000)) >>> 0;
  return new Uint8ClampedArray(out.buffer);
}
