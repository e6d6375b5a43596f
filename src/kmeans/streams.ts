/**
 * The numbered streams of the seeded generator (`createRandom(seed, stream)`), in one place: each random
 * draw of a run comes from its own stream, so that adding draws to one stage never moves another's.
 */
export const RANDOM_STREAMS = {
  /** The pixels of a `sampleSize` fit. */
  fitSample: 1,
  /** The refinement sample initialisation polishes on (and empty clusters are re-seeded from). */
  initSample: 2,
} as const;

/** The stream of attempt `attempt`'s (1-based) k-means++ or random picks. */
export function initStream(attempt: number): number {
  return 100 + attempt;
}

/** The stream of attempt `attempt`'s (1-based) mini-batches. */
export function miniBatchStream(attempt: number): number {
  return 200 + attempt;
}
