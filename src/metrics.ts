/** Quality of a quantization, measured over every pixel in 0-255 RGB units (alpha is not compared). */

export interface ErrorMetrics {
  /** Sum of squared distances from each pixel to its (float) centroid: the k-means objective. */
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

/**
 * Measures the labels of distinct colours (interleaved RGB `points`, each standing for `weights[i]`
 * pixels) against the float centroids and the byte palette: the same sums as over every pixel.
 */
export function measureWeightedErrors(
  points: Float64Array,
  weights: Float64Array,
  labels: Uint8Array,
  centroids: Float64Array,
  palette: Uint8Array,
): ErrorMetrics {
  let inertia = 0;
  let sse = 0;
  let n = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    const r = points[i * 3]!;
    const g = points[i * 3 + 1]!;
    const b = points[i * 3 + 2]!;
    const o = labels[i]! * 3;
    const fr = r - centroids[o]!;
    const fg = g - centroids[o + 1]!;
    const fb = b - centroids[o + 2]!;
    inertia += w * (fr * fr + fg * fg + fb * fb);
    const qr = r - palette[o]!;
    const qg = g - palette[o + 1]!;
    const qb = b - palette[o + 2]!;
    sse += w * (qr * qr + qg * qg + qb * qb);
    n += w;
  }
  const mse = sse / (n * 3);
  return { inertia, mse, psnr: psnrFromMse(mse) };
}

/** Measures labels against both the float centroids and the byte palette, in one pass over the pixels. */
export function measureErrors(pixels: Uint32Array, labels: Uint8Array, centroids: Float64Array, palette: Uint8Array): ErrorMetrics {
  let inertia = 0;
  let sse = 0;
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    const r = p & 255;
    const g = (p >>> 8) & 255;
    const b = (p >>> 16) & 255;
    const o = labels[i]! * 3;
    const fr = r - centroids[o]!;
    const fg = g - centroids[o + 1]!;
    const fb = b - centroids[o + 2]!;
    inertia += fr * fr + fg * fg + fb * fb;
    const qr = r - palette[o]!;
    const qg = g - palette[o + 1]!;
    const qb = b - palette[o + 2]!;
    sse += qr * qr + qg * qg + qb * qb;
  }
  const mse = sse / (pixels.length * 3);
  return { inertia, mse, psnr: psnrFromMse(mse) };
}
