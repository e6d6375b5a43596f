/**
 * The run lifecycle of `<kmeans-quantizer>`, as a Lit reactive controller: it owns the quantizer, the
 * current source (a still image's pixels, or the frames of a live video), the run in flight with its
 * AbortController and id, and the warm-start centroids. It keeps what the host renders (result, original,
 * error, phase, progress, fps), asks the host to re-render through `requestUpdate()`, and tells it about
 * progress, results and errors through callbacks (the host turns them into events).
 *
 * - A new source or new options cancel the run in flight; a run whose id is stale shows nothing and
 *   reports nothing, so only the latest run's result lands.
 * - When only `k` changes, the new run starts from the previous result's centroids (a warm start).
 * - A live source is quantized frame after frame, each frame warm-started from the previous one; frames
 *   that arrive while one is in flight are dropped (video.ts).
 * - With backend auto or webgpu on a hardware adapter (or any adapter, with frame-path="on"), runs go
 *   through the GPU frame path instead (gpu-route.ts): live frames and stills are quantized by
 *   `quantizeFrame()`, warm-started on the GPU, and drawn from the GPU; should that path fail, the
 *   controller goes back to `quantize()` for the rest of its life.
 * - The quantizer is destroyed when the host leaves the document, and made again on the next run.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAbortError } from '../errors.js';
import { optionDefault, type QuantizeOptions } from '../options.js';
import { createQuantizer, type Quantizer } from '../quantizer.js';
import type { QuantizeResult } from '../result.js';
import type { KmeansProgressDetail } from './events.js';
import { adapterMode, checkFramePath, GpuRoute, hasAlpha, routeWanted, type FrameSnapshot, type RouteMode, type Shown } from './gpu-route.js';
import { isLiveSource, loadStill, loadUrl, PixelReader, type ElementImageSource } from './source.js';
import { LiveFrames } from './video.js';

/** Where the controller stands: nothing to quantize, loading the source, a run in flight, a result, an error. */
export type RunPhase = 'idle' | 'loading' | 'running' | 'done' | 'error';

/** The element the controller belongs to. */
export type RunHost = ReactiveControllerHost & { readonly hasUpdated: boolean };

/** What the controller asks of its host, and what it tells it. */
export interface RunCallbacks {
  /** The source to quantize now: a URL, an image, a live video; undefined for none. */
  source(): ElementImageSource | string | undefined;
  /** The engine options of the next run. May throw (bad attribute text): the run then fails with that error. */
  options(): QuantizeOptions;
  /** The element's `frame-path` (checked here: a bad value fails the run). */
  framePath(): string;
  /** One Lloyd iteration of the latest run. */
  progress(detail: KmeansProgressDetail): void;
  /** The latest run's result is now `result` (rendered at the next update). */
  complete(result: QuantizeResult): void;
  /** Loading or quantizing failed (never called for cancelled runs); `error` is now `error`. */
  failed(error: unknown): void;
}

export class RunController implements ReactiveController {
  /** The latest result of the current source, if any. */
  result: QuantizeResult | undefined;
  /** What `result` was computed from: pixels, or (GPU route) a GPU-side snapshot of the video frame. */
  original: Shown | undefined;
  /** What the quantized views draw: the result's image, or (GPU route) the frame drawn on the GPU. */
  quantized: Shown | undefined;
  /** The failure on screen, if any. */
  error: unknown = undefined;
  phase: RunPhase = 'idle';
  /** The latest iteration of the run in flight, cleared when it ends. */
  progress: KmeansProgressDetail | undefined;

  private quantizer: Quantizer | undefined;
  /** Cancels the run in flight. */
  private controller: AbortController | undefined;
  /** Bumped by every new run and every cancellation: a run whose id is stale shows nothing and fires nothing. */
  private runId = 0;
  /** Cancels loading the current source. */
  private loadController: AbortController | undefined;
  private still: Promise<ImageData> | undefined;
  private frames: LiveFrames | undefined;
  private framesPerSecond = 0;
  /** The last result of the current source: where a k change (or the next video frame) starts from. */
  private warm: QuantizeResult | undefined;
  private readonly reader = new PixelReader();
  /** Set by refresh(): the next sync reloads the source. */
  private resetSource = false;
  /** The GPU route of the current mode, once a run took it. */
  private gpuRoute: GpuRoute | undefined;
  /** Set when the GPU route failed: quantize() from then on. */
  private routeFailed = false;
  /** The route the shown result took: undefined for quantize(). */
  shownRoute: RouteMode | undefined;

