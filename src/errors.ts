/**
 * Every error the library throws on purpose, typed, each with a stable `code` that callers can switch on
 * (messages may be reworded; codes are not). Messages carry no `kmeans-quantizer: ` prefix: the places
 * that show a message to a person (the CLI, the element) add what they need through {@link displayMessage}.
 *
 * Invalid input keeps the built-in class callers already test for (`TypeError` for a wrong type or an
 * unknown name, `RangeError` for a value out of range), so `instanceof RangeError` still works; a
 * cancelled run rejects with the platform's `AbortError` (a `DOMException`), as `fetch()` does.
 */

/** The stable codes of the library's errors. */
export type ErrorCode =
  /** An option, argument or field of the wrong type, or a name that is not known. */
  | 'INVALID_TYPE'
  /** An option, argument or field whose value is out of range. */
  | 'OUT_OF_RANGE'
  /** An option given where it does not belong (a quantizer-level option passed to one call). */
  | 'MISPLACED_OPTION'
  /** An image that can't be read: wrong type, wrong data length, an unsupported or broken file. */
  | 'INVALID_IMAGE'
  /** An image file in a format this build does not decode (HEIF, BMP, JPEG XL; GIF, WebP, AVIF, TIFF without sharp). */
  | 'UNSUPPORTED_FORMAT'
  /** A palette file that can't be read: not a GIMP palette, a JSON palette or a PNG, or a malformed one. */
  | 'INVALID_PALETTE'
  /** `backend: 'webgpu'` was asked for and no adapter or device could be had. */
  | 'GPU_UNAVAILABLE'
  /** The GPU failed during a run (lost device, validation or out-of-memory error); the CPU takes over. */
  | 'GPU_RUN_FAILED'
  /** A quantizer, session or other object used after `destroy()`, or used in a way its state forbids. */
  | 'INVALID_STATE'
  /** A file could not be read or written. */
  | 'IO'
  /** The run was cancelled through its `AbortSignal`. */
  | 'ABORTED';

/** The prefix shown before a message where the library speaks for itself (the CLI, logs). */
export const MESSAGE_PREFIX = 'kmeans-quantizer: ';

/** A wrong type, an unknown option name or a misplaced option; `option` names the option or argument at fault. */
export class QuantizerTypeError extends TypeError {
  override name = 'TypeError';
  constructor(readonly code: ErrorCode, message: string, readonly option?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A value out of range (k = 0, an empty image, data of the wrong length); `option` names what is at fault. */
export class QuantizerRangeError extends RangeError {
  override name = 'RangeError';
  constructor(readonly code: ErrorCode, message: string, readonly option?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Any other failure the library reports on purpose: a destroyed quantizer, a file, a worker. */
export class QuantizerError extends Error {
  override name = 'QuantizerError';
  constructor(readonly code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Thrown when `backend: 'webgpu'` is asked for and no WebGPU adapter or device can be had. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
  readonly code = 'GPU_UNAVAILABLE' as const;
}

/** A GPU failure during a run (lost device, validation or out-of-memory error): the CPU takes over. */
export class GpuRunError extends Error {
  override name = 'GpuRunError';
  readonly code = 'GPU_RUN_FAILED' as const;
}

/** How a value is shown in a message: strings quoted, arrays and objects by their shape. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as { length?: number }).length ?? value.byteLength})`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** `"<what>" must be <expected>, got <value>` as a typed TypeError (code INVALID_TYPE unless given). */
export function typeError(what: string, expected: string, got: unknown, code: ErrorCode = 'INVALID_TYPE'): QuantizerTypeError {
  return new QuantizerTypeError(code, `${what} must be ${expected}, got ${describeValue(got)}`, what);
}

/** `"<what>" must be <expected>, got <value>` as a typed RangeError (code OUT_OF_RANGE unless given). */
export function rangeError(what: string, expected: string, got: unknown, code: ErrorCode = 'OUT_OF_RANGE'): QuantizerRangeError {
  return new QuantizerRangeError(code, `${what} must be ${expected}, got ${describeValue(got)}`, what);
}

/** The error a cancelled run rejects with: a `DOMException` named `AbortError`, carrying the signal's reason. */
export function abortError(signal: AbortSignal): Error {
  const error = new DOMException('the operation was aborted', 'AbortError');
  Object.defineProperty(error, 'cause', { value: signal.reason, enumerable: false });
  return error;
}

/** Throws the abort error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Whether an error is a cancellation (ours, or any `AbortError` such as `fetch()`'s). */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** The stable code of an error the library threw (`ABORTED` for cancellations), else undefined. */
export function errorCode(error: unknown): ErrorCode | undefined {
  if (isAbortError(error)) return 'ABORTED';
  const ours = error instanceof QuantizerTypeError || error instanceof QuantizerRangeError || error instanceof QuantizerError;
  return ours || error instanceof GpuUnavailableError || error instanceof GpuRunError ? error.code : undefined;
}

/** The message of any thrown value, as text for a person (no prefix). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message with the library's prefix, once (for the CLI and logs). */
export function displayMessage(error: unknown): string {
  const message = errorMessage(error);
  return message.startsWith(MESSAGE_PREFIX) ? message : `${MESSAGE_PREFIX}${message}`;
}
