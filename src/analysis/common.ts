/**
 * Shared plumbing of the analysis functions: argument checks that name the argument, cancellation and
 * progress for the long-running functions (which yield to the event loop now and then so that a page
 * stays responsive and an `AbortSignal` can fire), a seeded generator, and image-shape helpers.
 * Browser- and Node-safe: no `node:` imports.
 */
import type { ProgressEvent } from '../options.js';
import { toPixels, type QuantizeInput } from '../image.js';
import { rangeError, throwIfAborted, typeError } from '../errors.js';
import { now } from '../yield.js';

/**
 * The library's typed errors and cancellation helpers (src/errors.ts), re-exported for the analysis
 * modules: `typeError`/`rangeError` name the argument, what it must be and what it was.
 */
export { abortError, rangeError, throwIfAborted, typeError } from '../errors.js';

/** Progress of an analysis function, reported through its `onProgress` option. */
export interface AnalysisProgress {
  /** The function reporting: `'sweep'`, `'elbow'`, `'quality'`, `'resize'`, ... */
  task: string;
  /** Units of work done so far (k values, rows, channels...), out of `total`. */
  done: number;
  total: number;
  /** The k being fitted (sweep, elbow, random-codebook comparison). */
  k?: number;
  /** The engine's per-iteration event of the k being fitted (sweep, elbow). */
  lloyd?: ProgressEvent;
}

/** Options every long-running analysis function accepts. */
export interface AnalysisRunOptions {
  /** Cancels the run: the promise rejects with a `DOMException` named `AbortError`. */
  signal?: AbortSignal;
  /** Called as work progresses (at most every few tens of milliseconds, and at the end). */
  onProgress?: (event: AnalysisProgress) => void;
}

/** An image as RGBA8 bytes, row by row (the shape of `ImageData`). */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** An integer in [min, max]: `TypeError` for a non-number, `RangeError` for a number out of range. */
export function checkInteger(argument: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(argument, 'a number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    const upper = max >= Number.MAX_SAFE_INTEGER ? 'infinity' : String(max);
    throw rangeError(argument, `an integer in ${min}..${upper}`, value);
  }
  return value;
}

/** A finite number in [min, max]. */
export function checkNumber(argument: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(argument, 'a number', value);
  if (!Number.isFinite(value) || value < min || value > max) throw rangeError(argument, `a number in ${min}..${max}`, value);
  return value;
}

/** One of the listed strings. */
export function checkChoice<T extends string>(argument: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw typeError(argument, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, value);
  }
  return value as T;
}

/**
 * An options object (or undefined, read as `{}`) whose keys are all known: a misspelt option is an error
 * rather than a silent default.
 */
export function checkOptions(argument: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(argument, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw typeError(`${argument}.${key}`, `a known option (one of ${known.join(', ')})`, (value as Record<string, unknown>)[key]);
  }
  return value as Record<string, unknown>;
}

/** Checks the `signal` and `onProgress` options shared by the long-running functions. */
export function checkRunOptions(argument: string, options: Record<string, unknown>): AnalysisRunOptions {
  const { signal, onProgress } = options;
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && 'aborted' in signal)) {
    throw typeError(`${argument}.signal`, 'an AbortSignal', signal);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw typeError(`${argument}.onProgress`, 'a function', onProgress);
  const out: AnalysisRunOptions = {};
  if (signal !== undefined) out.signal = signal as AbortSignal;
  if (onProgress !== undefined) out.onProgress = onProgress as AnalysisRunOptions['onProgress'];
  return out;
}

/** RGBA or RGB bytes. */
export function checkBytes(argument: string, value: unknown): Uint8Array | Uint8ClampedArray {
  if (!(value instanceof Uint8Array || value instanceof Uint8ClampedArray)) throw typeError(argument, 'a Uint8Array or Uint8ClampedArray', value);
  return value;
}

