/**
 * The entry points. A quantizer keeps its GPU device, pipelines and buffers (and the CPU histogram of the
 * last image) between calls, for real-time use; `quantize()`, `fitPalette()` and `applyPalette()` are
 * one-shot quantizers. Each call validates its input first, chooses the backend (backend-choice.ts),
 * fits the palette (fit.ts), applies it (apply.ts) and builds the result (result.ts); when the GPU fails
 * mid-run the CPU redoes the work from the same starting point.
 */
import { ALPHA_ON_CPU, alphaImage, alphaPaletteOf, applyAlphaPalette, fitAlphaPalette, hasTransparency, type AlphaPalette } from './alpha-quantize.js';
import { applyExact, applyOnSession, checkPalette, type AppliedImage, type PaletteInput } from './apply.js';
import { AutoCalibration } from './auto-calibration.js';
import { chooseBackend, type BackendChoice } from './backend-choice.js';
import { abortError, GpuRunError, GpuUnavailableError, isAbortError, QuantizerError, QuantizerTypeError, throwIfAborted } from './errors.js';
import { exactColours, exactFit, fitOnSession, planFit, type Fit } from './fit.js';
import { resolveFrameOptions, type FrameOptions, type FrameResult, type FrameSource } from './frame.js';
import { GpuContext, type GpuUnavailable } from './gpu/context.js';
import { FramePipeline } from './gpu/frame.js';
import { createWebGpuSession } from './gpu/session.js';
import { toPixels, type Pixels, type QuantizeInput } from './image.js';
import { createCpuSession } from './kmeans/cpu.js';
import { distinctColoursUpTo } from './kmeans/histogram.js';
import type { FitSession, FittedCentroids } from './kmeans/session.js';
import {
  QUANTIZER_OPTION_NAMES,
  resolveOptions,
  resolveQuantizerOptions,
  type QuantizeOptions,
  type QuantizerOptions,
  type ResolvedOptions,
  type ResolvedQuantizerOptions,
} from './options.js';
import { packedPalette } from './output.js';
import { buildResult, runFields, type AdapterDescription, type AppliedPalette, type PaletteFit, type QuantizeResult, type RunDescription } from './result.js';
import { nextTask } from './yield.js';
import { now } from './yield.js';

export type { PaletteInput } from './apply.js';

/** An RGBA palette to apply: an RGBA fit (its `paletteAlpha`), or RGB bytes with one alpha byte per colour. */
export interface AlphaPaletteInput {
  palette: Uint8Array;
  paletteAlpha: Uint8Array;
  centroids?: Float64Array;
}

/** Options of applying a palette: where it runs, and cancellation. */
export type ApplyOptions = Pick<QuantizeOptions, 'backend' | 'threads' | 'signal' | 'colorSpace' | 'dither' | 'ditherLevel'>;

const APPLY_OPTION_NAMES: ReadonlySet<string> = new Set(['backend', 'threads', 'signal', 'colorSpace', 'dither', 'ditherLevel']);

/** A quantizer that keeps its GPU resources between calls. Calls on one quantizer run one after another. */
export interface Quantizer {
  /** Fits a palette to the image and applies it: labels, output image, metrics. */
  quantize(input: QuantizeInput, options?: QuantizeOptions): Promise<QuantizeResult>;
  /**
   * Fits a palette to an image, or to several at once (their pixels pooled), without labelling them: apply
   * it later to any image or video frame with {@link Quantizer.apply}.
   */
  fit(input: QuantizeInput | readonly QuantizeInput[], options?: QuantizeOptions): Promise<PaletteFit>;
  /**
   * Applies a palette (a fit, RGB bytes or [r, g, b] colours) to an image without fitting: it never moves.
   * A palette with `paletteAlpha` (an RGBA fit) labels in the 4-D premultiplied space and paints its alpha;
   * an RGB palette labels by RGB and keeps each pixel's alpha.
   */
  apply(input: QuantizeInput, palette: PaletteInput | AlphaPaletteInput, options?: ApplyOptions): Promise<AppliedPalette>;
  /**
   * Quantizes a frame on the GPU from end to end (src/gpu/frame.ts): the source (an ImageBitmap, video,
   * VideoFrame, canvas, image, ImageData or a GPUTexture of this quantizer's device) is copied into a
   * texture without the host, k-means runs there (warm-started from the previous frame's centroids, kept
   * on the GPU, when k is the same), and the quantized frame is painted into `result.texture` and drawn
   * into `options.target`. One submit, one readback of a few hundred bytes (palette, counts, status);
   * labels and image come back only when `options.read` asks. Always on the GPU (software adapters too);
   * without one it rejects with GpuUnavailableError. A frame with transparency keeps each pixel's alpha
   * but is clustered by RGB.
   */
  quantizeFrame(source: FrameSource, options?: FrameOptions): Promise<FrameResult>;
  /** The adapter this quantizer's GPU work runs on (its device requested at the first use), or undefined without one. */
  gpuAdapter(): Promise<AdapterDescription | undefined>;
  /** Frees the GPU resources this quantizer created (never a device it was given). Idempotent. */
  destroy(): void;
}


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

