/**
 * The loops of greedy k-means++ in WebAssembly (seeding-kpp.as.ts): one instance per run, whose memory holds
 * the sample and each point's distances. The same operations in the same order as the JS loops of
 * seeding-loops.ts, so the same centroids come out; `create` gives null where WebAssembly is unavailable or
 * its memory cannot grow, and the JS loops run instead.
 */
import { growTo, InlinedModule, Layout } from '../wasm.js';
import type { SeedingLoops } from './seeding-loops.js';
import { SEEDING_KPP_WASM } from './seeding-kpp-wasm.js';

interface KppExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layout(points: number, weights: number, closest: number, mass: number, trial: number, best: number, m: number): void;
  pick(target: number, ofWeights: number): number;
  totalWeight(): number;
  start(centroids: number, found: number): number;
  trial(candidate: number): number;
  keepTrial(): void;
  accept(): number;
}

const kppModule = new InlinedModule(SEEDING_KPP_WASM);

export class NativeSeeding implements SeedingLoops {
  private constructor(
    private readonly exports: KppExports,
    private readonly seeds: Float64Array,
    private readonly seedsAt: number,
  ) {}

  /** The loops over the sample `points` / `weights`, with room for `maxSeeds` given centroids; or null. */
  static create(points: Float64Array, weights: Float64Array, maxSeeds: number): NativeSeeding | null {
    const exports = kppModule.instantiate<KppExports>();
    if (!exports) return null;
    const m = weights.length;
    const layout = new Layout(exports.heapBase(), [
      ['points', Float64Array, m * 3], ['weights', Float64Array, m], ['closest', Float64Array, m], ['mass', Float64Array, m],
      ['trial', Float64Array, m], ['best', Float64Array, m], ['seeds', Float64Array, maxSeeds * 3],
    ]);
    const memory = exports.memory;
    if (!growTo(memory, layout.end)) return null;
    layout.copyIn(memory, 'points', points);
    layout.copyIn(memory, 'weights', weights);
    const a = (name: string) => layout.address(name);
    exports.layout(a('points'), a('weights'), a('closest'), a('mass'), a('trial'), a('best'), m);
    return new NativeSeeding(exports, layout.view<Float64Array>(memory, 'seeds'), a('seeds'));
  }

  /** The index where the running sum of the masses (or the weights) first exceeds `target`. */
  pick(target: number, ofWeights = false): number {
    return this.exports.pick(target, ofWeights ? 1 : 0);
  }

  totalWeight(): number {
    return this.exports.totalWeight();
  }

  /** Distances to the nearest of the first `found` of `centroids`; returns the potential. */
  start(centroids: Float64Array, found: number): number {
    this.seeds.set(centroids.subarray(0, found * 3));
    return this.exports.start(this.seedsAt, found);
  }

  /** The potential with sample point `candidate` added as a centroid. */
  trial(candidate: number): number {
    return this.exports.trial(candidate);
  }

  /** The last trial is the best so far. */
  keepTrial(): void {
    this.exports.keepTrial();
  }

  /** The best trial's candidate is taken; returns the new potential. */
  accept(): number {
    return this.exports.accept();
  }
}
