/**
 * The frame path's public side (`quantizer.quantizeFrame()`): what a frame may come from, where it may be
 * drawn, what it reads back, and its options, checked before any GPU work. The work itself is
 * src/gpu/frame.ts. Fitting options are the table's (src/options.ts: their checks and defaults); the
 * frame-only ones are the small table FRAME_OPTIONS here, in the same shape.
 */
import { rangeError, typeError } from './errors.js';
import type { AdapterDescription } from './result.js';
import { resolveOptions, type QuantizeOptions, type ResolvedOptions, type RGB } from './options.js';

/** A frame on the GPU, or one the browser can copy there without the host: `copyExternalImageToTexture` sources, or a texture. */
export type FrameSource = ImageBitmap | ImageData | HTMLImageElement | HTMLVideoElement | VideoFrame | HTMLCanvasElement | OffscreenCanvas | GPUTexture;

/** Where a quantized frame is drawn: a canvas (through its WebGPU context) or a texture of yours (rgba8unorm, COPY_DST, the frame's size). */
export type FrameTarget = HTMLCanvasElement | OffscreenCanvas | GPUTexture;

/** What a frame call may read back besides its palette, counts and status. */
export type FrameReadback = 'labels' | 'image';

/** Options of one `quantizeFrame()` call. */
export interface FrameOptions {
  /** Colours, 1..256. @default 16 */
  k?: number;
  /** Most Lloyd iterations of this frame, 1..64 (all are encoded in the frame's one submit; the GPU skips those after convergence). @default 64 */
  maxIterations?: number;
  /** Stop once no centroid moves farther than this (0-255 RGB units). @default 0.25 */
  tolerance?: number;
  /** Seed of the GPU seeding of a cold frame. @default 0 */
  seed?: number;
  /** Start from exactly these k colours instead of the previous frame's centroids or the GPU seeding. */
  init?: ReadonlyArray<RGB>;
  /** Seed on the GPU again instead of starting from the previous frame's centroids. @default false */
  restart?: boolean;
  /** Draw the quantized frame here (no readback). @default undefined (only `result.texture`) */
  target?: FrameTarget;
  /** Read these back too: `'labels'` (one byte a pixel), `'image'` (RGBA, 4 bytes a pixel). @default [] */
  read?: readonly FrameReadback[];
  /** Cancels the call (an AbortError). */
  signal?: AbortSignal;
}

/** What one frame cost, counted (and timed where the adapter can). */
export interface FrameStats {
  /** Command buffers submitted: 1 a frame. */
  submits: number;
  /** `copyExternalImageToTexture` calls: 1 for a source that is not a texture, else 0 (a queue operation, not a submit). */
  externalCopies: number;
  /** Readbacks (buffer maps): 1 a frame. */
  readbacks: number;
  /** Bytes read back in all. */
  bytesRead: number;
  /** Of those, the labels' and the image's (0 unless `read` asked for them). */
  imageBytesRead: number;
  /** Milliseconds the host spent on the call outside waiting for the GPU (validation, encoding, decoding). */
  hostMs: number;
  /** GPU milliseconds of the frame's passes from timestamp queries; null where the adapter offers none. */
  gpuMs: number | null;
}

/** The result of one frame: palette, counts and status always; labels and image only when read. */
export interface FrameResult {
  width: number;
  height: number;
  k: number;
  /** RGB bytes, k colours (a colour may repeat when the frame has fewer than k distinct colours). */
  palette: Uint8Array;
  /** Pixels of each cluster at the last iteration. */
  counts: Uint32Array;
  iterations: number;
  converged: boolean;
  /** Sum of squared distances to the nearest centroid at the last iteration's assignment (0-255 RGB units). */
  inertia: number;
  /** Clusters without a pixel at the last iteration. */
  emptyClusters: number;
  /** The adapter the frame ran on. */
  adapter: AdapterDescription;
  /** Whether the frame started from the previous frame's centroids (kept on the GPU). */
  warm: boolean;
  /** The quantized frame (rgba8unorm), the quantizer's: overwritten by the next frame, freed by destroy(). */
  texture: GPUTexture;
  labels?: Uint8Array;
  image?: Uint8ClampedArray<ArrayBuffer>;
  stats: FrameStats;
}

