/**
 * Scalar (1-D) quantization of channel values, seed notebook 000's `X.reshape(-1, 1)`: every R, G and B
 * value of the image is one point on the line 0..255, clustered with k-means; each value is then replaced
 * by its cluster's level. `quantizeValues` pools the three channels (one set of levels for all),
 * `quantizePerChannel` gives each channel its own levels (what the notebook calls channel-wise).
 *
 * Both work on the 256-bin histogram of values, so the cost does not grow with the image beyond one
 * counting pass. The default method, `'optimal'`, finds the globally optimal k-means partition by dynamic
 * programming (on a line, optimal clusters are runs of consecutive values; O(k * m^2) for m <= 256 distinct
 * values). `'lloyd'` runs seeded k-means++ and Lloyd iterations on the histogram instead, as a k-means
 * library (the notebook's MiniBatchKMeans) would; it can stop in a local minimum.
 */
import type { QuantizeInput } from '../image.js';
import { psnrFromMse } from '../metrics.js';
import {
  checkChoice,
  checkInteger,
  checkNumber,
  checkOptions,
  checkRunOptions,
  rangeError,
  readInput,
  seededRandom,
  startWork,
  typeError,
  type AnalysisRunOptions,
} from './common.js';

export type ValueMethod = 'optimal' | 'lloyd';

export interface ValueQuantizeOptions extends AnalysisRunOptions {
  /** Levels: an integer in 1..256. @default 16 */
  k?: number;
  /** `'optimal'` (exact dynamic programming) or `'lloyd'` (seeded k-means++ then Lloyd). @default 'optimal' */
  method?: ValueMethod;
  /** Seed of the `'lloyd'` initialisation. An integer. @default 0 */
  seed?: number;
  /** Most Lloyd iterations (`'lloyd'` only): an integer >= 1. @default 100 */
  maxIterations?: number;
  /** `'lloyd'` stops when no level moves farther than this: a number >= 0. @default 0 */
  tolerance?: number;
}

/** Levels of one set of values. */
export interface ValueLevels {
  /** Levels asked for. */
  k: number;
  /** The cluster means, ascending (fewer than k when there are fewer distinct values). */
  levels: Float64Array;
  /** The levels rounded to bytes: what the image gets. */
  levelBytes: Uint8Array;
  /** For every value 0..255, the index of its level (values absent from the image map to the nearest level). */
  lookup: Uint8Array;
  /** Sum over the values of the squared distance to their (unrounded) level. */
  inertia: number;
}

export interface ValueQuantizeResult extends ValueLevels {
  method: ValueMethod;
  /** The image with every R, G, B byte replaced by its level byte; alpha kept. */
  image: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  /** Mean squared error per channel between the input and `image`. */
  mse: number;
  psnr: number;
}

export interface PerChannelOptions extends Omit<ValueQuantizeOptions, 'k'> {
  /** Levels per channel: one integer in 1..256 for all three, or [kR, kG, kB]. @default 4 */
  k?: number | readonly [number, number, number];
}

export interface PerChannelResult {
  method: ValueMethod;
  channels: { r: ValueLevels; g: ValueLevels; b: ValueLevels };
  image: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  /** Sum of the three channels' inertia. */
  inertia: number;
  mse: number;
  psnr: number;
}

// ------------------------------------------------------------------------------------------------
// 1-D k-means on a 256-bin histogram
// ------------------------------------------------------------------------------------------------

interface Fit {
  /** Cluster means, ascending. */
  levels: Float64Array;
  inertia: number;
}

/** Distinct values (ascending) and their counts. */
function nonEmptyBins(histogram: Float64Array): { values: number[]; weights: number[] } {
  const values: number[] = [];
  const weights: number[] = [];
  for (let v = 0; v < 256; v++) {
    if (histogram[v]! > 0) {
      values.push(v);
      weights.push(histogram[v]!);
    }
  }
  return { values, weights };
}

