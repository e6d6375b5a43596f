/**
 * The arithmetic every weighted Lloyd step shares: a full nearest-centroid scan, inertia from cluster sums,
 * and cluster means.
 */

/** Nearest centroid of one point by a full scan: writes label, distance and second-best distance. */
export interface Scan {
  best: number;
  bestD2: number;
  secondD2: number;
}

export function scan(points: Float64Array, i: number, centroids: Float64Array, k: number, out: Scan): void {
  const r = points[i * 3]!;
  const g = points[i * 3 + 1]!;
  const b = points[i * 3 + 2]!;
  let best = 0;
  let bestD2 = Infinity;
  let secondD2 = Infinity;
  for (let j = 0, o = 0; j < k; j++, o += 3) {
    const dr = r - centroids[o]!;
    const dg = g - centroids[o + 1]!;
    const db = b - centroids[o + 2]!;
    const d = dr * dr + dg * dg + db * db;
    if (d < bestD2) {
      secondD2 = bestD2;
      bestD2 = d;
      best = j;
    } else if (d < secondD2) {
      secondD2 = d;
    }
  }
  out.best = best;
  out.bestD2 = bestD2;
  out.secondD2 = secondD2;
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
