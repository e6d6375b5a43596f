/**
 * Initial centroids, computed once on the host from a seeded sample of the image so that both backends
 * start from exactly the same colours. Points are interleaved RGB triples with a weight (pixel count) each.
 */
import type { ColorSpace } from '../colour-space.js';
import { FilteringLloyd } from './filtering.js';
import { keepFixed } from './fixed.js';
import { pickByCumulative, seedingLoops } from './seeding-loops.js';
import { createRandom, type Random } from './random.js';

/**
 * A weighted point set: `points` holds RGB triples (or, with `space` 'oklab', their OKLab points),
 * `weights[i]` the pixel count of point i.
 */
export interface WeightedPoints {
  points: Float64Array;
  weights: Float64Array;
  /** The space of `points`; absent: sRGB. */
  space?: ColorSpace;
}

/**
 * Work done in steps: the generator yields between steps (a centroid picked, a Lloyd iteration on the
 * sample), where a caller on the main thread may give the event loop a turn; it returns the result.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs steps to the end at once (in a worker, or where nothing else waits). */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function dist2(a: Float64Array, i: number, b: Float64Array, j: number): number {
  const dr = a[i * 3]! - b[j * 3]!;
  const dg = a[i * 3 + 1]! - b[j * 3 + 1]!;
  const db = a[i * 3 + 2]! - b[j * 3 + 2]!;
  return dr * dr + dg * dg + db * db;
}

function copyPoint(from: Float64Array, i: number, to: Float64Array, j: number): void {
  to[j * 3] = from[i * 3]!;
  to[j * 3 + 1] = from[i * 3 + 1]!;
  to[j * 3 + 2] = from[i * 3 + 2]!;
}

/**
 * Greedy k-means++ (as scikit-learn does it): each new centroid is the best of `2 + ln k` candidates
 * drawn with probability proportional to weight x squared distance to the nearest centroid so far.
 * Returns fewer than k centroids only when the points have fewer than k distinct positions.
 */
export function kmeansPlusPlus(sample: WeightedPoints, k: number, random: Random, seeds?: Float64Array): Float64Array {
  return runSteps(kmeansPlusPlusSteps(sample, k, random, seeds));
}

/**
 * `kmeansPlusPlus` in steps (see `Steps`): one per centroid. Its loops over the sample run in WebAssembly
 * where they can (seeding-loops.ts: the same centroids either way); `native: false` keeps them in JS.
 */
export function* kmeansPlusPlusSteps({ points, weights }: WeightedPoints, k: number, random: Random, seeds?: Float64Array, { native = true }: { native?: boolean } = {}): Steps<Float64Array> {
  const loops = seedingLoops(points, weights, seeds ? seeds.length / 3 : 0, native);
  const trials = 2 + Math.floor(Math.log(k));
  const centroids = new Float64Array(k * 3);
  let found: number;
  if (seeds && seeds.length > 0) {
    found = Math.min(k, seeds.length / 3);
    centroids.set(seeds.subarray(0, found * 3));
  } else {
    copyPoint(points, loops.pick(random.next() * loops.totalWeight(), true), centroids, 0);
    found = 1;
  }
  let potential = loops.start(centroids, found);
  for (; found < k && potential > 0; found++) {
    let bestPotential = Infinity;
    let bestIndex = -1;
    for (let t = 0; t < trials; t++) {
      const candidate = loops.pick(random.next() * potential);
      const p = loops.trial(candidate);
      if (p < bestPotential) {
        bestPotential = p;
        bestIndex = candidate;
        loops.keepTrial();
      }
    }
    copyPoint(points, bestIndex, centroids, found);
    potential = loops.accept();
    yield;
  }
  return centroids.slice(0, found * 3);
}

/**
 * Initial centroids from an earlier result's: the same when there are k of them (same palette order);
 * k-means++ adds the missing ones when there are fewer; when there are more, the k that best cover the
 * sample are chosen by weighted k-means++ among them (weights: how much of the sample each one holds).
 * The first `fixed` of `previous` (fixed colours) are always kept, first.
 */
export function warmStartCentroids(sample: WeightedPoints, previous: Float64Array, k: number, random: Random, fixed = 0): Float64Array {
  const m = previous.length / 3;
  if (m === k) return Float64Array.from(previous);
  if (m < k) return kmeansPlusPlus(sample, k, random, previous);
  const masses = new Float64Array(m);
  const { points, weights } = sample;
  for (let i = 0; i < weights.length; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < m; j++) {
      const d = dist2(points, i, previous, j);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    masses[best]! += weights[i]!;
  }
  const chosen = kmeansPlusPlus({ points: previous, weights: masses }, k, random, previous.subarray(0, fixed * 3));
  // Held no sample point at all, some candidates can't be chosen: k-means++ on the sample fills up.
  return chosen.length / 3 < k ? kmeansPlusPlus(sample, k, random, chosen) : chosen;
}

