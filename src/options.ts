/**
 * Every option of the library in one table ({@link OPTIONS}): its name, default, check and doc line.
 * `resolveOptions()` and `resolveQuantizerOptions()`, the element's attributes and the CLI's flags and
 * help are all derived from it, so a default is written once, here.
 */
import type { ColorSpace } from './colour-space.js';
import { rangeError, typeError } from './errors.js';

export type { ColorSpace } from './colour-space.js';

/** An sRGB colour as three bytes. */
export type RGB = readonly [number, number, number];

/** Which implementation runs the Lloyd loop. */
export type Backend = 'auto' | 'webgpu' | 'cpu';

/** The backend that actually ran. */
export type UsedBackend = 'webgpu' | 'cpu';

/** How the first centroids are chosen, or the initial colours themselves (exactly `k` of them). */
export type InitMethod = 'kmeans++' | 'random' | ReadonlyArray<RGB>;

/** The k-means variant: full Lloyd iterations, or mini-batch k-means. */
export type Algorithm = 'lloyd' | 'minibatch';

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

/**
 * How the apply step maps pixels to palette colours: `'none'` (each pixel its nearest palette colour),
 * `'diffusion'` (error diffusion, serpentine, in the clustering space) or `'ordered'` (a threshold map,
 * the same on the CPU and the GPU).
 */
export type DitherMethod = 'none' | 'diffusion' | 'ordered';

/** What the WebGPU Lloyd iterations read: the distinct colours counted on the GPU, or every pixel. */
export type GpuIterationInput = 'colours' | 'pixels';

/**
 * Options of one quantization; each one's default and meaning is in {@link OPTIONS} (and the README's
 * table, which lists the same).
 */
export interface QuantizeOptions {
  /** Number of colours in the palette: an integer in 1..256. @default 16 */
  k?: number;
  /** Most Lloyd iterations per attempt: an integer >= 1. @default 100 */
  maxIterations?: number;
  /** Stop once no centroid moves farther than this in one iteration (0-255 RGB units), >= 0. @default 0.25 */
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
  algorithm?: Algorithm;
  /** Pixels per batch of `algorithm: 'minibatch'`: an integer in 1..2^24. @default 1024 */
  batchSize?: number;
  /** Independent runs with different seeds; the one with the lowest inertia wins (sklearn's `n_init`). @default 1 */
  attempts?: number;
  /** Fit on a seeded random sample of this many pixels (>= k), then label every pixel. @default undefined (all) */
  sampleSize?: number;
  /**
   * `'auto'` picks WebGPU on a hardware adapter and the CPU otherwise (software adapters, Node without a
   * GPU); `'webgpu'` forces the GPU path (also on a software adapter) and throws `GpuUnavailableError`
   * when there is no adapter; `'cpu'` never touches the GPU. @default 'auto'
   */
  backend?: Backend;
  /**
   * CPU threads for the CPU backend (worker threads over the colour histogram, when it has over 128 K
   * distinct colours). `undefined`: this thread unless there are over a million distinct colours (then
   * every core, up to 8), with a helper worker polishing the initial centroids; 1 keeps all the work in
   * this thread. Any count gives the same result. An integer in 1..64. @default undefined
   */
  threads?: number;
  /**
   * The space distances are measured in: `'srgb'` (8-bit sRGB, plain k-means) or `'oklab'` (perceptual;
   * centroids are fitted in OKLab, scaled so black to white is 255, and converted back to sRGB bytes).
   * @default 'srgb'
   */
  colorSpace?: ColorSpace;
  /** Dithering at the apply step: `'none'`, `'diffusion'` or `'ordered'`. @default 'none' */
  dither?: DitherMethod;
  /** Strength of the dithering, a number in 0..1 (0: none). @default 1 */
  ditherLevel?: number;
  /**
   * Colours that must appear exactly in the palette (sRGB byte triples, at most k, all different): they
   * are its first entries, in the order given, and never move; the other k - n palette colours are fitted
   * around them. An image whose distinct colours, with the fixed ones, are at most k gets those colours
   * exactly (the fixed first). A `warmStart` or given `init` colours meet them as: the fixed colours first,
   * then the given centroids that are not one of them. @default undefined
   */
  fixedColors?: ReadonlyArray<RGB>;
  /** Cancels the run: the promise rejects with an `AbortError` and GPU work stops. @default undefined */
  signal?: AbortSignal;
  /** Called after every Lloyd iteration. @default undefined */
  onProgress?: (event: ProgressEvent) => void;
}

