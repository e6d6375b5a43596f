/** The typed result of a quantization. */
import type { GpuIterationInput, UsedBackend } from './options.js';

/** What the WebGPU adapter says of itself (empty strings where the browser withholds a field). */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader. */
  isFallbackAdapter: boolean;
}

/** What one WebGPU run did, counted by the host (for benchmarks and for sizing up real hardware). */
export interface GpuRunStats {
  /** Command buffers submitted (Lloyd batches plus the final assignment). */
  submits: number;
  /** Buffers mapped back to the host (status per batch, centroid reads, labels). */
  readbacks: number;
  /** Bytes read back to the host, all told (labels included). */
  bytesRead: number;
  /**
   * What the iterations read: `'colours'`, the distinct colours counted on the GPU (weighted by their
   * pixel counts), or `'pixels'`, every fitted pixel.
   */
  iterateOn: GpuIterationInput;
  /** Distinct colours of the fitted pixels, counted on the GPU (colour iterations only). */
  distinctColours?: number;
  /** Dispatches per Lloyd iteration: one assignment (per chunk, for pixels) plus one reduction. */
  dispatchesPerIteration: number;
  /** Bytes the kernels read per iteration: 8 per colour or 4 per pixel, plus the centroids and sums. */
  bytesPerIteration: number;
  /** GPU time of the Lloyd passes by timestamp queries, when the adapter offers them. */
  timestampMs?: number;
}

/** Milliseconds spent in each stage of one call. */
export interface StageTimings {
  /** Input normalisation, sampling, colour histogram, GPU upload. */
  setup: number;
  /** Initial centroids of every attempt. */
  init: number;
  /** All Lloyd iterations of every attempt. */
  iterations: number;
  /** Final assignment of every pixel to its nearest palette colour, the output image and the metrics. */
  assignment: number;
  total: number;
}

export interface QuantizeResult {
  /** The palette as RGB bytes, 3 per colour; `paletteSize` colours. */
  palette: Uint8Array;
  /** The unrounded centroids, RGB triples in 0-255 units, in palette order. */
  centroids: Float64Array;
  /** For each pixel, row by row, the index of its nearest palette colour (the lowest index on ties). */
  labels: Uint8Array;
  /** The quantized image: RGBA bytes, same size as the input, original alpha kept. */
  image: Uint8ClampedArray;
  width: number;
  height: number;
  /** The k asked for. */
  k: number;
  /** Colours in the palette: k, or fewer when the image has fewer distinct colours than k. */
  paletteSize: number;
  /** True when the image had at most k distinct colours: the palette is exactly those colours. */
  exactPalette: boolean;
  /** Lloyd iterations of the winning attempt. */
  iterations: number;
  /** Whether the winning attempt stopped because centroids moved less than `tolerance`. */
  converged: boolean;
  /** Sum over all pixels of the squared distance to the pixel's centroid (0-255 RGB). */
  inertia: number;
  /** Mean squared error per channel between the input and `image`. */
  mse: number;
  /** Peak signal-to-noise ratio of `image` in dB. */
  psnr: number;
  /** The backend that produced the result. */
  backend: UsedBackend;
  /** CPU threads the Lloyd iterations ran on (1 = this thread only; 0 on the GPU). */
  threads: number;
  /**
   * Whether the first attempt's initial centroids were polished in a helper worker, overlapping the count
   * of colours (the centroids are the same as when polished in this thread).
   */
  initInWorker: boolean;
  /** Why the result came from the CPU although WebGPU was asked for or considered. */
  fallbackReason?: string;
  /** Counts of the WebGPU run (present when backend is 'webgpu'). */
  gpu?: GpuRunStats;
  /** The WebGPU adapter, when one was used or considered. */
  adapter?: AdapterDescription;
  /** Attempt (1-based) whose result was kept. */
  attempt: number;
  timings: StageTimings;
}
