/**
 * A sweep over several k on one image (seed notebooks 000 and 003: k = 1, 2, 4, 8, 16, 32): one quantizer
 * for the whole sweep (its GPU device, pipelines and buffers are reused), destroyed at the end; each k may
 * start from the centroids of the previous one.
 */
import type { QuantizeInput } from '../image.js';
import type { QuantizerOptions } from '../options.js';
import { createQuantizer } from '../quantizer.js';
import type { QuantizeResult } from '../result.js';
import { checkInteger, checkRunOptions, now, readInput, throwIfAborted, typeError, rangeError, type AnalysisProgress } from './common.js';

/** Options of {@link sweep}: the engine's options (less `k`), plus the list of k and the warm-start switch. */
export interface SweepOptions extends Omit<QuantizerOptions, 'k' | 'warmStart' | 'onProgress'> {
  /** The k values, fitted in this order: integers in 1..256. @default [1, 2, 4, 8, 16, 32] */
  ks?: readonly number[];
  /**
   * Start each k (after the first) from the previous k's centroids (the engine's `warmStart` option: fewer
   * centroids than k are completed by k-means++, more are cut to the k that best cover the image). With
   * ascending ks this makes the cost fall monotonically and the sweep much faster. @default true
   */
  warmStart?: boolean;
  /** Progress: `k` is the k being fitted, `lloyd` the engine's per-iteration event; `done` counts finished ks. */
  onProgress?: (event: AnalysisProgress) => void;
}

/** One k of a sweep. */
export interface SweepEntry {
  k: number;
  result: QuantizeResult;
  /** `result.inertia`: sum of squared RGB distances of every pixel to its centroid. */
  inertia: number;
  /** Wall-clock milliseconds of this k's `quantize` call. */
  ms: number;
  /** Whether this k started from the previous k's centroids. */
  warmStarted: boolean;
}

export interface SweepResult {
  ks: number[];
  results: SweepEntry[];
}

export const DEFAULT_SWEEP_KS: readonly number[] = [1, 2, 4, 8, 16, 32];

/** Checks a list of k values. */
export function checkKs(argument: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw typeError(argument, 'an array of integers in 1..256', value);
  if (value.length === 0) throw rangeError(`${argument}.length`, 'at least 1', 0);
  return value.map((k: unknown, i) => checkInteger(`${argument}[${i}]`, k, 1, 256));
}

/**
 * Quantizes `input` once for each k in `options.ks` with one quantizer, in order. Rejects with
 * `TypeError`/`RangeError` for bad arguments (before any work), with an `AbortError` when `signal` fires.
 */
export async function sweep(input: QuantizeInput, options: SweepOptions = {}): Promise<SweepResult> {
  if (typeof options !== 'object' || options === null) throw typeError('options', 'an object', options);
  const { ks: ksOption, warmStart: warmOption, onProgress, ...engineOptions } = options;
  const ks = checkKs('options.ks', ksOption ?? DEFAULT_SWEEP_KS);
  const warmStart = warmOption ?? true;
  if (typeof warmStart !== 'boolean') throw typeError('options.warmStart', 'a boolean', warmStart);
  const run = checkRunOptions('options', { signal: engineOptions.signal, onProgress });
  if (Array.isArray(engineOptions.init) && new Set(ks).size > 1) {
    throw typeError('options.init', '"kmeans++" or "random" in a sweep over several k (a colour list fits one k only)', engineOptions.init);
  }
  throwIfAborted(run.signal);
  // Read browser sources once; every k then sees the same bytes.
  const { data, width, height } = readInput(input);
  const image = { data, width, height };

  // The engine validates its options (unknown keys included) when a quantizer is made: check them with
  // every k of the sweep (some depend on k, such as sampleSize >= k), so that a bad combination throws
  // before any work. Making a quantizer is cheap: its GPU context is created on its first call.
  for (const k of new Set(ks)) createQuantizer({ ...engineOptions, k }).destroy();
  const quantizer = createQuantizer(engineOptions);
  const results: SweepEntry[] = [];
  try {
    let previous: QuantizeResult | undefined;
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i]!;
      throwIfAborted(run.signal);
      run.onProgress?.({ task: 'sweep', done: i, total: ks.length, k });
      const warm = warmStart && previous !== undefined;
      const started = now();
      const result = await quantizer.quantize(image, {
        k,
        ...(warm ? { warmStart: previous!.centroids } : {}),
        ...(run.onProgress ? { onProgress: (lloyd) => run.onProgress!({ task: 'sweep', done: i, total: ks.length, k, lloyd }) } : {}),
      });
      const ms = now() - started;
      results.push({ k, result, inertia: result.inertia, ms, warmStarted: warm });
      previous = result;
    }
  } finally {
    quantizer.destroy();
  }
  run.onProgress?.({ task: 'sweep', done: ks.length, total: ks.length });
  return { ks, results };
}