/** Globally optimal 1-D k-means of weighted values by dynamic programming over runs of consecutive values. */
export function optimalLevels1d(histogram: Float64Array, k: number): Fit {
  const { values, weights } = nonEmptyBins(histogram);
  const m = values.length;
  const clusters = Math.min(k, m);
  // Prefix sums of w, w*v, w*v^2 (integers while counts are: exact in float64 up to 2^53).
  const W = new Float64Array(m + 1);
  const S = new Float64Array(m + 1);
  const Q = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    const w = weights[i]!;
    const v = values[i]!;
    W[i + 1] = W[i]! + w;
    S[i + 1] = S[i]! + w * v;
    Q[i + 1] = Q[i]! + w * v * v;
  }
  /** Sum of squared deviations from their mean of the values with indices a..b-1. */
  const cost = (a: number, b: number): number => {
    const w = W[b]! - W[a]!;
    const s = S[b]! - S[a]!;
    return Math.max(0, Q[b]! - Q[a]! - (s * s) / w);
  };
  // best[c][j]: least cost of splitting the first j values into c + 1 runs; start[c][j]: where the last run starts.
  let previous = new Float64Array(m + 1);
  for (let j = 1; j <= m; j++) previous[j] = cost(0, j);
  const starts: Int32Array[] = [new Int32Array(m + 1)];
  for (let c = 1; c < clusters; c++) {
    const current = new Float64Array(m + 1).fill(Infinity);
    const start = new Int32Array(m + 1);
    for (let j = c + 1; j <= m; j++) {
      let best = Infinity;
      let bestStart = c;
      for (let i = c; i < j; i++) {
        const total = previous[i]! + cost(i, j);
        if (total < best) {
          best = total;
          bestStart = i;
        }
      }
      current[j] = best;
      start[j] = bestStart;
    }
    starts.push(start);
    previous = current;
  }
  const levels = new Float64Array(clusters);
  let end = m;
  for (let c = clusters - 1; c >= 0; c--) {
    const begin = c === 0 ? 0 : starts[c]![end]!;
    levels[c] = (S[end]! - S[begin]!) / (W[end]! - W[begin]!);
    end = begin;
  }
  return { levels, inertia: previous[m]! };
}

/** Seeded k-means++ then Lloyd on weighted values; levels come back ascending, empty clusters dropped. */
export function lloydLevels1d(histogram: Float64Array, k: number, seed: number, maxIterations: number, tolerance: number): Fit {
  const { values, weights } = nonEmptyBins(histogram);
  const m = values.length;
  const clusters = Math.min(k, m);
  const random = seededRandom(seed);
  const total = weights.reduce((a, b) => a + b, 0);
  // k-means++: the first level at a value drawn by weight, each next one by weight * squared distance.
  const pick = (score: (i: number) => number, sum: number): number => {
    let target = random() * sum;
    for (let i = 0; i < m; i++) {
      target -= score(i);
      if (target < 0) return i;
    }
    return m - 1;
  };
  const centres: number[] = [values[pick((i) => weights[i]!, total)]!];
  const nearestD2 = new Float64Array(m);
  for (let i = 0; i < m; i++) nearestD2[i] = (values[i]! - centres[0]!) ** 2;
  while (centres.length < clusters) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += weights[i]! * nearestD2[i]!;
    if (sum === 0) break;
    const c = values[pick((i) => weights[i]! * nearestD2[i]!, sum)]!;
    centres.push(c);
    for (let i = 0; i < m; i++) nearestD2[i] = Math.min(nearestD2[i]!, (values[i]! - c) ** 2);
  }
  let levels = Float64Array.from(centres).sort();
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const sums = new Float64Array(levels.length);
    const counts = new Float64Array(levels.length);
    for (let i = 0; i < m; i++) {
      const j = nearestLevel(values[i]!, levels);
      sums[j] = sums[j]! + weights[i]! * values[i]!;
      counts[j] = counts[j]! + weights[i]!;
    }
    let shift = 0;
    const next: number[] = [];
    for (let j = 0; j < levels.length; j++) {
      if (counts[j]! === 0) continue;
      const mean = sums[j]! / counts[j]!;
      shift = Math.max(shift, Math.abs(mean - levels[j]!));
      next.push(mean);
    }
    const dropped = next.length !== levels.length;
    levels = Float64Array.from(next).sort();
    if (!dropped && shift <= tolerance) break;
  }
  let inertia = 0;
  for (let i = 0; i < m; i++) inertia += weights[i]! * (values[i]! - levels[nearestLevel(values[i]!, levels)]!) ** 2;
  return { levels, inertia };
}

