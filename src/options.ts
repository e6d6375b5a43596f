/**
 * Option types, their defaults (written once, here) and their validation (done once, at the entry
 * point, before any work starts).
 */

/** An sRGB colour as three bytes. */
export type RGB = readonly [number, number, number];

/** Which implementation runs the Lloyd loop. */
export type Backend = 'auto' | 'webgpu' | 'cpu';

/** The backend that actually ran. */
export type UsedBackend = 'webgpu' | 'cpu';

/** How the first centroids are chosen, or the initial colours themselves (exactly `k` of them). */
export type InitMethod = 'kmeans++' | 'random' | ReadonlyArray<RGB>;

/** One Lloyd iteration, as reported to `onProgress`. */
export interface ProgressEvent {
  /** 1-based iteration number within the current attempt. */
  iteration: number;
  /** 1-based attempt number (see `attempts`). */
  attempt: number;
  /** Sum of squared distances (0-255 RGB units) from each fitted pixel to its centroid. */
  inertia: number;
  /** Largest distance any centroid moved in this iteration (0-255 RGB units). */
  shift: number;
}

/** What the WebGPU Lloyd iterations read: the distinct colours counted on the GPU, or every pixel. */
export type GpuIterationInput = 'colours' | 'pixels';

/** Options of one quantization. Every default is written here once and applied by {@link resolveOptions}. */
export interface QuantizeOptions {
  /** Number of colours in the palette: an integer in 1..256. @default 16 */
  k?: number;
  /** Most Lloyd iterations per attempt: an integer >= 1. @default 100 */
  maxIterations?: number;
  /**
   * Convergence: stop once no centroid moves farther than this in one iteration (Euclidean distance in
   * 0-255 RGB units): a number >= 0. @default 0.25
   */
  tolerance?: number;
  /** Seed of the pseudo-random generator: same seed and options, same result. An integer. @default 0 */
  seed?: number;
  /** `'kmeans++'` (greedy k-means++), `'random'` (k distinct pixels), or exactly k colours. @default 'kmeans++' */
  init?: InitMethod;
  /**
   * Warm start: centroids of an earlier result (its `centroids`, or RGB triples), any number of them. The
   * first attempt starts from them: when there are fewer than k, greedy k-means++ adds the rest; when there
   * are more, the k that best cover the image are kept. Same k as before: same palette order (no flicker
   * across video frames). Takes precedence over `init` for the first attempt. @default undefined
   */
  warmStart?: Float64Array | ReadonlyArray<RGB>;
  /**
   * `'lloyd'`: full k-means iterations over every fitted pixel (on the chosen backend). `'minibatch'`:
   * mini-batch k-means on the CPU (random batches of `batchSize` pixels, `maxIterations` batches at most,
   * stopping after 10 calm batches), then the final assignment on the chosen backend. @default 'lloyd'
   */
  algorithm?: 'lloyd' | 'minibatch';
  /** Pixels per batch of `algorithm: 'minibatch'`: an integer >= 1. @default 1024 */
  batchSize?: number;
  /** Independent runs with different seeds; the one with the lowest inertia wins (sklearn's `n_init`). @default 1 */
  attempts?: number;
  /**
   * Fit on a seeded random sample of this many pixels, then assign every pixel to its nearest palette colour.
   * `undefined` fits on all pixels. An integer >= k. @default undefined
   */
  sampleSize?: number;
  /**
   * `'auto'` picks WebGPU on a hardware adapter and the CPU otherwise (software adapters, Node without a
   * GPU); `'webgpu'` forces the GPU path (also on a software adapter) and throws
   * {@link GpuUnavailableError} when there is no adapter; `'cpu'` never touches the GPU. @default 'auto'
   */
  backend?: Backend;
  /**
   * CPU threads for the CPU backend: the colour histogram is split over this many workers (Node
   * worker_threads or Web Workers from the built package) when it has over 128 K distinct colours.
   * `undefined` runs the iterations in this thread unless there are over a million distinct colours (then
   * on every core, up to 8), and lets a helper worker polish the initial centroids while this thread counts
   * the colours; 1 keeps all the work in this thread. Any count gives the same result. An integer in 1..64.
   * @default undefined
   */
  threads?: number;
  /** Cancels the run: the promise rejects with an `AbortError` and GPU work stops. @default undefined */
  signal?: AbortSignal;
  /** Called after every Lloyd iteration. @default undefined */
  onProgress?: (event: ProgressEvent) => void;
}

