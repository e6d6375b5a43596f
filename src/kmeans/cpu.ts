/**
 * CPU backend: Lloyd's algorithm on the weighted histogram of distinct colours (exact: a colour's pixels
 * always share a label), assigned by the filtering algorithm on an octree of the colours, so that whole
 * boxes of colours go to a centroid at once (see filtering.ts). Typed arrays only; no DOM, so it runs in
 * Node, browsers and workers.
 */
import { packedToSpace, toSpace, type ColorSpace } from '../colour-space.js';
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


/** The labelled image from each distinct colour's label (`counted`: the histogram of every pixel), its errors and its colour count. */
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
    distinctColours: counted.colours.length,
  };
}

/** Histogram colours as points of `space`: the sRGB ones (the same array) or their OKLab points. */
function pointsOf(colours: Uint32Array, rgb: Float64Array, space: ColorSpace): Float64Array {
  return space === 'srgb' ? rgb : packedToSpace(colours, space);
}

/**
 * The final assignment of an image fitted on a sample: the two assignments (float centroids for the
 * objective, the byte palette for the labels) over every distinct colour of the whole image, measured in
 * `space` (`centroids` are points of it); the errors of the palette image in sRGB.
 */
function labelEveryColour(allPixels: Uint32Array, centroids: Float64Array, palette: Uint8Array, space: ColorSpace): LabelledImage {
  const full = buildHistogram(allPixels, { pixelIndex: true });
  const fullRgb = unpackColours(full.colours);
  const tree = new FilteringLloyd(pointsOf(full.colours, fullRgb, space), full.weights, space);
  tree.setCentroids(centroids);
  tree.assign();
  const inertia = inertiaFromSums(tree.sumOfSquares, centroids, tree.counts, tree.sums);
  tree.setCentroids(toSpace(palette, space));
  return labelledOutput(allPixels, full, fullRgb, inertia, tree.labels, palette);
}

/**
 * A FitSession on the CPU: fits the histogram of `fitPixels`, labels every pixel of `allPixels`. With
 * `threads` > 1 and enough distinct colours, the histogram is split over worker threads. With `space`
 * 'oklab' the distinct colours are converted to OKLab points once, and the session's centroids are points
 * of that space (labelAll takes sRGB ones, as fits report them).
 */
export async function createCpuSession(
  fitPixels: Uint32Array,
  allPixels: Uint32Array,
  threads: number | undefined,
  space: ColorSpace = 'srgb',
): Promise<FitSession> {
  const fitsAll = fitPixels === allPixels;
  const minPoints = threads === undefined ? AUTO_PARALLEL_MIN_POINTS : PARALLEL_MIN_POINTS;
  // Workers asked for, and enough pixels that the colours may warrant them: let them boot while the
  // colours are counted. Left to the library, they boot only once the colours do warrant them: most photos
  // (8 MP ones too) have fewer, and booting workers they never use slowed a first call at 2 MP by a fifth
  // (bench/README.md, "Measurements behind the constants").
  if (threads !== undefined && threads > 1 && fitPixels.length >= minPoints) await prewarmPartitions(threads);
  // In Morton order where that is free: the colour tree then skips its sort (the fit does not depend on the
  // order of the colours: its sums are exact).
  const histogram: ColourHistogram = buildHistogram(fitPixels, { mortonOrder: true });
  const rgb = unpackColours(histogram.colours);
  const points = pointsOf(histogram.colours, rgb, space);
  const weights = histogram.weights;
  const parts = await createPartitions(points, weights, weights.length >= minPoints ? threads : 1, space);
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
      const target = toSpace(fitted.centroids, space);
      if (!sameCentroids(target, centroids)) await setCentroids(target);
      // The k-means objective at the float centroids (nearest-centroid assignment, from the cluster sums);
      // then each colour's label: its nearest palette colour (what the output image shows), never a worse
      // image than the nearest centroid's, and exact, since colours and palette are integers.
      if (!fitsAll) return labelEveryColour(allPixels, centroids, palette, space);
      const byteCentroids = toSpace(palette, space);
      const totals = await parts.step(pending);
      const inertia = inertiaFromSums(parts.sumOfSquares, centroids, totals.counts, totals.sums);
      // One walk of the tree, writing labels (no sums needed at the palette).
      await parts.setCentroids(byteCentroids);
      // The partitions now hold the palette; a later step moves them back to the float centroids.
      pending = centroids;
      return labelledOutput(allPixels, histogram, rgb, inertia, await parts.labels(), palette);
    },
    destroy() {
      parts.release();
    },
  };
}