/**
 * The pixels of one call, taken when the call is made (before it waits its turn or yields): validated
 * first, so a bad image is reported even with an aborted signal; then, unless the signal has fired, the
 * caller's bytes are copied, so that changing them after the call returns cannot reach the run.
 */
function takePixels(input: QuantizeInput, signal: AbortSignal | undefined): Pixels {
  const image = toPixels(input);
  throwIfAborted(signal);
  const shared = typeof input === 'object' && input !== null && 'data' in input;
  return shared ? { pixels: image.pixels.slice(), width: image.width, height: image.height } : image;
}

/** Several images as one set of pixels to fit (one image's pixels after another), taken as takePixels() does. */
function takePooledPixels(inputs: readonly QuantizeInput[], signal: AbortSignal | undefined): Pixels {
  if (inputs.length === 0) throw new QuantizerTypeError('INVALID_IMAGE', 'fit() needs at least one image, got an empty array', 'input');
  const images = inputs.map((input) => toPixels(input));
  throwIfAborted(signal);
  const pixels = new Uint32Array(images.reduce((n, image) => n + image.pixels.length, 0));
  let at = 0;
  for (const image of images) {
    pixels.set(image.pixels, at);
    at += image.pixels.length;
  }
  return images.length === 1 ? { ...images[0]!, pixels } : { pixels, width: pixels.length, height: 1 };
}

function paletteFit(fit: Fit, o: ResolvedOptions, exact: boolean, run: RunDescription, timings: PaletteFit['timings']): PaletteFit {
  const { centroids, palette, iterations, converged, inertia, attempt, initInWorker } = fit;
  return { palette, centroids, colorSpace: o.colorSpace, k: o.k, paletteSize: centroids.length / 3, exactPalette: exact, iterations, converged, inertia, attempt, initInWorker, ...runFields(run), timings };
}

function appliedPalette(fitted: FittedCentroids, image: Pixels, labelled: AppliedImage, o: ResolvedOptions, run: RunDescription, timings: AppliedPalette['timings']): AppliedPalette {
  const { palette, centroids } = fitted;
  const { labels, image: painted, metrics, ditheredOn, distinctColours } = labelled;
  const { colorSpace, dither, ditherLevel } = o;
  return { palette, centroids, paletteSize: palette.length / 3, colorSpace, dither, ditherLevel, ...(ditheredOn ? { ditheredOn } : {}), labels, image: painted, width: image.width, height: image.height, ...(distinctColours !== undefined ? { distinctColours } : {}), ...metrics, ...runFields(run), timings };
}

/** The options of one call: the quantizer's defaults, then the call's, with the quantizer-only ones refused. */
function callOptions(defaults: QuantizeOptions, options: QuantizeOptions | undefined): ResolvedOptions {
  for (const key of QUANTIZER_OPTION_NAMES) {
    if (options && key in options) {
      throw new QuantizerTypeError('MISPLACED_OPTION', `option "${key}" belongs to createQuantizer(), not to a call`, key);
    }
  }
  return resolveOptions({ ...defaults, ...options });
}

function applyOptions(defaults: QuantizeOptions, options: ApplyOptions | undefined): ResolvedOptions {
  for (const key of Object.keys(options ?? {})) {
    if (!APPLY_OPTION_NAMES.has(key)) {
      throw new QuantizerTypeError('MISPLACED_OPTION', `option "${key}" has no effect on apply(), which takes backend, threads and signal`, key);
    }
  }
  return callOptions(defaults, options);
}

