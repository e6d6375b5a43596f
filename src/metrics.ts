/**
 * Quality of a quantization, measured over every pixel (alpha is not compared): MSE and PSNR in 0-255 RGB
 * units whatever the colour space; the inertia in the units of the space the fit measured in.
 */

export interface ErrorMetrics {
  /**
   * Sum of squared distances from each pixel to its nearest float centroid, in the clustering space (sRGB
   * values or scaled OKLab): the k-means objective (the returned labels are nearest palette colours, which
   * can differ for pixels near a cluster boundary).
   */
  inertia: number;
  /** Mean squared error per channel between the original and the quantized (palette byte) image. */
  mse: number;
  /** Peak signal-to-noise ratio in dB from `mse` (Infinity for an exact copy). */
  psnr: number;
}

/** PSNR in dB of a per-channel MSE on 8-bit data. */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** The metrics of an output from the k-means objective and the squared error of the palette image. */
export function outputMetrics(inertia: number, paletteError: number, pixels: number): ErrorMetrics {
  const mse = pixels === 0 ? 0 : paletteError / (pixels * 3);
  return { inertia, mse, psnr: psnrFromMse(mse) };
}

/**
 * Squared error of labelled distinct colours (interleaved RGB `points`, each standing for `weights[i]`
 * pixels) against their palette colours: the same sum as over every pixel.
 */
export function weightedPaletteError(points: Float64Array, weights: Float64Array, labels: Uint8Array, palette: Uint8Array): number {
  let sse = 0;
  for (let i = 0; i < weights.length; i++) {
    const o = labels[i]! * 3;
    const qr = points[i * 3]! - palette[o]!;
    const qg = points[i * 3 + 1]! - palette[o + 1]!;
    const qb = points[i * 3 + 2]! - palette[o + 2]!;
    sse += weights[i]! * (qr * qr + qg * qg + qb * qb);
  }
  return sse;
}

/**
 * Squared error of labelled pixels against the colours of their labels (RGB triples: the float centroids,
 * or the byte palette).
 */
export function labelError(pixels: Uint32Array, labels: Uint8Array, colours: Float64Array | Uint8Array): number {
  let sse = 0;
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    const o = labels[i]! * 3;
    const dr = (p & 255) - colours[o]!;
    const dg = ((p >>> 8) & 255) - colours[o + 1]!;
    const db = ((p >>> 16) & 255) - colours[o + 2]!;
    sse += dr * dr + dg * dg + db * db;
  }
  return sse;
}

/** Measures labels against both the float centroids and the byte palette. */
export function measureErrors(pixels: Uint32Array, labels: Uint8Array, centroids: Float64Array, palette: Uint8Array): ErrorMetrics {
  return outputMetrics(labelError(pixels, labels, centroids), labelError(pixels, labels, palette), pixels.length);
}
