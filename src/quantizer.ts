/**
 * The entry points: `createQuantizer()` keeps its GPU device, pipelines and buffers between calls (for
 * real-time use); `quantize()` is a one-shot quantizer. Both validate options once, pick a backend, run
 * the host Lloyd loop on it, and let the CPU finish the job when the GPU fails mid-run.
 */
import { GpuContext, GpuRunError, type GpuUnavailable } from './gpu/context.js';
import { createWebGpuSession } from './gpu/session.js';
import { toPixels, type Pixels, type QuantizeInput } from './image.js';
import { createCpuSession } from './kmeans/cpu.js';
import { distinctColoursUpTo, gather, sampleIndices, unpackColours } from './kmeans/histogram.js';
import { runLloyd, type FitOutcome } from './kmeans/lloyd.js';
import { miniBatchFit } from './kmeans/minibatch.js';
import { createRandom } from './kmeans/random.js';
import { beginInit, initSamples } from './kmeans/seeding.js';
import type { FitSession } from './kmeans/session.js';
import { abortError, GpuUnavailableError, throwIfAborted } from './errors.js';
import {
  resolveOptions,
  type QuantizeOptions,
  type QuantizerOptions,
  type ResolvedOptions,
} from './options.js';
import { renderImage, toPalette } from './output.js';
import { nextTask } from './yield.js';
import type { AdapterDescription, QuantizeResult } from './result.js';

/** Under `auto`, images smaller than this stay on the CPU: a GPU round trip costs more than it saves. */
const AUTO_GPU_MIN_PIXELS = 1 << 16;

/** A 64-bit content fingerprint of the pixels (two 32-bit multiplicative hashes), to recognise an image. */
function fingerprint(pixels: Uint32Array): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    a = Math.imul(a ^ p, 0x01000193);
    b = Math.imul(b ^ p, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

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

/**
 * Orders the colours like the warm-start centroids (each takes its nearest unused colour, in order), so
 * that flat-colour video frames keep their palette order too.
 */
function orderLike(colours: Uint32Array, warm: Float64Array): Uint32Array {
  const points = unpackColours(colours);
  const used = new Uint8Array(colours.length);
  const ordered: number[] = [];
  for (let j = 0; j < warm.length / 3 && ordered.length < colours.length; j++) {
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < colours.length; i++) {
      if (used[i]) continue;
      const dr = points[i * 3]! - warm[j * 3]!;
      const dg = points[i * 3 + 1]! - warm[j * 3 + 1]!;
      const db = points[i * 3 + 2]! - warm[j * 3 + 2]!;
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    used[best] = 1;
    ordered.push(colours[best]!);
  }
  colours.forEach((c, i) => {
    if (!used[i]) ordered.push(c);
  });
  return Uint32Array.from(ordered);
}

/** The result when the image has at most k distinct colours: those colours, exactly. */
function exactResult(image: Pixels, distinct: Uint32Array, k: number, started: number, warm: Float64Array | undefined): QuantizeResult {
  const colours = warm ? orderLike(distinct, warm) : distinct;
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
    threads: 1,
    initInWorker: false,
    attempt: 1,
    timings: { setup: total, init: 0, iterations: 0, assignment: 0, total },
  };
}

/** Options of the quantizer itself (its GPU context and sessions), set once at createQuantizer(). */
const QUANTIZER_ONLY_OPTIONS = ['gpu', 'device', 'maxChunkPixels', 'gpuIterateOn'] as const;

export function createQuantizer(options?: QuantizerOptions): Quantizer {
  return makeQuantizer(options, true);
}

