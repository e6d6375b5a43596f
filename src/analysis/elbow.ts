/**
 * Cost and time against k (seed notebook 002: k = 2, 4, ..., 64) and the "elbow" of the cost curve.
 *
 * Knee method: both axes are normalised to [0, 1] (k from the first to the last k, cost from its smallest
 * to its largest value, so the first point is at the top left and the last at the bottom right of a
 * falling curve); the knee is the point farthest from the chord joining the first and last points, on the
 * side below it (where a convex, falling curve bends). Points on or above the chord do not count; with
 * fewer than three points, a flat curve or no point below the chord, the first k is suggested (more
 * colours do not buy a disproportionate drop in cost).
 */
import type { QuantizeInput } from '../image.js';
import { checkInteger, rangeError, typeError } from './common.js';
import { sweep, type SweepOptions } from './sweep.js';

export interface ElbowOptions extends Omit<SweepOptions, 'ks'> {
  /** First k: an integer in 1..256. @default 2 */
  from?: number;
  /** Last k (included when on the step): an integer in `from`..256. @default 64 */
  to?: number;
  /** Step between ks: an integer >= 1. @default 2 */
  step?: number;
}

export interface ElbowPoint {
  k: number;
  /** Sum of squared RGB distances of every pixel to its centroid. */
  inertia: number;
  /** Wall-clock milliseconds of this k's fit (warm-started from the previous k unless `warmStart: false`). */
  ms: number;
  /** Lloyd iterations of this k's fit. */
  iterations: number;
}

export interface ElbowResult {
  points: ElbowPoint[];
  /** The k at the knee of the cost curve (see the module comment for the method). */
  suggestedK: number;
}

/**
 * The knee of a curve by the maximum distance below the chord between its end points, on axes normalised
 * to [0, 1] (below the chord for a falling curve, above it for a rising one). Returns the index of the
 * knee (0 when there is none). `xs` must be strictly increasing.
 */
export function findKnee(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw rangeError('ys.length', `xs.length = ${xs.length}`, ys.length);
  const n = xs.length;
  if (n < 3) return 0;
  for (let i = 0; i < n; i++) {
    if (typeof xs[i] !== 'number' || !Number.isFinite(xs[i])) throw typeError(`xs[${i}]`, 'a finite number', xs[i]);
    if (typeof ys[i] !== 'number' || !Number.isFinite(ys[i])) throw typeError(`ys[${i}]`, 'a finite number', ys[i]);
    if (i > 0 && !(xs[i]! > xs[i - 1]!)) throw rangeError(`xs[${i}]`, 'greater than the previous x', xs[i]);
  }
  const x0 = xs[0]!;
  const xSpan = xs[n - 1]! - x0;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const y of ys) {
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const ySpan = yMax - yMin;
  if (ySpan === 0) return 0;
  // Normalised end points (ax, ay) and (bx, by); the signed distance of p to the chord is the 2-D cross
  // product (b - a) x (p - a) over |b - a|. For a falling curve, points below the chord have a positive sign.
  const ay = (ys[0]! - yMin) / ySpan;
  const by = (ys[n - 1]! - yMin) / ySpan;
  const dx = 1;
  const dy = by - ay;
  const length = Math.hypot(dx, dy);
  // A falling convex curve (cost against k) bends below its chord; a rising concave one (diminishing
  // returns, such as PSNR against k) bends above it. The sign of dy picks the side that counts.
  const side = dy <= 0 ? 1 : -1;
  let best = 0;
  // Distances below this (in normalised units) are rounding noise of a straight line.
  let bestDistance = 1e-9;
  for (let i = 1; i < n - 1; i++) {
    const px = (xs[i]! - x0) / xSpan;
    const py = (ys[i]! - yMin) / ySpan;
    const cross = dx * (py - ay) - dy * px;
    const distance = (side * -cross) / length;
    if (distance > bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

/** The ks of an elbow run: from, from + step, ... up to `to`. */
function elbowKs(from: number, to: number, step: number): number[] {
  const ks: number[] = [];
  for (let k = from; k <= to; k += step) ks.push(k);
  return ks;
}

/**
 * Fits every k of from..to (by step) with one quantizer (see {@link sweep}; warm-started by default, so the
 * cost falls monotonically and `ms` is the cost of refining the previous k's palette; pass
 * `warmStart: false` for independent fits as in the seed notebook) and suggests the k at the knee.
 */
export async function elbow(input: QuantizeInput, options: ElbowOptions = {}): Promise<ElbowResult> {
  if (typeof options !== 'object' || options === null) throw typeError('options', 'an object', options);
  const { from: fromOption, to: toOption, step: stepOption, ...rest } = options;
  if ('ks' in rest) throw typeError('options.ks', 'absent (elbow takes from, to and step)', (rest as { ks: unknown }).ks);
  const from = checkInteger('options.from', fromOption ?? 2, 1, 256);
  const to = checkInteger('options.to', toOption ?? 64, from, 256);
  const step = checkInteger('options.step', stepOption ?? 2, 1, 256);
  const onProgress = rest.onProgress;
  const swept = await sweep(input, {
    ...rest,
    ks: elbowKs(from, to, step),
    ...(onProgress ? { onProgress: (event) => onProgress({ ...event, task: 'elbow' }) } : {}),
  });
  const points = swept.results.map((entry) => ({
    k: entry.k,
    inertia: entry.inertia,
    ms: entry.ms,
    iterations: entry.result.iterations,
  }));
  const knee = findKnee(
    points.map((p) => p.k),
    points.map((p) => p.inertia),
  );
  return { points, suggestedK: points[knee]!.k };
}
