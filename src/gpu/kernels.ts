/**
 * Each WGSL kernel in shaders/, described once: its source (with the shared nearest-centroid search, OKLab
 * conversion or frame uniform prepended where it is used), its bindings by name (the WGSL variable names, in binding order), its
 * `override` constants as a function of the run, and the part of its pipeline cache key that the run
 * decides. At run time these records are the source of truth; a test reads the WGSL and checks that its
 * `@group(0) @binding(n) var<...> name` and `override` declarations match them. Adding a kernel is one
 * .wgsl file and one record here.
 */
import assignSource from '../../shaders/assign.wgsl?raw';
import assignColoursSource from '../../shaders/assign-colours.wgsl?raw';
import countColoursSource from '../../shaders/count-colours.wgsl?raw';
import gatherColoursSource from '../../shaders/gather-colours.wgsl?raw';
import nearestCentroidSource from '../../shaders/nearest-centroid.wgsl?raw';
import oklabSource from '../../shaders/oklab.wgsl?raw';
import orderedSource from '../../shaders/ordered.wgsl?raw';
import reduceSource from '../../shaders/reduce.wgsl?raw';
import frameSource from '../../shaders/frame.wgsl?raw';
import frameGateSource from '../../shaders/frame-gate.wgsl?raw';
import paintTextureSource from '../../shaders/paint-texture.wgsl?raw';
import paletteSource from '../../shaders/palette.wgsl?raw';
import renderSource from '../../shaders/render.wgsl?raw';
import seedSource from '../../shaders/seed.wgsl?raw';
import unpackTextureSource from '../../shaders/unpack-texture.wgsl?raw';
import type { ColorSpace } from '../colour-space.js';
import { QuantizerError } from '../errors.js';
import {
  ERROR_SCALE,
  FRAME_WORKGROUP_SIZE,
  fixedPointOf,
  PIXELS_PER_INVOCATION,
  REDUCE_WORKGROUP_SIZE,
  SEED_POLISH,
  SEED_SAMPLES,
  SEED_WORKGROUP_SIZE,
  SUM_WORDS_PER_CLUSTER,
  WORKGROUP_SIZE,
} from './constants.js';

/**
 * How a kernel binds one resource: a buffer binding type, `'texture'` (a sampled `texture_2d<f32>`, read
 * with textureLoad) or `'storage-texture'` (a write-only `texture_storage_2d<rgba8unorm, write>`).
 */
export type BindingType = GPUBufferBindingType | 'texture' | 'storage-texture';

/** A kernel's bindings: WGSL variable name to binding type, in binding order (0, 1, ...). */
export type Bindings = Readonly<Record<string, BindingType>>;

/** Whether a binding type is a texture's (bound as a view) rather than a buffer's. */
export function isTextureBinding(type: BindingType): type is 'texture' | 'storage-texture' {
  return type === 'texture' || type === 'storage-texture';
}

/** One WGSL kernel: entry point `main`, one bind group (group 0) of buffers. */
export interface Kernel<B extends Bindings = Bindings, Run = unknown> {
  /** Names the kernel in labels and pipeline cache keys. */
  readonly name: string;
  /** The WGSL module, ready to compile. */
  readonly source: string;
  readonly bindings: B;
  /** The `override` constants of a run's pipeline. */
  overrides(run: Run): Record<string, number>;
  /** What tells this run's pipeline apart from the kernel's others (the same key, the same constants). */
  variant(run: Run): string;
}

/** The resources of one bind group of `B`, by binding name: a buffer, or a texture view for a texture binding. */
export type BindingBuffers<B extends Bindings> = { readonly [name in keyof B]: B[name] extends 'texture' | 'storage-texture' ? GPUTextureView : GPUBuffer };

/** A kernel whose pipeline does not depend on the run. */
export type NoRun = Record<never, never>;

const READ: GPUBufferBindingType = 'read-only-storage';
const WRITE: GPUBufferBindingType = 'storage';
const UNIFORM: GPUBufferBindingType = 'uniform';
const TEXTURE = 'texture' as const;
const STORAGE_TEXTURE = 'storage-texture' as const;

/** The search and the OKLab conversion both assignment kernels share (WGSL has no includes). */
const withNearestCentroid = (source: string): string => `${nearestCentroidSource}\n${oklabSource}\n${source}`;

