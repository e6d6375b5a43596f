/**
 * The entry points: `createQuantizer()` keeps its GPU device, pipelines and buffers between calls (for
 * real-time use); `quantize()` is a one-shot quantizer. Both validate options once, pick a backend, run
 * the host Lloyd loop on it, and let the CPU finish the job when the GPU fails mid-run.
 */
import { GpuContext, GpuRunError, type GpuUnavailable } from './gpu/context.js';
import { createWebGpuSession } from './gpu/session.js';
import { toPixels, type Pixels, type QuantizeInput } from './image.js';
import { createCpuSession } from './kmeans/cpu.js';
import { buildHistogram, distinctColoursUpTo, gather, sampleIndices, unpackColours } from './kmeans/histogram.js';
import { kmeansPlusPlus, randomInit, warmStartCentroids, type WeightedPoints } from './kmeans/init.js';
import { runLloyd, type FitOutcome } from './kmeans/lloyd.js';
import { createRandom } from './kmeans/random.js';
import type { FitSession } from './kmeans/session.js';
import { measureErrors } from './metrics.js';
import {
  abortError,
  GpuUnavailableError,
  resolveOptions,
  throwIfAborted,
  type QuantizeOptions,
  type QuantizerOptions,
  type ResolvedOptions,
} from './options.js';
import { renderImage, toPalette } from './output.js';
import type { AdapterDescription, QuantizeResult } from './result.js';

/** Pixels k-means++ and empty-cluster re-seeding look at: a seeded sample, the same for every backend. */
const INIT_SAMPLE_PIXELS = 1 << 15;
/** Under `auto`, images smaller than this stay on the CPU: a GPU round trip costs more than it saves. */
const AUTO_GPU_MIN_PIXELS = 1 << 16;

