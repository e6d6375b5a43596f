/**
 * Fitting a palette: the fitted pixels (all, or a seeded sample), the initial centroids, and the attempts
 * of the Lloyd loop (or mini-batch k-means) on a backend's session. Fitting returns its centroids and the
 * byte palette rounded from them; applying them to pixels is apply.ts's job.
 */
import { fromSpace, toSpace, type ColorSpace } from './colour-space.js';
import { throwIfAborted } from './errors.js';
import { distinctColoursUpTo, gather, sampleIndices, unpackColours } from './kmeans/histogram.js';
import { exactWithFixed, fixedCount, pinFixed, withFixed } from './kmeans/fixed.js';
import { placeFarthest, repeatedCentroids, spreadInitial, withoutCentroids, type ReseedSource, type WeightedPoints } from './kmeans/init.js';
import { runLloyd, settleFitted, type FitOutcome } from './kmeans/lloyd.js';
import { miniBatchFit } from './kmeans/minibatch.js';
import { createRandom, type Random } from './kmeans/random.js';
import { beginInit, initSamples, weightedPoints, type InitSamples, type StartingPoint } from './kmeans/seeding.js';
import type { FitSession } from './kmeans/session.js';
import { miniBatchStream, RANDOM_STREAMS } from './kmeans/streams.js';
import type { ResolvedOptions } from './options.js';
import { srgbCentroids, toPalette } from './output.js';
import { nextTask } from './yield.js';
import { now } from './yield.js';

/** What a fit needs besides a session: worked out once on the host, identical for every backend. */
export interface FitPlan {
  /** The pixels fitted: every pixel, or a seeded sample of `sampleSize` (see `fitPixelsOf`). */
  fitPixels: Uint32Array;
  samples: InitSamples;
  /** Where empty clusters are re-seeded from: the refinement sample, then every fitted colour. */
  reseedFrom: ReseedSource;
  /** The first attempt's initial centroids, possibly being polished in a helper worker already. */
  firstInit: () => Promise<StartingPoint>;
  /** Time spent starting the first initialisation. */
  beginMs: number;
  /** The caller is a quantizer kept for more calls (the init helper worker is worth starting). */
  repeated: boolean;
}

/** A fitted palette: the float centroids, the byte palette rounded from them, and how the fit went. */
export interface Fit {
  centroids: Float64Array;
  palette: Uint8Array;
  /** Lloyd iterations (mini-batch: batches) of the winning attempt. */
  iterations: number;
  converged: boolean;
  /** The winning attempt's inertia on the fitted pixels at its last iteration. */
  inertia: number;
  /** The winning attempt, 1-based. */
  attempt: number;
  /** Whether the first attempt's initial centroids were polished in the helper worker. */
  initInWorker: boolean;
  initMs: number;
  iterationsMs: number;
}


/** A step through [0, n) that visits every index: near n / golden ratio, coprime with n. */
function coprimeStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.max(1, Math.floor(n * 0.6180339887));
  while (gcd(stride, n) !== 1) stride++;
  return stride;
}

/**
 * The sample and, after it, pixels of colours it lacks (visited from a seeded start, in strides spread
 * over the image) until it holds k colours.
 */
function topUp(pixels: Uint32Array, sample: Uint32Array, k: number, random: Random): Uint32Array {
  const colours = new Set<number>();
  for (let i = 0; i < sample.length; i++) colours.add(sample[i]! & 0xffffff);
  const extra: number[] = [];
  const n = pixels.length;
  const stride = coprimeStride(n);
  for (let t = 0, i = random.int(n); t < n && colours.size < k; t++, i = (i + stride) % n) {
    const c = pixels[i]! & 0xffffff;
    if (colours.has(c)) continue;
    colours.add(c);
    extra.push(pixels[i]!);
  }
  const out = new Uint32Array(sample.length + extra.length);
  out.set(sample);
  out.set(extra, sample.length);
  return out;
}

/**
 * The fitted pixels: every pixel, or a seeded sample of `sampleSize`. A sample with fewer than k distinct
 * colours (the image has more: an image with at most k is fitted exactly) is topped up with pixels of new
 * colours until it has k, so that the palette does not come out shorter than k; same seed, same pixels.
 */
