/**
 * The host Lloyd loop, the same for every backend: iterate in the backend's batches, report progress,
 * honour cancellation, re-seed empty clusters deterministically, and drop clusters that can't be used.
 */
import { throwIfAborted } from '../errors.js';
import type { ProgressEvent } from '../options.js';
import { createYielder } from '../yield.js';
import { reseed, withoutCentroids, type ReseedSource } from './init.js';
import type { CentroidState, FitSession } from './session.js';

export interface LoopOptions {
  maxIterations: number;
  tolerance: number;
  attempt: number;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  /** Where empty clusters are re-seeded from (the init sample, shared by all backends, then every fitted colour). */
  reseedFrom: ReseedSource;
  /** How many of the first centroids are fixed colours: never moved, never re-seeded (see fixed.ts). */
  fixed?: number;
}

export interface FitOutcome {
  /** Final centroids (the session is left holding them); empty clusters that could not be re-seeded are dropped. */
  centroids: Float64Array;
  iterations: number;
  converged: boolean;
  /** Inertia of the last iteration's assignment. */
  inertia: number;
}

/** Centroids after re-seeding the empty clusters: how many moved, and the ones that could not. */
interface Reseeded {
  centroids: Float64Array;
  placed: number;
  unplaced: number[];
}

/**
 * Re-seeds the empty clusters at distinct far points (see `reseed`). Each one lands on a colour of the
 * fitted pixels that no other centroid holds, so the next assignment gives it at least that colour. The
 * first `fixed` (fixed colours) stay, empty or not.
 */
function reseedEmpty({ centroids, counts }: CentroidState, from: ReseedSource, fixed = 0): Reseeded {
  const empty: number[] = [];
  for (let j = fixed; j < counts.length; j++) if (counts[j] === 0) empty.push(j);
  const next = Float64Array.from(centroids);
  const unplaced = reseed(next, empty, from);
  return { centroids: next, placed: empty.length - unplaced.length, unplaced };
}

/**
 * The centroids the loop ends with, which the session is left holding: never an empty cluster that could
 * be re-seeded (when the iterations ran out with some, they move now, each onto a colour it then owns),
 * and without those that could not be. `pending`: what the loop last re-seeded, when it did not iterate since.
 */
async function settle(session: FitSession, pending: Reseeded | null, from: ReseedSource, fixed: number): Promise<Float64Array> {
  const last = pending ?? reseedEmpty(await session.state(), from, fixed);
  const centroids = withoutCentroids(last.centroids, last.unplaced);
  if (last.unplaced.length > 0 || (pending === null && last.placed > 0)) await session.setCentroids(centroids);
  return centroids;
}

/**
 * Runs one attempt from `initial` centroids (distinct: see `spreadInitial`) to convergence or `maxIterations`.
 * Empty clusters are re-seeded whenever the centroids settle, and once more when the iterations run out.
 */
export async function runLloyd(session: FitSession, initial: Float64Array, options: LoopOptions): Promise<FitOutcome> {
  const { maxIterations, tolerance, signal, onProgress, attempt, reseedFrom, fixed = 0 } = options;
  await session.setCentroids(initial);
  const pause = createYielder();
  let iterations = 0;
  let converged = false;
  let inertia = NaN;
  let pending: Reseeded | null = null;
  while (iterations < maxIterations) {
    await pause();
    throwIfAborted(signal);
    const count = Math.min(session.batchSize(iterations), maxIterations - iterations);
    const stats = await session.iterate(count, tolerance, fixed);
    pending = null;
    throwIfAborted(signal);
    for (const s of stats) {
      iterations++;
      inertia = s.inertia;
      onProgress?.({ iteration: iterations, attempt, inertia: s.inertia, shift: s.shift });
    }
    const last = stats[stats.length - 1];
    if (last === undefined || last.shift > tolerance) continue;
    pending = reseedEmpty(await session.state(), reseedFrom, fixed);
    if (pending.placed === 0) {
      // No empty cluster, or none that could be re-seeded (they are dropped): converged.
      converged = true;
      break;
    }
    await session.setCentroids(pending.centroids);
  }
  return { centroids: await settle(session, pending, reseedFrom, fixed), iterations, converged, inertia };
}

/**
 * Centroids fitted off the session (mini-batch k-means), checked by one assignment of every fitted pixel
 * there: the clusters it leaves empty are re-seeded, or dropped when they cannot be, as the loop's are.
 * The session is left holding the centroids returned.
 */
export async function settleFitted(session: FitSession, centroids: Float64Array, from: ReseedSource, fixed = 0): Promise<Float64Array> {
  await session.setCentroids(centroids);
  await session.iterate(1, Infinity, fixed);
  const { counts } = await session.state();
  const settled = reseedEmpty({ centroids, counts }, from, fixed);
  const final = withoutCentroids(settled.centroids, settled.unplaced);
  await session.setCentroids(final);
  return final;
}
