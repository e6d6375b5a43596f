/** The typed result of a quantization. */
import type { ErrorMetrics } from './metrics.js';
import type { ColorSpace, DitherMethod, GpuIterationInput, UsedBackend } from './options.js';

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
  /** The whole call: the stages above and what lies between them. */
  total: number;
}

/**
 * How `backend: 'auto'` chose on a hardware adapter: each quantizer times its first calls on both paths,
 * per bucket of like calls, and then keeps the faster (src/auto-calibration.ts).
 */
export interface AutoChoice {
  /** The calls compared: the operation, the image's size class and the k class (e.g. 'quantize, 1-4 MP, k 17-64'). */
  bucket: string;
  /** `'measuring'`: this call is one of the bucket's first, timed to decide; `'measured'`: the faster path ran. */
  stage: 'measuring' | 'measured';
  /** The fastest timed call of this bucket on WebGPU so far, ms. */
  gpuMs?: number;
  /** The fastest timed call of this bucket on the CPU so far, ms. */
  cpuMs?: number;
  /** The choice in words (also the `fallbackReason` when the CPU ran). */
  reason: string;
}

/** Where a call ran, and why there. */
export interface RunDescription {
  /** The backend that produced the result. */
  backend: UsedBackend;
  /** CPU threads the Lloyd iterations (or the final assignment) ran on (1 = this thread only; 0 on the GPU). */
  threads: number;
  /** Why the result came from the CPU although WebGPU was asked for or considered. */
  fallbackReason?: string;
  /** Counts of the WebGPU run (present when backend is 'webgpu'). */
  gpu?: GpuRunStats;
  /** The WebGPU adapter, when one was used or considered. */
  adapter?: AdapterDescription;
  /** How `auto` chose between the paths by timing them (hardware adapters, large images). */
  auto?: AutoChoice;
}

/** A palette fitted to an image (or several): what `quantizer.fit()` returns, and what `apply()` takes. */
export interface PaletteFit extends RunDescription {
  /** The palette as RGB bytes, 3 per colour; `paletteSize` colours. */
  palette: Uint8Array;
  /**
   * Images with transparency only (any pixel alpha below 255): the alpha of each palette entry, one byte
   * each (an RGBA palette; entry 0 is the transparent (0, 0, 0, 0) when a pixel has alpha 0). Absent for
   * opaque images.
   */
  paletteAlpha?: Uint8Array;
  /**
   * The unrounded centroids as float sRGB triples (0-255 units; converted back from OKLab when fitted
   * there, and clamped to 0..255, since an OKLab mean can fall just outside the gamut), in palette order.
   */
  centroids: Float64Array;
  /** The space the palette was fitted in (distances, centroids and `inertia` were measured there). */
  colorSpace: ColorSpace;
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
  /**
   * The winning attempt's k-means objective on the fitted pixels, at its last iteration, in `colorSpace`
   * units (sRGB 0-255, or OKLab scaled so black to white is 255).
   */
  inertia: number;
  /** Attempt (1-based) whose result was kept. */
  attempt: number;
  /**
   * Whether the first attempt's initial centroids were polished in a helper worker, overlapping the count
   * of colours (the centroids are the same as when polished in this thread).
   */
  initInWorker: boolean;
  /** Milliseconds per stage of the fit (no assignment stage: a fit labels no image). */
  timings: Omit<StageTimings, 'assignment'>;
}

/** A palette applied to an image: what `quantizer.apply()` returns. */
export interface AppliedPalette extends RunDescription, ErrorMetrics {
  /** The palette applied, RGB bytes. */
  palette: Uint8Array;
  /** The alpha of each palette entry, for an RGBA palette (see {@link PaletteFit.paletteAlpha}); absent otherwise. */
  paletteAlpha?: Uint8Array;
  /** The float centroids the palette was rounded from (the palette itself, for a bare palette). */
  centroids: Float64Array;
  paletteSize: number;
  /** The space the labels' distances (and the dithering's errors) were measured in. */
  colorSpace: ColorSpace;
  /** The dithering applied (`'none'`: each pixel its nearest palette colour). */
  dither: DitherMethod;
  /** Its strength, 0..1. */
  ditherLevel: number;
  /** Where the dithering ran, when it did: error diffusion runs on the CPU also after a GPU fit. */
  ditheredOn?: UsedBackend;
  /**
   * Distinct colours of the image (RGB, alpha dropped: what `countDistinctColours` counts), where the run
   * counted them anyway: an opaque image labelled on the CPU, from its colour histogram. Absent otherwise.
   */
  distinctColours?: number;
  /**
   * For each pixel, row by row, its palette index: without dithering its nearest palette colour in
   * `colorSpace` (the lowest index on ties), with dithering the colour the dithering chose.
   */
  labels: Uint8Array;
  /**
   * The quantized image: RGBA bytes, same size as the input; each pixel its entry's colour, with the
   * entry's alpha for an RGBA palette, else the pixel's own alpha.
   */
  image: Uint8ClampedArray<ArrayBuffer>;
  /** Width of the image in pixels, the input's. */
  width: number;
  /** Height of the image in pixels, the input's. */
  height: number;
  /** Milliseconds per stage of the apply call. */
  timings: Pick<StageTimings, 'setup' | 'assignment' | 'total'>;
}

/** A palette fitted to an image and applied to it: what `quantize()` returns. */
export interface QuantizeResult extends Omit<PaletteFit, 'timings' | 'inertia'>, Omit<AppliedPalette, 'timings'> {
  /** Sum over all pixels of the squared distance to the pixel's nearest centroid (in `colorSpace` units): the k-means objective. */
  inertia: number;
  /** Milliseconds per stage, fit and apply together. */
  timings: StageTimings;
}

/** The run fields of a description, leaving out the optional ones that are absent. */
export function runFields(run: RunDescription): RunDescription {
  const out: RunDescription = { backend: run.backend, threads: run.threads };
  if (run.fallbackReason !== undefined) out.fallbackReason = run.fallbackReason;
  if (run.gpu !== undefined) out.gpu = run.gpu;
  if (run.adapter !== undefined) out.adapter = run.adapter;
  if (run.auto !== undefined) out.auto = run.auto;
  return out;
}

/** One result from a fit and its application to the same image: the one place a QuantizeResult is built. */
export function buildResult(fit: PaletteFit, applied: AppliedPalette, totalMs: number): QuantizeResult {
  return {
    palette: applied.palette,
    ...(applied.paletteAlpha ? { paletteAlpha: applied.paletteAlpha } : {}),
    centroids: applied.centroids,
    labels: applied.labels,
    image: applied.image,
    width: applied.width,
    height: applied.height,
    colorSpace: applied.colorSpace,
    dither: applied.dither,
    ditherLevel: applied.ditherLevel,
    ...(applied.ditheredOn ? { ditheredOn: applied.ditheredOn } : {}),
    ...(applied.distinctColours !== undefined ? { distinctColours: applied.distinctColours } : {}),
    k: fit.k,
    paletteSize: applied.paletteSize,
    exactPalette: fit.exactPalette,
    iterations: fit.iterations,
    converged: fit.converged,
    inertia: applied.inertia,
    mse: applied.mse,
    psnr: applied.psnr,
    ...runFields(applied),
    initInWorker: fit.initInWorker,
    attempt: fit.attempt,
    timings: { setup: fit.timings.setup, init: fit.timings.init, iterations: fit.timings.iterations, assignment: applied.timings.assignment, total: totalMs },
  };
}
