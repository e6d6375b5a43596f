/**
 * The random-codebook baseline of seed notebook 001: a palette of k pixels drawn at random from the image
 * (seeded), every pixel mapped to its nearest palette colour; and its cost beside k-means' on the same k.
 */
import type { QuantizeInput } from '../image.js';
import { psnrFromMse } from '../metrics.js';
import type { QuantizeOptions, QuantizerOptions } from '../options.js';
import { quantize } from '../quantizer.js';
import type { QuantizeResult } from '../result.js';
import {
  checkInteger,
  checkOptions,
  checkRunOptions,
  now,
  rangeError,
  readInput,
  seededRandom,
  startWork,
  throwIfAborted,
  typeError,
  type AnalysisRunOptions,
} from './common.js';
import { NearestMemo } from './nearest.js';

export interface RandomCodebookOptions extends AnalysisRunOptions {
  /** Palette size: an integer in 1..256, at most the pixel count. @default 16 */
  k?: number;
  /** Seed of the draw: same seed, same palette. An integer. @default 0 */
  seed?: number;
}

/**
 * A quantization by a random codebook: the fields of a `QuantizeResult` that apply (labels: nearest
 * palette colour, lowest index on ties; inertia: the k-means cost of this palette), plus where the colours
 * came from.
 */
export interface RandomCodebookResult
  extends Pick<QuantizeResult, 'labels' | 'image' | 'width' | 'height' | 'k' | 'paletteSize' | 'inertia' | 'mse' | 'psnr'> {
  /** k colours of pixels drawn at random (without replacement of positions, so colours may repeat), RGB bytes. */
  palette: Uint8Array;
  /** Index of the pixel each palette colour was taken from. */
  positions: Uint32Array;
  /** Milliseconds taken. */
  ms: number;
}

const KNOWN = ['k', 'seed', 'signal', 'onProgress'];

/** Quantizes with a palette of k random pixels of the image (seed notebook 001's `shuffle(...)[:k]` codebook). */
export async function randomCodebook(input: QuantizeInput, options: RandomCodebookOptions = {}): Promise<RandomCodebookResult> {
  const o = checkOptions('options', options, KNOWN);
  const k = checkInteger('options.k', o.k ?? 16, 1, 256);
  const seed = checkInteger('options.seed', o.seed ?? 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const run = checkRunOptions('options', o);
  const started = now();
  const { pixels, width, height } = readInput(input);
  const n = pixels.length;
  if (k > n) throw rangeError('options.k', `at most the pixel count ${n}`, k);

  const random = seededRandom(seed);
  const taken = new Set<number>();
  const positions = new Uint32Array(k);
  for (let j = 0; j < k; ) {
    const i = Math.floor(random() * n);
    if (taken.has(i)) continue;
    taken.add(i);
    positions[j++] = i;
  }
  const palette = new Uint8Array(k * 3);
  positions.forEach((i, j) => {
    const p = pixels[i]!;
    palette[j * 3] = p & 255;
    palette[j * 3 + 1] = (p >>> 8) & 255;
    palette[j * 3 + 2] = (p >>> 16) & 255;
  });

  const work = startWork('random-codebook', n, run);
  const memo = new NearestMemo(palette, n);
  const labels = new Uint8Array(n);
  const out = new Uint32Array(n);
  let sse = 0;
  const CHUNK = 1 << 16;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const p = pixels[i]!;
      const label = memo.label(p & 0xffffff);
      labels[i] = label;
      const o3 = label * 3;
      const dr = (p & 255) - palette[o3]!;
      const dg = ((p >>> 8) & 255) - palette[o3 + 1]!;
      const db = ((p >>> 16) & 255) - palette[o3 + 2]!;
      sse += dr * dr + dg * dg + db * db;
      out[i] = (palette[o3]! | (palette[o3 + 1]! << 8) | (palette[o3 + 2]! << 16) | (p & 0xff000000)) >>> 0;
    }
    await work.step(end);
  }
  work.finish();
  const mse = sse / (3 * n);
  return {
    palette,
    positions,
    labels,
    image: new Uint8ClampedArray(out.buffer),
    width,
    height,
    k,
    paletteSize: k,
    inertia: sse,
    mse,
    psnr: psnrFromMse(mse),
    ms: now() - started,
  };
}

export interface CodebookComparisonOptions extends Omit<QuantizerOptions, 'onProgress'> {
  /** Seed of both the random draw and k-means. @default 0 */
  seed?: number;
}

export interface CodebookComparison {
  k: number;
  kmeans: QuantizeResult;
  random: RandomCodebookResult;
  /** random.inertia / kmeans.inertia (>= 1 when k-means does its job; Infinity when k-means is exact). */
  inertiaRatio: number;
  /** kmeans.psnr - random.psnr in dB (0 when both are exact; Infinity when only k-means is). */
  psnrGain: number;
}

/** Seed notebook 001 side by side: k-means and the random codebook on the same image and k. */
export async function compareRandomCodebook(input: QuantizeInput, options: CodebookComparisonOptions = {}): Promise<CodebookComparison> {
  if (typeof options !== 'object' || options === null) throw typeError('options', 'an object', options);
  const { k: kOption, seed: seedOption, signal, ...rest } = options;
  const k = checkInteger('options.k', kOption ?? 16, 1, 256);
  const seed = checkInteger('options.seed', seedOption ?? 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  throwIfAborted(signal);
  const image = readInput(input);
  const raw = { data: image.data, width: image.width, height: image.height };
  const engine: QuantizeOptions & QuantizerOptions = { ...rest, k, seed };
  if (signal) engine.signal = signal;
  const kmeans = await quantize(raw, engine);
  const random = await randomCodebook(raw, { k, seed, ...(signal ? { signal } : {}) });
  const inertiaRatio = kmeans.inertia === 0 ? (random.inertia === 0 ? 1 : Infinity) : random.inertia / kmeans.inertia;
  const psnrGain = kmeans.psnr === random.psnr ? 0 : kmeans.psnr - random.psnr;
  return { k, kmeans, random, inertiaRatio, psnrGain };
}
