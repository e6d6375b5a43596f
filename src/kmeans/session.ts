/** The contract between the host Lloyd loop and a backend that runs its iterations. */
import type { OrderedPlan } from '../dither/index.js';
import type { ErrorMetrics } from '../metrics.js';
import type { UsedBackend } from '../options.js';
import type { GpuRunStats } from '../result.js';

/** What one Lloyd iteration measured. */
export interface IterationStats {
  /** Sum of squared distances of the fitted pixels to the centroids they were assigned to. */
  inertia: number;
  /** Largest distance a centroid moved in the update that followed. */
  shift: number;
}

/** Centroids and, for each, how many fitted pixels the latest assignment gave it. */
export interface CentroidState {
  centroids: Float64Array;
  counts: Float64Array;
}

/** A fitted palette: float centroids and the byte palette rounded from them, in the same order. */
export interface FittedCentroids {
  centroids: Float64Array;
  palette: Uint8Array;
}

/** What the final assignment gives: one label per pixel, the errors, and the painted output image. */
export interface LabelledImage {
  labels: Uint8Array;
  metrics: ErrorMetrics;
  image: Uint8ClampedArray<ArrayBuffer>;
  /** Distinct RGB colours among every pixel (alpha dropped), where the backend counted them anyway (the CPU session's histogram). */
  distinctColours?: number;
}

/**
 * One backend's view of one image. The host loop sets centroids, runs iterations in batches, reads the
 * centroids back, and finally asks for every pixel's label. A session measures in one colour space, made
 * with it: the centroids it is set, iterates and reports are points of that space (sRGB values, or OKLab
 * points: see colour-space.ts), while `labelAll` takes sRGB centroids and palette, as fits report them,
 * and converts them itself.
 */
export interface FitSession {
  readonly backend: UsedBackend;
  /** CPU threads the iterations run on (0 for the GPU). */
  readonly threads: number;
  /** How many iterations the host should ask for per `iterate` call (GPU: several per submit). */
  batchSize(iterationsDone: number): number;
  /** Replaces the centroids (interleaved RGB, 1 to 256 of them). */
  setCentroids(centroids: Float64Array): Promise<void>;
  /**
   * Runs up to `count` assignment + update iterations, stopping after the first one whose shift is at
   * most `tolerance`. Empty clusters keep their centroid, and so do the first `fixed` (fixed colours).
   */
  iterate(count: number, tolerance: number, fixed?: number): Promise<IterationStats[]>;
  /** The current centroids and the counts of the latest assignment. */
  state(): Promise<CentroidState>;
  /**
   * The final assignment of every pixel of the image (not only the fitted ones): its label, the index of
   * its nearest colour of `palette` (the lowest index on ties); the errors of those labels against the
   * palette (in 8-bit sRGB) and against `centroids` (the float centroids the palette was rounded from: the
   * k-means objective, in the session's space); and the output image (each pixel its label's palette colour, with the pixel's alpha). The
   * session moves to `centroids` first when it holds others.
   */
  labelAll(fitted: FittedCentroids): Promise<LabelledImage>;
  /**
   * As labelAll(), but each pixel's label is its ordered-dithered palette colour (`plan`: the same
   * offsets as the CPU's orderedLabels()), chosen in the pass that paints the image; `inertia` stays the
   * undithered k-means objective. Only backends that dither themselves (the GPU) have it.
   */
  labelAllOrdered?(fitted: FittedCentroids, plan: OrderedPlan): Promise<LabelledImage>;
  /** What the GPU did so far (GPU sessions only). */
  gpuStats?(): GpuRunStats;
  /** Frees what the session made. */
  destroy(): void;
}

/** Whether two centroid sets are the same, value for value (a session skips moving to what it holds). */
export function sameCentroids(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
