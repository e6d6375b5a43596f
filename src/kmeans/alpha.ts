/**
 * Weighted k-means in the 4-D alpha space (alpha-space.ts) on the distinct RGBA colours of an image with
 * transparency: seeded k-means++ (or random, or given) starting centroids, then Lloyd iterations with
 * Hamerly's bounds (an upper bound on each point's distance to its centroid and a lower bound on the
 * distance to any other one; a point whose bounds leave no doubt skips the distance scan), so k = 256 on
 * a photo's colours stays fast. Some centroids may be fixed (the transparent entry, fixed colours): they
 * take part in the assignment and never move. Deterministic: same input and seed, same centroids.
 */
import { throwIfAborted } from '../errors.js';
import type { ProgressEvent } from '../options.js';
import { createYielder } from '../yield.js';
import { distance4 } from './alpha-space.js';
import { createRandom, type Random } from './random.js';

/** What one 4-D fit needs. Centroids are laid out fixed ones first, then the `k - fixed` free ones. */
export interface AlphaKmeansInput {
  /** The fitted points, 4 numbers each (transparent pixels left out), and their pixel counts. */
  points: Float64Array;
  weights: Float64Array;
  /** Centroids that never move, 4 numbers each. */
  fixed: Float64Array;
  /** All centroids, fixed ones included. */
  k: number;
  seed: number;
  attempts: number;
  maxIterations: number;
  tolerance: number;
  /** How the free centroids start: k-means++, random distinct points, or the given points (4 numbers each). */
  init: 'kmeans++' | 'random' | Float64Array;
  /** First attempt only: points to start from (up to k - fixed of them; k-means++ adds the rest). */
  warmStart?: Float64Array | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/** The winning attempt. */
export interface AlphaKmeansResult {
  /** k centroids, 4 numbers each, fixed ones first. */
  centroids: Float64Array;
  iterations: number;
  converged: boolean;
  /** Weighted sum of squared distances at the last iteration's assignment. */
  inertia: number;
  attempt: number;
}

/** Each point's nearest centroid so far and its distance, kept while k-means++ adds centroids. */
interface Coverage {
  nearest: Int32Array;
  d2: Float64Array;
  d: Float64Array;
}

/**
 * Lowers each point's coverage by centroids [from, to). A centroid at distance D from the point's nearest
 * one, with D >= 2 d (d the point's distance to that one), cannot be nearer (triangle inequality): skipped.
 */
function cover(points: Float64Array, c: Coverage, centroids: Float64Array, from: number, to: number): void {
  const gap = new Float64Array((to - from) * to);
  for (let j = from; j < to; j++) for (let l = 0; l < to; l++) gap[(j - from) * to + l] = Math.sqrt(distance4(centroids, j * 4, centroids, l * 4));
  for (let i = 0; i < c.d2.length; i++) {
    for (let j = from; j < to; j++) {
      const near = c.nearest[i]!;
      if (near >= 0 && gap[(j - from) * to + near]! >= 2 * c.d[i]!) continue;
      const d = distance4(points, i * 4, centroids, j * 4);
      if (d < c.d2[i]!) {
        c.d2[i] = d;
        c.d[i] = Math.sqrt(d);
        c.nearest[i] = j;
      }
    }
  }
}

/** An index drawn with probability proportional to `score` (total `sum` > 0). */
function drawIndex(score: Float64Array, sum: number, random: Random): number {
  let r = random.next() * sum;
  for (let i = 0; i < score.length; i++) {
    r -= score[i]!;
    if (r < 0) return i;
  }
  for (let i = score.length - 1; i >= 0; i--) if (score[i]! > 0) return i;
  return 0;
}

/** Fills centroids[from..k) by weighted D^2 sampling (k-means++), given the first `from` ones. */
function kmeansPlusPlus(points: Float64Array, weights: Float64Array, centroids: Float64Array, from: number, random: Random): void {
  const m = weights.length;
  const k = centroids.length / 4;
  const c: Coverage = { nearest: new Int32Array(m).fill(-1), d2: new Float64Array(m).fill(Infinity), d: new Float64Array(m).fill(Infinity) };
  const score = new Float64Array(m);
  let at = from;
  if (at === 0) {
    const first = drawIndex(weights, weights.reduce((s, w) => s + w, 0), random);
    centroids.set(points.subarray(first * 4, first * 4 + 4), 0);
    at = 1;
  }
  cover(points, c, centroids, 0, at);
  for (; at < k; at++) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += score[i] = weights[i]! * c.d2[i]!;
    // Every point already a centroid (fixed colours among the image's): repeat one; it stays empty.
    const i = sum > 0 ? drawIndex(score, sum, random) : 0;
    centroids.set(points.subarray(i * 4, i * 4 + 4), at * 4);
    cover(points, c, centroids, at, at + 1);
  }
}