function fitPixelsOf(pixels: Uint32Array, options: ResolvedOptions): Uint32Array {
  const n = pixels.length;
  if (options.sampleSize === undefined || options.sampleSize >= n) return pixels;
  const random = createRandom(options.seed, RANDOM_STREAMS.fitSample);
  const sample = gather(pixels, sampleIndices(n, options.sampleSize, random));
  return distinctColoursUpTo(sample, options.k - 1) ? topUp(pixels, sample, options.k, random) : sample;
}

/** Draws the fitted pixels and the init samples, and starts the first attempt's initialisation. */
export function planFit(pixels: Uint32Array, options: ResolvedOptions, repeated: boolean): FitPlan {
  const fitPixels = fitPixelsOf(pixels, options);
  const samples = initSamples(fitPixels, options);
  let all: WeightedPoints | undefined;
  const reseedFrom: ReseedSource = { sample: samples.refine, all: () => (all ??= weightedPoints(fitPixels, options.colorSpace)) };
  const started = now();
  const firstInit = beginInit(options, samples, 1, { repeated });
  return { fitPixels, samples, reseedFrom, firstInit, beginMs: now() - started, repeated };
}

/**
 * One attempt from `initial` centroids, made k distinct ones first (see `spreadInitial`): Lloyd on the
 * session, or mini-batch k-means on the host followed by one assignment on the session (which re-seeds
 * any cluster left empty).
 */
async function runAttempt(session: FitSession, plan: FitPlan, options: ResolvedOptions, initial: Float64Array, attempt: number): Promise<FitOutcome> {
  const start = spreadInitial(initial, options.k, plan.reseedFrom);
  const fixed = fixedCount(options);
  const common = { maxIterations: options.maxIterations, tolerance: options.tolerance, attempt, signal: options.signal, onProgress: options.onProgress, fixed };
  if (options.algorithm === 'minibatch') {
    const random = createRandom(options.seed, miniBatchStream(attempt));
    const outcome = await miniBatchFit(plan.fitPixels, start, { ...common, batchSize: options.batchSize, random, space: options.colorSpace });
    throwIfAborted(options.signal);
    return { ...outcome, centroids: await settleFitted(session, outcome.centroids, plan.reseedFrom, fixed) };
  }
  return runLloyd(session, start, { ...common, reseedFrom: plan.reseedFrom });
}

/**
 * Centroids whose byte colours are all distinct: two float centroids can round to the same palette colour
 * (close centroids at the end of a fit), and the later entry would then own no pixel. Each such later
 * centroid moves to the fitted colour farthest from every other palette colour (an integer colour, so its
 * own entry, distinct from all the others); one that finds no such colour is dropped (the image then has
 * fewer distinct colours than entries). Centroids without repeats are returned as they are. Centroids and
 * `from` are points of `space`; the palette colours are sRGB bytes, placed as points of `space` too. Fixed
 * colours (the first entries, distinct integers) are never a repeat, so never moved or dropped here.
 */
function separateRounded(centroids: Float64Array, from: ReseedSource, space: ColorSpace): Float64Array {
  const bytes = toPalette(space === 'srgb' ? centroids : fromSpace(centroids, space));
  const repeats = repeatedCentroids(Float64Array.from(bytes));
  if (repeats.length === 0) return centroids;
  // Placed among the byte colours (not the float centroids), so that each moved entry differs from all.
  const rounded = toSpace(bytes, space);
  const unplaced = placeFarthest(rounded, repeats, from.all?.() ?? from.sample);
  const next = Float64Array.from(centroids);
  for (const j of repeats) if (!unplaced.includes(j)) next.set(rounded.subarray(j * 3, j * 3 + 3), j * 3);
  return withoutCentroids(next, unplaced);
}

