/**
 * The element's GPU route: runs that go through `quantizer.quantizeFrame()` instead of `quantize()`.
 *
 * - `'canvas'` (a hardware adapter, backend `auto` or `webgpu`, `frame-path` `auto` or `on`): the frame is drawn into a WebGPU
 *   OffscreenCanvas of the route's own, and the element's canvases draw from it (a GPU-side copy): no
 *   image or labels come back, only palette, counts and status. A live frame is a GPU-side snapshot of
 *   the video (a 2D OffscreenCanvas without `willReadFrequently`), never `getImageData`.
 * - `'readback'` (a software adapter, with `frame-path="on"`): the same GPU work, with labels and image
 *   read back, since such an adapter may not composite a WebGPU canvas (headless Chromium on SwiftShader
 *   cannot: configuring one loses the device).
 *
 * `frame-path="off"` keeps every run on `quantize()` (labels, image and progress events in every result).
 *
 * Options the frame path does not have (dithering, OKLab, fixed colours, mini-batch, attempts, a
 * sample) keep the element on `quantize()`, and so do images with transparency. A run on the route does
 * at most MAX_FRAME_ITERATIONS (64) iterations, the iterations one submit records.
 */
import { MAX_FRAME_ITERATIONS, type FrameOptions, type FrameResult, type FrameSource } from '../frame.js';
import { typeError } from '../errors.js';
import { measureErrors } from '../metrics.js';
import type { QuantizeOptions } from '../options.js';
import type { Quantizer } from '../quantizer.js';
import type { AdapterDescription, QuantizeResult } from '../result.js';
import { now } from '../yield.js';

/** The element's `frame-path`: the route on hardware adapters (`auto`), on any adapter (`on`), or never (`off`). */
export type FramePath = 'auto' | 'on' | 'off';

const FRAME_PATHS: ReadonlySet<string> = new Set(['auto', 'on', 'off']);

/** Checks a `frame-path` value (a TypeError naming the attribute). */
export function checkFramePath(value: unknown): FramePath {
  if (typeof value !== 'string' || !FRAME_PATHS.has(value)) throw typeError('attribute "frame-path"', '"auto", "on" or "off"', value);
  return value as FramePath;
}

/** How the route shows a frame (see the module comment). */
export type RouteMode = 'canvas' | 'readback';

/** A frame to draw with drawImage: a new object per frame, so that the element draws each one once. */
export interface FrameSnapshot {
  readonly source: CanvasImageSource;
  readonly width: number;
  readonly height: number;
}

/** What the element shows: pixels, or a frame drawn on the GPU. */
export type Shown = ImageData | FrameSnapshot;

/** Whether the engine options of a run are all the frame path has. */
export function frameCompatible(o: QuantizeOptions): boolean {
  return (
    (o.dither ?? 'none') === 'none' &&
    (o.colorSpace ?? 'srgb') === 'srgb' &&
    (o.fixedColors?.length ?? 0) === 0 &&
    (o.algorithm ?? 'lloyd') === 'lloyd' &&
    (o.attempts ?? 1) === 1 &&
    o.sampleSize === undefined &&
    (o.init === undefined || o.init === 'kmeans++')
  );
}

/** Whether a run with these options may take the route at all (before asking for an adapter). */
export function routeWanted(o: QuantizeOptions, path: FramePath): boolean {
  return path !== 'off' && (o.backend ?? 'auto') !== 'cpu' && frameCompatible(o);
}

/** The route's mode on this adapter for a run that wants it; undefined: `quantize()`. */
export function adapterMode(adapter: AdapterDescription | undefined, path: FramePath): RouteMode | undefined {
  if (!adapter) return undefined;
  if (!adapter.isFallbackAdapter) return 'canvas';
  return path === 'on' ? 'readback' : undefined;
}

/** The route a run takes with these options on this adapter; undefined: `quantize()`. */
export function routeMode(o: QuantizeOptions, adapter: AdapterDescription | undefined, path: FramePath): RouteMode | undefined {
  return routeWanted(o, path) ? adapterMode(adapter, path) : undefined;
}