/** `keepImage`: remember the last image's CPU histogram between calls (pointless for one-shot calls). */
function makeQuantizer(options: QuantizerOptions | undefined, keepImage: boolean): Quantizer {
  const defaults = options ?? {};
  resolveOptions(defaults);
  const { gpu, device, maxChunkPixels, gpuIterateOn, ...callDefaults } = defaults;
  const iterateOn = gpuIterateOn ?? 'colours';
  let context: Promise<GpuContext | GpuUnavailable> | undefined;
  let destroyed = false;
  let queue: Promise<unknown> = Promise.resolve();

  // The CPU session of the last image (its colour histogram and worker partitions), kept while the same
  // pixels come back: dragging a k slider re-fits without counting colours again.
  let cached: { key: string | undefined; session: FitSession } | undefined;
  const cpuSession = async (image: Pixels, fitPixels: Uint32Array, options: ResolvedOptions): Promise<FitSession> => {
    const key = keepImage
      ? [image.width, image.height, fingerprint(image.pixels), options.sampleSize ?? 'all', options.sampleSize === undefined ? '' : options.seed, options.threads ?? 'auto'].join(':')
      : undefined;
    if (key !== undefined && cached?.key === key) return cached.session;
    cached?.session.destroy();
    cached = undefined;
    const session = await createCpuSession(fitPixels, image.pixels, options.threads);
    cached = { key, session };
    return session;
  };

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

    const few = distinctColoursUpTo(image.pixels, options.k);
    if (few) {
      const exact = exactResult(image, few, options.k, started, options.warmStart);
      exact.fallbackReason = `the image has at most k = ${options.k} distinct colours, so no clustering ran${fallbackReason ? ` (${fallbackReason})` : ''}`;
      if (adapter) exact.adapter = adapter;
      return exact;
    }

    // Fit set, init sample, initial centroids: computed once on the host, identical for every backend.
    const fitPixels =
      options.sampleSize === undefined || options.sampleSize >= n
        ? image.pixels
        : gather(image.pixels, sampleIndices(n, options.sampleSize, createRandom(options.seed, 1)));
    const samples = initSamples(fitPixels, options);
    // The first attempt's initial centroids: their polishing may run in a worker while the colours are counted.
    const beginStart = now();
    const firstInit = beginInit(options, samples, 1, keepImage);
    const beginMs = now() - beginStart;
    await nextTask();
    throwIfAborted(options.signal);

    const attempt = async (session: FitSession, setupMs: number): Promise<QuantizeResult> => {
      let initMs = beginMs;
      let initInWorker = false;
      let iterationsMs = 0;
      let best: (FitOutcome & { attempt: number }) | undefined;
      for (let a = 1; a <= options.attempts; a++) {
        const t0 = now();
        const start = await (a === 1 ? firstInit : beginInit(options, samples, a, keepImage))();
        if (a === 1) initInWorker = start.inWorker;
        const initial = start.centroids;
        initMs += now() - t0;
        const t1 = now();
        const outcome =
          options.algorithm === 'minibatch'
            ? await miniBatchFit(fitPixels, initial, {
                batchSize: options.batchSize,
                maxIterations: options.maxIterations,
                tolerance: options.tolerance,
                random: createRandom(options.seed, 200 + a),
                attempt: a,
                signal: options.signal,
                onProgress: options.onProgress,
              })
            : await runLloyd(session, initial, {
                maxIterations: options.maxIterations,
                tolerance: options.tolerance,
                attempt: a,
                signal: options.signal,
                onProgress: options.onProgress,
                reseedFrom: samples.refine,
              });
        iterationsMs += now() - t1;
        if (!best || outcome.inertia < best.inertia) best = { ...outcome, attempt: a };
      }
      const winner = best!;
      const t2 = now();
      await nextTask();
      throwIfAborted(options.signal);
      const palette = toPalette(winner.centroids);
      const { labels, metrics, image: painted } = await session.labelAll({ centroids: winner.centroids, palette });
      throwIfAborted(options.signal);
      const result: QuantizeResult = {
        palette,
        centroids: winner.centroids,
        labels,
        image: painted,
        width: image.width,
        height: image.height,
        k: options.k,
        paletteSize: winner.centroids.length / 3,
        exactPalette: false,
        iterations: winner.iterations,
        converged: winner.converged,
        ...metrics,
        backend: session.backend,
        threads: session.threads,
        initInWorker,
        attempt: winner.attempt,
        timings: { setup: setupMs, init: initMs, iterations: iterationsMs, assignment: now() - t2, total: now() - started },
      };
      if (fallbackReason !== undefined) result.fallbackReason = fallbackReason;
      if (adapter) result.adapter = adapter;
      const gpuStats = session.gpuStats?.();
      if (gpuStats) result.gpu = gpuStats;
      return result;
    };

    if (ctx) {
      try {
        const session = await createWebGpuSession(ctx, fitPixels, image.pixels, { iterateOn });
        try {
          return await attempt(session, now() - started - beginMs);
        } finally {
          session.destroy();
        }
      } catch (error) {
        if (isAbort(error) || options.signal?.aborted) throw options.signal ? abortError(options.signal) : error;
        if (!(error instanceof GpuRunError)) throw error;
        fallbackReason = `the GPU failed mid-run, so the CPU finished the job: ${error.message}`;
      }
    }
    const session = await cpuSession(image, fitPixels, options);
    return attempt(session, now() - started - beginMs);
  }

  return {
    quantize(input, options) {
      if (destroyed) return Promise.reject(new Error('kmeans-quantizer: this quantizer was destroyed'));
      let resolved: ResolvedOptions;
      try {
        // What the quantizer keeps between calls can't change per call: say so rather than ignore it.
        for (const key of QUANTIZER_ONLY_OPTIONS) {
          if (options && key in options) throw new TypeError(`kmeans-quantizer: option "${key}" belongs to createQuantizer(), not to a call of quantize()`);
        }
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
      cached?.session.destroy();
      cached = undefined;
      void context?.then((ctx) => {
        if (ctx instanceof GpuContext) ctx.destroy();
      });
    },
  };
}

/** Quantizes one image with a quantizer made for the call and destroyed after it. */
export async function quantize(input: QuantizeInput, options?: QuantizerOptions): Promise<QuantizeResult> {
  const quantizer = makeQuantizer(options, false);
  try {
    return await quantizer.quantize(input);
  } finally {
    quantizer.destroy();
  }
}