/** Options of {@link createQuantizer}: per-call defaults plus what the quantizer keeps between calls. */
export interface QuantizerOptions extends QuantizeOptions {
  /** The WebGPU entry point (browsers: `navigator.gpu`; Node: e.g. the `webgpu` package's `create([])`). */
  gpu?: GPU;
  /** A device to use instead of requesting one. The quantizer never destroys a device it was given. */
  device?: GPUDevice;
  /** Most pixels one GPU dispatch handles (a multiple of 256); larger images are chunked. */
  maxChunkPixels?: number;
  /** What the WebGPU Lloyd iterations read: `'colours'` (counted on the GPU once) or `'pixels'`. @default 'colours' */
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
  algorithm: Algorithm;
  batchSize: number;
  attempts: number;
  sampleSize: number | undefined;
  threads: number | undefined;
  backend: Backend;
  colorSpace: ColorSpace;
  dither: DitherMethod;
  ditherLevel: number;
  /** The fixed colours as RGB bytes, 3 per colour, in the order given. */
  fixedColors: Uint8Array | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
}

/** The quantizer-level options after validation. */
export interface ResolvedQuantizerOptions {
  gpu: GPU | undefined;
  device: GPUDevice | undefined;
  maxChunkPixels: number | undefined;
  gpuIterateOn: GpuIterationInput;
}

/** How an option's value is written as text (a CLI flag, an element attribute), when it can be. */
export type TextForm =
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'choice'; choices: readonly string[] }
  /** Comma-separated colours, `#rrggbb` (or `#rgb`) each: `#ffffff,#000000`. */
  | { kind: 'colours' };

/** One row of the table. `check` validates a value given by the caller (never undefined) and may read options resolved before it. */
export interface OptionSpec<Name extends string = string, Value = unknown> {
  name: Name;
  /** `call`: per quantize() call; `quantizer`: fixed at createQuantizer() (its GPU context and sessions). */
  scope: 'call' | 'quantizer';
  /** The value used when the option is not given. */
  default: Value;
  /** The default as people read it, where `String(default)` would not say it. */
  defaultText?: string;
  /** One line for the README, the CLI help and the element's docs. */
  doc: string;
  check(value: unknown, resolved: Partial<ResolvedOptions>): Value;
  /** How the option is written as text, where the CLI and the element take it. */
  text?: TextForm;
}

function integer(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(`option "${option}"`, 'a finite number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`option "${option}"`, `an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? 'infinity' : max}`, value);
  }
  return value;
}

function choice<T extends string>(option: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw typeError(`option "${option}"`, choices.map((c) => `"${c}"`).join(', ').replace(/, ([^,]*)$/, ' or $1'), value);
  }
  return value as T;
}

/** Checks an array of [r, g, b] triples in 0..255 and flattens it. */
function colourList(option: string, value: unknown[]): Float64Array {
  const out = new Float64Array(value.length * 3);
  value.forEach((colour: unknown, i: number) => {
    if (!Array.isArray(colour) || colour.length !== 3) throw typeError(`option "${option}[${i}]"`, 'an [r, g, b] triple', colour);
    for (let c = 0; c < 3; c++) {
      const v: unknown = colour[c];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 255) {
        throw rangeError(`option "${option}[${i}][${c}]"`, 'a number in 0..255', v);
      }
      out[i * 3 + c] = v;
    }
  });
  return out;
}

/** Checks fixed colours: at most k integer [r, g, b] byte triples, no colour twice. */
function checkFixedColors(value: unknown, k: number): Uint8Array {
  if (!Array.isArray(value)) throw typeError('option "fixedColors"', 'an array of [r, g, b] byte triples', value);
  if (value.length > k) throw rangeError('option "fixedColors"', `at most k = ${k} colours`, `${value.length} colours`);
  const colours = colourList('fixedColors', value);
  const seen = new Set<number>();
  for (let i = 0; i < value.length; i++) {
    const [r, g, b] = [colours[i * 3]!, colours[i * 3 + 1]!, colours[i * 3 + 2]!];
    if (![r, g, b].every(Number.isInteger)) throw rangeError(`option "fixedColors[${i}]"`, 'integer byte values', `[${r}, ${g}, ${b}]`);
    const key = r | (g << 8) | (b << 16);
    if (seen.has(key)) throw rangeError(`option "fixedColors[${i}]"`, 'a colour not given before', `[${r}, ${g}, ${b}]`);
    seen.add(key);
  }
  return Uint8Array.from(colours);
}

