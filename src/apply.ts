/**
 * Applying a palette: every pixel labelled with its nearest palette colour, the output image painted and
 * the errors measured, on a backend's session; or, for an image whose colours are all in the palette, by
 * looking each colour up. A palette comes from a fit, or from the caller (checked here).
 */
import { checkPalette as checkColours } from './analysis/common.js';
import { ditherOnCpu, dithers, orderedPlan, type DitherOptions } from './dither/index.js';
import { QuantizerRangeError, rangeError, throwIfAborted, typeError } from './errors.js';
import type { Pixels } from './image.js';
import type { FitSession, FittedCentroids, LabelledImage } from './kmeans/session.js';
import { outputMetrics } from './metrics.js';
import type { UsedBackend } from './options.js';
import { renderImage } from './output.js';

/** A palette to apply: a fit (or any result with `palette` and `centroids`), RGB bytes, or [r, g, b] colours. */
export type PaletteInput =
  | { palette: Uint8Array; centroids?: Float64Array }
  | Uint8Array
  | ReadonlyArray<readonly [number, number, number]>;

/** Checks a palette given by the caller; copies it, so that later changes to the caller's arrays do not reach the run. */
export function checkPalette(input: unknown): FittedCentroids {
  if (input instanceof Uint8Array || Array.isArray(input)) {
    const palette = checkColours('palette', input);
    return { palette, centroids: Float64Array.from(palette) };
  }
  if (typeof input !== 'object' || input === null || !((input as { palette?: unknown }).palette instanceof Uint8Array)) {
    throw typeError('palette', 'a fitted palette ({ palette, centroids }), RGB bytes or an array of [r, g, b] colours', input);
  }
  const { palette: bytes, centroids } = input as { palette: Uint8Array; centroids?: unknown };
  const palette = checkColours('palette.palette', bytes);
  if (centroids === undefined) return { palette, centroids: Float64Array.from(palette) };
  if (!(centroids instanceof Float64Array)) throw typeError('palette.centroids', 'a Float64Array of RGB triples', centroids);
  if (centroids.length !== palette.length) {
    throw new QuantizerRangeError('OUT_OF_RANGE', `palette.centroids must hold one RGB triple per palette colour (${palette.length} numbers), got ${centroids.length}`, 'palette.centroids');
  }
  for (const v of centroids) if (!(v >= 0 && v <= 255)) throw rangeError('palette.centroids', 'values in 0..255', v);
  return { palette, centroids: Float64Array.from(centroids) };
}

/** A labelled image, and where its dithering ran (when it was dithered). */
export interface AppliedImage extends LabelledImage {
  ditheredOn?: UsedBackend;
}

/** The image being applied to and how to dither it. */
export interface Dithering {
  image: Pixels;
  options: DitherOptions;
}

/**
 * Applies the fitted centroids and palette to every pixel of the session's image; with `dithering` that
 * dithers, ordered dithering runs on the session when it can (the GPU), otherwise the undithered labelling
 * is dithered on the CPU.
 */
export async function applyOnSession(session: FitSession, fitted: FittedCentroids, signal: AbortSignal | undefined, dithering?: Dithering): Promise<AppliedImage> {
  if (dithering === undefined || !dithers(dithering.options)) {
    const applied = await session.labelAll(fitted);
    throwIfAborted(signal);
    return applied;
  }
  const { image, options } = dithering;
  if (options.dither === 'ordered' && session.labelAllOrdered) {
    const applied = await session.labelAllOrdered(fitted, orderedPlan(fitted.palette, image.width, options));
    throwIfAborted(signal);
    return { ...applied, ditheredOn: session.backend };
  }
  const plain = await session.labelAll(fitted);
  throwIfAborted(signal);
  return { ...ditherOnCpu(image, fitted.palette, plain, options), ditheredOn: 'cpu' };
}

/**
 * Labels an image whose every colour is one of `colours` (packed like the pixels, alpha 0), in palette
 * order: each pixel gets its own colour, exactly, and the errors are zero. Nothing to dither: no pixel
 * has an error to spread, so a dithering asked for leaves the image as it is.
 */
export function applyExact(image: Pixels, colours: Uint32Array, palette: Uint8Array): LabelledImage {
  const lookup = new Map<number, number>();
  colours.forEach((c, i) => lookup.set(c, i));
  const labels = new Uint8Array(image.pixels.length);
  for (let i = 0; i < labels.length; i++) labels[i] = lookup.get(image.pixels[i]! & 0xffffff)!;
  return { labels, image: renderImage(image.pixels, labels, palette), metrics: outputMetrics(0, 0, labels.length) };
}
