/**
 * Independent references for the CPU-path tests: a plain brute-force Lloyd (float64, every point, no bounds,
 * ties to the lowest index), the k-means objective measured pixel by pixel, and assertions that name the
 * first mismatch. Shared by test/kmeans/*.test.ts and the end-to-end test/quantize-cpu*.test.ts.
 */
import { type QuantizeResult, type RGB } from '../../src/index.js';
import { dist2, randomInt, rgbOf, seededRandom, type TestImage } from './images.js';

// ---------------------------------------------------------------------------------------------------
// Independent reference: plain Lloyd over every point, float64, no bounds.
// ---------------------------------------------------------------------------------------------------

/** Index of the nearest centroid; the lowest index wins ties. */
export function nearest(points: Float64Array, i: number, centroids: Float64Array): number {
  const k = centroids.length / 3;
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < k; j++) {
    const d = dist2(points, i, centroids, j);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

export interface BruteStep {
  /** Labels of the assignment to the centroids the step started from. */
  labels: Int32Array;
  /** Weighted SSE of that assignment. */
  inertia: number;
  /** Cluster weights of that assignment. */
  counts: Float64Array;
  /** Centroids after the update (empty clusters keep theirs). */
  centroids: Float64Array;
  /** Largest centroid move of the update. */
  shift: number;
}

/** One assignment + update of plain weighted Lloyd. */
export function bruteStep(points: Float64Array, weights: Float64Array | undefined, centroids: Float64Array): BruteStep {
  const m = points.length / 3;
  const k = centroids.length / 3;
  const labels = new Int32Array(m);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * 3);
  let inertia = 0;
  for (let i = 0; i < m; i++) {
    const j = nearest(points, i, centroids);
    const w = weights ? weights[i]! : 1;
    labels[i] = j;
    inertia += w * dist2(points, i, centroids, j);
    counts[j]! += w;
    for (let c = 0; c < 3; c++) sums[j * 3 + c]! += w * points[i * 3 + c]!;
  }
  const next = Float64Array.from(centroids);
  let shift = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    for (let c = 0; c < 3; c++) next[j * 3 + c] = sums[j * 3 + c]! / counts[j]!;
    shift = Math.max(shift, Math.sqrt(dist2(next, j, centroids, j)));
  }
  return { labels, inertia, counts, centroids: next, shift };
}

export interface BruteFit {
  centroids: Float64Array;
  /** Nearest-centroid label of every point for the final centroids. */
  labels: Int32Array;
  inertias: number[];
  shifts: number[];
  /** Counts of the last assignment. */
  counts: Float64Array;
}

/** Plain Lloyd from `init` until a shift <= tolerance or maxIterations. */
export function bruteLloyd(points: Float64Array, init: Float64Array, maxIterations: number, tolerance: number): BruteFit {
  let centroids: Float64Array = Float64Array.from(init);
  const inertias: number[] = [];
  const shifts: number[] = [];
  let counts: Float64Array = new Float64Array(init.length / 3);
  for (let t = 0; t < maxIterations; t++) {
    const step = bruteStep(points, undefined, centroids);
    inertias.push(step.inertia);
    shifts.push(step.shift);
    counts = step.counts;
    centroids = step.centroids;
    if (step.shift <= tolerance) break;
  }
  const m = points.length / 3;
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) labels[i] = nearest(points, i, centroids);
  return { centroids, labels, inertias, shifts, counts };
}

export function flat(colours: ReadonlyArray<RGB>): Float64Array {
  return Float64Array.from(colours.flatMap((c) => [...c]));
}

export function expectClose(actual: number, expected: number, abs: number, what: string): void {
  if (!(Math.abs(actual - expected) <= abs)) {
    throw new Error(`${what}: expected ${expected} +- ${abs}, got ${actual} (diff ${Math.abs(actual - expected)})`);
  }
}

export function expectRelClose(actual: number, expected: number, rel: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  if (!(Math.abs(actual - expected) / scale <= rel)) {
    throw new Error(`${what}: expected ${expected} (rel ${rel}), got ${actual} (rel diff ${Math.abs(actual - expected) / scale})`);
  }
}

export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function expectSameArray(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const at = firstMismatch(actual, expected);
  if (at === -2) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  if (at >= 0) throw new Error(`${what}: first mismatch at ${at}: ${actual[at]} != ${expected[at]}`);
}

/** Sum over pixels of the squared distance to `centroids[labels[i]]`, computed pixel by pixel. */
export function independentInertia(image: TestImage, labels: ArrayLike<number>, centroids: Float64Array): number {
  const points = rgbOf(image);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += dist2(points, i, centroids, labels[i]!);
  return sum;
}

/** The k-means objective of the centroids: every pixel measured to its nearest one. */
export function objective(image: TestImage, centroids: Float64Array): number {
  const points = rgbOf(image);
  return independentInertia(image, Array.from({ length: points.length / 3 }, (_, i) => nearest(points, i, centroids)), centroids);
}

/**
 * Asserts that every pixel's label is its nearest palette colour, the lowest index on ties (integer
 * distances: exact), and that the output image shows that colour.
 */
export function expectNearestLabels(image: TestImage, result: QuantizeResult): void {
  const points = rgbOf(image);
  const palette = Float64Array.from(result.palette);
  const k = palette.length / 3;
  for (let i = 0; i < result.labels.length; i++) {
    const label = result.labels[i]!;
    if (label >= k) throw new Error(`pixel ${i}: label ${label} >= ${k}`);
    const expected = nearest(points, i, palette);
    if (label !== expected) {
      throw new Error(`pixel ${i}: label ${label} at d2 ${dist2(points, i, palette, label)}, nearest ${expected} at d2 ${dist2(points, i, palette, expected)}`);
    }
    for (let c = 0; c < 3; c++) {
      if (result.image[i * 4 + c] !== result.palette[label * 3 + c]) throw new Error(`pixel ${i}: image does not show palette colour ${label}`);
    }
  }
}

/** Random integer points with random integer weights (duplicate positions possible, as ties test). */
export function weightedPoints(m: number, seed: number, spread: number): { points: Float64Array; weights: Float64Array } {
  const random = seededRandom(seed);
  const points = new Float64Array(m * 3);
  const weights = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < 3; c++) points[i * 3 + c] = randomInt(random, 0, spread);
    weights[i] = randomInt(random, 1, 40);
  }
  return { points, weights };
}