  constructor(
    private readonly host: RunHost,
    private readonly callbacks: RunCallbacks,
  ) {
    host.addController(this);
  }

  /** Whether the source is a live video. */
  get live(): boolean {
    return this.frames !== undefined;
  }

  /** True while the source loads or a run is in flight (for video: until the first frame is done). */
  get busy(): boolean {
    return this.phase === 'loading' || this.phase === 'running';
  }

  /** Quantized frames per second of a live source (0 for still images). */
  get fps(): number {
    return this.frames ? this.framesPerSecond : 0;
  }

  /** Reloads the source and quantizes it from scratch (no warm start) at the host's next update. */
  refresh(): void {
    this.resetSource = true;
    this.host.requestUpdate();
  }

  hostConnected(): void {
    // Back in the document after a disconnect: start over (the quantizer and the runs were let go).
    if (this.host.hasUpdated) this.refresh();
  }

  hostDisconnected(): void {
    this.stopSource();
    this.quantizer?.destroy();
    this.quantizer = undefined;
    this.gpuRoute = undefined;
  }

  /** The GPU route of a run with `options` (undefined: quantize()); `still`: its pixels, when a still image. */
  private async routeFor(options: QuantizeOptions, still: ImageData | undefined): Promise<GpuRoute | undefined> {
    const path = checkFramePath(this.callbacks.framePath());
    if (this.routeFailed || (still && hasAlpha(still)) || !routeWanted(options, path)) return undefined;
    this.quantizer ??= createQuantizer();
    const mode: RouteMode | undefined = adapterMode(await this.quantizer.gpuAdapter(), path);
    if (!mode) return undefined;
    if (this.gpuRoute?.mode !== mode) this.gpuRoute = new GpuRoute(mode);
    return this.gpuRoute;
  }

  /**
   * Runs `input` through the GPU route; on a failure other than a cancellation, turns the route off and
   * returns undefined (the caller runs quantize() instead).
   */
  private async runRoute(route: GpuRoute, input: Shown, signal: AbortSignal, restart: boolean): Promise<{ result: QuantizeResult; quantized: Shown } | undefined> {
    try {
      return await route.run(this.quantizer!, input, { ...this.callbacks.options(), signal }, restart);
    } catch (error) {
      if (isAbortError(error)) throw error;
      this.routeFailed = true;
      this.gpuRoute = undefined;
      return undefined;
    }
  }

  /**
   * Called by the host before it renders (its `willUpdate`), with what changed: a new source starts
   * over, new options start a new run (warm-started when only `k` changed).
   */
  sync(sourceChanged: boolean, changedOptions: readonly string[]): void {
    if (this.resetSource || sourceChanged) {
      const keepDisplay = this.resetSource && !sourceChanged;
      this.resetSource = false;
      this.setSource(keepDisplay);
      return;
    }
    if (changedOptions.length === 0) return;
    if (this.frames) {
      // The frame in flight is cancelled; the newest frame is quantized with the new options.
      this.cancel();
      this.frames.refresh();
    } else if (this.still) {
      void this.runStill(changedOptions.length === 1 && changedOptions[0] === 'k');
    }
  }

  /** Stops everything tied to the current source: loading, video frames, the run in flight. */
  private stopSource(): void {
    this.loadController?.abort();
    this.loadController = undefined;
    this.still = undefined;
    this.frames?.stop();
    this.frames = undefined;
    this.cancel();
  }

  /** Cancels the run in flight (if any); its result, progress and errors are dropped. */
  private cancel(): void {
    this.runId++;
    this.controller?.abort(new DOMException('superseded by a newer run', 'AbortError'));
    this.controller = undefined;
  }

  private setSource(keepDisplay: boolean): void {
    this.stopSource();
    this.warm = undefined;
    this.error = undefined;
    this.progress = undefined;
    this.framesPerSecond = 0;
    if (!keepDisplay) {
      this.result = undefined;
      this.original = undefined;
      this.quantized = undefined;
    }
    const source = this.callbacks.source();
    this.phase = source === undefined ? 'idle' : 'loading';
    this.host.requestUpdate();
    if (source === undefined) return;
    if (isLiveSource(source)) {
      const frames: LiveFrames = new LiveFrames(source, {
        process: (frame) => this.runFrame(frame),
        snapshot: (video) => (this.gpuRoute?.mode === 'canvas' ? this.gpuRoute.snapshot(video) : undefined),
        onError: (error) => {
          if (this.frames === frames) this.fail(error);
        },
        onFrameDone: (fps) => {
          if (this.frames !== frames) return;
          this.framesPerSecond = fps;
          this.host.requestUpdate();
        },
      });
      this.frames = frames;
      frames.start();
      return;
    }
    const controller = new AbortController();
    this.loadController = controller;
    const still = typeof source === 'string' ? loadUrl(source, controller.signal, this.reader) : loadStill(source, this.reader);
    still.catch(() => undefined); // reported by the runs that await it
    this.still = still;
    void this.runStill(false);
  }