/** A quantizer that keeps its GPU resources between calls. */
export interface Quantizer {
  /** Quantizes one image. Calls on one quantizer run one after another. */
  quantize(input: QuantizeInput, options?: QuantizeOptions): Promise<QuantizeResult>;
  /** Frees the GPU resources this quantizer created (never a device it was given). Idempotent. */
  destroy(): void;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Initial centroids of one attempt. */
function initialCentroids(options: ResolvedOptions, sample: WeightedPoints, attempt: number): Float64Array {
  const random = createRandom(options.seed, 100 + attempt);
  if (options.warmStart && attempt === 1) return warmStartCentroids(sample, options.warmStart, options.k, random);
  if (options.init instanceof Float64Array) return options.init;
  return options.init === 'random' ? randomInit(sample, options.k, random) : kmeansPlusPlus(sample, options.k, random);
}

/** The result when the image has at most k distinct colours: those colours, exactly. */
function exactResult(image: Pixels, colours: Uint32Array, k: number, started: number): QuantizeResult {
  const centroids = unpackColours(colours);
  const palette = toPalette(centroids);
  const lookup = new Map<number, number>();
  colours.forEach((c, i) => lookup.set(c, i));
  const labels = new Uint8Array(image.pixels.length);
  for (let i = 0; i < labels.length; i++) labels[i] = lookup.get(image.pixels[i]! & 0xffffff)!;
  const total = now() - started;
  return {
    palette,
    centroids,
    labels,
    image: renderImage(image.pixels, labels, palette),
    width: image.width,
    height: image.height,
    k,
    paletteSize: colours.length,
    exactPalette: true,
    iterations: 0,
    converged: true,
    inertia: 0,
    mse: 0,
    psnr: Infinity,
    backend: 'cpu',
    attempt: 1,
    timings: { setup: total, init: 0, iterations: 0, assignment: 0, total },
  };
}

export function createQuantizer(defaults: QuantizerOptions = {}): Quantizer {
  resolveOptions(defaults);
  const { gpu, device, maxChunkPixels, ...callDefaults } = defaults;
  let context: Promise<GpuContext | GpuUnavailable> | undefined;
  let destroyed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const gpuContext = async (): Promise<GpuContext | GpuUnavailable> => {
    context ??= GpuContext.create({ gpu, device, maxChunkPixels });
    const ctx = await context;
    if (ctx instanceof GpuContext && ctx.lost) {
      // A lost device is replaced on the next call; its buffers went with it.
      ctx.destroy();
      context = GpuContext.create({ gpu, device, maxChunkPixels });
      return context;
    }
    return ctx;
  };

  async function run(input: QuantizeInput, options: ResolvedOptions): Promise<QuantizeResult> {
    const started = now();
    throwIfAborted(options.signal);
    const image = toPixels(input);
    const n = image.pixels.length;
    const few = distinctColoursUpTo(image.pixels, options.k);
    if (few) return exactResult(image, few, options.k, started);

    // Backend choice.
    let ctx: GpuContext | undefined;
    let fallbackReason: string | undefined;
    let adapter: AdapterDescription | undefined;
    if (options.backend !== 'cpu') {
      const got = await gpuContext();
      throwIfAborted(options.signal);
      if (got instanceof GpuContext) {
        adapter = got.adapter;
        if (options.backend === 'webgpu') ctx = got;
        else if (got.adapter.isFallbackAdapter) fallbackReason = `the WebGPU adapter is a software fallback (${got.adapter.architecture || 'unknown'}); the CPU path is faster`;
        else if (n < AUTO_GPU_MIN_PIXELS) fallbackReason = `the image is small (${n} pixels < ${AUTO_GPU_MIN_PIXELS}); the CPU path is faster`;
        else ctx = got;
      } else {
        adapter = got.adapter;
        if (options.backend === 'webgpu') throw new GpuUnavailableError(`kmeans-quantizer: backend "webgpu" was asked for, but ${got.reason}`);
        fallbackReason = got.reason;
      }
    }

    // Fit set, init sample, initial centroids: computed once on the host, identical for every backend.
    const fitPixels =
      options.sampleSize === undefined || options.sampleSize >= n
        ? image.pixels
        : gather(image.pixels, sampleIndices(n, options.sampleSize, createRandom(options.seed, 1)));
    const initPixels = fitPixels.length <= INIT_SAMPLE_PIXELS ? fitPixels : gather(fitPixels, sampleIndices(fitPixels.length, INIT_SAMPLE_PIXELS, createRandom(options.seed, 2)));
    const initHistogram = buildHistogram(initPixels);
    const sample: WeightedPoints = { points: unpackColours(initHistogram.colors), weights: initHistogram.weights };

    const attempt = async (session: FitSession, setupMs: number): Promise<QuantizeResult> => {
      let initMs = 0;
      let iterationsMs = 0;
      let best: (FitOutcome & { attempt: number }) | undefined;
      for (let a = 1; a <= options.attempts; a++) {
        const t0 = now();
        const initial = initialCentroids(options, sample, a);
        initMs += now() - t0;
        const t1 = now();
        const outcome = await runLloyd(session, initial, {
          maxIterations: options.maxIterations,
          tolerance: options.tolerance,
          attempt: a,
          signal: options.signal,
          onProgress: options.onProgress,
          reseedFrom: sample,
        });
        iterationsMs += now() - t1;
        if (!best || outcome.inertia < best.inertia) best = { ...outcome, attempt: a };
      }
      const winner = best!;
      const t2 = now();
      throwIfAborted(options.signal);
      await session.setCentroids(winner.centroids);
      const labels = await session.labelAll();
      throwIfAborted(options.signal);
      const palette = toPalette(winner.centroids);
      const metrics = measureErrors(image.pixels, labels, winner.centroids, palette);
      const result: QuantizeResult = {
        palette,
        centroids: winner.centroids,
        labels,
        image: renderImage(image.pixels, labels, palette),
        width: image.width,
        height: image.height,
        k: options.k,
        paletteSize: winner.centroids.length / 3,
        exactPalette: false,
        iterations: winner.iterations,
        converged: winner.converged,
        ...metrics,
        backend: session.backend,
        attempt: winner.attempt,
        timings: { setup: setupMs, init: initMs, iterations: iterationsMs, assignment: now() - t2, total: now() - started },
      };
      if (fallbackReason !== undefined) result.fallbackReason = fallbackReason;
      if (adapter) result.adapter = adapter;
      return result;
    };

    if (ctx) {
      try {
        const session = await createWebGpuSession(ctx, fitPixels, image.pixels);
        try {
          return await attempt(session, now() - started);
        } finally {
          session.destroy();
        }
      } catch (error) {
        if (isAbort(error) || options.signal?.aborted) throw options.signal ? abortError(options.signal) : error;
        if (!(error instanceof GpuRunError)) throw error;
        fallbackReason = `the GPU failed mid-run, so the CPU finished the job: ${error.message}`;
      }
    }
    const setupStart = now();
    const session = createCpuSession(fitPixels, image.pixels);
    return attempt(session, now() - setupStart + (setupStart - started));
  }

  return {
    quantize(input, options) {
      if (destroyed) return Promise.reject(new Error('kmeans-quantizer: this quantizer was destroyed'));
      let resolved: ResolvedOptions;
      try {
        resolved = resolveOptions({ ...callDefaults, ...options });
      } catch (error) {
        return Promise.reject(error);
      }
      const next = queue.then(() => run(input, resolved));
      queue = next.catch(() => undefined);
      return next;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      void context?.then((ctx) => {
        if (ctx instanceof GpuContext) ctx.destroy();
      });
    },
  };
}

/** Quantizes one image with a quantizer made for the call and destroyed after it. */
export async function quantize(input: QuantizeInput, options: QuantizerOptions = {}): Promise<QuantizeResult> {
  const quantizer = createQuantizer(options);
  try {
    return await quantizer.quantize(input);
  } finally {
    quantizer.destroy();
  }
}
