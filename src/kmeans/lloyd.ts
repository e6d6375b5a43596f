/**
 * The host Lloyd loop, the same for every backend: iterate in the backend's batches, report progress,
 * honour cancellation, re-seed empty clusters deterministically, and drop clusters that can't be used.
 */
import { throwIfAborted } from '../errors.js';
import type { ProgressEvent } from '../options.js';
import { createYielder } from '../yield.js';
import { farthestPoint, type WeightedPoints } from './init.js';
import type { FitSession } from './session.js';

export interface LoopOptions {
  maxIterations: number;
  tolerance: number;
  attempt: number;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  /** The points empty clusters are re-seeded from (the init sample, shared by all backends). */
  reseedFrom: WeightedPoints;
}

export interface FitOutcome {
  /** Final centroids (the session is left holding them); empty clusters that could not be re-seeded are dropped. */
  centroids: Float64Array;
  iterations: number;
  converged: boolean;
  /** Inertia of the last iteration's assignment. */
  inertia: number;
}

/** Re-seeds empty clusters at far points; returns the new centroids and which ones could not be placed. */
function reseedEmpty(centroids: Float64Array, counts: Float64Array, from: WeightedPoints): { centroids: Float64Array; unusable: number[] } {
  const k = counts.length;
  const used: number[] = [];
  const empty: number[] = [];
  for (let j = 0; j < k; j++) (counts[j]! > 0 ? used : empty).push(j);
  const next = Float64Array.from(centroids);
  const unusable: number[] = [];
  const placed = used.slice();
  for (const j of empty) {
    const current = new Float64Array(placed.length * 3);
    placed.forEach((c, i) => current.set(next.subarray(c * 3, c * 3 + 3), i * 3));
    const point = farthestPoint(from, current);
    if (point === null) {
      unusable.push(j);
    } else {
      next.set(point, j * 3);
      placed.push(j);
    }
  }
  return { centroids: next, unusable };
}

/** Runs one attempt from `initial` centroids to convergence or `maxIterations`. */
export async function runLloyd(session: FitSession, initial: Float64Array, options: LoopOptions): Promise<FitOutcome> {
  const { maxIterations, tolerance, signal, onProgress, attempt } = options;
  await session.setCentroids(initial);
  const pause = createYielder();
  let iterations = 0;
  let converged = false;
  let inertia = NaN;
  while (iterations < maxIterations) {
    await pause();
    throwIfAborted(signal);
    const count = Math.min(session.batchSize(iterations), maxIterations - iterations);
    const stats = await session.iterate(count, tolerance);
    throwIfAborted(signal);
    for (const s of stats) {
      iterations++;
      inertia = s.inertia;
      onProgress?.({ iteration: iterations, attempt, inertia: s.inertia, shift: s.shift });
    }
    const last = stats[stats.length - 1];
    if (last === undefined || last.shift > tolerance) continue;
    const { centroids, counts } = await session.state();
    if (counts.every((c) => c > 0)) {
      converged = true;
      break;
    }
    const reseeded = reseedEmpty(centroids, counts, options.reseedFrom);
    if (reseeded.unusable.length === counts.filter((c) => c === 0).length) {
      // Nothing could be re-seeded: those clusters stay empty, and the rest has converged.
      converged = true;
      break;
    }
    await session.setCentroids(reseeded.centroids);
  }
  const { centroids, counts } = await session.state();
  const keep: number[] = [];
  for (let j = 0; j < counts.length; j++) if (counts[j]! > 0) keep.push(j);
  let final = centroids;
  if (keep.length < counts.length && keep.length > 0) {
    final = new Float64Array(keep.length * 3);
    keep.forEach((j, i) => final.set(centroids.subarray(j * 3, j * 3 + 3), i * 3));
    // The session ends holding exactly the centroids returned, ready for the final assignment.
    await session.setCentroids(final);
  }
  return { centroids: final, iterations, converged, inertia };
}
