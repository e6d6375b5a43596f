/**
 * Weighted Lloyd by the filtering algorithm (Kanungo et al., 2002) on an octree of the colours: a tree node
 * keeps the weight, the colour sums and the bounding box of its colours, and each iteration walks the tree
 * with a shrinking list of candidate centroids. A candidate is dropped for a whole box once another one is
 * nearer to every point of the box; a box left with one candidate gives all its colours to it at once,
 * through the node's sums, without a distance per colour. In 3-D colour space most of the tree is decided
 * high up, so an iteration costs far less than one distance per colour and centroid.
 *
 * Exact: labels and sums equal a brute-force Lloyd's (ties go to the lowest index), because a candidate is
 * dropped only with a margin far above float64 rounding, and the colours of a box that keeps several
 * candidates are compared against each of them as a plain scan would.
 */
import type { ColorSpace } from '../colour-space.js';
import { NativeWalk } from './filtering-native.js';
import { mortonKey, sortKeys24 } from './morton.js';
import { clusterMeans, inertiaFromSums, largestMove, weightedSumOfSquares } from './sums.js';

/**
 * Boxes of at most this many colours are not split further: their colours are scanned one by one. Large
 * leaves make fewer nodes to visit, which cost more than the scans (bench/README.md, "The WebAssembly
 * walk and diffusion, shipped").
 */
const LEAF_COLOURS = 64;
/** A candidate is dropped for a box only when it is this much (squared distance) farther at the box's best vertex. */
const DROP_MARGIN = 1e-6;
/** Octree depth: 8 levels of one bit per channel, plus the root. */
const MAX_DEPTH = 9;
/** The largest k (labels are bytes). */
const MAX_K = 256;

/**
 * Scratch arrays of the sort, kept between builds and grown as needed: fresh pages cost more to touch than
 * the sort itself.
 */
let scratch = new Uint32Array(0);

/** A coordinate as a key's 8-bit cell: the integer part, clamped to 0..255. */
function cell(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
}

/**
 * The Morton keys of OKLab points (scaled: L in 0..255, a and b within about ±80), over cells of one unit:
 * L as it is, a and b offset by 128. Only the tree's shape comes from them; its boxes are the points' own.
 */
function oklabKeys(points: Float64Array, keys: Uint32Array): void {
  for (let i = 0; i < keys.length; i++) keys[i] = mortonKey(cell(points[i * 3]!), cell(points[i * 3 + 1]! + 128), cell(points[i * 3 + 2]! + 128));
}

/**
 * Point indices sorted by Morton key, and the keys in that order (the latter in scratch memory, valid until
 * the next call). `order` is null when the points already come in key order (a histogram counted in that
 * order).
 */
function mortonOrder(points: Float64Array, size: number, space: ColorSpace): { order: Uint32Array | null; keys: Uint32Array } {
  if (scratch.length < size * 3) scratch = new Uint32Array(size * 3);
  const keys = scratch.subarray(0, size);
  let ordered = true;
  if (space === 'oklab') {
    oklabKeys(points, keys);
    ordered = false;
  } else {
    for (let i = 0; i < size; i++) {
      const key = mortonKey(points[i * 3]! | 0, points[i * 3 + 1]! | 0, points[i * 3 + 2]! | 0);
      keys[i] = key;
      if (i > 0 && key < keys[i - 1]!) ordered = false;
    }
  }
  if (ordered) return { order: null, keys };
  const order = new Uint32Array(size);
  sortKeys24(keys, order, scratch.subarray(size, size * 2), scratch.subarray(size * 2, size * 3));
  return { order, keys };
}

/**
 * The points' coordinates in `order` (null: as they are): bytes for sRGB points (integers 0..255), float64
 * for OKLab ones.
 */
function gatherPoints(points: Float64Array, order: Uint32Array | null, space: ColorSpace): Uint8Array | Float64Array {
  if (!order) return space === 'oklab' ? Float64Array.from(points) : new Uint8Array(points);
  const out = space === 'oklab' ? new Float64Array(order.length * 3) : new Uint8Array(order.length * 3);
  for (let p = 0; p < order.length; p++) {
    const i = order[p]! * 3;
    out[p * 3] = points[i]!;
    out[p * 3 + 1] = points[i + 1]!;
    out[p * 3 + 2] = points[i + 2]!;
  }
  return out;
}