/** Runs every attempt on the session and keeps the one with the lowest inertia. */
export async function fitOnSession(session: FitSession, plan: FitPlan, options: ResolvedOptions): Promise<Fit> {
  let initMs = plan.beginMs;
  let initInWorker = false;
  let iterationsMs = 0;
  let best: (FitOutcome & { attempt: number }) | undefined;
  for (let a = 1; a <= options.attempts; a++) {
    const t0 = now();
    const start = await (a === 1 ? plan.firstInit : beginInit(options, plan.samples, a, { repeated: plan.repeated }))();
    if (a === 1) initInWorker = start.inWorker;
    initMs += now() - t0;
    const t1 = now();
    const outcome = await runAttempt(session, plan, options, start.centroids, a);
    iterationsMs += now() - t1;
    if (!best || outcome.inertia < best.inertia) best = { ...outcome, attempt: a };
  }
  await nextTask();
  throwIfAborted(options.signal);
  const winner = best!;
  // Fitted in the clustering space; reported (and rounded to the palette) as sRGB.
  const centroids = srgbCentroids(separateRounded(winner.centroids, plan.reseedFrom, options.colorSpace), options.colorSpace);
  const palette = toPalette(centroids);
  // Fitted in another space, the fixed colours come back from it within rounding: byte for byte again. (In
  // sRGB they never moved, so they are there already.)
  if (options.colorSpace !== 'srgb') pinFixed(centroids, palette, options.fixedColors);
  return {
    centroids,
    palette,
    iterations: winner.iterations,
    converged: winner.converged,
    inertia: winner.inertia,
    attempt: winner.attempt,
    initInWorker,
    initMs,
    iterationsMs,
  };
}

/** The first `n` colours as they are, the others ordered like `warm` (see `orderLike`). */
function orderAfterFixed(colours: Uint32Array, n: number, warm: Float64Array): Uint32Array {
  if (n === 0) return orderLike(colours, warm);
  const out = Uint32Array.from(colours);
  out.set(orderLike(colours.subarray(n), warm), n);
  return out;
}

/**
 * Orders the colours like the warm-start centroids (each takes its nearest unused colour, in order), so
 * that flat-colour video frames keep their palette order too.
 */
function orderLike(colours: Uint32Array, warm: Float64Array): Uint32Array {
  const points = unpackColours(colours);
  const used = new Uint8Array(colours.length);
  const ordered: number[] = [];
  for (let j = 0; j < warm.length / 3 && ordered.length < colours.length; j++) {
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < colours.length; i++) {
      if (used[i]) continue;
      const dr = points[i * 3]! - warm[j * 3]!;
      const dg = points[i * 3 + 1]! - warm[j * 3 + 1]!;
      const db = points[i * 3 + 2]! - warm[j * 3 + 2]!;
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    used[best] = 1;
    ordered.push(colours[best]!);
  }
  colours.forEach((c, i) => {
    if (!used[i]) ordered.push(c);
  });
  return Uint32Array.from(ordered);
}

/**
 * The colours of an image fitted exactly, or undefined when it must be fitted: its distinct colours when
 * there are at most k; with fixed colours, those first and then the image's others, when together they
 * are at most k.
 */
export function exactColours(pixels: Uint32Array, options: Pick<ResolvedOptions, 'k' | 'fixedColors'>): Uint32Array | undefined {
  const distinct = distinctColoursUpTo(pixels, options.k) ?? undefined;
  return distinct && options.fixedColors ? exactWithFixed(distinct, options.fixedColors, options.k) : distinct;
}

/**
 * The fit of an image with at most k distinct colours: those colours exactly (in warm-start order). With
 * `fixed` colours, `distinct` starts with them (see `exactColours`) and they keep their places.
 */
export function exactFit(distinct: Uint32Array, warm: Float64Array | undefined, fixed?: Uint8Array): Fit & { colours: Uint32Array } {
  const n = (fixed?.length ?? 0) / 3;
  const colours = warm ? orderAfterFixed(distinct, n, withFixed(fixed && Float64Array.from(fixed), warm).subarray(n * 3)) : distinct;
  const centroids = unpackColours(colours);
  return { colours, centroids, palette: toPalette(centroids), iterations: 0, converged: true, inertia: 0, attempt: 1, initInWorker: false, initMs: 0, iterationsMs: 0 };
}