/** Options of {@link createQuantizer}: per-call defaults plus what the quantizer keeps between calls. */
export interface QuantizerOptions extends QuantizeOptions {
  /**
   * The WebGPU entry point. Browsers: `navigator.gpu`; Node: an object such as the `webgpu` package's
   * `create([])`. @default globalThis.navigator?.gpu
   */
  gpu?: GPU;
  /** A device to use instead of requesting one. The quantizer never destroys a device it was given. @default undefined */
  device?: GPUDevice;
  /**
   * Largest number of pixels one GPU dispatch handles; larger images are processed in chunks. A multiple
   * of 256. `undefined` derives it from the device's storage-buffer binding limit. @default undefined
   */
  maxChunkPixels?: number;
  /**
   * What the WebGPU Lloyd iterations read. `'colours'`: the fitted pixels' distinct colours are counted
   * on the GPU once (atomics on a 64 MiB table of 2^24 counts) and every iteration assigns those colours,
   * each weighted by its pixel count (a photo has 5 to 20 times fewer colours than pixels); images of over
   * 16,776,960 fitted pixels, and devices that can't bind 64 MiB, use `'pixels'`. `'pixels'`: every
   * iteration reads every fitted pixel. Same centroids and labels either way (exact integer sums).
   * @default 'colours'
   */
  gpuIterateOn?: GpuIterationInput;
}

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  k: number;
  maxIterations: number;
  tolerance: number;
  seed: number;
  init: 'kmeans++' | 'random' | Float64Array;
  warmStart: Float64Array | undefined;
  algorithm: 'lloyd' | 'minibatch';
  batchSize: number;
  attempts: number;
  sampleSize: number | undefined;
  threads: number | undefined;
  backend: Backend;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
}

/** Thrown when `backend: 'webgpu'` is asked for and no WebGPU adapter or device can be had. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

const OPTION_KEYS = new Set<string>([
  'k', 'maxIterations', 'tolerance', 'seed', 'init', 'warmStart', 'algorithm', 'batchSize', 'attempts', 'sampleSize', 'threads', 'backend', 'signal',
  'onProgress', 'gpu', 'device', 'maxChunkPixels', 'gpuIterateOn',
]);

function fail(kind: 'range' | 'type', option: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : String(got);
  const message = `kmeans-quantizer: option "${option}" must be ${expected}, got ${shown}`;
  throw kind === 'range' ? new RangeError(message) : new TypeError(message);
}

function integer(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail('type', option, 'a finite number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail('range', option, `an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? 'infinity' : max}`, value);
  }
  return value;
}

/** Checks an array of [r, g, b] triples in 0..255 and flattens it. */
function colourList(option: string, value: unknown[]): Float64Array {
  const out = new Float64Array(value.length * 3);
  value.forEach((colour: unknown, i: number) => {
    if (!Array.isArray(colour) || colour.length !== 3) fail('type', `${option}[${i}]`, 'an [r, g, b] triple', colour);
    for (let c = 0; c < 3; c++) {
      const v: unknown = colour[c];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 255) {
        fail('range', `${option}[${i}][${c}]`, 'a number in 0..255', v);
      }
      out[i * 3 + c] = v;
    }
  });
  return out;
}

function resolveInit(value: unknown, k: number): ResolvedOptions['init'] {
  if (value === 'kmeans++' || value === 'random') return value;
  if (typeof value === 'string') fail('type', 'init', '"kmeans++", "random" or an array of k RGB colours', value);
  if (!Array.isArray(value)) fail('type', 'init', '"kmeans++", "random" or an array of k RGB colours', value);
  if (value.length !== k) fail('range', 'init', `an array of exactly k = ${k} colours`, `${value.length} colours`);
  return colourList('init', value);
}

function resolveWarmStart(value: unknown): Float64Array {
  if (value instanceof Float64Array) {
    if (value.length === 0 || value.length % 3 !== 0 || value.length > 256 * 3) {
      fail('range', 'warmStart', 'a Float64Array of 1 to 256 RGB triples', `length ${value.length}`);
    }
    for (const v of value) if (!(v >= 0 && v <= 255)) fail('range', 'warmStart', 'values in 0..255', v);
    return Float64Array.from(value);
  }
  if (!Array.isArray(value)) fail('type', 'warmStart', 'a Float64Array of centroids or an array of RGB colours', value);
  if (value.length === 0 || value.length > 256) fail('range', 'warmStart', 'an array of 1 to 256 colours', `${value.length} colours`);
  return colourList('warmStart', value);
}

