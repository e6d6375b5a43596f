/**
 * Weighted Lloyd over a fixed point set with Hamerly's bounds: the work of one CPU partition (the main
 * thread's, or one worker's), plus what a coordinator of several partitions needs: inertia from cluster
 * sums, and cluster means.
 */
import { CentroidIndex, nearestFrom, type Nearest } from './nearest.js';

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

/**
 * Weighted Lloyd iterations over a fixed point set, with Hamerly's bounds (a point whose upper bound to
 * its centroid is below both its lower bound to any other and half its centroid's distance to the nearest
 * other centroid keeps its label without any distance computed) and, where a search is needed, a scan of
 * sorted neighbours that stops early. Cluster sums are kept incrementally: they are integer-valued, so
 * float64 keeps them exact.
 */
export class HamerlyLloyd {
  readonly points: Float64Array;
  readonly weights: Float64Array;
  readonly size: number;
  centroids = new Float64Array(0);
  k = 0;
  readonly labels: Uint8Array;
  /** Per-cluster weight and weighted RGB sums of the current assignment. */
  counts = new Float64Array(0);
  sums = new Float64Array(0);
  private readonly upper: Float64Array;
  private readonly lower: Float64Array;
  private boundsValid = false;
  /** A move not yet applied to the bounds: per-centroid distance, the largest, where, and the second largest. */
  private moved: Float64Array | null = null;
  private movedMax = 0;
  private movedMaxAt = -1;
  private movedSecond = 0;
  /** Sum of w|x|^2 over the points: inertia follows from it and the cluster sums. */
  readonly sumOfSquares: number;
  private readonly index = new CentroidIndex();
  private readonly found: Nearest = { best: 0, bestD2: 0, secondLower: 0 };

  constructor(points: Float64Array, weights: Float64Array) {
    this.points = points;
    this.weights = weights;
    this.size = weights.length;
    this.labels = new Uint8Array(this.size);
    this.upper = new Float64Array(this.size);
    this.lower = new Float64Array(this.size);
    let s = 0;
    for (let i = 0; i < this.size; i++) {
      const r = points[i * 3]!;
      const g = points[i * 3 + 1]!;
      const b = points[i * 3 + 2]!;
      s += weights[i]! * (r * r + g * g + b * b);
    }
    this.sumOfSquares = s;
  }

  setCentroids(centroids: Float64Array): void {
    this.centroids = Float64Array.from(centroids);
    this.k = centroids.length / 3;
    this.counts = new Float64Array(this.k);
    this.sums = new Float64Array(this.k * 3);
    this.index.rebuild(this.centroids);
    this.boundsValid = false;
    this.moved = null;
  }

