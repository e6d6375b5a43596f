/**
 * The WebAssembly walk of FilteringLloyd (filtering-walk.as.ts): the module compiled once per thread (by
 * src/wasm.ts), and one small instance per tree, whose memory holds the tree's arrays. The walk there is
 * compiled code from the first call on, where the JS walk runs in V8's interpreter until it warms up, and it
 * is faster at steady state too (bench/README.md). Where WebAssembly is missing or refused (a page's CSP
 * without 'wasm-unsafe-eval') or memory cannot grow, `NativeWalk.create` returns null and the JS walk runs
 * instead: both give bit-identical sums and labels.
 */
import { growTo, InlinedModule, placeArrays } from '../wasm.js';
import { FILTERING_WALK_WASM } from './filtering-walk-wasm.js';

/** The arrays of a built tree, as filtering.ts keeps them (each at least as long as its used part). */
export interface TreeArrays {
  nodeCount: number;
  size: number;
  /** Bytes for sRGB trees, float64 for OKLab ones (the type of `box` and `points` alike). */
  box: Uint8Array | Float64Array;
  stats: Float64Array;
  start: Uint32Array;
  end: Uint32Array;
  child: Uint32Array;
  children: Uint8Array;
  points: Uint8Array | Float64Array;
  weights: Float64Array;
  /** Where each sorted point came from; null when the points are in their own order. */
  order: Uint32Array | null;
  /** Length of the candidate lists (one slice of the largest k per depth). */
  candidates: number;
  maxK: number;
}

/** The same arrays in the instance's memory: the tree's storage from now on. */
export type TreeViews = Pick<TreeArrays, 'box' | 'stats' | 'start' | 'end' | 'child' | 'children' | 'points' | 'weights' | 'order'>;

interface WalkExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layout(box: number, stats: number, start: number, end: number, child: number, children: number, points: number,
    weights: number, order: number, labels: number, candidates: number, centroids: number, counts: number, sums: number): void;
  walkBytes(k: number, writeLabels: number): void;
  walkFloats(k: number, writeLabels: number): void;
}

const walkModule = new InlinedModule(FILTERING_WALK_WASM);

export class NativeWalk {
  private readonly centroids: Float64Array;
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly labels: Uint8Array;

  private constructor(private readonly exports: WalkExports, private readonly floats: boolean, at: Map<string, number>, maxK: number, size: number) {
    const buffer = exports.memory.buffer;
    this.centroids = new Float64Array(buffer, at.get('centroids')!, maxK * 3);
    this.counts = new Float64Array(buffer, at.get('counts')!, maxK);
    this.sums = new Float64Array(buffer, at.get('sums')!, maxK * 3);
    this.labels = new Uint8Array(buffer, at.get('labels')!, size);
  }

  /**
   * Copies the tree into a new instance's memory and returns the walk with views of the copies (which the
   * caller keeps instead of its own arrays), or null where WebAssembly is unavailable or memory will not grow.
   */
  static create(tree: TreeArrays): { walk: NativeWalk; views: TreeViews } | null {
    const exports = walkModule.instantiate<WalkExports>();
    if (!exports) return null;
    const { nodeCount: n, size, maxK } = tree;
    const Coord = tree.box instanceof Float64Array ? Float64Array : Uint8Array;
    const { at, end } = placeArrays(exports.heapBase(), [
      ['stats', Float64Array, n * 4], ['weights', Float64Array, size], ['centroids', Float64Array, maxK * 3],
      ['counts', Float64Array, maxK], ['sums', Float64Array, maxK * 3], ['box', Coord, n * 6], ['points', Coord, size * 3],
      ['start', Uint32Array, n], ['end', Uint32Array, n], ['child', Uint32Array, n], ['order', Uint32Array, tree.order ? size : 0],
      ['candidates', Uint16Array, tree.candidates], ['children', Uint8Array, n], ['labels', Uint8Array, size],
    ]);
    if (!growTo(exports.memory, end)) return null;
    const buffer = exports.memory.buffer;
    const copy = <T extends Float64Array | Uint32Array | Uint8Array>(name: string, from: T, length: number): T => {
      const view = new (from.constructor as { new (b: ArrayBuffer, o: number, l: number): T })(buffer, at.get(name)!, length);
      view.set(from.subarray(0, length) as never);
      return view;
    };
    const views: TreeViews = {
      box: copy('box', tree.box, n * 6), stats: copy('stats', tree.stats, n * 4), start: copy('start', tree.start, n),
      end: copy('end', tree.end, n), child: copy('child', tree.child, n), children: copy('children', tree.children, n),
      points: copy('points', tree.points, size * 3), weights: copy('weights', tree.weights, size),
      order: tree.order ? copy('order', tree.order, size) : null,
    };
    const a = (name: string) => at.get(name)!;
    exports.layout(a('box'), a('stats'), a('start'), a('end'), a('child'), a('children'), a('points'), a('weights'),
      tree.order ? a('order') : 0, a('labels'), a('candidates'), a('centroids'), a('counts'), a('sums'));
    return { walk: new NativeWalk(exports, Coord === Float64Array, at, maxK, size), views };
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