/** Fills centroids[from..k) with distinct points drawn by weight. */
function randomPoints(points: Float64Array, weights: Float64Array, centroids: Float64Array, from: number, random: Random): void {
  const total = weights.reduce((s, w) => s + w, 0);
  const taken = new Uint8Array(weights.length);
  const k = centroids.length / 4;
  let left = weights.length;
  for (let at = from, tries = 0; at < k; tries++) {
    let i = left > 0 ? drawIndex(weights, total, random) : 0;
    // After many repeats (a few heavy colours), take the next free point instead; when every point is
    // taken (fewer points than centroids, as in a small sample), repeat the first: that cluster stays empty.
    if (left > 0 && taken[i] && tries > 64 * k) i = taken.indexOf(0);
    if (left > 0 && taken[i]) continue;
    if (left > 0) left--;
    taken[i] = 1;
    centroids.set(points.subarray(i * 4, i * 4 + 4), at++ * 4);
  }
}

/** The starting centroids of one attempt: fixed ones, then the free ones by the attempt's method. */
function startingCentroids(input: AlphaKmeansInput, attempt: number, random: Random): Float64Array {
  const { points, weights, fixed, k, init, warmStart } = input;
  const centroids = new Float64Array(k * 4);
  centroids.set(fixed);
  let from = fixed.length / 4;
  const given = attempt === 1 && warmStart ? warmStart : init instanceof Float64Array ? init : undefined;
  if (given) {
    const take = Math.min(k - from, given.length / 4);
    centroids.set(given.subarray(0, take * 4), from * 4);
    from += take;
  }
  if (init === 'random' && !given) randomPoints(points, weights, centroids, from, random);
  else kmeansPlusPlus(points, weights, centroids, from, random);
  return centroids;
}

/** Runs every attempt and keeps the one with the lowest inertia (the first on ties). */
export async function fitAlphaKmeans(input: AlphaKmeansInput): Promise<AlphaKmeansResult> {
  let best: AlphaKmeansResult | undefined;
  for (let attempt = 1; attempt <= input.attempts; attempt++) {
    throwIfAborted(input.signal);
    const random = createRandom(input.seed, 0x41 + attempt);
    const centroids = startingCentroids(input, attempt, random);
    const run = await hamerlyLloyd(input, centroids, attempt);
    if (!best || run.inertia < best.inertia) best = { centroids, ...run, attempt };
  }
  return best!;
}

/** Bounds of Hamerly's algorithm: each point's label, upper bound to its centroid, lower bound to the others. */
interface Bounds {
  label: Int32Array;
  upper: Float64Array;
  lower: Float64Array;
}

/** Finds the nearest and second-nearest centroid of point i and sets its label and both bounds. */
function scanPoint(points: Float64Array, i: number, centroids: Float64Array, k: number, b: Bounds): void {
  let best = 0;
  let bestD = Infinity;
  let second = Infinity;
  const o = i * 4;
  for (let j = 0; j < k; j++) {
    const d = distance4(points, o, centroids, j * 4);
    if (d < bestD) {
      second = bestD;
      bestD = d;
      best = j;
    } else if (d < second) {
      second = d;
    }
  }
  b.label[i] = best;
  b.upper[i] = Math.sqrt(bestD);
  b.lower[i] = Math.sqrt(second);
}

/** For each centroid, the others in ascending order of distance (itself first), with those distances. */
interface Neighbours {
  order: Uint16Array;
  distance: Float64Array;
}

/** The centroids' neighbour lists (k x k: cheap next to the points' scans). */
function neighbours(centroids: Float64Array, k: number): Neighbours {
  const matrix = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let l = j + 1; l < k; l++) matrix[j * k + l] = matrix[l * k + j] = Math.sqrt(distance4(centroids, j * 4, centroids, l * 4));
  }
  const order = new Uint16Array(k * k);
  const distance = new Float64Array(k * k);
  const row = Array.from({ length: k }, (_, l) => l);
  for (let j = 0; j < k; j++) {
    const d = matrix.subarray(j * k, j * k + k);
    row.sort((x, y) => d[x]! - d[y]! || (x === j ? -1 : y === j ? 1 : x - y));
    for (let t = 0; t < k; t++) {
      order[j * k + t] = row[t]!;
      distance[j * k + t] = d[row[t]!]!;
    }
  }
  return { order, distance };
}

/**
 * Rescans point i, whose label `a` is at exact distance `ua`: the other centroids in ascending order of
 * their distance D from centroid a, stopping once D - ua reaches the second-best distance found (by the
 * triangle inequality no later centroid is nearer than that); sets the label and both bounds.
 */
function rescanPoint(points: Float64Array, i: number, centroids: Float64Array, k: number, b: Bounds, nb: Neighbours, a: number, ua: number): void {
  let best = a;
  let bestD = ua;
  let second = Infinity;
  for (let t = 1; t < k; t++) {
    if (nb.distance[a * k + t]! - ua >= second) break;
    const j = nb.order[a * k + t]!;
    const d = Math.sqrt(distance4(points, i * 4, centroids, j * 4));
    if (d < bestD) {
      second = bestD;
      bestD = d;
      best = j;
    } else if (d < second) {
      second = d;
    }
  }
  b.label[i] = best;
  b.upper[i] = bestD;
  b.lower[i] = second;
}

