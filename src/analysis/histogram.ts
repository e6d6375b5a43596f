/**
 * Per-channel value histograms (seed notebook 000 plots the value distribution of the original and of the
 * quantized image). Every pixel counts once per histogram, whatever its alpha, so each histogram sums to the
 * pixel count.
 */
import { checkBytes, checkOptions, rangeError, typeError } from './common.js';

export interface ChannelHistograms {
  r: Uint32Array;
  g: Uint32Array;
  b: Uint32Array;
  /**
   * Histogram of luma Y' = round(0.299 R + 0.587 G + 0.114 B) (ITU-R BT.601 weights on the gamma-encoded
   * values, as OpenCV's and PIL's greyscale conversions use); absent with `{ luma: false }`.
   */
  luma?: Uint32Array;
  /** Pixels counted: the sum of every histogram. */
  pixels: number;
}

export interface ChannelHistogramOptions {
  /** Also count luma. @default true */
  luma?: boolean;
}

/**
 * 256-bin histograms of R, G, B (and luma) of RGBA bytes: a `Uint8Array`/`Uint8ClampedArray` of 4 bytes
 * a pixel, or an image `{ data, width, height }` (also `ImageData` and a quantization result's `image`).
 */
export function channelHistograms(
  data: Uint8Array | Uint8ClampedArray | { data: Uint8Array | Uint8ClampedArray },
  options: ChannelHistogramOptions = {},
): ChannelHistograms {
  const bytes = checkBytes('data', typeof data === 'object' && data !== null && !ArrayBuffer.isView(data) ? (data as { data: unknown }).data : data);
  if (bytes.length % 4 !== 0) throw rangeError('data.length', 'a multiple of 4 (RGBA bytes)', bytes.length);
  const o = checkOptions('options', options, ['luma']);
  const withLuma = o.luma ?? true;
  if (typeof withLuma !== 'boolean') throw typeError('options.luma', 'a boolean', withLuma);
  const r = new Uint32Array(256);
  const g = new Uint32Array(256);
  const b = new Uint32Array(256);
  const n = bytes.length / 4;
  for (let i = 0; i < bytes.length; i += 4) {
    r[bytes[i]!]!++;
    g[bytes[i + 1]!]!++;
    b[bytes[i + 2]!]!++;
  }
  const out: ChannelHistograms = { r, g, b, pixels: n };
  if (withLuma) {
    const luma = new Uint32Array(256);
    // Integer weights in thousandths: (299 R + 587 G + 114 B + 500) / 1000, rounded half up.
    for (let i = 0; i < bytes.length; i += 4) {
      luma[Math.floor((299 * bytes[i]! + 587 * bytes[i + 1]! + 114 * bytes[i + 2]! + 500) / 1000)]!++;
    }
    out.luma = luma;
  }
  return out;
}
