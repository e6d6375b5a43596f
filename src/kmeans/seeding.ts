/**
 * Initial centroids, computed on the host from seeded samples so that every backend starts from the same
 * colours: greedy k-means++ (or random picks) on a small sample, polished by Lloyd iterations on a larger
 * one; a warm start from an earlier result's centroids; or colours given by the caller.
 */
import { packedToSpace, toSpace, type ColorSpace } from '../colour-space.js';
import { throwIfAborted } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { createYielder } from '../yield.js';
import { buildHistogram, gather, sampleIndices, unpackColours } from './histogram.js';
import { fixedCentroids, withFixed } from './fixed.js';
import { initJobSteps, kmeansPlusPlusSteps, randomAround, type InitJob, type Steps, type WeightedPoints } from './init.js';
import { initInWorker } from './partitions.js';
import { createRandom } from './random.js';
import { initStream, RANDOM_STREAMS } from './streams.js';

/**
 * Pixels of the seeded sample that initial centroids are polished on (and empty clusters re-seeded from),
 * the same for every backend: 16 K, or 256 per cluster, up to 64 K.
 */
function refineSamplePixels(k: number): number {
  return Math.min(1 << 16, Math.max(1 << 14, 256 * k));
}
/**
 * Polishing on the sample stops at this shift (or at the run's tolerance, when looser): the iterations over
 * every pixel take it from there.
 */
const REFINE_TOLERANCE = 0.25;
/** Pixels k-means++ picks from: a subset of the refinement sample, enough for k centroids. */
function seedSamplePixels(k: number): number {
  return Math.min(refineSamplePixels(k), Math.max(2048, 16 * k));
}
/** The two seeded samples initialisation works on. */
export interface InitSamples {
  /** Where k-means++ (or random init) picks from. */
  seed: WeightedPoints;
  /** Where the picks are polished by Lloyd iterations, and empty clusters re-seeded from. */
  refine: WeightedPoints;
  /** How many pixels are fitted. */
  fitSize: number;
}

/** The distinct colours of the pixels, weighted by their pixel counts, as points of `space`. */
export function weightedPoints(pixels: Uint32Array, space: ColorSpace = 'srgb'): WeightedPoints {
  const histogram = buildHistogram(pixels);
  if (space === 'srgb') return { points: unpackColours(histogram.colours), weights: histogram.weights };
  return { points: packedToSpace(histogram.colours, space), weights: histogram.weights, space };
}

/** Draws the init samples from the pixels being fitted. */
export function initSamples(fitPixels: Uint32Array, options: ResolvedOptions): InitSamples {
  const n = fitPixels.length;
  const refineCount = refineSamplePixels(options.k);
  const refinePixels = n <= refineCount ? fitPixels : gather(fitPixels, sampleIndices(n, refineCount, createRandom(options.seed, RANDOM_STREAMS.initSample)));
  const seedCount = seedSamplePixels(options.k);
  let seedPixels = refinePixels;
  if (refinePixels.length > seedCount) {
    // A strided subset of the (already random) refinement sample: spread over the whole image.
    seedPixels = new Uint32Array(seedCount);
    const stride = refinePixels.length / seedCount;
    for (let i = 0; i < seedCount; i++) seedPixels[i] = refinePixels[Math.floor(i * stride)]!;
  }
  const space = options.colorSpace;
  return { seed: weightedPoints(seedPixels, space), refine: weightedPoints(refinePixels, space), fitSize: n };
}

/**
 * How many centroid relocations to try on the sample (see `relocateWeakest`); each costs about one polish
 * of the sample, which grows with k. They lower the final error on large images at small and middle k, and
 * cost more than they gain on small images and at large k. So: from 1 MP, 24 up to k = 32, 12 at k = 64,
 * tapering to none at k = 128. Figures: bench/README.md, "Measurements behind the constants".
 */
function relocations(k: number, pixels: number): number {
  if (pixels < 1 << 20) return 0;
  if (k <= 32) return 24;
  return Math.round(12 * Math.min(1, Math.max(0, (128 - k) / 64)));
}

/**
 * Images from this many pixels initialise in this thread. Counting the colours of a large image goes through
 * a 16 MiB table, and a busy helper worker slows that count more than it saves there, while on smaller
 * images it takes the polish off the critical path. Figures: bench/README.md, "Measurements behind the
 * constants".
 */
