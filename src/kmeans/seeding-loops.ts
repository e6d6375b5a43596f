/**
 * The loops of greedy k-means++ over a sample (kmeansPlusPlusSteps of init.ts drives them): each trial's
 * distances and potential, the draw by cumulative mass, and the update once a centroid is chosen. Two
 * implementations with the same operations in the same order, so the same centroids: WebAssembly
 * (seeding-native.ts) where it can run, JS (here) otherwise.
 */
import { NativeSeeding } from './seeding-native.js';

export interface SeedingLoops {
  /** The index where the running sum of the masses (or, `ofWeights`, the weights) first exceeds `target`. */
  pick(target: number, ofWeights?: boolean): number;
  /** The sample's total weight, summed in order. */
  totalWeight(): number;
  /** Each point's squared distance to the nearest of the first `found` of `centroids`; returns the potential. */
  start(centroids: Float64Array, found: number): number;
  /** The potential with sample point `candidate` added as a centroid. */
  trial(candidate: number): number;
  /** The last trial is the best so far. */
  keepTrial(): void;
  /** The best trial's candidate is taken: its distances become the points' own; returns the new potential. */
  accept(): number;
}

/** Index of the point where the running sum of `values` first exceeds `target`. */
export function pickByCumulative(values: Float64Array, target: number): number {
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += values[i]!;
    if (acc > target) return i;
  }
  // Rounding left the target at the very end: take the last point with any mass.
  for (let i = values.length - 1; i >= 0; i--) if (values[i]! > 0) return i;
  return 0;
}

/** The loops in JS, over the sample's own arrays. */
class JsSeeding implements SeedingLoops {
  private closest: Float64Array;
  private readonly mass: Float64Array;
  private trialClosest: Float64Array;
  private bestClosest: Float64Array;

  constructor(
    private readonly points: Float64Array,
    private readonly weights: Float64Array,
  ) {
    const m = weights.length;
    this.closest = new Float64Array(m);
    this.mass = new Float64Array(m);
    this.trialClosest = new Float64Array(m);
    this.bestClosest = new Float64Array(m);
  }

  pick(target: number, ofWeights = false): number {
    return pickByCumulative(ofWeights ? this.weights : this.mass, target);
  }

  totalWeight(): number {
    let total = 0;
    for (let i = 0; i < this.weights.length; i++) total += this.weights[i]!;
    return total;
  }

  start(centroids: Float64Array, found: number): number {
    const { points, weights, closest, mass } = this;
    let potential = 0;
    for (let i = 0; i < weights.length; i++) {
      let c = Infinity;
      for (let j = 0; j < found; j++) {
        const dr = points[i * 3]! - centroids[j * 3]!;
        const dg = points[i * 3 + 1]! - centroids[j * 3 + 1]!;
        const db = points[i * 3 + 2]! - centroids[j * 3 + 2]!;
        c = Math.min(c, dr * dr + dg * dg + db * db);
      }
      closest[i] = c;
      mass[i] = weights[i]! * c;
      potential += mass[i]!;
    }
    return potential;
  }

  trial(candidate: number): number {
    const { points, weights, closest, trialClosest } = this;
    // The candidate's coordinates read once (V8 cannot tell that the stores below leave them alone).
    const cr = points[candidate * 3]!;
    const cg = points[candidate * 3 + 1]!;
    const cb = points[candidate * 3 + 2]!;
    let p = 0;
    for (let i = 0; i < weights.length; i++) {
      const dr = points[i * 3]! - cr;
      const dg = points[i * 3 + 1]! - cg;
      const db = points[i * 3 + 2]! - cb;
      const e = dr * dr + dg * dg + db * db;
      const c = closest[i]!;
      const d = e < c ? e : c;
      trialClosest[i] = d;
      p += weights[i]! * d;
    }
    return p;
  }

  keepTrial(): void {
    [this.bestClosest, this.trialClosest] = [this.trialClosest, this.bestClosest];
  }

  accept(): number {
    [this.closest, this.bestClosest] = [this.bestClosest, this.closest];
    const { weights, closest, mass } = this;
    let potential = 0;
    for (let i = 0; i < weights.length; i++) {
      mass[i] = weights[i]! * closest[i]!;
      potential += mass[i]!;
    }
    return potential;
  }
}

/** The loops over the sample, in WebAssembly where it can run (and `native` allows), else in JS. */
export function seedingLoops(points: Float64Array, weights: Float64Array, maxSeeds: number, native = true): SeedingLoops {
  return (native ? NativeSeeding.create(points, weights, Math.max(1, maxSeeds)) : null) ?? new JsSeeding(points, weights);
}