/** One invocation per PIXELS_PER_INVOCATION pixels (or points) of a WORKGROUP_SIZE workgroup. */
const perPixel = { WORKGROUP_SIZE, PIXELS_PER_INVOCATION };
const perPoint = { WORKGROUP_SIZE, POINTS_PER_INVOCATION: PIXELS_PER_INVOCATION };
/** The clustering space of a run (absent: sRGB). */
type InSpace = { space?: ColorSpace };
/** What the kernels that fill or read the 64-bit cluster sums agree on: k, the error's and the sums' fixed point. */
const sumsOf = (k: number, space: ColorSpace = 'srgb') => ({ K: k, ERROR_SCALE, SUM_WORDS: SUM_WORDS_PER_CLUSTER, ...fixedPointOf(space) });
/** Whether an assignment kernel converts its colours to OKLab and measures there. */
const oklabOf = (space: ColorSpace = 'srgb') => ({ OKLAB: space === 'oklab' ? 1 : 0 });

/** Nearest-centroid assignment of a chunk of pixels: sums (accumulate) or packed labels. */
export const ASSIGN = {
  name: 'assign',
  source: withNearestCentroid(assignSource),
  bindings: { pixels: READ, centroids: READ, sums: WRITE, labels: WRITE, control: READ, chunk: UNIFORM },
  overrides: ({ k, accumulate, space }: { k: number; accumulate: boolean } & InSpace) => ({
    ...perPixel,
    ...sumsOf(k, space),
    ...oklabOf(space),
    OKLAB_SUM_WORDS: space === 'oklab' ? 2 * k : 1,
    ACCUMULATE: accumulate ? 1 : 0,
  }),
  variant: ({ k, accumulate, space = 'srgb' }: { k: number; accumulate: boolean } & InSpace) => `${k}:${accumulate}:${space}`,
} as const satisfies Kernel<Bindings, { k: number; accumulate: boolean } & InSpace>;

/** Weighted nearest-centroid assignment of the histogram's distinct colours (indirect dispatch). */
export const ASSIGN_COLOURS = {
  name: 'assignColours',
  source: withNearestCentroid(assignColoursSource),
  bindings: { colours: READ, weights: READ, centroids: READ, sums: WRITE, control: READ, info: READ },
  overrides: ({ k, space }: { k: number } & InSpace) => ({ ...perPoint, ...sumsOf(k, space), ...oklabOf(space) }),
  variant: ({ k, space = 'srgb' }: { k: number } & InSpace) => `${k}:${space}`,
} as const satisfies Kernel<Bindings, { k: number } & InSpace>;

/** Histogram step 1: counts a chunk's colours in the 2^24-entry table and lists each new one. */
export const COUNT_COLOURS = {
  name: 'countColours',
  source: countColoursSource,
  bindings: { pixels: READ, table: WRITE, colours: WRITE, info: WRITE, chunk: UNIFORM },
  overrides: () => ({ ...perPixel }),
  variant: () => '',
} as const satisfies Kernel<Bindings, NoRun>;

/** Histogram step 2: the listed colours' weights from the table, which it clears. */
export const GATHER_COLOURS = {
  name: 'gatherColours',
  source: gatherColoursSource,
  bindings: { table: WRITE, colours: READ, weights: WRITE, info: WRITE },
  overrides: () => ({ ...perPoint }),
  variant: () => '',
} as const satisfies Kernel<Bindings, NoRun>;

/** Centroid update from the sums, with the iteration's record and the convergence flag. */
export const REDUCE = {
  name: 'reduce',
  source: reduceSource,
  bindings: { sums: WRITE, centroids: WRITE, counts: WRITE, control: WRITE, history: WRITE, params: UNIFORM },
  overrides: ({ k, space }: { k: number } & InSpace) => ({ WORKGROUP_SIZE: REDUCE_WORKGROUP_SIZE, ...sumsOf(k, space) }),
  variant: ({ k, space = 'srgb' }: { k: number } & InSpace) => `${k}:${space}`,
} as const satisfies Kernel<Bindings, { k: number } & InSpace>;

/** The output image: each pixel its label's palette colour, painted over the pixels in place. */
export const RENDER = {
  name: 'render',
  source: renderSource,
  bindings: { pixels: WRITE, labels: READ, palette: READ, chunk: UNIFORM },
  overrides: () => ({ ...perPixel }),
  variant: () => '',
} as const satisfies Kernel<Bindings, NoRun>;

/**
 * Ordered dithering of a chunk: each pixel plus its threshold-map offset labelled with its nearest palette
 * colour (in OKLab when `oklab`) and painted in place. Prepends the nearest-colour search and the OKLab
 * conversion.
 */