  /** Starts a run: cancels the one in flight and returns the new run's id and signal. */
  private begin(): { id: number; signal: AbortSignal } {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    return { id: this.runId, signal: controller.signal };
  }

  /** Ends run `id`: lets go of its AbortController, unless a newer run took over. */
  private end(id: number): void {
    if (id === this.runId) this.controller = undefined;
  }

  private quantize(pixels: ImageData, id: number, signal: AbortSignal, warm: QuantizeResult | undefined): Promise<QuantizeResult> {
    const options: QuantizeOptions = { ...this.callbacks.options(), signal };
    const k = options.k ?? optionDefault('k');
    options.onProgress = (progress) => {
      if (id !== this.runId) return;
      const detail: KmeansProgressDetail = { ...progress, k };
      this.progress = detail;
      this.host.requestUpdate();
      this.callbacks.progress(detail);
    };
    if (warm) options.warmStart = warm.centroids;
    this.quantizer ??= createQuantizer();
    return this.quantizer.quantize(pixels, options);
  }

  private async runStill(warmStart: boolean): Promise<void> {
    const still = this.still;
    if (!still) return;
    const { id, signal } = this.begin();
    const warm = warmStart ? this.warm : undefined;
    this.error = undefined;
    this.progress = undefined;
    this.host.requestUpdate();
    try {
      const pixels = await still;
      if (id !== this.runId) return;
      this.phase = 'running';
      this.host.requestUpdate();
      const route = await this.routeFor(this.callbacks.options(), pixels);
      const routed = route && id === this.runId ? await this.runRoute(route, pixels, signal, !warmStart) : undefined;
      if (routed) {
        if (id === this.runId) this.show(routed.result, pixels, routed.quantized);
        return;
      }
      if (id !== this.runId) return;
      const result = await this.quantize(pixels, id, signal, warm);
      if (id === this.runId) this.show(result, pixels);
    } catch (error) {
      if (id === this.runId && !isAbortError(error)) this.fail(error);
    } finally {
      this.end(id);
    }
  }

  /**
   * Quantizes one video frame (pixels, or a GPU-side snapshot on the GPU route), warm-started from the
   * previous frame so the palette keeps its order.
   */
  private async runFrame(frame: ImageData | FrameSnapshot): Promise<boolean> {
    const { id, signal } = this.begin();
    try {
      const route = await this.routeFor(this.callbacks.options(), undefined);
      const routed = route && id === this.runId ? await this.runRoute(route, frame, signal, false) : undefined;
      if (id !== this.runId) return false;
      if (routed) {
        this.show(routed.result, frame, routed.quantized);
        return true;
      }
      // A snapshot is only taken on the GPU route; should it have failed meanwhile, the next frame is read as pixels.
      if (!(frame instanceof ImageData)) return false;
      const result = await this.quantize(frame, id, signal, this.warm);
      if (id !== this.runId) return false;
      this.show(result, frame);
      return true;
    } catch (error) {
      if (id === this.runId && !isAbortError(error)) this.fail(error);
      return false;
    } finally {
      this.end(id);
    }
  }

  private show(result: QuantizeResult, original: Shown, quantized?: Shown): void {
    this.result = result;
    this.original = original;
    this.quantized = quantized;
    this.shownRoute = quantized ? this.gpuRoute?.mode : undefined;
    this.warm = result;
    this.error = undefined;
    this.progress = undefined;
    this.phase = 'done';
    this.host.requestUpdate();
    this.callbacks.complete(result);
  }

  private fail(error: unknown): void {
    this.error = error;
    this.phase = 'error';
    this.progress = undefined;
    this.result = undefined;
    this.original = undefined;
    this.quantized = undefined;
    // A failing video waits for new options instead of failing on every frame.
    if (this.frames) this.frames.hold = true;
    this.host.requestUpdate();
    this.callbacks.failed(error);
  }
}
