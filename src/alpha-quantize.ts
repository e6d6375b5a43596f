/**
 * Images with transparency (any pixel alpha below 255) get an RGBA palette, fitted and applied here on
 * the CPU: the distinct RGBA colours (alpha 0 collapsed to one transparent colour), clustered in the 4-D
 * premultiplied space of src/kmeans/alpha-space.ts, with the transparent entry (0, 0, 0, 0) as palette
 * entry 0 whenever a pixel has alpha 0 (fixed, left out of the fit); every pixel labelled with its
 * nearest entry in that space and painted with the entry's colour and alpha.
 *
 * `mse` / `psnr` of these results measure what is seen: the mean, over black and over white backgrounds,
 * of the per-channel squared error between the original and the output each composited on that
 * background (sRGB, 0-255 units), whatever `colorSpace` the fit used; `inertia` is in the fit's space.
 */
import type { AppliedImage } from './apply.js';
import { diffusionAlphaLabels, EntrySearch, orderedAlphaLabels, type AlphaDitherInput } from './dither/alpha.js';
import { dithers } from './dither/index.js';
import { rangeError, throwIfAborted, typeError } from './errors.js';
import type { Fit } from './fit.js';
import type { Pixels } from './image.js';
import { buildRgbaHistogram, hasTransparency, rgbaPoints, type RgbaHistogram } from './kmeans/alpha-histogram.js';
import { alphaSpaceOf, COMPOSITE_SRGB, distance4, nearestEntry, palettePoints, type AlphaSpace } from './kmeans/alpha-space.js';
import { fitAlphaKmeans } from './kmeans/alpha.js';
import { gather, sampleIndices } from './kmeans/histogram.js';
import { createRandom } from './kmeans/random.js';
import { outputMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import { checkPalette as checkColours } from './analysis/common.js';
import { now } from './yield.js';

export { hasTransparency };

/** Why an image with transparency ran on the CPU when the GPU was asked for or considered. */
export const ALPHA_ON_CPU = 'the image has transparency: RGBA palettes are fitted and applied on the CPU';

/** An RGBA palette: RGB bytes, one alpha byte per entry, and the float sRGB centroids (straight colour). */
export interface AlphaPalette {
  palette: Uint8Array;
  paletteAlpha: Uint8Array;
  centroids: Float64Array;
}

/** An RGBA fit: the palette and how the fit went. */
export interface AlphaFit extends Fit {
  paletteAlpha: Uint8Array;
  /** True when the image had at most k distinct RGBA colours (alpha 0 counted once): no clustering ran. */
  exact: boolean;
}

/** The colours an image is fitted on: the whole image's, or those of a seeded sample of `sampleSize` pixels. */
function fitHistogram(pixels: Uint32Array, o: ResolvedOptions, all: RgbaHistogram): RgbaHistogram {
  if (o.sampleSize === undefined || o.sampleSize >= pixels.length) return all;
  return buildRgbaHistogram(gather(pixels, sampleIndices(pixels.length, o.sampleSize, createRandom(o.seed, 0x40))));
}

/** The palette entries that never move: the transparent one (when a pixel needs it), then fixed colours. */
function fixedEntries(h: RgbaHistogram, o: ResolvedOptions): { rgb: number[]; alpha: number[] } {
  const rgb: number[] = [];
  const alpha: number[] = [];
  const fixed = o.fixedColors ?? new Uint8Array(0);
  if (h.transparent >= 0 && o.k >= 2 && fixed.length / 3 < o.k) {
    rgb.push(0, 0, 0);
    alpha.push(0);
  }
  for (let i = 0; i < fixed.length; i += 3) {
    rgb.push(fixed[i]!, fixed[i + 1]!, fixed[i + 2]!);
    alpha.push(255);
  }
  return { rgb, alpha };
}

/** The palette when the image has at most k colours besides the fixed ones: those colours exactly. */
function exactPalette(h: RgbaHistogram, fixed: { rgb: number[]; alpha: number[] }, k: number): AlphaPalette | undefined {
  const have = new Set<number>();
  for (let j = 0; j < fixed.alpha.length; j++) have.add(packed(fixed.rgb[j * 3]!, fixed.rgb[j * 3 + 1]!, fixed.rgb[j * 3 + 2]!, fixed.alpha[j]!));
  const rgb = [...fixed.rgb];
  const alpha = [...fixed.alpha];
  for (const c of h.colours) {
    if (have.has(c)) continue;
    if (alpha.length === k) return undefined;
    have.add(c);
    rgb.push(c & 255, (c >>> 8) & 255, (c >>> 16) & 255);
    alpha.push(c >>> 24);
  }
  const palette = Uint8Array.from(rgb);
  return { palette, paletteAlpha: Uint8Array.from(alpha), centroids: Float64Array.from(palette) };
}

function packed(r: number, g: number, b: number, a: number): number {
  return a === 0 ? 0 : (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
}

/** Byte palette of 4-D centroids: alpha rounded first, then the straight colour at that alpha (its premultiplied value kept). */
export function roundCentroids(centroids: Float64Array, space: AlphaSpace): AlphaPalette {
  const k = centroids.length / 4;
  const palette = new Uint8Array(k * 3);
  const paletteAlpha = new Uint8Array(k);
  const floats = new Float64Array(k * 3);
  const rgba = new Float64Array(4);
  for (let j = 0; j < k; j++) {
    space.fromPoint(centroids, j * 4, rgba, 0);
    const a = Math.round(rgba[3]!);
    space.fromPoint(centroids, j * 4, rgba, 0, a);
    paletteAlpha[j] = a;
    for (let c = 0; c < 3; c++) {
      floats[j * 3 + c] = rgba[c]!;
      palette[j * 3 + c] = Math.round(rgba[c]!);
    }
  }
  return { palette, paletteAlpha, centroids: floats };
}

/** RGB triples (a warm start, or init colours) as opaque points of the space. */
function opaquePoints(rgb: Float64Array, space: AlphaSpace): Float64Array {
  const out = new Float64Array((rgb.length / 3) * 4);
  for (let j = 0; j < rgb.length / 3; j++) space.toPoint(rgb[j * 3]!, rgb[j * 3 + 1]!, rgb[j * 3 + 2]!, 255, out, j * 4);
  return out;
}


/**
 * Fits an RGBA palette to pixels with transparency. `all`: the histogram of every pixel, when made already.
 * `warmStart` and `init` colours are RGB: they start opaque centroids (alpha 255), which then move.
 */
export async function fitAlphaPalette(pixels: Uint32Array, o: ResolvedOptions, all?: RgbaHistogram): Promise<AlphaFit> {
  const started = now();
  const space = alphaSpaceOf(o.colorSpace);
  const whole = all ?? buildRgbaHistogram(pixels);
  const fixed = fixedEntries(whole, o);
  const exact = exactPalette(whole, fixed, o.k);
  const base = { iterations: 0, converged: true, inertia: 0, attempt: 1, initInWorker: false, initMs: 0, iterationsMs: 0 };
  if (exact) return { ...exact, ...base, exact: true };
  const h = fitHistogram(pixels, o, whole);
  const keep = h.colours.map((_, j) => j).filter((j) => j !== h.transparent);
  const colourPoints = rgbaPoints(Uint32Array.from(keep, (j) => h.colours[j]!), space);
  const fitted = await fitAlphaKmeans({
    points: colourPoints,
    weights: Float64Array.from(keep, (j) => h.weights[j]!),
    fixed: palettePoints(Uint8Array.from(fixed.rgb), Uint8Array.from(fixed.alpha), space),
    k: o.k,
    seed: o.seed,
    attempts: o.attempts,
    maxIterations: o.maxIterations,
    tolerance: o.tolerance,
    init: o.init instanceof Float64Array ? opaquePoints(o.init, space) : o.init,
    warmStart: o.warmStart && opaquePoints(o.warmStart, space),
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const rounded = roundCentroids(fitted.centroids, space);
  // Fixed entries keep their bytes exactly.
  rounded.palette.set(fixed.rgb);
  rounded.paletteAlpha.set(fixed.alpha);
  rounded.centroids.set(fixed.rgb);
  const { iterations, converged, inertia, attempt } = fitted;
  return { ...rounded, iterations, converged, inertia, attempt, initInWorker: false, initMs: 0, iterationsMs: now() - started, exact: false };
}

/** What applying an RGBA palette depends on. */
export type AlphaApplyOptions = Pick<ResolvedOptions, 'colorSpace' | 'signal' | 'dither' | 'ditherLevel'>;

/** Each distinct colour's nearest entry, and the k-means objective (distances to the float centroids). */
function labelColours(h: RgbaHistogram, fitted: AlphaPalette, space: AlphaSpace, entries: Float64Array, colourPoints: Float64Array): { colourLabels: Uint8Array; inertia: number } {
  const centroidPoints = palettePoints(fitted.centroids, fitted.paletteAlpha, space);
  const colourLabels = new Uint8Array(h.colours.length);
  let inertia = 0;
  for (let j = 0; j < colourLabels.length; j++) {
    const o4 = j * 4;
    colourLabels[j] = nearestEntry(entries, colourPoints[o4]!, colourPoints[o4 + 1]!, colourPoints[o4 + 2]!, colourPoints[o4 + 3]!);
    const centroid = nearestEntry(centroidPoints, colourPoints[o4]!, colourPoints[o4 + 1]!, colourPoints[o4 + 2]!, colourPoints[o4 + 3]!);
    inertia += h.weights[j]! * distance4(colourPoints, o4, centroidPoints, centroid * 4);
  }
  return { colourLabels, inertia };
}

/** Per-pixel labels dithered as `o` says (src/dither/alpha.ts), from the colours' undithered ones. */
function ditheredLabels(image: Pixels, h: RgbaHistogram, fitted: AlphaPalette, o: AlphaApplyOptions, entries: Float64Array, colourPoints: Float64Array, colourLabels: Uint8Array): Uint8Array {
  const input: AlphaDitherInput = {
    width: image.width,
    colours: h.colours,
    index: h.index,
    points: colourPoints,
    nearestLabels: colourLabels,
    palette: fitted.palette,
    search: new EntrySearch(entries),
    transparent: h.transparent,
    transparentEntry: h.transparent >= 0 ? colourLabels[h.transparent]! : 0,
    level: o.ditherLevel,
    space: alphaSpaceOf(o.colorSpace),
  };
  return o.dither === 'ordered' ? orderedAlphaLabels(input) : diffusionAlphaLabels(input);
}

/**
 * Labels every pixel with its nearest palette entry in the space (the lowest index on ties), or the entry
 * the dithering chose, paints the output (each pixel its entry's colour and alpha) and measures the
 * errors (see the module comment; `inertia`: each pixel's squared distance to its nearest float centroid,
 * in the space, undithered). `h`: the histogram of the pixels, when made already. Also usable for a given
 * RGBA palette.
 */
export function applyAlphaPalette(image: Pixels, fitted: AlphaPalette, o: AlphaApplyOptions, h = buildRgbaHistogram(image.pixels)): AppliedImage {
  const space = alphaSpaceOf(o.colorSpace);
  const entries = palettePoints(fitted.palette, fitted.paletteAlpha, space);
  const colourPoints = rgbaPoints(h.colours, space);
  const { colourLabels, inertia } = labelColours(h, fitted, space, entries, colourPoints);
  throwIfAborted(o.signal);
  const dithered = dithers(o) ? ditheredLabels(image, h, fitted, o, entries, colourPoints, colourLabels) : undefined;
  throwIfAborted(o.signal);
  const seen = palettePoints(fitted.palette, fitted.paletteAlpha, COMPOSITE_SRGB);
  const shown = space === COMPOSITE_SRGB ? colourPoints : rgbaPoints(h.colours, COMPOSITE_SRGB);
  const lut = new Uint32Array(fitted.paletteAlpha.length);
  for (let j = 0; j < lut.length; j++) {
    lut[j] = (fitted.palette[j * 3]! | (fitted.palette[j * 3 + 1]! << 8) | (fitted.palette[j * 3 + 2]! << 16) | (fitted.paletteAlpha[j]! << 24)) >>> 0;
  }
  const n = image.pixels.length;
  const labels = dithered ?? new Uint8Array(n);
  const out = new Uint32Array(n);
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const id = h.index[i]!;
    const label = dithered ? dithered[i]! : colourLabels[id]!;
    labels[i] = label;
    out[i] = lut[label]!;
    sse += distance4(shown, id * 4, seen, label * 4);
  }
  const labelled = { labels, image: new Uint8ClampedArray(out.buffer), metrics: outputMetrics(inertia, sse, n) };
  return dithered ? { ...labelled, ditheredOn: 'cpu' } : labelled;
}

/**
 * The RGBA palette of an `apply()` argument that has `paletteAlpha` (an RGBA fit, or
 * `{ palette, paletteAlpha, centroids? }`), checked and copied; undefined for RGB palettes.
 */
export function alphaPaletteOf(input: unknown): AlphaPalette | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || input instanceof Uint8Array) return undefined;
  const { palette: bytes, paletteAlpha, centroids } = input as { palette?: unknown; paletteAlpha?: unknown; centroids?: unknown };
  if (paletteAlpha === undefined) return undefined;
  const palette = checkColours('palette.palette', bytes as Uint8Array);
  if (!(paletteAlpha instanceof Uint8Array)) throw typeError('palette.paletteAlpha', 'a Uint8Array of alpha bytes, one per palette colour', paletteAlpha);
  if (paletteAlpha.length * 3 !== palette.length) throw rangeError('palette.paletteAlpha.length', `the palette size ${palette.length / 3}`, paletteAlpha.length);
  if (centroids === undefined) return { palette, paletteAlpha: paletteAlpha.slice(), centroids: Float64Array.from(palette) };
  if (!(centroids instanceof Float64Array)) throw typeError('palette.centroids', 'a Float64Array of RGB triples', centroids);
  if (centroids.length !== palette.length) throw rangeError('palette.centroids.length', `${palette.length} (one RGB triple per colour)`, centroids.length);
  for (const v of centroids) if (!(v >= 0 && v <= 255)) throw rangeError('palette.centroids', 'values in 0..255', v);
  return { palette, paletteAlpha: paletteAlpha.slice(), centroids: Float64Array.from(centroids) };
}

/** Everything the quantizer needs of one image with transparency: its histogram, made once. */
export function alphaImage(image: Pixels): RgbaHistogram {
  return buildRgbaHistogram(image.pixels);
}