/** What a session runs: the work of one call on one backend. */
type SessionWork<T> = (session: FitSession, run: RunDescription) => Promise<T>;

/** The CPU session of the last image (its colour histogram and worker partitions), and what it was made for. */
interface CachedSession {
  key: string | undefined;
  session: FitSession;
}

/**
 * The quantizer behind createQuantizer() and the one-shot calls. `keepImage`: remember the last image's
 * CPU histogram between calls (pointless for one-shot calls), so that dragging a k slider re-fits without
 * counting colours again; it also lets the init helper worker start.
 */
class PooledQuantizer implements Quantizer {
  private readonly defaults: QuantizeOptions;
  private readonly own: ResolvedQuantizerOptions;
  private context: Promise<GpuContext | GpuUnavailable> | undefined;
  private destroyed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private cached: CachedSession | undefined;
  /** `auto`'s timings of both paths, per bucket of like calls (src/auto-calibration.ts). */
  private readonly calibration = new AutoCalibration();
  /** The frame path of the current GPU context, made at the first quantizeFrame(). */
  private frames: { ctx: GpuContext; pipeline: FramePipeline } | undefined;

  private readonly keepImage: boolean;

  constructor(options: QuantizerOptions | undefined, lifetime: { keepImage: boolean }) {
    this.keepImage = lifetime.keepImage;
    const { gpu, device, maxChunkPixels, gpuIterateOn, ...defaults }: QuantizerOptions = options ?? {};
    resolveOptions(defaults);
    this.defaults = defaults;
    this.own = resolveQuantizerOptions({ gpu, device, maxChunkPixels, gpuIterateOn });
  }

  quantize(input: QuantizeInput, options?: QuantizeOptions): Promise<QuantizeResult> {
    return this.enqueue(() => {
      const o = callOptions(this.defaults, options);
      const image = takePixels(input, o.signal);
      return () => this.runQuantize(image, o);
    });
  }

  fit(input: QuantizeInput | readonly QuantizeInput[], options?: QuantizeOptions): Promise<PaletteFit> {
    return this.enqueue(() => {
      const o = callOptions(this.defaults, options);
      const image = Array.isArray(input) ? takePooledPixels(input, o.signal) : takePixels(input as QuantizeInput, o.signal);
      return () => this.runFit(image, o);
    });
  }

  apply(input: QuantizeInput, palette: PaletteInput | AlphaPaletteInput, options?: ApplyOptions): Promise<AppliedPalette> {
    return this.enqueue(() => {
      const o = applyOptions(this.defaults, options);
      const rgba = alphaPaletteOf(palette);
      if (rgba) {
        const image = takePixels(input, o.signal);
        return () => this.runAlphaApply(image, rgba, o);
      }
      const fitted = checkPalette(palette);
      const image = takePixels(input, o.signal);
      return () => this.runApply(image, fitted, o);
    });
  }

  quantizeFrame(source: FrameSource, options?: FrameOptions): Promise<FrameResult> {
    return this.enqueue(() => {
      const o = resolveFrameOptions(this.defaults, options);
      return () => this.runFrame(source, o);
    });
  }

  gpuAdapter(): Promise<AdapterDescription | undefined> {
    return this.enqueue(() => async () => {
      const ctx = await this.gpuContext();
      return ctx instanceof GpuContext ? ctx.adapter : undefined;
    });
  }

  private async runFrame(source: FrameSource, o: ReturnType<typeof resolveFrameOptions>): Promise<FrameResult> {
    throwIfAborted(o.signal);
    const ctx = await this.gpuContext();
    if (!(ctx instanceof GpuContext)) throw new GpuUnavailableError(`quantizeFrame() runs on the GPU only: ${ctx.reason}`);
    throwIfAborted(o.signal);
    if (this.frames?.ctx !== ctx) {
      this.frames?.pipeline.destroy();
      this.frames = { ctx, pipeline: new FramePipeline(ctx) };
    }
    return this.frames.pipeline.run(source, o);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.frames?.pipeline.destroy();
    this.frames = undefined;
    this.cached?.session.destroy();
    this.cached = undefined;
    void this.context?.then((ctx) => {
      if (ctx instanceof GpuContext) ctx.destroy();
    });
  }

