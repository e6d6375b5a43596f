/**
 * The events `<kmeans-quantizer>` dispatches. Each one bubbles and is composed (it crosses shadow roots),
 * and each is a `CustomEvent` subclass, so `event.detail` is typed once the element module is imported
 * (see the `HTMLElementEventMap` augmentation at the bottom).
 */
import type { ProgressEvent } from '../options.js';
import type { QuantizeResult } from '../result.js';

/** Detail of {@link KmeansProgressEvent}: one Lloyd iteration of the run in flight. */
export interface KmeansProgressDetail extends ProgressEvent {
  /** The k of the run this iteration belongs to. */
  k: number;
}

/** Detail of {@link KmeansErrorEvent}. */
export interface KmeansErrorDetail {
  /**
   * What went wrong, one of the library's typed errors (src/errors.ts) with a stable `code`: a
   * `RangeError`/`TypeError` from option validation, naming the attribute (`k="0"`, `dither="fs2"`, or
   * text that does not read: `tolerance="abc"`, `fixed-colors="white"`), a `QuantizerError` with code `IO` or `INVALID_IMAGE`
   * when the image could not be loaded or decoded, a `GpuUnavailableError` for `backend="webgpu"` without
   * an adapter. Cancelled runs never produce this event.
   */
  error: unknown;
}

const init = { bubbles: true, composed: true } as const;

/** `kmeans-progress`: fired after every Lloyd iteration of the latest run (stale runs stay silent). */
export class KmeansProgressEvent extends CustomEvent<KmeansProgressDetail> {
  static readonly eventName = 'kmeans-progress' as const;
  constructor(detail: KmeansProgressDetail) {
    super(KmeansProgressEvent.eventName, { ...init, detail });
  }
}

/**
 * `kmeans-complete`: the latest run finished and its result is on screen; `detail` is the full
 * `QuantizeResult`. For a live video source it fires once per quantized frame.
 */
export class KmeansCompleteEvent extends CustomEvent<QuantizeResult> {
  static readonly eventName = 'kmeans-complete' as const;
  constructor(detail: QuantizeResult) {
    super(KmeansCompleteEvent.eventName, { ...init, detail });
  }
}

/** `kmeans-error`: loading or quantizing failed; the message is also shown inside the element. */
export class KmeansErrorEvent extends CustomEvent<KmeansErrorDetail> {
  static readonly eventName = 'kmeans-error' as const;
  constructor(detail: KmeansErrorDetail) {
    super(KmeansErrorEvent.eventName, { ...init, detail });
  }
}

declare global {
  interface HTMLElementEventMap {
    'kmeans-progress': KmeansProgressEvent;
    'kmeans-complete': KmeansCompleteEvent;
    'kmeans-error': KmeansErrorEvent;
  }
}
