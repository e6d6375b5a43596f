/**
 * The colour tree of FilteringLloyd in WebAssembly (filtering-tree.as.ts): the module compiled once per
 * thread (by src/wasm.ts), and one small instance per tree, whose memory holds the tree. It builds the tree
 * and walks it as the JS does, in compiled code from the first call on, where the JS runs in V8's
 * interpreter until it warms up (bench/README.md). Where WebAssembly is missing or refused (a page's CSP
 * without 'wasm-unsafe-eval') or memory cannot grow, `NativeWalk.build` returns null and the JS builds and
 * walks instead: the same tree, and bit-identical sums and labels.
 */
import { growTo, InlinedModule, Layout } from '../wasm.js';
import { FILTERING_TREE_WASM } from './filtering-tree-wasm.js';

/** A tree's arrays in the instance's memory, which filtering.ts keeps as its own (each as long as it is used). */
export interface TreeViews {
  /** Bytes for sRGB trees, float64 for OKLab ones (the type of `box` and `points` alike). */
  box: Uint8Array | Float64Array;
  stats: Float64Array;
  start: Uint32Array;
  end: Uint32Array;
  child: Uint32Array;
  children: Uint8Array;
  /** The points in key order, their weights, and where each came from (null: already in key order). */
  points: Uint8Array | Float64Array;
  weights: Float64Array;
  order: Uint32Array | null;
}

/** What `NativeWalk.build` needs to know of the walks to come. */
export interface WalkLimits {
  /** Length of the candidate lists (one slice of the largest k per depth). */
  candidates: number;
  maxK: number;
  /** Slots of the children's bounds while building (9 per depth). */
  splitBounds: number;
}

interface WalkExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layout(box: number, stats: number, start: number, end: number, child: number, children: number, points: number,
    weights: number, order: number, labels: number, candidates: number, centroids: number, counts: number, sums: number): void;
  buildLayout(points: number, weights: number, keys: number, lowKeys: number, lowPositions: number, digits: number, bounds: number): void;
  build(n: number, floats: number): number;
  sumOfSquares(n: number): number;
  walkBytes(k: number, writeLabels: number): void;
  walkFloats(k: number, writeLabels: number): void;
}

const treeModule = new InlinedModule(FILTERING_TREE_WASM);

export class NativeWalk {
  private readonly centroids: Float64Array;
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly labels: Uint8Array;

  private constructor(private readonly exports: WalkExports, private readonly floats: boolean, layout: Layout) {
    const memory = exports.memory;
    this.centroids = layout.view(memory, 'centroids');
    this.counts = layout.view(memory, 'counts');
    this.sums = layout.view(memory, 'sums');
    this.labels = layout.view(memory, 'labels');
  }

  /**
   * Builds the tree of `points` (RGB triples, or OKLab points with `floats`) weighted by `weights` in a new
   * instance's memory; returns its walk, views of its arrays, its node count and the points' weighted sum of
   * squares (as weightedSumOfSquares sums it), or null where WebAssembly is
   * unavailable or memory will not grow. Node arrays are sized for the most nodes a tree of n points can have
   * (2n: every inner node has two children or more); the pages past the last node are never touched.
   */
  static build(points: Float64Array, weights: Float64Array, floats: boolean, limits: WalkLimits): { walk: NativeWalk; views: TreeViews; nodeCount: number; sumOfSquares: number } | null {
    const exports = treeModule.instantiate<WalkExports>();
    if (!exports) return null;
    const n = weights.length;
    const capacity = Math.max(1, 2 * n);
    const { maxK } = limits;
    const Coord = floats ? Float64Array : Uint8Array;
    const layout = new Layout(exports.heapBase(), [
      ['stats', Float64Array, capacity * 4], ['weights', Float64Array, n], ['inPoints', Float64Array, n * 3], ['inWeights', Float64Array, n],
      ['centroids', Float64Array, maxK * 3], ['counts', Float64Array, maxK], ['sums', Float64Array, maxK * 3],
      ['box', Coord, capacity * 6], ['points', Coord, n * 3],
      ['start', Uint32Array, capacity], ['end', Uint32Array, capacity], ['child', Uint32Array, capacity], ['order', Uint32Array, n],
      ['keys', Uint32Array, n], ['lowKeys', Uint32Array, n], ['lowPositions', Uint32Array, n], ['digits', Uint32Array, 8192],
      ['bounds', Uint32Array, limits.splitBounds], ['candidates', Uint16Array, limits.candidates], ['children', Uint8Array, capacity],
      ['labels', Uint8Array, n],
    ]);
    const memory = exports.memory;
    if (!growTo(memory, layout.end)) return null;
    layout.copyIn(memory, 'inPoints', points);
    layout.copyIn(memory, 'inWeights', weights);
    const a = (name: string) => layout.address(name);
    const setLayout = (order: number) =>
      exports.layout(a('box'), a('stats'), a('start'), a('end'), a('child'), a('children'), a('points'), a('weights'),
        order, a('labels'), a('candidates'), a('centroids'), a('counts'), a('sums'));
    setLayout(a('order'));
    exports.buildLayout(a('inPoints'), a('inWeights'), a('keys'), a('lowKeys'), a('lowPositions'), a('digits'), a('bounds'));
    const sumOfSquares = exports.sumOfSquares(n);
    const built = exports.build(n, floats ? 1 : 0);
    const ordered = built < 0;
    const nodeCount = Math.abs(built);
    // Points already in key order keep their own order: labels are written in place.
    if (ordered) setLayout(0);
    // Each array as long as it is used: the nodes built, not the capacity.
    const views: TreeViews = {
      box: layout.view(memory, 'box', nodeCount * 6), stats: layout.view(memory, 'stats', nodeCount * 4),
      start: layout.view(memory, 'start', nodeCount), end: layout.view(memory, 'end', nodeCount),
      child: layout.view(memory, 'child', nodeCount), children: layout.view(memory, 'children', nodeCount),
      points: layout.view(memory, 'points'), weights: layout.view(memory, 'weights'), order: ordered ? null : layout.view<Uint32Array>(memory, 'order'),
    };
    return { walk: new NativeWalk(exports, floats, layout), views, nodeCount, sumOfSquares };
  }

  /**
   * One assignment against `centroids` (k = centroids.length / 3): writes the cluster sums into `counts` and
   * `sums`, and with `labels` each point's label (in point order) into it.
   */
  walk(centroids: Float64Array, counts: Float64Array, sums: Float64Array, labels: Uint8Array | null): void {
    const k = centroids.length / 3;
    this.centroids.set(centroids);
    if (this.floats) this.exports.walkFloats(k, labels ? 1 : 0);
    else this.exports.walkBytes(k, labels ? 1 : 0);
    counts.set(this.counts.subarray(0, k));
    sums.set(this.sums.subarray(0, k * 3));
    if (labels) labels.set(this.labels);
  }
}