/**
 * Validates user options and applies the defaults. Throws `TypeError`/`RangeError` naming the option.
 * Unknown keys are rejected too, so that a typo never silently falls back to a default.
 */
export function resolveOptions(options: QuantizeOptions | undefined): ResolvedOptions {
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) fail('type', 'options', 'an object', o);
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.has(key)) fail('type', key, 'a known option (this one is unknown)', o[key]);
  }
  const k = o.k === undefined ? 16 : integer('k', o.k, 1, 256);
  const maxIterations = o.maxIterations === undefined ? 100 : integer('maxIterations', o.maxIterations, 1, 1_000_000);
  let tolerance = 0.25;
  if (o.tolerance !== undefined) {
    if (typeof o.tolerance !== 'number' || Number.isNaN(o.tolerance)) fail('type', 'tolerance', 'a number', o.tolerance);
    if (o.tolerance < 0 || !Number.isFinite(o.tolerance)) fail('range', 'tolerance', 'a finite number >= 0', o.tolerance);
    tolerance = o.tolerance;
  }
  const seed = o.seed === undefined ? 0 : integer('seed', o.seed, -(2 ** 53) + 1, 2 ** 53 - 1);
  const init = o.init === undefined ? 'kmeans++' : resolveInit(o.init, k);
  const warmStart = o.warmStart === undefined ? undefined : resolveWarmStart(o.warmStart);
  const algorithm = o.algorithm === undefined ? 'lloyd' : o.algorithm;
  if (algorithm !== 'lloyd' && algorithm !== 'minibatch') fail('type', 'algorithm', '"lloyd" or "minibatch"', algorithm);
  const batchSize = o.batchSize === undefined ? 1024 : integer('batchSize', o.batchSize, 1, 1 << 24);
  const attempts = o.attempts === undefined ? 1 : integer('attempts', o.attempts, 1, 1000);
  // A sample smaller than k could not give k centroids: refuse it rather than return a short palette.
  const sampleSize = o.sampleSize === undefined ? undefined : integer('sampleSize', o.sampleSize, k, Number.MAX_SAFE_INTEGER);
  const threads = o.threads === undefined ? undefined : integer('threads', o.threads, 1, 64);
  const backend = o.backend === undefined ? 'auto' : o.backend;
  if (backend !== 'auto' && backend !== 'webgpu' && backend !== 'cpu') {
    fail('type', 'backend', '"auto", "webgpu" or "cpu"', backend);
  }
  const signal = o.signal;
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && 'aborted' in signal)) {
    fail('type', 'signal', 'an AbortSignal', signal);
  }
  const onProgress = o.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('type', 'onProgress', 'a function', onProgress);
  const gpuIterateOn = o.gpuIterateOn;
  if (gpuIterateOn !== undefined && gpuIterateOn !== 'colours' && gpuIterateOn !== 'pixels') {
    fail('type', 'gpuIterateOn', '"colours" or "pixels"', gpuIterateOn);
  }
  if (o.maxChunkPixels !== undefined) {
    const chunk = integer('maxChunkPixels', o.maxChunkPixels, 256, 2 ** 31);
    if (chunk % 256 !== 0) fail('range', 'maxChunkPixels', 'a multiple of 256', chunk);
  }
  return {
    k,
    maxIterations,
    tolerance,
    seed,
    init,
    warmStart,
    algorithm,
    batchSize,
    attempts,
    sampleSize,
    threads,
    backend,
    signal: signal as AbortSignal | undefined,
    onProgress: onProgress as ResolvedOptions['onProgress'],
  };
}

/** The error a cancelled run rejects with: a `DOMException` named `AbortError`, carrying the signal's reason. */
export function abortError(signal: AbortSignal): Error {
  const error = new DOMException('kmeans-quantizer: the operation was aborted', 'AbortError');
  Object.defineProperty(error, 'cause', { value: signal.reason, enumerable: false });
  return error;
}

/** Throws the abort error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