/** Width or height: an integer >= 1. */
export function checkDimension(argument: string, value: unknown, max = 2 ** 31 - 1): number {
  return checkInteger(argument, value, 1, max);
}

/**
 * An RGBA image: `{ data, width, height }` (also `ImageData`), or a quantization result (`{ image, width,
 * height }`), whose data length must be width * height * 4.
 */
export function checkImage(argument: string, value: unknown): RgbaImage {
  if (typeof value !== 'object' || value === null) throw typeError(argument, 'an image { data, width, height }', value);
  const v = value as Record<string, unknown>;
  const data = 'data' in v ? v.data : v.image;
  const bytes = checkBytes(`${argument}.data`, data);
  const width = checkDimension(`${argument}.width`, v.width);
  const height = checkDimension(`${argument}.height`, v.height);
  if (bytes.length !== width * height * 4) throw rangeError(`${argument}.data.length`, `width*height*4 = ${width * height * 4}`, bytes.length);
  return { data: bytes, width, height };
}

/** Any input `quantize()` accepts, read once as RGBA bytes (browser sources are drawn through a canvas). */
export function readInput(input: QuantizeInput): { data: Uint8Array; pixels: Uint32Array; width: number; height: number } {
  const { pixels, width, height } = toPixels(input);
  return { data: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length * 4), pixels, width, height };
}

/** Bits of an open-addressing table for up to `entries` keys (at most half full), from 2^10 up to 2^maxBits slots. */
export function hashTableBits(entries: number, maxBits: number): number {
  let bits = 10;
  while (bits < maxBits && 1 << bits < 2 * entries) bits++;
  return bits;
}

export { now };

/** How long a long-running function works before it yields to the event loop. */
const SLICE_MS = 25;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Progress, cancellation and cooperative yielding of one piece of work with a known amount of units. */
export interface Work {
  /** Call after some units are done; yields, reports and checks the signal about every {@link SLICE_MS} ms. */
  step(done: number): Promise<void>;
  /** Reports completion. */
  finish(): void;
}

export function startWork(task: string, total: number, run: AnalysisRunOptions): Work {
  throwIfAborted(run.signal);
  let last = now();
  return {
    async step(done: number) {
      if (now() - last < SLICE_MS) return;
      run.onProgress?.({ task, done, total });
      await yieldToEventLoop();
      throwIfAborted(run.signal);
      last = now();
    },
    finish() {
      throwIfAborted(run.signal);
      run.onProgress?.({ task, done: total, total });
    },
  };
}

/** A seeded generator of floats in [0, 1) (a 32-bit xorshift-multiply mix); any safe integer seed. */
export function seededRandom(seed: number): () => number {
  let state = (Math.imul((seed | 0) ^ Math.floor(seed / 4294967296), 0x2c1b3c6d) ^ 0x5bd1e995) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normalises a palette given as RGB bytes (3 per colour) or as [r, g, b] triples; checks 1..256 colours. */
export function checkPalette(argument: string, value: unknown, maxColours = 256): Uint8Array {
  if (value instanceof Uint8Array || value instanceof Uint8ClampedArray) {
    if (value.length === 0 || value.length % 3 !== 0 || value.length / 3 > maxColours) {
      throw rangeError(`${argument}.length`, `a multiple of 3 for 1 to ${maxColours} RGB colours`, value.length);
    }
    return Uint8Array.from(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > maxColours) throw rangeError(`${argument}.length`, `1 to ${maxColours} colours`, value.length);
    const out = new Uint8Array(value.length * 3);
    value.forEach((colour: unknown, i) => {
      if (!Array.isArray(colour) || colour.length !== 3) throw typeError(`${argument}[${i}]`, 'an [r, g, b] triple', colour);
      for (let c = 0; c < 3; c++) out[i * 3 + c] = checkInteger(`${argument}[${i}][${c}]`, colour[c], 0, 255);
    });
    return out;
  }
  throw typeError(argument, 'RGB bytes (a Uint8Array, 3 per colour) or an array of [r, g, b] triples', value);
}
