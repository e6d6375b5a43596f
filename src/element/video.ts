/**
 * Live video: pulls frames from a <video> (or a MediaStream played through a <video> of our own) and hands
 * them, one at a time, to the element. A frame that arrives while the previous one is still being
 * quantized is not queued: only the newest frame is processed next, so a slow backend drops frames instead
 * of falling behind.
 */
import { isAbortError } from '../errors.js';
import type { FrameSnapshot } from './gpu-route.js';
import { PixelReader, type LiveImageSource } from './source.js';

/** How many recent frames the frames-per-second figure averages over, at most. */
const FPS_WINDOW_MS = 2000;

export interface LiveFramesOptions {
  /** Quantizes and shows one frame; resolves true when the frame made it to the screen (not cancelled). */
  process(frame: ImageData | FrameSnapshot): Promise<boolean>;
  /** A GPU-side copy of the video's frame to quantize instead of its pixels, or undefined to read them. */
  snapshot?(video: HTMLVideoElement): FrameSnapshot | undefined;
  /** A failure of the video itself (e.g. play() refused). */
  onError(error: unknown): void;
  /** After each frame that made it to the screen, with the updated frames-per-second figure. */
  onFrameDone?(fps: number): void;
}

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

export class LiveFrames {
  /** Completed frames per second over the last two seconds (0 until two frames are done). */
  fps = 0;
  /** While true, new frames are not processed (set after an error until the options change). */
  hold = false;
  readonly video: HTMLVideoElement;
  private readonly owned: boolean;
  private readonly reader = new PixelReader();
  private stopped = false;
  private busy = false;
  private pending = false;
  private handle: number | undefined;
  private usesFrameCallback: boolean;
  private lastTime = -1;
  private done: number[] = [];
  private readonly onMediaEvent = (): void => this.frameArrived();

  constructor(
    source: LiveImageSource,
    private readonly options: LiveFramesOptions,
  ) {
    if (source instanceof HTMLVideoElement) {
      this.video = source;
      this.owned = false;
    } else {
      const video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.autoplay = true;
      video.srcObject = source;
      this.video = video;
      this.owned = true;
    }
    this.usesFrameCallback = typeof (this.video as FrameCallbackVideo).requestVideoFrameCallback === 'function';
  }

  /** Starts playing (our own video only) and watching for frames. */
  start(): void {
    const { video } = this;
    video.addEventListener('loadeddata', this.onMediaEvent);
    video.addEventListener('seeked', this.onMediaEvent);
    if (this.owned) {
      video.play().catch((error: unknown) => {
        if (!this.stopped && !isAbortError(error)) this.options.onError(error);
      });
    }
    this.schedule();
    // A paused <video> that already shows a frame gets quantized once, right away.
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) this.frameArrived();
  }

  /** Stops watching; our own video is paused and let go of its stream. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const video = this.video as FrameCallbackVideo;
    if (this.handle !== undefined) {
      if (this.usesFrameCallback) video.cancelVideoFrameCallback?.(this.handle);
      else cancelAnimationFrame(this.handle);
    }
    video.removeEventListener('loadeddata', this.onMediaEvent);
    video.removeEventListener('seeked', this.onMediaEvent);
    if (this.owned) {
      video.pause();
      video.srcObject = null;
    }
  }

  /** Processes the current frame again (after the options changed), once the frame in flight is done. */
  refresh(): void {
    this.hold = false;
    this.lastTime = -1;
    this.frameArrived();
  }

  private schedule(): void {
    if (this.stopped) return;
    const video = this.video as FrameCallbackVideo;
    if (this.usesFrameCallback) {
      this.handle = video.requestVideoFrameCallback!(() => {
        this.frameArrived();
        this.schedule();
      });
    } else {
      this.handle = requestAnimationFrame(() => {
        // Without frame callbacks, a new frame is a new media time.
        if (this.video.currentTime !== this.lastTime) this.frameArrived();
        this.schedule();
      });
    }
  }

  private frameArrived(): void {
    if (this.stopped || this.hold) return;
    if (this.busy) {
      this.pending = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    const { video } = this;
    this.pending = false;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0 || video.videoHeight === 0) return;
    this.busy = true;
    try {
      this.lastTime = video.currentTime;
      const frame = this.options.snapshot?.(video) ?? this.reader.read(video, video.videoWidth, video.videoHeight);
      const shown = await this.options.process(frame);
      if (shown && !this.stopped) {
        this.countFrame();
        this.options.onFrameDone?.(this.fps);
      }
    } catch (error) {
      if (!this.stopped) this.options.onError(error);
    } finally {
      this.busy = false;
    }
    if (this.pending && !this.stopped && !this.hold) void this.pump();
  }

  private countFrame(): void {
    const t = performance.now();
    this.done.push(t);
    while (this.done.length > 2 && t - this.done[0]! > FPS_WINDOW_MS) this.done.shift();
    const first = this.done[0]!;
    this.fps = this.done.length > 1 && t > first ? ((this.done.length - 1) * 1000) / (t - first) : 0;
  }
}