/** The points' weights in `order` (null: the same array). */
function gatherWeights(weights: Float64Array, order: Uint32Array | null): Float64Array {
  if (!order) return weights;
  const out = new Float64Array(order.length);
  for (let p = 0; p < order.length; p++) out[p] = weights[order[p]!]!;
  return out;
}

/** Growable node storage of the octree. */
class Nodes {
  count = 0;
  start: Uint32Array = new Uint32Array(0);
  end: Uint32Array = new Uint32Array(0);
  /** First child's index (children are stored together), and how many; 0 children: a leaf. */
  child: Uint32Array = new Uint32Array(0);
  children: Uint8Array = new Uint8Array(0);
  /** Weight, then weighted R, G, B sums. */
  stats: Float64Array = new Float64Array(0);
  /** Bounding box: min R, G, B, max R, G, B (float64 for OKLab points). */
  box: Uint8Array | Float64Array;

  constructor(capacity: number, space: ColorSpace) {
    this.box = space === 'oklab' ? new Float64Array(0) : new Uint8Array(0);
    this.grow(capacity);
  }

  private grow(capacity: number): void {
    const copy = <T extends Uint32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T, per: number): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.start = copy(this.start, (n) => new Uint32Array(n), 1);
    this.end = copy(this.end, (n) => new Uint32Array(n), 1);
    this.child = copy(this.child, (n) => new Uint32Array(n), 1);
    this.children = copy(this.children, (n) => new Uint8Array(n), 1);
    this.stats = copy(this.stats, (n) => new Float64Array(n), 4);
    this.box = this.box instanceof Float64Array ? copy(this.box, (n) => new Float64Array(n), 6) : copy(this.box, (n) => new Uint8Array(n), 6);
  }

  /** Nodes built elsewhere (the WebAssembly tree's views of its arrays): `count` of them, stored in `arrays`. */
  static of(arrays: Pick<Nodes, 'start' | 'end' | 'child' | 'children' | 'stats' | 'box'>, count: number, space: ColorSpace): Nodes {
    const nodes = new Nodes(0, space);
    nodes.count = count;
    ({ start: nodes.start, end: nodes.end, child: nodes.child, children: nodes.children, stats: nodes.stats, box: nodes.box } = arrays);
    return nodes;
  }

  /** Reserves `n` consecutive nodes; returns the first. */
  reserve(n: number): number {
    if (this.count + n > this.start.length) this.grow(Math.max(this.start.length * 2, this.count + n));
    const first = this.count;
    this.count += n;
    return first;
  }
}

export class FilteringLloyd {
  readonly size: number;
  /** Sum of w|x|^2 over the points: inertia follows from it and the cluster sums. */
  readonly sumOfSquares: number;
  centroids = new Float64Array(0);
  k = 0;
  /** Per-cluster weight and weighted RGB sums of the current assignment. */
  counts = new Float64Array(0);
  sums = new Float64Array(0);
  /** Points in Morton order: coordinates, weights, and where each came from (null: in place). */
  private order: Uint32Array | null;
  private sorted: Uint8Array | Float64Array;
  private sortedWeights: Float64Array;
  /** The WebAssembly tree, which then holds the tree's arrays; null: built and walked in JS (`build`, `visit`). */
  private readonly native: NativeWalk | null;
  private readonly nodes: Nodes;
  /** Candidate lists, one slice of k per depth. */
  private candidates = new Uint16Array(0);
  private labelsOut = new Uint8Array(0);
  /** Child boundaries while building, 9 per depth. */
  private readonly splitScratch = new Uint32Array((MAX_DEPTH + 2) * 9);
  /** The centroids of the last assignment (the walk in progress reads these). */
  private assigned = new Float64Array(0);
  /** Whether the walk in progress writes labels too, and whether `labelsOut` matches the last assignment. */
  private writing = false;
  private labelsFresh = false;

