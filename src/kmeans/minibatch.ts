/**
 * Mini-batch k-means (Sculley 2010, as scikit-learn's MiniBatchKMeans): each step draws a seeded random
 * batch of pixels, assigns it, and moves each centroid towards its batch mean with a rate of
 * batch-count / total-count, so that centroids settle as they see more pixels. Much less work than Lloyd
 * over every pixel, at a small cost in error.
 */
import { srgbToOklab, type ColorSpace } from '../colour-space.js';
import { throwIfAborted } from '../errors.js';
import type { ProgressEvent } from '../options.js';
import { createYielder } from '../yield.js';
import { CentroidIndex, nearestFrom, type Nearest } from './nearest.js';
import type { Random } from './random.js';

export interface MiniBatchOptions {
  /** Pixels per batch; at most the number of fitted pixels are drawn. */
  batchSize: number;
  /** Most steps (one batch each). */
  maxIterations: number;
  /** Stop once no centroid moved farther than this for `patience` steps in a row. */
  tolerance: number;
  random: Random;
  /** The space of the centroids; each drawn pixel is converted to it. @default 'srgb' */
  space?: ColorSpace;
  attempt: number;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  /** How many of the first centroids are fixed colours, never moved. */
  fixed?: number;
}

/** Steps in a row with every move within tolerance before stopping (scikit-learn's max_no_improvement). */
const PATIENCE = 10;
/** Pixels drawn between two looks at the clock (and the signal) inside a batch. */
const DRAWS_PER_CHECK = 4096;

export interface MiniBatchOutcome {
  centroids: Float64Array;
  iterations: number;
  converged: boolean;
  /** Inertia of the last batch, scaled to the number of fitted pixels. */
  inertia: number;
}

/** One batch's per-cluster counts and sums, and its squared error. */
interface Batch {
  counts: Float64Array;
  sums: Float64Array;
  error: number;
  /** The last pixel's cluster: where the next search starts. */
  guess: number;
}

/** Draws `draws` random pixels and adds each to its nearest centroid's count and sums. */
function drawInto(batch: Batch, pixels: Uint32Array, draws: number, random: Random, index: CentroidIndex, found: Nearest): void {
  const { counts, sums } = batch;
  const n = pixels.length;
  let guess = batch.guess;
  for (let s = 0; s < draws; s++) {
    const p = pixels[random.int(n)]!;
    const r = p & 255;
    const g = (p >>> 8) & 255;
    const b = (p >>> 16) & 255;
    nearestFrom(index, r, g, b, guess, found);
    guess = found.best;
    batch.error += found.bestD2;
    counts[guess]!++;
    sums[guess * 3]! += r;
    sums[guess * 3 + 1]! += g;
    sums[guess * 3 + 2]! += b;
  }
  batch.guess = guess;
}

/** `drawInto` for OKLab centroids: each drawn pixel converted to its OKLab point first. */
function drawIntoOklab(batch: Batch, pixels: Uint32Array, draws: number, random: Random, index: CentroidIndex, found: Nearest): void {
  const { counts, sums } = batch;
  const n = pixels.length;
  const point = new Float64Array(3);
  let guess = batch.guess;
  for (let s = 0; s < draws; s++) {
    const p = pixels[random.int(n)]!;
    srgbToOklab(p & 255, (p >>> 8) & 255, (p >>> 16) & 255, point, 0);
    nearestFrom(index, point[0]!, point[1]!, point[2]!, guess, found);
    guess = found.best;
    batch.error += found.bestD2;
    counts[guess]!++;
    sums[guess * 3]! += point[0]!;
    sums[guess * 3 + 1]! += point[1]!;
    sums[guess * 3 + 2]! += point[2]!;
  }
  batch.guess = guess;
}

/**
 * Moves each centroid but the first `fixed` towards its batch mean (rate: batch count / all counts so
 * far); returns the largest move.
 */
function moveTowards(centroids: Float64Array, seen: Float64Array, { counts, sums }: Batch, fixed: number): number {
  let shift = 0;
  for (let j = fixed; j < seen.length; j++) {
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
  return shift;
}

/**
 * Fits from `initial` (distinct: see `spreadInitial`). Batches draw at most as many pixels as are fitted, and
 * a long batch gives the event loop a turn (and the signal a look) every few milliseconds.
 */
export async function miniBatchFit(pixels: Uint32Array, initial: Float64Array, options: MiniBatchOptions): Promise<MiniBatchOutcome> {
  const { maxIterations, tolerance, random, signal, onProgress, attempt } = options;
  const draw = options.space === 'oklab' ? drawIntoOklab : drawInto;
  const centroids = Float64Array.from(initial);
  const k = centroids.length / 3;
  const n = pixels.length;
  const batchSize = Math.min(options.batchSize, n);
  const seen = new Float64Array(k);
  const batch: Batch = { counts: new Float64Array(k), sums: new Float64Array(k * 3), error: 0, guess: 0 };
  const index = new CentroidIndex();
  const found: Nearest = { best: 0, bestD2: 0, secondLower: 0 };
  const pause = createYielder();
  let calm = 0;
  let iterations = 0;
  let inertia = NaN;
  let converged = false;
  while (iterations < maxIterations) {
    index.rebuild(centroids);
    batch.counts.fill(0);
    batch.sums.fill(0);
    batch.error = 0;
    batch.guess = 0;
    for (let drawn = 0; drawn < batchSize; drawn += DRAWS_PER_CHECK) {
      await pause();
      throwIfAborted(signal);
      draw(batch, pixels, Math.min(DRAWS_PER_CHECK, batchSize - drawn), random, index, found);
    }
    const shift = moveTowards(centroids, seen, batch, options.fixed ?? 0);
    iterations++;
    inertia = (batch.error / batchSize) * n;
    onProgress?.({ iteration: iterations, attempt, inertia, shift });
    calm = shift <= tolerance ? calm + 1 : 0;
    if (calm >= PATIENCE) {
      converged = true;
      break;
    }
  }
  return { centroids, iterations, converged, inertia };
}