export const ORDERED = {
  name: 'ordered',
  source: `${nearestCentroidSource}\n${oklabSource}\n${orderedSource}`,
  bindings: { pixels: WRITE, labels: WRITE, points: READ, palette: READ, dither: UNIFORM, chunk: UNIFORM },
  overrides: ({ k, oklab }: { k: number; oklab: boolean }) => ({ ...perPixel, K: k, OKLAB: oklab ? 1 : 0 }),
  variant: ({ k, oklab }: { k: number; oklab: boolean }) => `${k}:${oklab}`,
} as const satisfies Kernel<Bindings, { k: number; oklab: boolean }>;

/** The frame path, step 1: every texel of a frame's texture as a packed RGBA8 pixel. */
export const UNPACK_TEXTURE = {
  name: 'unpackTexture',
  source: `${frameSource}\n${unpackTextureSource}`,
  bindings: { source: TEXTURE, pixels: WRITE, frame: UNIFORM },
  overrides: () => ({ WORKGROUP_SIZE: FRAME_WORKGROUP_SIZE }),
  variant: () => '',
} as const satisfies Kernel<Bindings, NoRun>;

/** The frame path's initialisation on the GPU: seeded k-means++ on a stratified sample of the frame, polished by Lloyd iterations on it. */
export const SEED = {
  name: 'seed',
  source: seedSource,
  bindings: { pixels: READ, centroids: WRITE, seeding: UNIFORM },
  overrides: ({ k }: { k: number }) => ({ WORKGROUP_SIZE: SEED_WORKGROUP_SIZE, K: k, SAMPLES: SEED_SAMPLES, POLISH: SEED_POLISH }),
  variant: ({ k }: { k: number }) => `${k}`,
} as const satisfies Kernel<Bindings, { k: number }>;

/** The byte palette of the float centroids, on the GPU: as points (for the labelling) and packed (for the painting). */
export const PALETTE = {
  name: 'palette',
  source: paletteSource,
  bindings: { centroids: READ, points: WRITE, palette: WRITE },
  overrides: ({ k }: { k: number }) => ({ WORKGROUP_SIZE: REDUCE_WORKGROUP_SIZE, K: k }),
  variant: ({ k }: { k: number }) => `${k}`,
} as const satisfies Kernel<Bindings, { k: number }>;

/** The frame path's output: each pixel its label's palette colour (and its own alpha), stored into an rgba8unorm texture. */
export const PAINT_TEXTURE = {
  name: 'paintTexture',
  source: `${frameSource}\n${paintTextureSource}`,
  bindings: { labels: READ, palette: READ, pixels: READ, output: STORAGE_TEXTURE, frame: UNIFORM },
  overrides: () => ({ WORKGROUP_SIZE: FRAME_WORKGROUP_SIZE }),
  variant: () => '',
} as const satisfies Kernel<Bindings, NoRun>;

/** The frame path's early exit: the next assignment's indirect workgroup count, 0 once converged. */
export const FRAME_GATE = {
  name: 'frameGate',
  source: frameGateSource,
  bindings: { control: READ, args: WRITE },
  overrides: () => ({}),
  variant: () => '',
} as const satisfies Kernel<Bindings, NoRun>;

/** Every kernel, for the context's compile cache and the test that checks them against the WGSL. */
export const KERNELS: readonly Kernel<Bindings, never>[] = [ASSIGN, ASSIGN_COLOURS, COUNT_COLOURS, GATHER_COLOURS, REDUCE, RENDER, ORDERED, UNPACK_TEXTURE, SEED, PALETTE, PAINT_TEXTURE, FRAME_GATE];

/**
 * The entries of a bind group of `kernel`, in its binding order, from buffers given by binding name.
 * Throws when a binding is missing or a name is not one of the kernel's.
 */
export function bindingEntries<B extends Bindings>(kernel: Kernel<B, never>, buffers: BindingBuffers<B>): GPUBindGroupEntry[] {
  const names = Object.keys(kernel.bindings);
  const extra = Object.keys(buffers).filter((name) => !(name in kernel.bindings));
  const missing = names.filter((name) => (buffers as Record<string, unknown>)[name] === undefined);
  if (extra.length > 0 || missing.length > 0) {
    const said = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `not bindings of it: ${extra.join(', ')}` : ''];
    throw new QuantizerError('INVALID_STATE', `a bind group of kernel "${kernel.name}" names its buffers wrongly (${said.filter(Boolean).join('; ')})`);
  }
  return names.map((name, binding) => {
    const resource = (buffers as Record<string, GPUBuffer | GPUTextureView>)[name]!;
    return { binding, resource: isTextureBinding(kernel.bindings[name]!) ? (resource as GPUTextureView) : { buffer: resource as GPUBuffer } };
  });
}
