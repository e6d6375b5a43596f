/**
 * Mini-batch k-means (Sculley 2010, as scikit-learn's MiniBatchKMeans): each step draws a seeded random
 * batch of pixels, assigns it, and moves each centroid towards its batch mean with a rate of
 * batch-count / total-count, so that centroids settle as they see more pixels. Much less work than Lloyd
 * over every pixel, at a small cost in error.
 */
import { throwIfAborted } from '../errors.js';
import type { ProgressEvent } from '../options.js';
import { createYielder } from '../yield.js';
import { CentroidIndex, nearestFrom, type Nearest } from './nearest.js';
import type { Random } from './random.js';

export interface MiniBatchOptions {
  batchSize: number;
  /** Most steps (one batch each). */
  maxIterations: number;
  /** Stop once no centroid moved farther than this for `patience` steps in a row. */
  tolerance: number;
  random: Random;
  attempt: number;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
}

/** Steps in a row with every move within tolerance before stopping (scikit-learn's max_no_improvement). */
const PATIENCE = 10;

export interface MiniBatchOutcome {
  centroids: Float64Array;
  iterations: number;
  converged: boolean;
  /** Inertia of the last batch, scaled to the number of fitted pixels. */
  inertia: number;
}

export async function miniBatchFit(pixels: Uint32Array, initial: Float64Array, options: MiniBatchOptions): Promise<MiniBatchOutcome> {
  const { batchSize, maxIterations, tolerance, random, signal, onProgress, attempt } = options;
  const centroids = Float64Array.from(initial);
  const k = centroids.length / 3;
  const seen = new Float64Array(k);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * 3);
  const index = new CentroidIndex();
  const found: Nearest = { best: 0, bestD2: 0, secondLower: 0 };
  const pause = createYielder();
  const n = pixels.length;
  let calm = 0;
  let iterations = 0;
  let inertia = NaN;
  let converged = false;
  while (iterations < maxIterations) {
    await pause();
    throwIfAborted(signal);
    index.rebuild(centroids);
    counts.fill(0);
    sums.fill(0);
    let batchError = 0;
    let guess = 0;
    for (let s = 0; s < batchSize; s++) {
      const p = pixels[random.int(n)]!;
      const r = p & 255;
      const g = (p >>> 8) & 255;
      const b = (p >>> 16) & 255;
      nearestFrom(index, r, g, b, guess, found);
      guess = found.best;
      batchError += found.bestD2;
      counts[guess]!++;
      sums[guess * 3]! += r;
      sums[guess * 3 + 1]! += g;
      sums[guess * 3 + 2]! += b;
    }
    let shift = 0;
    for (let j = 0; j < k; j++) {
      const c = counts[j]!;
      if (c === 0) continue;
      const total = seen[j]! + c;
      let d2 = 0;
      for (let ch = 0; ch < 3; ch++) {
        const next = (centroids[j * 3 + ch]! * seen[j]! + sums[j * 3 + ch]!) / total;
        const delta = next - centroids[j * 3 + ch]!;
        d2 += delta * delta;
        centroids[j * 3 + ch] = next;
      }
      seen[j] = total;
      shift = Math.max(shift, Math.sqrt(d2));
    }
    iterations++;
    inertia = (batchError / batchSize) * n;
    onProgress?.({ iteration: iterations, attempt, inertia, shift });
    calm = shift <= tolerance ? calm + 1 : 0;
    if (calm >= PATIENCE) {
      converged = true;
      break;
    }
  }
  return { centroids, iterations, converged, inertia };
}