function checkDitherLevel(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('option "ditherLevel"', 'a number', value);
  if (!(value >= 0 && value <= 1)) throw rangeError('option "ditherLevel"', 'a number in 0..1', value);
  return value;
}

function checkInit(value: unknown, k: number): ResolvedOptions['init'] {
  if (value === 'kmeans++' || value === 'random') return value;
  if (!Array.isArray(value)) throw typeError('option "init"', '"kmeans++", "random" or an array of k RGB colours', value);
  if (value.length !== k) throw rangeError('option "init"', `an array of exactly k = ${k} colours`, `${value.length} colours`);
  return colourList('init', value);
}

function checkWarmStart(value: unknown): Float64Array {
  if (value instanceof Float64Array) {
    if (value.length === 0 || value.length % 3 !== 0 || value.length > 256 * 3) {
      throw rangeError('option "warmStart"', 'a Float64Array of 1 to 256 RGB triples', `length ${value.length}`);
    }
    for (const v of value) if (!(v >= 0 && v <= 255)) throw rangeError('option "warmStart"', 'values in 0..255', v);
    return Float64Array.from(value);
  }
  if (!Array.isArray(value)) throw typeError('option "warmStart"', 'a Float64Array of centroids or an array of RGB colours', value);
  if (value.length === 0 || value.length > 256) throw rangeError('option "warmStart"', 'an array of 1 to 256 colours', `${value.length} colours`);
  return colourList('warmStart', value);
}

function checkTolerance(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('option "tolerance"', 'a number', value);
  if (value < 0 || !Number.isFinite(value)) throw rangeError('option "tolerance"', 'a finite number >= 0', value);
  return value;
}

function checkFunction<T>(option: string, value: unknown): T {
  if (typeof value !== 'function') throw typeError(`option "${option}"`, 'a function', value);
  return value as T;
}

function checkObject<T>(option: string, value: unknown, expected: string, test: (v: object) => boolean): T {
  if (typeof value !== 'object' || value === null || !test(value)) throw typeError(`option "${option}"`, expected, value);
  return value as T;
}

function checkChunkPixels(value: unknown): number {
  const chunk = integer('maxChunkPixels', value, 256, 2 ** 31);
  if (chunk % 256 !== 0) throw rangeError('option "maxChunkPixels"', 'a multiple of 256', chunk);
  return chunk;
}

const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;
const ALGORITHMS = ['lloyd', 'minibatch'] as const;
const GPU_INPUTS = ['colours', 'pixels'] as const;
const COLOR_SPACES = ['srgb', 'oklab'] as const;
const DITHERS = ['none', 'diffusion', 'ordered'] as const;

/**
 * The table: every option, in the order options are resolved (`init` and `sampleSize` read `k`). The
 * element and the CLI take the options with a `text` form.
 */