  /** First assignment: each point starts its search from the centroid nearest to its 8x8x8 colour cell. */
  private assignFromScratch(): void {
    this.moved = null;
    const { points, weights, labels, upper, lower, size, counts, sums, index, found } = this;
    const cellGuess = new Int16Array(1 << 15).fill(-1);
    const centre: Scan = { best: 0, bestD2: 0, secondD2: 0 };
    const cellPoint = new Float64Array(3);
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < size; i++) {
      const r = points[i * 3]!;
      const g = points[i * 3 + 1]!;
      const b = points[i * 3 + 2]!;
      const cell = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
      let guess = cellGuess[cell]!;
      if (guess < 0) {
        cellPoint[0] = (r & ~7) + 3.5;
        cellPoint[1] = (g & ~7) + 3.5;
        cellPoint[2] = (b & ~7) + 3.5;
        scan(cellPoint, 0, this.centroids, this.k, centre);
        guess = centre.best;
        cellGuess[cell] = guess;
      }
      nearestFrom(index, r, g, b, guess, found);
      const a = found.best;
      labels[i] = a;
      upper[i] = Math.sqrt(found.bestD2);
      lower[i] = found.secondLower;
      const w = weights[i]!;
      counts[a]! += w;
      sums[a * 3]! += w * r;
      sums[a * 3 + 1]! += w * g;
      sums[a * 3 + 2]! += w * b;
    }
    this.boundsValid = true;
  }

  /** Assigns every point to its nearest centroid, using and maintaining the bounds and the sums. */
  assign(): void {
    if (!this.boundsValid) {
      this.assignFromScratch();
      return;
    }
    const { points, weights, centroids, labels, upper, lower, size, counts, sums, index, found } = this;
    const half = index.half;
    // Loosen the bounds by the last move here, in the same pass (see moveTo).
    const { moved, movedMax, movedMaxAt, movedSecond } = this;
    this.moved = null;
    for (let i = 0; i < size; i++) {
      const a = labels[i]!;
      if (moved) {
        upper[i]! += moved[a]!;
        lower[i]! -= a === movedMaxAt ? movedSecond : movedMax;
      }
      const bound = Math.max(half[a]!, lower[i]!);
      if (upper[i]! <= bound) continue;
      const r = points[i * 3]!;
      const g = points[i * 3 + 1]!;
      const b = points[i * 3 + 2]!;
      const dr = r - centroids[a * 3]!;
      const dg = g - centroids[a * 3 + 1]!;
      const db = b - centroids[a * 3 + 2]!;
      const u = Math.sqrt(dr * dr + dg * dg + db * db);
      upper[i] = u;
      if (u <= bound) continue;
      nearestFrom(index, r, g, b, a, found);
      const next = found.best;
      upper[i] = Math.sqrt(found.bestD2);
      lower[i] = found.secondLower;
      if (next !== a) {
        labels[i] = next;
        const w = weights[i]!;
        counts[a]! -= w;
        sums[a * 3]! -= w * r;
        sums[a * 3 + 1]! -= w * g;
        sums[a * 3 + 2]! -= w * b;
        counts[next]! += w;
        sums[next * 3]! += w * r;
        sums[next * 3 + 1]! += w * g;
        sums[next * 3 + 2]! += w * b;
      }
    }
  }

  /** Inertia of the current assignment against the current centroids, from the cluster sums. */
  accumulate(): number {
    return inertiaFromSums(this.sumOfSquares, this.centroids, this.counts, this.sums);
  }

  /** The next centroids: each cluster's mean, or its current place when it is empty. */
  means(): Float64Array {
    return clusterMeans(this.centroids, this.counts, this.sums);
  }

  /**
   * Moves the centroids to `next` and loosens the bounds by how far each moved (the lower bounds by the
   * largest move of any other centroid). Returns the largest move.
   */
  moveTo(next: Float64Array): number {
    const { centroids, k, labels, upper, lower } = this;
    const moved = new Float64Array(k);
    let max = 0;
    let maxAt = -1;
    let second = 0;
    for (let j = 0; j < k; j++) {
      const dr = next[j * 3]! - centroids[j * 3]!;
      const dg = next[j * 3 + 1]! - centroids[j * 3 + 1]!;
      const db = next[j * 3 + 2]! - centroids[j * 3 + 2]!;
      const d = Math.sqrt(dr * dr + dg * dg + db * db);
      moved[j] = d;
      if (d > max) {
        second = max;
        max = d;
        maxAt = j;
      } else if (d > second) {
        second = d;
      }
    }
    if (max > 0) {
      centroids.set(next);
      this.index.moved(centroids);
      // The bounds are loosened lazily, in the next assign()'s pass over the points.
      if (this.moved) {
        // Two moves without an assignment in between: apply the earlier one now.
        this.loosen();
      }
      this.moved = moved;
      this.movedMax = max;
      this.movedMaxAt = maxAt;
      this.movedSecond = second;
    }
    return max;
  }

  /** Applies a pending move to every bound now. */
  private loosen(): void {
    const { moved, movedMax, movedMaxAt, movedSecond, labels, upper, lower } = this;
    if (!moved) return;
    for (let i = 0; i < this.size; i++) {
      const a = labels[i]!;
      upper[i]! += moved[a]!;
      lower[i]! -= a === movedMaxAt ? movedSecond : movedMax;
    }
    this.moved = null;
  }

  /** One centroid update on this point set alone: move to the means. Returns the largest move. */
  update(): number {
    return this.moveTo(this.means());
  }
}