/** Index of the level nearest to v in ascending levels (the lower one on ties). */
function nearestLevel(v: number, levels: Float64Array): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < levels.length; j++) {
    const d = Math.abs(v - levels[j]!);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

function toValueLevels(k: number, fit: Fit): ValueLevels {
  const levelBytes = new Uint8Array(fit.levels.length);
  fit.levels.forEach((level, j) => (levelBytes[j] = Math.min(255, Math.max(0, Math.round(level)))));
  const lookup = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lookup[v] = nearestLevel(v, fit.levels);
  return { k, levels: fit.levels, levelBytes, lookup, inertia: fit.inertia };
}

// ------------------------------------------------------------------------------------------------
// Entry points
// ------------------------------------------------------------------------------------------------

interface Resolved {
  method: ValueMethod;
  seed: number;
  maxIterations: number;
  tolerance: number;
  run: AnalysisRunOptions;
}

function resolveCommon(o: Record<string, unknown>): Resolved {
  return {
    method: checkChoice('options.method', o.method ?? 'optimal', ['optimal', 'lloyd'] as const),
    seed: checkInteger('options.seed', o.seed ?? 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    maxIterations: checkInteger('options.maxIterations', o.maxIterations ?? 100, 1, 1_000_000),
    tolerance: checkNumber('options.tolerance', o.tolerance ?? 0, 0, 255),
    run: checkRunOptions('options', o),
  };
}

function fit(histogram: Float64Array, k: number, r: Resolved, stream: number): ValueLevels {
  const result = r.method === 'optimal' ? optimalLevels1d(histogram, k) : lloydLevels1d(histogram, k, r.seed + stream, r.maxIterations, r.tolerance);
  return toValueLevels(k, result);
}

/** Replaces every R, G, B byte through the per-channel tables; keeps alpha. Returns the image and the SSE. */
async function render(data: Uint8Array, tables: [Uint8Array, Uint8Array, Uint8Array], r: Resolved, task: string): Promise<{ image: Uint8ClampedArray<ArrayBuffer>; sse: number }> {
  const image = new Uint8ClampedArray(data.length);
  const work = startWork(task, data.length, r.run);
  let sse = 0;
  const CHUNK = 1 << 18;
  for (let start = 0; start < data.length; start += CHUNK) {
    const end = Math.min(data.length, start + CHUNK);
    for (let i = start; i < end; i += 4) {
      for (let c = 0; c < 3; c++) {
        const v = data[i + c]!;
        const q = tables[c as 0 | 1 | 2][v]!;
        image[i + c] = q;
        sse += (v - q) * (v - q);
      }
      image[i + 3] = data[i + 3]!;
    }
    await work.step(end);
  }
  work.finish();
  return { image, sse };
}

/** value -> level byte. */
function table(levels: ValueLevels): Uint8Array {
  const out = new Uint8Array(256);
  for (let v = 0; v < 256; v++) out[v] = levels.levelBytes[levels.lookup[v]!]!;
  return out;
}

/**
 * Clusters all R, G and B values of the image together as scalars (one set of k levels) and replaces each
 * value by its level. Alpha is kept and not clustered.
 */
export async function quantizeValues(input: QuantizeInput, options: ValueQuantizeOptions = {}): Promise<ValueQuantizeResult> {
  const o = checkOptions('options', options, ['k', 'method', 'seed', 'maxIterations', 'tolerance', 'signal', 'onProgress']);
  const k = checkInteger('options.k', o.k ?? 16, 1, 256);
  const r = resolveCommon(o);
  const { data, width, height } = readInput(input);
  const histogram = new Float64Array(256);
  for (let i = 0; i < data.length; i += 4) {
    histogram[data[i]!]!++;
    histogram[data[i + 1]!]!++;
    histogram[data[i + 2]!]!++;
  }
  const levels = fit(histogram, k, r, 0);
  const lut = table(levels);
  const { image, sse } = await render(data, [lut, lut, lut], r, 'values');
  const mse = sse / ((data.length / 4) * 3);
  return { ...levels, method: r.method, image, width, height, mse, psnr: psnrFromMse(mse) };
}

/** Clusters each of R, G and B on its own (k levels each, or [kR, kG, kB]) and replaces each value by its channel's level. */
export async function quantizePerChannel(input: QuantizeInput, options: PerChannelOptions = {}): Promise<PerChannelResult> {
  const o = checkOptions('options', options, ['k', 'method', 'seed', 'maxIterations', 'tolerance', 'signal', 'onProgress']);
  const kOption: unknown = o.k ?? 4;
  let ks: [number, number, number];
  if (typeof kOption === 'number') {
    const k = checkInteger('options.k', kOption, 1, 256);
    ks = [k, k, k];
  } else if (Array.isArray(kOption)) {
    if (kOption.length !== 3) throw rangeError('options.k.length', '3 ([kR, kG, kB])', kOption.length);
    ks = [checkInteger('options.k[0]', kOption[0], 1, 256), checkInteger('options.k[1]', kOption[1], 1, 256), checkInteger('options.k[2]', kOption[2], 1, 256)];
  } else {
    throw typeError('options.k', 'an integer or [kR, kG, kB]', kOption);
  }
  const r = resolveCommon(o);
  const { data, width, height } = readInput(input);
  const histograms = [new Float64Array(256), new Float64Array(256), new Float64Array(256)] as const;
  for (let i = 0; i < data.length; i += 4) {
    histograms[0][data[i]!]!++;
    histograms[1][data[i + 1]!]!++;
    histograms[2][data[i + 2]!]!++;
  }
  const red = fit(histograms[0], ks[0], r, 0);
  const green = fit(histograms[1], ks[1], r, 1);
  const blue = fit(histograms[2], ks[2], r, 2);
  const { image, sse } = await render(data, [table(red), table(green), table(blue)], r, 'per-channel');
  const mse = sse / ((data.length / 4) * 3);
  return {
    method: r.method,
    channels: { r: red, g: green, b: blue },
    image,
    width,
    height,
    inertia: red.inertia + green.inertia + blue.inertia,
    mse,
    psnr: psnrFromMse(mse),
  };
}
