/**
 * Dithering at the apply step, after the palette is fixed: `'ordered'` (a threshold map, on the CPU or in
 * the GPU's painting pass) or `'diffusion'` (error diffusion, on the CPU). Both only choose palette
 * indices: the palette never moves, and the k-means objective (`inertia`) stays the undithered one.
 */
import { toSpace, type ColorSpace } from '../colour-space.js';
import type { Pixels } from '../image.js';
import type { LabelledImage } from '../kmeans/session.js';
import { labelError, outputMetrics } from '../metrics.js';
import type { DitherMethod } from '../options.js';
import { renderImage } from '../output.js';
import { diffusionLabels } from './diffusion.js';
import { orderedLabels, orderedOffsets } from './ordered.js';

export { diffusionLabels } from './diffusion.js';
export { BAYER_8, MAP_SIDE, orderedLabels, orderedOffsets, paletteSpread } from './ordered.js';

/** The options that decide the dithering. */
export interface DitherOptions {
  dither: DitherMethod;
  ditherLevel: number;
  colorSpace: ColorSpace;
}

/** Whether these options change any pixel's label (a level of 0 is no dithering). */
export function dithers(o: DitherOptions): boolean {
  return o.dither !== 'none' && o.ditherLevel > 0;
}

/** What the GPU's ordered-dithering pass needs: the same offsets as the CPU's, and the palette in the space. */
export interface OrderedPlan {
  /** The integer offset of each 8 x 8 map position, row by row. */
  offsets: Int32Array;
  /** Pixels per row of the image. */
  width: number;
  space: ColorSpace;
  /** The palette as points of `space`. */
  points: Float64Array;
}

/** The ordered-dithering plan of a palette for an image `width` pixels wide. */
export function orderedPlan(palette: Uint8Array, width: number, o: DitherOptions): OrderedPlan {
  return { offsets: orderedOffsets(palette, o.ditherLevel), width, space: o.colorSpace, points: toSpace(palette, o.colorSpace) };
}

/**
 * Dithers an image on the CPU, given its undithered labelling (`plain`: its labels are each pixel's
 * nearest palette colour, its inertia the k-means objective, kept as it is). The image is repainted and
 * its error measured again (8-bit sRGB), since the dithered image is what users get.
 */
export function ditherOnCpu(image: Pixels, palette: Uint8Array, plain: LabelledImage, o: DitherOptions): LabelledImage {
  const { pixels, width } = image;
  const labels =
    o.dither === 'ordered'
      ? orderedLabels(pixels, width, palette, orderedOffsets(palette, o.ditherLevel), o.colorSpace, plain.labels)
      : diffusionLabels(pixels, width, { palette, nearestLabels: plain.labels, level: o.ditherLevel, space: o.colorSpace });
  return {
    labels,
    image: renderImage(pixels, labels, palette),
    metrics: outputMetrics(plain.metrics.inertia, labelError(pixels, labels, palette), pixels.length),
    // The same pixels: the plain labelling's colour count holds.
    ...(plain.distinctColours !== undefined ? { distinctColours: plain.distinctColours } : {}),
  };
}
