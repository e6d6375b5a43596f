/**
 * The arithmetic every weighted Lloyd step shares: a full nearest-centroid scan, inertia from cluster sums,
 * and cluster means.
 */

/** Index of the nearest of the centroids (RGB triples) by a full scan; the lowest index wins ties. */
export function nearestIndex(r: number, g: number, b: number, centroids: Uint8Array | Float64Array): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0, o = 0; o < centroids.length; j++, o += 3) {
    const dr = r - centroids[o]!;
    const dg = g - centroids[o + 1]!;
    const db = b - centroids[o + 2]!;
    const d = dr * dr + dg * dg + db * db;
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

/** The largest distance between matching centroids of two sets (how far an update moved them). */
export function largestMove(from: Float64Array, to: Float64Array): number {
  let max = 0;
  for (let j = 0; j < from.length; j += 3) {
    const dr = to[j]! - from[j]!;
    const dg = to[j + 1]! - from[j + 1]!;
    const db = to[j + 2]! - from[j + 2]!;
    max = Math.max(max, Math.sqrt(dr * dr + dg * dg + db * db));
  }
  return max;
}

/** Sum of w|x|^2 over weighted points. */
export function weightedSumOfSquares(points: Float64Array, weights: Float64Array): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    const r = points[i * 3]!;
    const g = points[i * 3 + 1]!;
    const b = points[i * 3 + 2]!;
    s += weights[i]! * (r * r + g * g + b * b);
  }
  return s;
}

/**
 * SSE of an assignment from its cluster sums: sum w|x|^2 - 2 sum_c c.S_c + sum_c n_c |c|^2, exact up to
 * rounding in float64 (the sums of integer colours are exact).
 */
export function inertiaFromSums(sumOfSquares: number, centroids: Float64Array, counts: Float64Array, sums: Float64Array): number {
  let inertia = sumOfSquares;
  for (let j = 0; j < counts.length; j++) {
    const cr = centroids[j * 3]!;
    const cg = centroids[j * 3 + 1]!;
    const cb = centroids[j * 3 + 2]!;
    inertia += counts[j]! * (cr * cr + cg * cg + cb * cb) - 2 * (cr * sums[j * 3]! + cg * sums[j * 3 + 1]! + cb * sums[j * 3 + 2]!);
  }
  return Math.max(0, inertia);
}

/** Each cluster's mean, or the current centroid for an empty cluster (never NaN). */
export function clusterMeans(centroids: Float64Array, counts: Float64Array, sums: Float64Array): Float64Array {
  const next = Float64Array.from(centroids);
  for (let j = 0; j < counts.length; j++) {
    const n = counts[j]!;
    if (n === 0) continue;
    next[j * 3] = sums[j * 3]! / n;
    next[j * 3 + 1] = sums[j * 3 + 1]! / n;
    next[j * 3 + 2] = sums[j * 3 + 2]! / n;
  }
  return next;
}
