/**
 * Fixed colours (the `fixedColors` option): colours the palette must hold byte for byte. They are the
 * first n centroids of every fit, in the order given; the Lloyd update, mini-batch steps, the polish on
 * the init sample and the relocations never move them, empty-cluster re-seeding never takes them, and the
 * rounded palette never drops them (they are integers and come first, so a repeat is always a later,
 * free entry). The other k - n centroids are initialised around them (k-means++ with the fixed colours as
 * the centres already chosen) and fitted as usual.
 */
import type { ResolvedOptions } from '../options.js';

/** How many of the first centroids are fixed (0 without fixed colours). */
export function fixedCount(options: Pick<ResolvedOptions, 'fixedColors'>): number {
  return (options.fixedColors?.length ?? 0) / 3;
}

/** The fixed colours as centroids (RGB floats), or undefined when there are none. */
export function fixedCentroids(options: Pick<ResolvedOptions, 'fixedColors'>): Float64Array | undefined {
  const fixed = options.fixedColors;
  return fixed && fixed.length > 0 ? Float64Array.from(fixed) : undefined;
}

/** Puts the first `fixed` centroids of `from` back into `next` (after an update moved them). */
export function keepFixed(next: Float64Array, from: Float64Array, fixed: number): Float64Array {
  if (fixed > 0) next.set(from.subarray(0, fixed * 3));
  return next;
}

function key(points: ArrayLike<number>, j: number): number {
  const r = Math.min(255, Math.max(0, Math.round(points[j * 3]!)));
  const g = Math.min(255, Math.max(0, Math.round(points[j * 3 + 1]!)));
  const b = Math.min(255, Math.max(0, Math.round(points[j * 3 + 2]!)));
  return r | (g << 8) | (b << 16);
}

/**
 * The fixed colours, then the centroids of `centroids` whose rounded colour is not one of them, in their
 * order: how a warm start or given initial colours meet fixed colours. `centroids` itself without fixed
 * colours.
 */
export function withFixed(fixed: Float64Array | undefined, centroids: Float64Array): Float64Array {
  if (!fixed) return centroids;
  const taken = new Set<number>();
  for (let j = 0; j < fixed.length / 3; j++) taken.add(key(fixed, j));
  const rest: number[] = [];
  for (let j = 0; j < centroids.length / 3; j++) {
    if (!taken.has(key(centroids, j))) rest.push(centroids[j * 3]!, centroids[j * 3 + 1]!, centroids[j * 3 + 2]!);
  }
  const out = new Float64Array(fixed.length + rest.length);
  out.set(fixed);
  out.set(rest, fixed.length);
  return out;
}

/**
 * The colours of an exact fit with fixed colours: the fixed ones (packed like pixels, alpha 0), then the
 * image's other distinct colours; undefined when together they are more than k (the image is then fitted).
 */
export function exactWithFixed(distinct: Uint32Array, fixed: Uint8Array, k: number): Uint32Array | undefined {
  const n = fixed.length / 3;
  const packed = new Uint32Array(n);
  for (let j = 0; j < n; j++) packed[j] = fixed[j * 3]! | (fixed[j * 3 + 1]! << 8) | (fixed[j * 3 + 2]! << 16);
  const taken = new Set(packed);
  const rest = distinct.filter((c) => !taken.has(c));
  if (n + rest.length > k) return undefined;
  const out = new Uint32Array(n + rest.length);
  out.set(packed);
  out.set(rest, n);
  return out;
}

/** Writes the fixed colours, exactly, over the first centroids and palette entries of a fit. */
export function pinFixed(centroids: Float64Array, palette: Uint8Array, fixed: Uint8Array | undefined): void {
  if (!fixed) return;
  for (let i = 0; i < fixed.length; i++) {
    centroids[i] = fixed[i]!;
    palette[i] = fixed[i]!;
  }
}