export const OPTIONS = [
  { name: 'k', scope: 'call', default: 16, doc: 'colours in the palette, an integer in 1..256', text: { kind: 'integer' },
    check: (v: unknown) => integer('k', v, 1, 256) },
  { name: 'maxIterations', scope: 'call', default: 100, doc: 'most Lloyd iterations per attempt (mini-batch: batches)', text: { kind: 'integer' },
    check: (v: unknown) => integer('maxIterations', v, 1, 1_000_000) },
  { name: 'tolerance', scope: 'call', default: 0.25, doc: 'stop when no centroid moves farther than this (0-255 RGB units)', text: { kind: 'number' },
    check: checkTolerance },
  { name: 'seed', scope: 'call', default: 0, doc: 'seed of the random generator: same seed and options, same result, on either backend', text: { kind: 'integer' },
    check: (v: unknown) => integer('seed', v, -(2 ** 53) + 1, 2 ** 53 - 1) },
  { name: 'init', scope: 'call', default: 'kmeans++' as ResolvedOptions['init'], doc: "'kmeans++' (greedy), 'random' (k distinct pixels) or exactly k [r, g, b] colours",
    check: (v: unknown, r: Partial<ResolvedOptions>) => checkInit(v, r.k!) },
  { name: 'warmStart', scope: 'call', default: undefined as Float64Array | undefined, defaultText: 'none', doc: 'centroids of an earlier result (any count): start from them (k slider, video)',
    check: checkWarmStart },
  { name: 'algorithm', scope: 'call', default: 'lloyd' as Algorithm, doc: "'lloyd' (full k-means iterations) or 'minibatch' (mini-batch k-means on the CPU, exact final assignment)", text: { kind: 'choice', choices: ALGORITHMS },
    check: (v: unknown) => choice('algorithm', v, ALGORITHMS) },
  { name: 'batchSize', scope: 'call', default: 1024, doc: "pixels per batch of algorithm 'minibatch'", text: { kind: 'integer' },
    check: (v: unknown) => integer('batchSize', v, 1, 1 << 24) },
  { name: 'attempts', scope: 'call', default: 1, doc: "independent runs, the lowest inertia wins (scikit-learn's n_init)", text: { kind: 'integer' },
    check: (v: unknown) => integer('attempts', v, 1, 1000) },
  // A sample smaller than k could not give k centroids: refuse it rather than return a short palette.
  { name: 'sampleSize', scope: 'call', default: undefined as number | undefined, defaultText: 'all pixels', doc: 'fit on a seeded random sample of this many pixels (>= k), then label every pixel', text: { kind: 'integer' },
    check: (v: unknown, r: Partial<ResolvedOptions>) => integer('sampleSize', v, r.k!, Number.MAX_SAFE_INTEGER) },
  { name: 'backend', scope: 'call', default: 'auto' as Backend, doc: "'auto' (WebGPU on a hardware adapter, else the CPU), 'webgpu' (forced) or 'cpu'", text: { kind: 'choice', choices: BACKENDS },
    check: (v: unknown) => choice('backend', v, BACKENDS) },
  { name: 'threads', scope: 'call', default: undefined as number | undefined, defaultText: 'one thread below 1 M distinct colours, else every core up to 8', doc: 'CPU worker threads for the iterations, an integer in 1..64; any count gives the same result', text: { kind: 'integer' },
    check: (v: unknown) => integer('threads', v, 1, 64) },
  { name: 'colorSpace', scope: 'call', default: 'srgb' as ColorSpace, doc: "'srgb' (8-bit sRGB distances, plain k-means) or 'oklab' (perceptual: fitted in OKLab, palette converted back)", text: { kind: 'choice', choices: COLOR_SPACES },
    check: (v: unknown) => choice('colorSpace', v, COLOR_SPACES) },
  { name: 'dither', scope: 'call', default: 'none' as DitherMethod, doc: "'none', 'diffusion' (error diffusion, serpentine) or 'ordered' (threshold map, same on CPU and GPU)", text: { kind: 'choice', choices: DITHERS },
    check: (v: unknown) => choice('dither', v, DITHERS) },
  { name: 'ditherLevel', scope: 'call', default: 1, doc: 'strength of the dithering, a number in 0..1', text: { kind: 'number' },
    check: checkDitherLevel },
  { name: 'fixedColors', scope: 'call', default: undefined as Uint8Array | undefined, defaultText: 'none', doc: 'colours the palette must hold exactly (at most k), its first entries in the order given; the rest are fitted around them', text: { kind: 'colours' },
    check: (v: unknown, r: Partial<ResolvedOptions>) => checkFixedColors(v, r.k!) },
  { name: 'signal', scope: 'call', default: undefined as AbortSignal | undefined, defaultText: 'none', doc: 'an AbortSignal: the call rejects with an AbortError and releases GPU work',
    check: (v: unknown) => checkObject<AbortSignal>('signal', v, 'an AbortSignal', (s) => 'aborted' in s) },
  { name: 'onProgress', scope: 'call', default: undefined as ResolvedOptions['onProgress'], defaultText: 'none', doc: '({ iteration, attempt, inertia, shift }) => void after every iteration',
    check: (v: unknown) => checkFunction<ResolvedOptions['onProgress']>('onProgress', v) },
  { name: 'gpu', scope: 'quantizer', default: undefined as GPU | undefined, defaultText: 'navigator.gpu', doc: "the WebGPU entry point (Node: e.g. the webgpu package's create([]))",
    check: (v: unknown) => checkObject<GPU>('gpu', v, 'a GPU object with requestAdapter()', (g) => typeof (g as GPU).requestAdapter === 'function') },
  { name: 'device', scope: 'quantizer', default: undefined as GPUDevice | undefined, defaultText: 'requested', doc: 'a GPUDevice to use instead of requesting one (never destroyed by the quantizer)',
    check: (v: unknown) => checkObject<GPUDevice>('device', v, 'a GPUDevice', (d) => 'queue' in d) },
  { name: 'maxChunkPixels', scope: 'quantizer', default: undefined as number | undefined, defaultText: "the device's storage-binding limit", doc: 'most pixels one GPU dispatch handles, a multiple of 256; larger images are chunked',
    check: checkChunkPixels },
  { name: 'gpuIterateOn', scope: 'quantizer', default: 'colours' as GpuIterationInput, doc: "what the WebGPU iterations read: 'colours' (distinct colours counted on the GPU once, weighted) or 'pixels'; same result", text: { kind: 'choice', choices: GPU_INPUTS },
    check: (v: unknown) => choice('gpuIterateOn', v, GPU_INPUTS) },
] as const satisfies ReadonlyArray<OptionSpec>;