/** The frame options resolved: the fitting ones by the options table, the frame-only ones by FRAME_OPTIONS. */
export interface ResolvedFrameOptions {
  k: number;
  maxIterations: number;
  tolerance: number;
  seed: number;
  init: Float64Array | undefined;
  restart: boolean;
  target: FrameTarget | undefined;
  read: ReadonlySet<FrameReadback>;
  signal: AbortSignal | undefined;
}

/** Most iterations of one frame: the history one submit records. */
export const MAX_FRAME_ITERATIONS = 64;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A texture, told by its shape (no WebGPU globals needed). */
export function isGpuTexture(value: unknown): value is GPUTexture {
  return isObject(value) && typeof value.createView === 'function' && typeof value.format === 'string';
}

function isCanvas(value: unknown): value is HTMLCanvasElement | OffscreenCanvas {
  return isObject(value) && typeof value.getContext === 'function' && typeof value.width === 'number';
}

/** The frame-only options: name, default, check, doc (the options table's shape). */
export const FRAME_OPTIONS = [
  { name: 'restart', default: false, doc: "seed on the GPU again instead of starting from the previous frame's centroids",
    check: (v: unknown): boolean => { if (typeof v !== 'boolean') throw typeError('option "restart"', 'a boolean', v); return v; } },
  { name: 'target', default: undefined as FrameTarget | undefined, doc: 'a canvas or rgba8unorm texture to draw the quantized frame into',
    check: (v: unknown): FrameTarget => { if (!isCanvas(v) && !isGpuTexture(v)) throw typeError('option "target"', 'a canvas, an OffscreenCanvas or a GPUTexture', v); return v as FrameTarget; } },
  { name: 'read', default: [] as readonly FrameReadback[], doc: "what to read back besides palette, counts and status: 'labels', 'image'",
    check: (v: unknown): readonly FrameReadback[] => {
      if (!Array.isArray(v) || v.some((x) => x !== 'labels' && x !== 'image')) throw typeError('option "read"', "an array of 'labels' and 'image'", v);
      return v as FrameReadback[];
    } },
] as const;

const FITTING = new Set(['k', 'maxIterations', 'tolerance', 'seed', 'init', 'signal']);

/** Checks a frame call's options (unknown names rejected) and applies the defaults. */
export function resolveFrameOptions(defaults: QuantizeOptions, options: FrameOptions | undefined): ResolvedFrameOptions {
  if (options !== undefined && !isObject(options)) throw typeError('options', 'an object', options);
  const given = (options ?? {}) as Record<string, unknown>;
  const own = new Map<string, unknown>(FRAME_OPTIONS.map((spec) => [spec.name, given[spec.name] === undefined ? spec.default : spec.check(given[spec.name])]));
  for (const key of Object.keys(given)) {
    if (!FITTING.has(key) && !own.has(key)) throw typeError(`option "${key}"`, `an option of quantizeFrame() (${[...FITTING, ...own.keys()].join(', ')})`, given[key]);
  }
  const inherited = Object.fromEntries(Object.entries(defaults).filter(([key]) => FITTING.has(key) && key !== 'init'));
  const fitting: ResolvedOptions = resolveOptions({ maxIterations: MAX_FRAME_ITERATIONS, ...inherited, ...pick(given, FITTING) } as QuantizeOptions);
  if (fitting.maxIterations > MAX_FRAME_ITERATIONS) throw rangeError('option "maxIterations"', `at most ${MAX_FRAME_ITERATIONS} for a frame (one submit)`, fitting.maxIterations);
  if (given.init !== undefined && !Array.isArray(given.init)) throw typeError('option "init"', 'an array of k [r, g, b] colours for a frame', given.init);
  return {
    k: fitting.k,
    maxIterations: fitting.maxIterations,
    tolerance: fitting.tolerance,
    seed: fitting.seed,
    init: Array.isArray(given.init) ? (fitting.init as Float64Array) : undefined,
    restart: own.get('restart') as boolean,
    target: own.get('target') as FrameTarget | undefined,
    read: new Set(own.get('read') as FrameReadback[]),
    signal: fitting.signal,
  };
}

function pick(record: Record<string, unknown>, names: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key, value]) => names.has(key) && value !== undefined));
}