/** Whether any pixel is less than opaque (such images keep their RGBA palettes on quantize()). */
export function hasAlpha(image: ImageData): boolean {
  const { data } = image;
  for (let i = 3; i < data.length; i += 4) if (data[i]! < 255) return true;
  return false;
}

export class GpuRoute {
  private target: OffscreenCanvas | undefined;
  private snapshotCanvas: OffscreenCanvas | undefined;

  constructor(readonly mode: RouteMode) {}

  /** A GPU-side copy of the video's current frame (canvas mode), for the quantizer and the original view. */
  snapshot(video: HTMLVideoElement): FrameSnapshot {
    const { videoWidth: width, videoHeight: height } = video;
    this.snapshotCanvas ??= new OffscreenCanvas(width, height);
    const canvas = this.snapshotCanvas;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    canvas.getContext('2d')!.drawImage(video, 0, 0, width, height);
    return { source: canvas, width, height };
  }

  /** Quantizes one frame or still through quantizeFrame; `restart`: seed again instead of starting from the last frame. */
  async run(quantizer: Quantizer, input: Shown, o: QuantizeOptions, restart: boolean): Promise<{ result: QuantizeResult; quantized: Shown }> {
    const started = now();
    // One frame is one submit: at most MAX_FRAME_ITERATIONS iterations (the result's `converged` says whether they sufficed).
    const maxIterations = Math.min(o.maxIterations ?? MAX_FRAME_ITERATIONS, MAX_FRAME_ITERATIONS);
    const options: FrameOptions = { k: o.k, tolerance: o.tolerance, seed: o.seed, signal: o.signal, restart, maxIterations };
    const source = (input instanceof ImageData ? input : input.source) as FrameSource;
    if (this.mode === 'canvas') {
      this.target ??= new OffscreenCanvas(input.width, input.height);
      const frame = await quantizer.quantizeFrame(source, { ...options, target: this.target });
      return { result: asResult(frame, now() - started), quantized: { source: this.target, width: frame.width, height: frame.height } };
    }
    const frame = await quantizer.quantizeFrame(source, { ...options, read: ['labels', 'image'] });
    const image = new ImageData(new Uint8ClampedArray(frame.image!.buffer as ArrayBuffer), frame.width, frame.height);
    const pixels = input instanceof ImageData ? new Uint32Array(input.data.buffer, input.data.byteOffset, input.width * input.height) : undefined;
    return { result: asResult(frame, now() - started, pixels), quantized: image };
  }
}

/**
 * A frame's result in the element's QuantizeResult shape. With the pixels (readback mode) the errors are
 * measured from the labels; without (canvas mode) `labels` and `image` are empty (the frame never left
 * the GPU) and `mse` is the last iteration's inertia per channel, by the float centroids.
 */
function asResult(frame: FrameResult, totalMs: number, pixels?: Uint32Array): QuantizeResult {
  const { palette, k, width, height, stats } = frame;
  const centroids = Float64Array.from(palette);
  const n = width * height;
  const labels = frame.labels ?? new Uint8Array(0);
  const metrics = pixels ? measureErrors(pixels, labels, centroids, palette) : { inertia: frame.inertia, mse: frame.inertia / (n * 3), psnr: 10 * Math.log10((255 * 255) / Math.max(frame.inertia / (n * 3), 1e-12)) };
  return {
    palette, centroids, labels, image: frame.image ?? new Uint8ClampedArray(0), width, height,
    colorSpace: 'srgb', dither: 'none', ditherLevel: 1, k, paletteSize: k, exactPalette: false,
    iterations: frame.iterations, converged: frame.converged, ...metrics,
    backend: 'webgpu', threads: 0, adapter: frame.adapter, initInWorker: false, attempt: 1,
    gpu: { submits: stats.submits, readbacks: stats.readbacks, bytesRead: stats.bytesRead, iterateOn: 'pixels', dispatchesPerIteration: 3, bytesPerIteration: n * 4, ...(stats.gpuMs === null ? {} : { timestampMs: stats.gpuMs }) },
    timings: { setup: 0, init: 0, iterations: 0, assignment: 0, total: totalMs },
  };
}