  /**
   * Builds the tree over weighted colours: `points` holds RGB triples of integers 0..255 (a histogram's
   * colours), or with `space` 'oklab' their OKLab points (see colour-space.ts), `weights[i]` the pixel
   * count of point i. sRGB points already in Morton order skip the sort. OKLab points are sorted by the
   * keys of their unit cells, and the boxes bound their exact coordinates, so the walk stays exact.
   * The tree is built and walked in WebAssembly where it can be (filtering-native.ts); `native: false` keeps
   * both in JS.
   */
  constructor(points: Float64Array, weights: Float64Array, space: ColorSpace = 'srgb', { native = true }: { native?: boolean } = {}) {
    const size = weights.length;
    this.size = size;
    const built = native && size > 0 ? NativeWalk.build(points, weights, space === 'oklab', { candidates: (MAX_DEPTH + 2) * MAX_K, maxK: MAX_K, splitBounds: (MAX_DEPTH + 2) * 9 }) : null;
    if (built) {
      // The tree lives in the instance's memory: these are views of it.
      const { views } = built;
      this.sumOfSquares = built.sumOfSquares;
      this.native = built.walk;
      this.order = views.order;
      this.sorted = views.points;
      this.sortedWeights = views.weights;
      this.nodes = Nodes.of(views, built.nodeCount, space);
      return;
    }
    this.native = null;
    this.sumOfSquares = weightedSumOfSquares(points, weights);
    const { order, keys } = mortonOrder(points, size, space);
    this.order = order;
    this.sorted = gatherPoints(points, order, space);
    this.sortedWeights = gatherWeights(weights, order);
    this.nodes = new Nodes(Math.max(16, Math.ceil(size / 2)), space);
    if (size > 0) this.build(this.nodes.reserve(1), 0, size, 21, keys, 0);
  }

  /** Nodes in the colour tree (the same whether it was built in WebAssembly or in JS). */
  get nodeCount(): number {
    return this.nodes.count;
  }

  /** Whether the tree was built, and is walked, in WebAssembly. */
  get isNative(): boolean {
    return this.native !== null;
  }

  /** Fills node `node` for sorted points [start, end), whose keys agree above bit `shift + 3`. */
  private build(node: number, start: number, end: number, shift: number, keys: Uint32Array, depth: number): void {
    const nodes = this.nodes;
    nodes.start[node] = start;
    nodes.end[node] = end;
    // Descend past levels where every point falls in the same octant.
    while (shift >= 0 && end - start > LEAF_COLOURS && ((keys[start]! >>> shift) & 7) === ((keys[end - 1]! >>> shift) & 7)) shift -= 3;
    if (end - start <= LEAF_COLOURS || shift < 0) {
      nodes.children[node] = 0;
      this.storeLeaf(node, start, end);
      return;
    }
    const bounds = this.splitScratch;
    const at = depth * 9;
    const n = this.splitByOctant(start, end, shift, keys, at);
    const first = nodes.reserve(n);
    for (let c = 0; c < n; c++) this.build(first + c, bounds[at + c]!, bounds[at + c + 1]!, shift - 3, keys, depth + 1);
    // The arrays may have grown during the children's builds: `storeParent` reads them afresh.
    this.nodes.child[node] = first;
    this.nodes.children[node] = n;
    this.storeParent(node, first, n);
  }

  /** A leaf's weight, sums and box, from its points [start, end). */
  private storeLeaf(node: number, start: number, end: number): void {
    const { sorted, sortedWeights } = this;
    let w = 0, sr = 0, sg = 0, sb = 0;
    let minR = Infinity, minG = Infinity, minB = Infinity;
    let maxR = -Infinity, maxG = -Infinity, maxB = -Infinity;
    for (let p = start; p < end; p++) {
      const r = sorted[p * 3]!;
      const g = sorted[p * 3 + 1]!;
      const b = sorted[p * 3 + 2]!;
      const pw = sortedWeights[p]!;
      w += pw;
      sr += pw * r;
      sg += pw * g;
      sb += pw * b;
      if (r < minR) minR = r;
      if (r > maxR) maxR = r;
      if (g < minG) minG = g;
      if (g > maxG) maxG = g;
      if (b < minB) minB = b;
      if (b > maxB) maxB = b;
    }
    this.store(node, w, sr, sg, sb, minR, minG, minB, maxR, maxG, maxB);
  }