const HELPER_MAX_PIXELS = 1 << 22;

/**
 * Runs steps on this thread, giving the event loop a turn every few milliseconds and looking at the
 * signal there, so that an abort lands during a long polish (k = 256: some 100-400 ms).
 */
async function runStepsHere<T>(steps: Steps<T>, signal: AbortSignal | undefined): Promise<T> {
  const pause = createYielder();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
    throwIfAborted(signal);
  }
}

/** Initial centroids, and whether the helper worker worked them out. */
export interface StartingPoint {
  centroids: Float64Array;
  inWorker: boolean;
}

/**
 * Starts working out the initial centroids of one attempt; the function returned finishes the job. Given
 * colours are used as they are; a warm start with the same k too (so that video frames keep their palette
 * order); otherwise k-means++ picks are polished on the sample, and at small k the best (lowest sample
 * inertia) of several polished candidates is kept. That work starts at once in a helper worker when one is
 * ready (overlapping whatever the caller does next, such as counting colours), else it runs here when the
 * result is asked for: the centroids are the same either way. `repeated`: the caller is a quantizer kept
 * for more calls (see `initInWorker`).
 */
export function beginInit(options: ResolvedOptions, samples: InitSamples, attempt: number, { repeated = false }: { repeated?: boolean } = {}): () => Promise<StartingPoint> {
  const stream = initStream(attempt);
  const method = options.init === 'random' ? 'random' : 'kmeans++';
  // Fixed colours, earlier centroids and given colours are sRGB: as points of the space the fit runs in.
  const inSpace = (rgb: Float64Array): Float64Array => (options.colorSpace === 'srgb' ? rgb : toSpace(rgb, options.colorSpace));
  const fixedRgb = fixedCentroids(options);
  const job: InitJob = {
    seedSample: samples.seed,
    refineSample: samples.refine,
    k: options.k,
    method,
    // Local optima differ most at small k, where candidates are cheap: polish several, keep the best. Three
    // at most: a fourth and more changed the mean error by next to nothing, while a third still helped
    // (bench/README.md, "Measurements behind the constants").
    candidates: Math.min(3, Math.max(1, Math.round(64 / options.k))),
    seed: options.seed,
    stream,
    maxIterations: options.maxIterations,
    tolerance: Math.max(options.tolerance, REFINE_TOLERANCE),
    relocations: relocations(options.k, samples.fitSize),
    fixed: fixedRgb && inSpace(fixedRgb),
  };
  if (options.warmStart && attempt === 1) {
    // With fixed colours: those first, then the earlier centroids that are not one of them.
    const warm = inSpace(withFixed(fixedRgb, options.warmStart));
    if (warm.length === options.k * 3) {
      const same = Float64Array.from(warm);
      return async () => ({ centroids: same, inWorker: false });
    }
    job.warmStart = warm;
  } else if (options.init instanceof Float64Array) {
    // With fixed colours: those first, then the first k - n given colours that are not one of them.
    const given = inSpace(withFixed(fixedRgb, options.init).slice(0, options.k * 3));
    return async () => ({ centroids: given, inWorker: false });
  } else if (options.algorithm === 'minibatch') {
    // Mini-batch k-means starts from the raw picks, as scikit-learn's does: polishing is its own job.
    const random = createRandom(options.seed, stream);
    if (method === 'random') {
      const raw = randomAround(samples.seed, options.k, random, job.fixed);
      return async () => ({ centroids: raw, inWorker: false });
    }
    return async () => ({ centroids: await runStepsHere(kmeansPlusPlusSteps(samples.seed, options.k, random, job.fixed), options.signal), inWorker: false });
  }
  // `threads: 1` asks for this thread only; large images work here too (see HELPER_MAX_PIXELS).
  const remote = options.threads === 1 || samples.fitSize >= HELPER_MAX_PIXELS ? Promise.resolve(undefined) : initInWorker(job, { bootNow: repeated });
  return async () => {
    const fromWorker = await remote;
    return { centroids: fromWorker ?? (await runStepsHere(initJobSteps(job), options.signal)), inWorker: fromWorker !== undefined };
  };
}