/** The name of an option. */
export type OptionName = (typeof OPTIONS)[number]['name'];

const BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((spec) => [spec.name, spec as OptionSpec]));

/** The table's row of one option. */
export function optionSpec(name: OptionName): OptionSpec {
  return BY_NAME.get(name)!;
}

/** The default of one option, from the table. */
export function optionDefault<N extends OptionName>(name: N): (ResolvedOptions & ResolvedQuantizerOptions)[N] {
  return BY_NAME.get(name)!.default as (ResolvedOptions & ResolvedQuantizerOptions)[N];
}

/** The names of the options that belong to createQuantizer(), not to one call. */
export const QUANTIZER_OPTION_NAMES: readonly OptionName[] = OPTIONS.filter((o) => o.scope === 'quantizer').map((o) => o.name);

function asRecord(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw typeError('options', 'an object', options);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!BY_NAME.has(key)) throw typeError(`option "${key}"`, 'a known option (this one is unknown)', o[key]);
  }
  return o;
}

function resolveScope(o: Record<string, unknown>, scope: OptionSpec['scope']): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    if (spec.scope !== scope) continue;
    const value = o[spec.name];
    resolved[spec.name] = value === undefined ? spec.default : (spec as OptionSpec).check(value, resolved as Partial<ResolvedOptions>);
  }
  return resolved;
}

/**
 * Validates the per-call options and applies the defaults. Throws `TypeError`/`RangeError` naming the
 * option. Unknown keys are rejected too, so that a typo never silently falls back to a default; the
 * quantizer-level options are checked too, though not returned (see {@link resolveQuantizerOptions}).
 */
export function resolveOptions(options: QuantizeOptions | undefined): ResolvedOptions {
  const o = asRecord(options);
  const resolved = resolveScope(o, 'call') as unknown as ResolvedOptions;
  resolveScope(o, 'quantizer');
  return resolved;
}

/** Validates the quantizer-level options (`gpu`, `device`, `maxChunkPixels`, `gpuIterateOn`) and applies their defaults. */
export function resolveQuantizerOptions(options: QuantizerOptions | undefined): ResolvedQuantizerOptions {
  return resolveScope(asRecord(options), 'quantizer') as unknown as ResolvedQuantizerOptions;
}

/** `#rrggbb` or `#rgb` colours, comma-separated (spaces allowed), as [r, g, b] triples. */
export function coloursFromText(text: string, where: string): RGB[] {
  const items = text.split(',').map((item) => item.trim());
  return items.map((item) => {
    const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(item)?.[1];
    if (!hex) throw typeError(where, 'comma-separated colours such as #ffffff,#000 (#rrggbb or #rgb)', item);
    const full = hex.length === 3 ? [...hex].map((h) => h + h).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as unknown as RGB;
  });
}

/**
 * An option's value from text (a CLI argument, an element attribute), by its `text` form: integers and
 * numbers must be written in full decimal (`16`, `-3`, `0.5`, `1e3`), choices as they are. Text that is
 * neither throws a TypeError naming `where`; the value itself is checked by `resolveOptions` later.
 */
export function optionFromText(name: OptionName, text: string, where: string = `option "${name}"`): number | string | RGB[] {
  const form = BY_NAME.get(name)?.text;
  if (!form) throw typeError(where, 'an option that can be written as text', name);
  if (form.kind === 'choice') return text;
  if (form.kind === 'colours') return coloursFromText(text, where);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) throw typeError(where, 'a number', text);
  return Number(text);
}