  /**
   * Splits [start, end) by the octant at `shift` (keys are sorted, so octants are runs; each run ends where a
   * binary search finds the next octant): writes the runs' bounds to `splitScratch` from `at` (n + 1 of
   * them) and returns the number of runs n.
   */
  private splitByOctant(start: number, end: number, shift: number, keys: Uint32Array, at: number): number {
    const bounds = this.splitScratch;
    let n = 0;
    bounds[at] = start;
    for (let lo = start; ; ) {
      const octant = (keys[lo]! >>> shift) & 7;
      let hi = end;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (((keys[mid]! >>> shift) & 7) > octant) hi = mid;
        else lo = mid;
      }
      if (hi === end) break;
      bounds[at + ++n] = hi;
      lo = hi;
    }
    bounds[at + ++n] = end;
    return n;
  }

  /** An inner node's weight, sums and box, from its `n` children from `first` (added in child order). */
  private storeParent(node: number, first: number, n: number): void {
    const { stats, box } = this.nodes;
    // The first child's box to start from (any initial bound would have to fit the box's element type).
    this.store(node, 0, 0, 0, 0, box[first * 6]!, box[first * 6 + 1]!, box[first * 6 + 2]!, box[first * 6 + 3]!, box[first * 6 + 4]!, box[first * 6 + 5]!);
    for (let c = first; c < first + n; c++) {
      for (let i = 0; i < 4; i++) stats[node * 4 + i]! += stats[c * 4 + i]!;
      for (let i = 0; i < 3; i++) {
        if (box[c * 6 + i]! < box[node * 6 + i]!) box[node * 6 + i] = box[c * 6 + i]!;
        if (box[c * 6 + 3 + i]! > box[node * 6 + 3 + i]!) box[node * 6 + 3 + i] = box[c * 6 + 3 + i]!;
      }
    }
  }

  /** Writes a node's weight, colour sums and bounding box. */
  private store(node: number, w: number, sr: number, sg: number, sb: number, minR: number, minG: number, minB: number, maxR: number, maxG: number, maxB: number): void {
    const { stats, box } = this.nodes;
    stats[node * 4] = w;
    stats[node * 4 + 1] = sr;
    stats[node * 4 + 2] = sg;
    stats[node * 4 + 3] = sb;
    box[node * 6] = minR;
    box[node * 6 + 1] = minG;
    box[node * 6 + 2] = minB;
    box[node * 6 + 3] = maxR;
    box[node * 6 + 4] = maxG;
    box[node * 6 + 5] = maxB;
  }

  setCentroids(centroids: Float64Array): void {
    this.centroids = Float64Array.from(centroids);
    const k = centroids.length / 3;
    if (k !== this.k) {
      this.k = k;
      this.candidates = new Uint16Array((MAX_DEPTH + 2) * k);
    }
    this.counts = new Float64Array(k);
    this.sums = new Float64Array(k * 3);
    this.assigned = Float64Array.from(centroids);
    this.labelsFresh = false;
  }

  /** Assigns every point to its nearest centroid and sets the cluster sums. */
  assign(): void {
    this.assigned = Float64Array.from(this.centroids);
    this.labelsFresh = false;
    this.walk({ writeLabels: false });
  }

  /** Each point's label in the last assignment (in point order); worked out when first asked for. */
  get labels(): Uint8Array {
    if (!this.labelsFresh) this.walk({ writeLabels: true });
    return this.labelsOut;
  }

  /** One assignment: the cluster sums, and each point's label too with `writeLabels`. */
  private walk({ writeLabels }: { writeLabels: boolean }): void {
    const { k, candidates } = this;
    this.counts.fill(0);
    this.sums.fill(0);
    if (writeLabels && this.labelsOut.length !== this.size) this.labelsOut = new Uint8Array(this.size);
    this.writing = writeLabels;
    if (this.size === 0 || k === 0) return;
    if (this.native && k <= MAX_K) this.native.walk(this.assigned, this.counts, this.sums, writeLabels ? this.labelsOut : null);
    else {
      for (let j = 0; j < k; j++) candidates[j] = j;
      this.visit(0, 0, k);
    }
    this.labelsFresh = writeLabels;
  }

  /**
   * Gives node `node`'s points to the nearest of the `count` candidates in the slice at `depth`. Kept whole:
   * this recursion is the hot loop of every iteration (box test, candidate filter, leaf scan), and splitting
   * it would add calls per node and per leaf.
   */
  private visit(node: number, depth: number, count: number): void {
    const { k, candidates, counts, sums } = this;
    const centroids = this.assigned;
    const { box, stats } = this.nodes;
    const minR = box[node * 6]!;
    const minG = box[node * 6 + 1]!;
    const minB = box[node * 6 + 2]!;
    const maxR = box[node * 6 + 3]!;
    const maxG = box[node * 6 + 4]!;
    const maxB = box[node * 6 + 5]!;
    const base = depth * k;
    // The candidate nearest to the box's centre: the one others must beat somewhere in the box.
    const mr = (minR + maxR) * 0.5;
    const mg = (minG + maxG) * 0.5;
    const mb = (minB + maxB) * 0.5;
    let z = candidates[base]!;
    let zd = Infinity;
    for (let i = 0; i < count; i++) {
      const j = candidates[base + i]!;
      const dr = mr - centroids[j * 3]!;
      const dg = mg - centroids[j * 3 + 1]!;
      const db = mb - centroids[j * 3 + 2]!;
      const d = dr * dr + dg * dg + db * db;
      if (d < zd) {
        zd = d;
        z = j;
      }
    }
    const zr = centroids[z * 3]!;
    const zg = centroids[z * 3 + 1]!;
    const zb = centroids[z * 3 + 2]!;
    // Keep a candidate only if it is at least as near as z at the box vertex most in its favour.
    const next = base + k;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const j = candidates[base + i]!;
      if (j !== z) {
        const cr = centroids[j * 3]!;
        const cg = centroids[j * 3 + 1]!;
        const cb = centroids[j * 3 + 2]!;
        const vr = cr > zr ? maxR : minR;
        const vg = cg > zg ? maxG : minG;
        const vb = cb > zb ? maxB : minB;
        const f = (vr - cr) * (vr - cr) + (vg - cg) * (vg - cg) + (vb - cb) * (vb - cb) - ((vr - zr) * (vr - zr) + (vg - zg) * (vg - zg) + (vb - zb) * (vb - zb));
        if (f > DROP_MARGIN) continue;
      }
      candidates[next + kept++] = j;
    }
    const nodes = this.nodes;
    if (kept === 1) {
      counts[z]! += stats[node * 4]!;
      sums[z * 3]! += stats[node * 4 + 1]!;
      sums[z * 3 + 1]! += stats[node * 4 + 2]!;
      sums[z * 3 + 2]! += stats[node * 4 + 3]!;
      if (this.writing) {
        const { order, labelsOut } = this;
        if (order) for (let p = nodes.start[node]!, end = nodes.end[node]!; p < end; p++) labelsOut[order[p]!] = z;
        else labelsOut.fill(z, nodes.start[node]!, nodes.end[node]!);
      }
      return;
    }
    const children = nodes.children[node]!;
    if (children > 0) {
      const first = nodes.child[node]!;
      for (let c = first; c < first + children; c++) this.visit(c, depth + 1, kept);
      return;
    }
    // A leaf with several candidates: a plain scan of them for each colour (ascending index, strict <).
    const { sorted, sortedWeights } = this;
    for (let p = nodes.start[node]!, end = nodes.end[node]!; p < end; p++) {
      const r = sorted[p * 3]!;
      const g = sorted[p * 3 + 1]!;
      const b = sorted[p * 3 + 2]!;
      let best = 0;
      let bestD = Infinity;
      for (let i = 0; i < kept; i++) {
        const j = candidates[next + i]!;
        const dr = r - centroids[j * 3]!;
        const dg = g - centroids[j * 3 + 1]!;
        const db = b - centroids[j * 3 + 2]!;
        const d = dr * dr + dg * dg + db * db;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      const w = sortedWeights[p]!;
      counts[best]! += w;
      sums[best * 3]! += w * r;
      sums[best * 3 + 1]! += w * g;
      sums[best * 3 + 2]! += w * b;
      if (this.writing) this.labelsOut[this.order ? this.order[p]! : p] = best;
    }
  }

  /** Inertia of the current assignment against the current centroids, from the cluster sums. */
  accumulate(): number {
    return inertiaFromSums(this.sumOfSquares, this.centroids, this.counts, this.sums);
  }

  /** The next centroids: each cluster's mean, or its current place when it is empty. */
  means(): Float64Array {
    return clusterMeans(this.centroids, this.counts, this.sums);
  }

  /** Moves the centroids to `next`; returns the largest move. */
  moveTo(next: Float64Array): number {
    const max = largestMove(this.centroids, next);
    if (max > 0) this.centroids.set(next);
    return max;
  }

  /** One centroid update on this point set alone: move to the means. Returns the largest move. */
  update(): number {
    return this.moveTo(this.means());
  }
}