/** The fixed colours, then k - n random picks (see `randomInit`); `randomInit` itself without fixed colours. */
export function randomAround(sample: WeightedPoints, k: number, random: Random, fixed: Float64Array | undefined): Float64Array {
  if (!fixed) return randomInit(sample, k, random);
  const picks = randomInit(sample, k - fixed.length / 3, random);
  const out = new Float64Array(fixed.length + picks.length);
  out.set(fixed);
  out.set(picks, fixed.length);
  return out;
}

/** k distinct points drawn at random with probability proportional to weight (k random pixels). */
export function randomInit({ points, weights }: WeightedPoints, k: number, random: Random): Float64Array {
  const mass = Float64Array.from(weights);
  let total = 0;
  for (let i = 0; i < mass.length; i++) total += mass[i]!;
  const count = Math.min(k, mass.length);
  const centroids = new Float64Array(count * 3);
  for (let j = 0; j < count; j++) {
    const i = pickByCumulative(mass, random.next() * total);
    copyPoint(points, i, centroids, j);
    total -= mass[i]!;
    mass[i] = 0;
  }
  return centroids;
}

/**
 * Where empty clusters go again (scikit-learn relocates them to far points too): each centroid listed in
 * `moving`, in order, moves to the point of `from` farthest from its nearest centroid placed so far (every
 * centroid not moving, then each one moved), so that no two land on the same point; ties go to the lowest
 * point index. Moves them in place; returns the ones that could not be placed (every point already sits on
 * a centroid): they keep their place.
 */
export function placeFarthest(centroids: Float64Array, moving: readonly number[], { points, weights }: WeightedPoints): number[] {
  const m = weights.length;
  const isMoving = new Uint8Array(centroids.length / 3);
  for (const j of moving) isMoving[j] = 1;
  const closest = new Float64Array(m).fill(Infinity);
  const near = (j: number): void => {
    for (let i = 0; i < m; i++) closest[i] = Math.min(closest[i]!, dist2(points, i, centroids, j));
  };
  for (let j = 0; j < isMoving.length; j++) if (!isMoving[j]) near(j);
  const unplaced: number[] = [];
  for (const j of moving) {
    let best = -1;
    let bestDistance = 0;
    for (let i = 0; i < m; i++) {
      if (closest[i]! > bestDistance) {
        bestDistance = closest[i]!;
        best = i;
      }
    }
    if (best < 0) {
      unplaced.push(j);
      continue;
    }
    copyPoint(points, best, centroids, j);
    near(j);
  }
  return unplaced;
}

/**
 * Where re-seeded centroids come from: the init sample (the same for every backend), then, only for those
 * it cannot place (it holds too few distinct colours), every colour of the fitted pixels.
 */
export interface ReseedSource {
  sample: WeightedPoints;
  /** Every fitted colour, weighted; worked out when first needed. */
  all?: () => WeightedPoints;
}

/** `placeFarthest` from the sample, then from every fitted colour; returns the ones neither could place. */
export function reseed(centroids: Float64Array, moving: readonly number[], from: ReseedSource): number[] {
  if (moving.length === 0) return [];
  const left = placeFarthest(centroids, moving, from.sample);
  return left.length > 0 && from.all ? placeFarthest(centroids, left, from.all()) : left;
}

/** The indices of centroids equal to an earlier one. */
export function repeatedCentroids(centroids: Float64Array): number[] {
  const seen = new Set<string>();
  const repeats: number[] = [];
  for (let j = 0; j < centroids.length / 3; j++) {
    const key = `${centroids[j * 3]},${centroids[j * 3 + 1]},${centroids[j * 3 + 2]}`;
    if (seen.has(key)) repeats.push(j);
    else seen.add(key);
  }
  return repeats;
}

/** The centroids without the listed ones (the same array when there are none). */
export function withoutCentroids(centroids: Float64Array, drop: readonly number[]): Float64Array {
  if (drop.length === 0) return centroids;
  const dropped = new Set(drop);
  const out = new Float64Array((centroids.length / 3 - dropped.size) * 3);
  let i = 0;
  for (let j = 0; j < centroids.length / 3; j++) {
    if (dropped.has(j)) continue;
    out.set(centroids.subarray(j * 3, j * 3 + 3), i * 3);
    i++;
  }
  return out;
}