  /** Queues one call after the previous ones; bad arguments reject at once, before any queued work. */
  private enqueue<T>(prepare: () => () => Promise<T>): Promise<T> {
    if (this.destroyed) return Promise.reject(new QuantizerError('INVALID_STATE', 'this quantizer was destroyed'));
    let work: () => Promise<T>;
    try {
      work = prepare();
    } catch (error) {
      return Promise.reject(error);
    }
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runQuantize(image: Pixels, o: ResolvedOptions): Promise<QuantizeResult> {
    const started = now();
    throwIfAborted(o.signal);
    if (hasTransparency(image.pixels)) return this.runAlphaQuantize(image, o, started);
    return this.fitThen('quantize', image, o, started, async (fit, session) => {
      const t = now();
      const labelled = session ? await applyOnSession(session, fit, o.signal, { image, options: o }) : applyExact(image, packedPalette(fit.palette), fit.palette);
      const run: RunDescription = session ? { ...fit, gpu: session.gpuStats?.() } : fit;
      const applied = appliedPalette(fit, image, labelled, o, run, { setup: 0, assignment: now() - t, total: now() - t });
      return buildResult(fit, applied, now() - started);
    });
  }

  private async runFit(image: Pixels, o: ResolvedOptions): Promise<PaletteFit> {
    const started = now();
    throwIfAborted(o.signal);
    if (hasTransparency(image.pixels)) return (await this.alphaFit(image, o, started)).fit;
    return this.fitThen('fit', image, o, started, async (fit) => fit);
  }

  private async runApply(image: Pixels, fitted: FittedCentroids, o: ResolvedOptions): Promise<AppliedPalette> {
    const started = now();
    throwIfAborted(o.signal);
    const choice = await chooseBackend(o.backend, image.pixels.length, () => this.gpuContext(), { calibration: this.calibration, call: 'apply', k: fitted.centroids.length / 3 });
    throwIfAborted(o.signal);
    return this.onBackend(choice, image, image.pixels, o, async (session, run) => {
      const setup = now() - started;
      const labelled = await applyOnSession(session, fitted, o.signal, { image, options: o });
      const total = now() - started;
      return appliedPalette(fitted, image, labelled, o, { ...run, gpu: session.gpuStats?.() }, { setup, assignment: total - setup, total });
    });
  }

  /** Images with transparency: an RGBA palette, fitted on the CPU (src/alpha-quantize.ts). */
  private async alphaFit(image: Pixels, o: ResolvedOptions, started: number): Promise<{ fit: PaletteFit; histogram: ReturnType<typeof alphaImage> }> {
    const run = await this.alphaRun(o, image.pixels.length);
    const histogram = alphaImage(image);
    const setup = now() - started;
    const fit = await fitAlphaPalette(image.pixels, o, histogram);
    const reason = fit.exact ? `the image has at most k = ${o.k} distinct RGBA colours, so no clustering ran${run.fallbackReason ? ` (${run.fallbackReason})` : ''}` : run.fallbackReason;
    const described: RunDescription = { ...run, ...(reason ? { fallbackReason: reason } : {}) };
    const timings = { setup, init: fit.initMs, iterations: fit.iterationsMs, total: now() - started };
    return { fit: { ...paletteFit(fit, o, fit.exact, described, timings), paletteAlpha: fit.paletteAlpha }, histogram };
  }

  private async runAlphaQuantize(image: Pixels, o: ResolvedOptions, started: number): Promise<QuantizeResult> {
    const { fit, histogram } = await this.alphaFit(image, o, started);
    const t = now();
    const labelled = applyAlphaPalette(image, fit as AlphaPalette & PaletteFit, o, histogram);
    const applied = appliedPalette(fit, image, labelled, o, fit, { setup: 0, assignment: now() - t, total: now() - t });
    return buildResult(fit, { ...applied, paletteAlpha: fit.paletteAlpha! }, now() - started);
  }

  private async runAlphaApply(image: Pixels, palette: AlphaPalette, o: ResolvedOptions): Promise<AppliedPalette> {
    const started = now();
    throwIfAborted(o.signal);
    const run = await this.alphaRun(o, image.pixels.length);
    const labelled = applyAlphaPalette(image, palette, o);
    const total = now() - started;
    return { ...appliedPalette(palette, image, labelled, o, run, { setup: 0, assignment: total, total }), paletteAlpha: palette.paletteAlpha };
  }

  /**
   * Where an alpha image runs: the CPU, saying why when the GPU was asked for or considered (the backend
   * is still chosen, so that `backend: 'webgpu'` without a GPU throws as it does for opaque images).
   */
  private async alphaRun(o: ResolvedOptions, pixels: number): Promise<RunDescription> {
    this.throwIfDestroyed();
    if (o.backend === 'cpu') return { backend: 'cpu', threads: 1 };
    const choice = await chooseBackend(o.backend, pixels, () => this.gpuContext());
    throwIfAborted(o.signal);
    const fallbackReason = `${ALPHA_ON_CPU}${choice.fallbackReason ? ` (${choice.fallbackReason})` : ''}`;
    return { backend: 'cpu', threads: 1, fallbackReason, ...(choice.adapter ? { adapter: choice.adapter } : {}) };
  }

  /** Fits one image (or pooled images); `then` continues on the same session (quantize applies there). */
  private async fitThen<T>(call: 'fit' | 'quantize', image: Pixels, o: ResolvedOptions, started: number, then: (fit: PaletteFit, session: FitSession | undefined) => Promise<T>): Promise<T> {
    const choice = await chooseBackend(o.backend, image.pixels.length, () => this.gpuContext(), { calibration: this.calibration, call, k: o.k });
    throwIfAborted(o.signal);
    const distinct = exactColours(image.pixels, o);
    if (distinct) {
      const exact = exactFit(distinct, o.warmStart, o.fixedColors);
      const reason = `the image has at most k = ${o.k} distinct colours, so no clustering ran${choice.fallbackReason ? ` (${choice.fallbackReason})` : ''}`;
      const run: RunDescription = { backend: 'cpu', threads: 1, fallbackReason: reason, adapter: choice.adapter };
      return then(paletteFit(exact, o, true, run, { setup: now() - started, init: 0, iterations: 0, total: now() - started }), undefined);
    }
    const plan = planFit(image.pixels, o, this.keepImage);
    await nextTask();
    throwIfAborted(o.signal);
    return this.onBackend(choice, image, plan.fitPixels, o, async (session, run) => {
      const setup = now() - started - plan.beginMs;
      const fit = await fitOnSession(session, plan, o);
      const timings = { setup, init: fit.initMs, iterations: fit.iterationsMs, total: now() - started };
      return then(paletteFit(fit, o, false, { ...run, gpu: session.gpuStats?.() }, timings), session);
    });
  }

  /**
   * Runs `work` on the chosen backend; when the GPU fails mid-run, the CPU does it again. A call cancelled
   * rejects with an AbortError; one whose quantizer is destroyed meanwhile rejects with INVALID_STATE.
   * Under `auto`'s calibration, the call's time on its backend is recorded (not when the GPU failed).
   */
  private async onBackend<T>(choice: BackendChoice, image: Pixels, fitPixels: Uint32Array, o: ResolvedOptions, work: SessionWork<T>): Promise<T> {
    this.throwIfDestroyed();
    let fallbackReason = choice.fallbackReason;
    const auto = choice.auto;
    const run = (session: FitSession): RunDescription => ({ backend: session.backend, threads: session.threads, fallbackReason, adapter: choice.adapter, ...(auto ? { auto: auto.choice } : {}) });
    const started = now();
    const timed = async (session: FitSession): Promise<T> => {
      const out = await work(session, run(session));
      if (auto && session.backend === auto.path) this.calibration.record(auto.key, auto.path, now() - started);
      return out;
    };
    if (choice.gpu) {
      try {
        const session = await createWebGpuSession(choice.gpu, fitPixels, image.pixels, { iterateOn: this.own.gpuIterateOn, signal: o.signal, colorSpace: o.colorSpace });
        try {
          return await timed(session);
        } finally {
          session.destroy();
        }
      } catch (error) {
        if (o.signal?.aborted) throw abortError(o.signal);
        this.throwIfDestroyed('during the call');
        if (isAbortError(error) || !(error instanceof GpuRunError)) throw error;
        fallbackReason = `the GPU failed mid-run, so the CPU finished the job: ${error.message}`;
      }
    }
    const session = await this.cpuSession(image, fitPixels, o);
    return timed(session);
  }

  private throwIfDestroyed(when = 'before the call ran'): void {
    if (this.destroyed) throw new QuantizerError('INVALID_STATE', `this quantizer was destroyed ${when}`);
  }

  /** The CPU session of this image, the cached one while the same pixels come back. */
  private async cpuSession(image: Pixels, fitPixels: Uint32Array, o: ResolvedOptions): Promise<FitSession> {
    const sampled = fitPixels !== image.pixels;
    const key = this.keepImage
      ? [image.width, image.height, fingerprint(image.pixels), sampled ? o.sampleSize : 'all', sampled ? o.seed : '', o.threads ?? 'auto', o.colorSpace].join(':')
      : undefined;
    if (key !== undefined && this.cached?.key === key) return this.cached.session;
    this.cached?.session.destroy();
    this.cached = undefined;
    const session = await createCpuSession(fitPixels, image.pixels, o.threads, o.colorSpace);
    if (this.destroyed) {
      // Destroyed while the session was being made: nothing may outlive destroy().
      session.destroy();
      this.throwIfDestroyed('during the call');
    }
    this.cached = { key, session };
    return session;
  }

  /**
   * The GPU context, made on first use and checked before each call: a lost device of the quantizer's own
   * is replaced (its buffers went with it), one the caller gave is never used again (the CPU runs, and
   * says why), and a device that could not be had is requested again on the next call.
   */
  private async gpuContext(): Promise<GpuContext | GpuUnavailable> {
    this.throwIfDestroyed();
    this.context ??= GpuContext.create(this.own);
    const got = await this.adopt(this.context);
    if (!(got instanceof GpuContext) || (await got.usable())) return got;
    got.destroy();
    this.throwIfDestroyed('during the call');
    if (!got.ownsDevice) {
      const gone = got.lostReason();
      this.context = Promise.resolve(gone);
      return gone;
    }
    this.context = GpuContext.create(this.own);
    return this.adopt(this.context);
  }

  /** The context once made, destroyed if the quantizer was meanwhile; a failure to be retried is forgotten. */
  private async adopt(context: Promise<GpuContext | GpuUnavailable>): Promise<GpuContext | GpuUnavailable> {
    const got = await context;
    if (this.destroyed) {
      if (got instanceof GpuContext) got.destroy();
      this.throwIfDestroyed('during the call');
    }
    if (!(got instanceof GpuContext) && got.retry && this.context === context) this.context = undefined;
    return got;
  }
}

/** Creates a quantizer that keeps its GPU device, pipelines and buffers, and the last image's CPU histogram, between calls. */
export function createQuantizer(options?: QuantizerOptions): Quantizer {
  return new PooledQuantizer(options, { keepImage: true });
}

/** Runs one call on a quantizer made for it and destroyed after it. */
async function oneShot<T>(options: QuantizerOptions | undefined, call: (quantizer: Quantizer) => Promise<T>): Promise<T> {
  const quantizer = new PooledQuantizer(options, { keepImage: false });
  try {
    return await call(quantizer);
  } finally {
    quantizer.destroy();
  }
}

/** Quantizes one image with a quantizer made for the call and destroyed after it. */
export function quantize(input: QuantizeInput, options?: QuantizerOptions): Promise<QuantizeResult> {
  return oneShot(options, (quantizer) => quantizer.quantize(input));
}

/** Fits a palette to an image (or several) with a quantizer made for the call. */
export function fitPalette(input: QuantizeInput | readonly QuantizeInput[], options?: QuantizerOptions): Promise<PaletteFit> {
  return oneShot(options, (quantizer) => quantizer.fit(input));
}

/** Applies a palette to an image with a quantizer made for the call; `options` may also hold the quantizer's (gpu, device, ...). */
export function applyPalette(input: QuantizeInput, palette: PaletteInput | AlphaPaletteInput, options?: ApplyOptions & Pick<QuantizerOptions, 'gpu' | 'device' | 'maxChunkPixels' | 'gpuIterateOn'>): Promise<AppliedPalette> {
  const { gpu, device, maxChunkPixels, gpuIterateOn, ...call } = options ?? {};
  return oneShot({ gpu, device, maxChunkPixels, gpuIterateOn }, (quantizer) => quantizer.apply(input, palette, call));
}