/** Reassigns the points whose bounds do not rule out a nearer centroid. */
function assign(points: Float64Array, centroids: Float64Array, k: number, b: Bounds): void {
  const nb = neighbours(centroids, k);
  const m = b.label.length;
  for (let i = 0; i < m; i++) {
    const a = b.label[i]!;
    // Half the distance from centroid a to its nearest other one (Hamerly's s(a)).
    const z = Math.max(k > 1 ? nb.distance[a * k + 1]! / 2 : Infinity, b.lower[i]!);
    if (b.upper[i]! <= z) continue;
    const ua = Math.sqrt(distance4(points, i * 4, centroids, a * 4));
    b.upper[i] = ua;
    if (ua <= z) continue;
    rescanPoint(points, i, centroids, k, b, nb, a, ua);
  }
}

/**
 * Moves the free centroids to the weighted means of their points; an empty free cluster moves to the
 * point farthest from its centroid (the first such point; each point used once). Returns each centroid's
 * shift and the assignment's inertia.
 */
function update(input: AlphaKmeansInput, centroids: Float64Array, b: Bounds): { shifts: Float64Array; inertia: number } {
  const { points, weights } = input;
  const k = centroids.length / 4;
  const fixedCount = input.fixed.length / 4;
  const sums = new Float64Array(k * 4);
  const counts = new Float64Array(k);
  const d2 = new Float64Array(weights.length);
  let inertia = 0;
  for (let i = 0; i < weights.length; i++) {
    const j = b.label[i]!;
    const w = weights[i]!;
    d2[i] = distance4(points, i * 4, centroids, j * 4);
    inertia += w * d2[i]!;
    counts[j] = counts[j]! + w;
    for (let c = 0; c < 4; c++) sums[j * 4 + c] = sums[j * 4 + c]! + w * points[i * 4 + c]!;
  }
  const shifts = new Float64Array(k);
  const moved = new Float64Array(4);
  for (let j = fixedCount; j < k; j++) {
    if (counts[j]! > 0) {
      for (let c = 0; c < 4; c++) moved[c] = sums[j * 4 + c]! / counts[j]!;
    } else {
      let far = -1;
      for (let i = 0; i < d2.length; i++) if (far < 0 || d2[i]! > d2[far]!) far = i;
      if (far < 0 || d2[far] === 0) continue;
      d2[far] = 0;
      moved.set(points.subarray(far * 4, far * 4 + 4));
    }
    shifts[j] = Math.sqrt(distance4(moved, 0, centroids, j * 4));
    centroids.set(moved, j * 4);
  }
  return { shifts, inertia };
}

/** Loosens the bounds by the centroids' shifts, as Hamerly's algorithm does. */
function loosen(b: Bounds, shifts: Float64Array): void {
  let first = 0;
  for (let j = 1; j < shifts.length; j++) if (shifts[j]! > shifts[first]!) first = j;
  let second = 0;
  for (let j = 0; j < shifts.length; j++) if (j !== first && shifts[j]! > second) second = shifts[j]!;
  const largest = shifts[first] ?? 0;
  for (let i = 0; i < b.label.length; i++) {
    const j = b.label[i]!;
    b.upper[i] = b.upper[i]! + shifts[j]!;
    b.lower[i] = b.lower[i]! - (j === first ? second : largest);
  }
}

/** Lloyd iterations from `centroids` (updated in place) until the largest shift is within tolerance. */
async function hamerlyLloyd(input: AlphaKmeansInput, centroids: Float64Array, attempt: number): Promise<Omit<AlphaKmeansResult, 'centroids' | 'attempt'>> {
  const m = input.weights.length;
  const k = centroids.length / 4;
  const b: Bounds = { label: new Int32Array(m), upper: new Float64Array(m), lower: new Float64Array(m) };
  for (let i = 0; i < m; i++) scanPoint(input.points, i, centroids, k, b);
  const yieldNow = createYielder();
  let inertia = 0;
  for (let iteration = 1; iteration <= input.maxIterations; iteration++) {
    if (iteration > 1) assign(input.points, centroids, k, b);
    const step = update(input, centroids, b);
    inertia = step.inertia;
    const shift = step.shifts.reduce((a, s) => Math.max(a, s), 0);
    input.onProgress?.({ iteration, attempt, inertia, shift });
    if (shift <= input.tolerance) return { iterations: iteration, converged: true, inertia };
    loosen(b, step.shifts);
    await yieldNow();
    throwIfAborted(input.signal);
  }
  return { iterations: input.maxIterations, converged: false, inertia };
}