/**
 * Initial centroids as a fit needs them: k distinct ones. Repeats (colours given with repeats, or a warm
 * start's) are re-seeded (see `reseed`), and so are the missing ones when fewer than k came (picked from a
 * sample with fewer than k distinct colours); those that cannot be placed are dropped. The same array when
 * there are k distinct centroids already.
 */
export function spreadInitial(centroids: Float64Array, k: number, from: ReseedSource): Float64Array {
  const given = centroids.length / 3;
  const moving = repeatedCentroids(centroids);
  if (moving.length === 0 && given >= k) return centroids;
  const next = new Float64Array(Math.max(k, given) * 3);
  next.set(centroids);
  for (let j = given; j < k; j++) moving.push(j);
  return withoutCentroids(next, reseed(next, moving, from));
}

/** The colour tree of each sample, built once for all the candidates polished on it. */
const sampleTrees = new WeakMap<WeightedPoints, FilteringLloyd>();

/** Centroids polished on a sample, and their inertia there. */
export interface Polished {
  centroids: Float64Array;
  inertia: number;
}

function sampleTree(sample: WeightedPoints): FilteringLloyd {
  let lloyd = sampleTrees.get(sample);
  if (!lloyd) {
    lloyd = new FilteringLloyd(sample.points, sample.weights, sample.space);
    sampleTrees.set(sample, lloyd);
  }
  return lloyd;
}

/** `refineOnSample` in steps: one per iteration. The first `fixed` centroids stay where they are. */
function* refineSteps(sample: WeightedPoints, initial: Float64Array, maxIterations: number, tolerance: number, fixed = 0): Steps<Polished> {
  const lloyd = sampleTree(sample);
  lloyd.setCentroids(initial);
  let inertia = Infinity;
  for (let t = 0; t < maxIterations; t++) {
    lloyd.assign();
    inertia = lloyd.accumulate();
    const shift = fixed === 0 ? lloyd.update() : lloyd.moveTo(keepFixed(lloyd.means(), lloyd.centroids, fixed));
    if (shift <= tolerance) break;
    yield;
  }
  return { centroids: Float64Array.from(lloyd.centroids), inertia };
}

/**
 * Polishes initial centroids with Lloyd iterations on the (small) sample, so that the backend's
 * iterations over every pixel start close to a fixed point and need few passes. Empty clusters keep
 * their place; the backend's loop re-seeds them.
 */
export function refineOnSample(sample: WeightedPoints, initial: Float64Array, maxIterations: number, tolerance: number): Polished {
  return runSteps(refineSteps(sample, initial, maxIterations, tolerance));
}

/**
 * All that initialisation computes from the samples for one attempt, as data: the same job gives the same
 * centroids in this thread or in a worker.
 */
export interface InitJob {
  /** Where k-means++ (or random init) picks from. */
  seedSample: WeightedPoints;
  /** Where the picks are polished. */
  refineSample: WeightedPoints;
  k: number;
  method: 'kmeans++' | 'random';
  /** How many picks to polish (the one with the lowest sample inertia wins). */
  candidates: number;
  /** Seed and stream of the generator the picks draw from. */
  seed: number;
  stream: number;
  /** Earlier centroids (another k) to start from instead of fresh picks. */
  warmStart?: Float64Array;
  maxIterations: number;
  tolerance: number;
  /** Relocations to try on the winner (see `relocateWeakest`); 0 for none. */
  relocations: number;
  /** Fixed colours: the first centroids of every pick, never moved (see fixed.ts). */
  fixed?: Float64Array;
}

/** Picks initial centroids, polishes each candidate on the sample, and returns the best. */
export function runInitJob(job: InitJob): Float64Array {
  return runSteps(initJobSteps(job));
}

/** `runInitJob` in steps (see `Steps`), for the main thread. */
export function* initJobSteps(job: InitJob): Steps<Float64Array> {
  const random = createRandom(job.seed, job.stream);
  const picks: Float64Array[] = [];
  const fixed = (job.fixed?.length ?? 0) / 3;
  if (job.warmStart) {
    picks.push(warmStartCentroids(job.refineSample, job.warmStart, job.k, random, fixed));
  } else {
    for (let c = 0; c < job.candidates; c++) {
      picks.push(job.method === 'random' ? randomAround(job.seedSample, job.k, random, job.fixed) : yield* kmeansPlusPlusSteps(job.seedSample, job.k, random, job.fixed));
    }
  }
  let best: Polished | undefined;
  for (const p of picks) {
    const polished = yield* refineSteps(job.refineSample, p, job.maxIterations, job.tolerance, fixed);
    if (!best || polished.inertia < best.inertia) best = polished;
  }
  if (job.relocations > 0 && !job.warmStart) best = yield* relocateSteps(job.refineSample, best!, job.relocations, job.maxIterations, job.tolerance, fixed);
  return best!.centroids;
}

