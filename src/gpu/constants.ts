/**
 * The one source of every number the WGSL kernels and the host must agree on. The kernels receive
 * them as `override` constants (each kernel's record in kernels.ts says which), never as copies.
 */
import { OKLAB_STEPS, type ColorSpace } from '../colour-space.js';

/** Invocations per workgroup of the assignment kernel. */
export const WORKGROUP_SIZE = 64;
/** Pixels each invocation assigns (they share one packed u32 of four 8-bit labels). */
export const PIXELS_PER_INVOCATION = 4;
/** Pixels per workgroup: chunks are multiples of this. */
export const PIXELS_PER_WORKGROUP = WORKGROUP_SIZE * PIXELS_PER_INVOCATION;
/** Invocations of the reduction kernel: one per cluster, so the largest k. */
export const REDUCE_WORKGROUP_SIZE = 256;
/** Largest k: labels are 8-bit. */
export const MAX_K = 256;
/** u32 words of 64-bit sums per cluster: r, g, b, count, each as (lo, hi). */
export const SUM_WORDS_PER_CLUSTER = 8;
/** Per-pixel squared distances are summed in fixed point with this many steps per unit. */
export const ERROR_SCALE = 16;
/**
 * OKLab points are summed in fixed point: (p + OKLAB_SUM_OFFSET) in steps of 1 / OKLAB_STEPS (the CPU's
 * grid), rounded to an integer. The offset makes every coordinate positive (scaled OKLab of sRGB colours:
 * L in 0..255, a and b within -80..71), so a point is three integers below 2^21, its sums are exact
 * integers like the sRGB ones, and the only rounding is the f32 conversion before it (about 1e-4 units)
 * and the f32 mean of the reduction (a relative 6e-8 of the offset point: under 3e-5 units).
 */
export const OKLAB_SUM_OFFSET = 128;

/** The SUM_STEPS and SUM_OFFSET overrides of the kernels that fill or read the sums (sRGB: the colours as they are). */
export function fixedPointOf(space: ColorSpace): { SUM_STEPS: number; SUM_OFFSET: number } {
  return space === 'oklab' ? { SUM_STEPS: OKLAB_STEPS, SUM_OFFSET: OKLAB_SUM_OFFSET } : { SUM_STEPS: 1, SUM_OFFSET: 0 };
}
/** Invocations per workgroup of the frame path's per-pixel kernels (one pixel each). */
export const FRAME_WORKGROUP_SIZE = 256;
/** Invocations of the seeding kernel (one workgroup). */
export const SEED_WORKGROUP_SIZE = 256;
/** Pixels of the frame the GPU seeding samples (stratified), a multiple of SEED_WORKGROUP_SIZE. */
export const SEED_SAMPLES = 1024;
/** Lloyd iterations the seeding runs on its sample (the polish) before the iterations over the frame. */
export const SEED_POLISH = 8;
/** Iterations one batch can record (history entries). */
export const MAX_BATCH = 64;
/** Words of the control buffer: [done, iterations recorded, empty clusters, pad]. */
export const CONTROL_WORDS = 4;
/** Largest workgroup count of one dispatch dimension that every adapter allows. */
export const MAX_WORKGROUPS_PER_DISPATCH = 65535;
/** Entries of the GPU colour table: one u32 count per 24-bit RGB colour (64 MiB). */
export const COLOUR_TABLE_ENTRIES = 1 << 24;
/**
 * Most fitted pixels the GPU colour histogram takes: its distinct colours then fit one indirect dispatch
 * of whole workgroups, and a colour's weight times 255 fits a u32 (see shaders/assign-colours.wgsl).
 */
export const HISTOGRAM_MAX_PIXELS = MAX_WORKGROUPS_PER_DISPATCH * PIXELS_PER_WORKGROUP;
/** u32 words of the histogram info buffer: [distinct colours, indirect dispatch x, y, z]. */
export const HISTOGRAM_INFO_WORDS = 4;

if (SEED_SAMPLES % SEED_WORKGROUP_SIZE !== 0) throw new Error('SEED_SAMPLES must be a multiple of SEED_WORKGROUP_SIZE');
// Per-workgroup sums are packed two to a u32 (16 bits each): they must not overflow 16 bits.
if (PIXELS_PER_WORKGROUP * 255 >= 1 << 16) throw new Error('PIXELS_PER_WORKGROUP too large for 16-bit packed sums');
// A colour of the histogram holds fewer than 2^24 pixels: its weighted channel sums fit a u32.
if (HISTOGRAM_MAX_PIXELS * 255 >= 2 ** 32) throw new Error('HISTOGRAM_MAX_PIXELS too large for 32-bit weighted sums');
// A workgroup's fixed-point OKLab sums must fit a u32 (a point's offset coordinate is below 255 + offset).
if (PIXELS_PER_WORKGROUP * (255 + OKLAB_SUM_OFFSET) * OKLAB_STEPS >= 2 ** 32) throw new Error('OKLab fixed point too fine for 32-bit workgroup sums');
// The fixed-point error of one workgroup must fit a u32: 3 * 255^2 per pixel (more than any OKLab distance).
if (PIXELS_PER_WORKGROUP * 3 * 255 * 255 * ERROR_SCALE >= 2 ** 32) throw new Error('ERROR_SCALE too large');
