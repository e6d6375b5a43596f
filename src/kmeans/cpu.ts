/**
 * CPU backend: Lloyd's algorithm on the weighted histogram of distinct colours (exact: a colour's pixels
 * always share a label), assigned by the filtering algorithm on an octree of the colours, so that whole
 * boxes of colours go to a centroid at once (see filtering.ts). Typed arrays only; no DOM, so it runs in
 * Node, browsers and workers.
 */
import { outputMetrics, weightedPaletteError } from '../metrics.js';
import { FilteringLloyd } from './filtering.js';
import { keepFixed } from './fixed.js';
import { clusterMeans, inertiaFromSums, largestMove } from './sums.js';
import { buildHistogram, labelAndPaint, unpackColours, type ColourHistogram } from './histogram.js';
import { createPartitions, prewarmPartitions } from './partitions.js';
import type { CentroidState, FitSession, IterationStats, LabelledImage } from './session.js';
import { sameCentroids } from './session.js';

/** Below this many distinct colours, workers are not used even when asked for: too little to split. */
const PARALLEL_MIN_POINTS = 1 << 17;
/**
 * With `threads` left to the library, workers take the iterations only from this many distinct colours.
 * A colour-tree iteration is cheap even on large photos, cheaper than messaging workers and building their
 * trees in code they have not compiled yet (bench/README.md, "Measurements behind the constants"). The
 * helper worker still polishes the initial centroids meanwhile.
 */
const AUTO_PARALLEL_MIN_POINTS = 1 << 20;


/** The labelled image from each distinct colour's label, and its errors. */
function labelledOutput(
  allPixels: Uint32Array,
  counted: ColourHistogram,
  colours: Float64Array,
  inertia: number,
  colourLabels: Uint8Array,
  palette: Uint8Array,
): LabelledImage {
  return {
    ...labelAndPaint(allPixels, counted, colourLabels, palette),
    metrics: outputMetrics(inertia, weightedPaletteError(colours, counted.weights, colourLabels, palette), allPixels.length),
  };
}

/**
 * The final assignment of an image fitted on a sample: the two assignments (float centroids for the
 * objective, the byte palette for the labels) over every distinct colour of the whole image.
 */
function labelEveryColour(allPixels: Uint32Array, centroids: Float64Array, palette: Uint8Array): LabelledImage {
  const full = buildHistogram(allPixels, { pixelIndex: true });
  const fullPoints = unpackColours(full.colours);
  const tree = new FilteringLloyd(fullPoints, full.weights);
  tree.setCentroids(centroids);
  tree.assign();
  const inertia = inertiaFromSums(tree.sumOfSquares, centroids, tree.counts, tree.sums);
  tree.setCentroids(Float64Array.from(palette));
  return labelledOutput(allPixels, full, fullPoints, inertia, tree.labels, palette);
}

/**
 * A FitSession on the CPU: fits the histogram of `fitPixels`, labels every pixel of `allPixels`. With
 * `threads` > 1 and enough distinct colours, the histogram is split over worker threads.
 */
export async function createCpuSession(
  fitPixels: Uint32Array,
  allPixels: Uint32Array,
  threads: number | undefined,
): Promise<FitSession> {
  const fitsAll = fitPixels === allPixels;
  const minPoints = threads === undefined ? AUTO_PARALLEL_MIN_POINTS : PARALLEL_MIN_POINTS;
  // Enough pixels that the colours may warrant workers: let them boot while the colours are counted.
  if (fitPixels.length >= minPoints && threads !== 1) await prewarmPartitions(threads);
  // In Morton order where that is free: the colour tree then skips its sort (the fit does not depend on the
  // order of the colours: its sums are exact).
  const histogram: ColourHistogram = buildHistogram(fitPixels, { mortonOrder: true });
  const points = unpackColours(histogram.colours);
  const weights = histogram.weights;
  const parts = await createPartitions(points, weights, weights.length >= minPoints ? threads : 1);
  let centroids: Float64Array = new Float64Array(0);
  /** Centroids the partitions still have to move to (they move at the start of their next step). */
  let pending: Float64Array | null = null;
  let counts: Float64Array = new Float64Array(0);
  const setCentroids = async (c: Float64Array): Promise<void> => {
    centroids = Float64Array.from(c);
    pending = null;
    counts = new Float64Array(c.length / 3);
    await parts.setCentroids(centroids);
  };
  return {
    backend: 'cpu',
    threads: parts.count,
    batchSize: () => 1,
    setCentroids,
    async iterate(count, tolerance, fixed = 0) {
      const stats: IterationStats[] = [];
      for (let t = 0; t < count; t++) {
        const totals = await parts.step(pending);
        counts = Float64Array.from(totals.counts);
        const inertia = inertiaFromSums(parts.sumOfSquares, centroids, totals.counts, totals.sums);
        const next = keepFixed(clusterMeans(centroids, totals.counts, totals.sums), centroids, fixed);
        const shift = largestMove(centroids, next);
        centroids = next;
        pending = next;
        stats.push({ inertia, shift });
        if (shift <= tolerance) break;
      }
      return stats;
    },
    async state(): Promise<CentroidState> {
      return { centroids: Float64Array.from(centroids), counts: Float64Array.from(counts) };
    },
    async labelAll(fitted) {
      const { palette } = fitted;
      if (!sameCentroids(fitted.centroids, centroids)) await setCentroids(fitted.centroids);
      // The k-means objective at the float centroids (nearest-centroid assignment, from the cluster sums);
      // then each colour's label: its nearest palette colour (what the output image shows), never a worse
      // image than the nearest centroid's, and exact, since colours and palette are integers.
      if (!fitsAll) return labelEveryColour(allPixels, centroids, palette);
      const byteCentroids = Float64Array.from(palette);
      const totals = await parts.step(pending);
      const inertia = inertiaFromSums(parts.sumOfSquares, centroids, totals.counts, totals.sums);
      // One walk of the tree, writing labels (no sums needed at the palette).
      await parts.setCentroids(byteCentroids);
      // The partitions now hold the palette; a later step moves them back to the float centroids.
      pending = centroids;
      return labelledOutput(allPixels, histogram, points, inertia, await parts.labels(), palette);
    },
    destroy() {
      parts.release();
    },
  };
}
