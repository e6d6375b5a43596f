/**
 * The one source of every number the WGSL kernels and the host must agree on. The kernels receive
 * them as `override` constants (see `overrides()` below), never as copies.
 */

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
/** Iterations one batch can record (history entries). */
export const MAX_BATCH = 64;
/** Words of the control buffer: [done, iterations recorded, empty clusters, pad]. */
export const CONTROL_WORDS = 4;
/** Largest workgroup count of one dispatch dimension that every adapter allows. */
export const MAX_WORKGROUPS_PER_DISPATCH = 65535;

// Per-workgroup sums are packed two to a u32 (16 bits each): they must not overflow 16 bits.
if (PIXELS_PER_WORKGROUP * 255 >= 1 << 16) throw new Error('PIXELS_PER_WORKGROUP too large for 16-bit packed sums');
// The fixed-point error of one workgroup must fit a u32: 3 * 255^2 per pixel.
if (PIXELS_PER_WORKGROUP * 3 * 255 * 255 * ERROR_SCALE >= 2 ** 32) throw new Error('ERROR_SCALE too large');

/** Override constants for the assignment kernel. */
export function assignOverrides(k: number, accumulate: boolean): Record<string, number> {
  return {
    WORKGROUP_SIZE,
    PIXELS_PER_INVOCATION,
    K: k,
    ACCUMULATE: accumulate ? 1 : 0,
    ERROR_SCALE,
    SUM_WORDS: SUM_WORDS_PER_CLUSTER,
  };
}

/** Override constants for the reduction kernel. */
export function reduceOverrides(k: number): Record<string, number> {
  return { WORKGROUP_SIZE: REDUCE_WORKGROUP_SIZE, K: k, ERROR_SCALE, SUM_WORDS: SUM_WORDS_PER_CLUSTER };
}