/** Per cluster, on the sample: the weight and the squared error of its points; and each point's label. */
function clusterErrors(sample: WeightedPoints, centroids: Float64Array): { counts: Float64Array; errors: Float64Array; labels: Uint8Array } {
  const lloyd = sampleTree(sample);
  lloyd.setCentroids(centroids);
  lloyd.assign();
  const labels = lloyd.labels;
  const { points, weights } = sample;
  const errors = new Float64Array(centroids.length / 3);
  for (let i = 0; i < weights.length; i++) errors[labels[i]!]! += weights[i]! * dist2(points, i, centroids, labels[i]!);
  return { counts: Float64Array.from(lloyd.counts), errors, labels: Uint8Array.from(labels) };
}

/**
 * Escapes poor local optima by moving centroids from where they do least to where the error is largest
 * (the "jumps" of Fritzke's k-means-u*): a centroid whose cluster would cost least to merge into its
 * nearest neighbour's (Ward's criterion) is moved halfway from the centroid of the cluster with the largest
 * squared error towards that cluster's farthest point, and the result is polished again; the move is kept
 * when the sample inertia drops. Up to `tries` moves are tried, each a different pair of the 4 weakest and
 * the 4 worst clusters (a pair of one cluster is skipped) until one is kept; then the ranking starts again.
 * Deterministic; never worse on the sample than `start`.
 */
export function relocateWeakest(sample: WeightedPoints, start: Polished, tries: number, maxIterations: number, tolerance: number, fixed = 0): Polished {
  return runSteps(relocateSteps(sample, start, tries, maxIterations, tolerance, fixed));
}

/** `relocateWeakest` in steps (see `Steps`); the first `fixed` centroids are never the ones moved. */
function* relocateSteps(sample: WeightedPoints, start: Polished, tries: number, maxIterations: number, tolerance: number, fixed = 0): Steps<Polished> {
  let best = start;
  const k = start.centroids.length / 3;
  if (k < 3 || k - fixed < 1) return best;
  let weakest: number[] = [];
  let worst: number[] = [];
  // Per cluster, its point farthest from its centroid (the first in point order; -1 for none) and how far.
  const farthest = new Int32Array(k);
  const farthestD = new Float64Array(k);
  const rank = (): void => {
    const c = best.centroids;
    const stats = clusterErrors(sample, c);
    const labels = stats.labels;
    farthest.fill(-1);
    farthestD.fill(-1);
    for (let i = 0; i < sample.weights.length; i++) {
      const j = labels[i]!;
      const d = dist2(sample.points, i, c, j);
      if (d > farthestD[j]!) {
        farthestD[j] = d;
        farthest[j] = i;
      }
    }
    const cost = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let nearest = Infinity;
      let nearestCount = 0;
      for (let b = 0; b < k; b++) {
        if (b === a) continue;
        const d = dist2(c, a, c, b);
        if (d < nearest) {
          nearest = d;
          nearestCount = stats.counts[b]!;
        }
      }
      const na = stats.counts[a]!;
      cost[a] = na === 0 ? 0 : ((na * nearestCount) / (na + nearestCount)) * nearest;
    }
    const order = Array.from({ length: k }, (_, i) => i);
    weakest = order.filter((j) => j >= fixed).sort((a, b) => cost[a]! - cost[b]! || a - b);
    worst = order.slice().sort((a, b) => stats.errors[b]! - stats.errors[a]! || a - b);
  };
  rank();
  const pool = Math.min(4, k - fixed);
  let since = 0;
  for (let t = 0; t < tries; t++, since++) {
    const from = weakest[since % pool]!;
    const to = worst[Math.floor(since / pool) % pool]!;
    if (to === from) continue;
    // The point of cluster `to` farthest from its centroid.
    const c = best.centroids;
    const far = farthest[to]!;
    if (far < 0 || farthestD[to] === 0) continue;
    const trial = Float64Array.from(c);
    for (let ch = 0; ch < 3; ch++) trial[from * 3 + ch] = (c[to * 3 + ch]! + sample.points[far * 3 + ch]!) / 2;
    const polished = yield* refineSteps(sample, trial, maxIterations, tolerance, fixed);
    if (polished.inertia < best.inertia) {
      best = polished;
      rank();
      since = -1;
    }
  }
  return best;
}
