// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.js into filtering-tree-wasm.ts (never by tsc).
// The colour tree of FilteringLloyd (filtering.ts) in this module's memory, laid out by filtering-native.ts:
// its build (Morton keys, their sort, the octree's nodes) and its walk, the same operations in the same
// order as the JS, so the tree, its sums and its labels are the same. T is the type of the boxes and
// sorted points: u8 for sRGB trees, f64 for OKLab ones.

import { digitStarts, mortonKey } from './morton.as';

/** As DROP_MARGIN in filtering.ts. */
const DROP_MARGIN: f64 = 1e-6;

// Where the tree and the walk's state lie: set once per tree by `layout`.
let nodeBox: usize = 0;
let nodeStats: usize = 0;
let nodeStart: usize = 0;
let nodeEnd: usize = 0;
let nodeChild: usize = 0;
let nodeChildren: usize = 0;
let points: usize = 0;
let weights: usize = 0;
let order: usize = 0;
let labels: usize = 0;
let candidates: usize = 0;
let centroids: usize = 0;
let counts: usize = 0;
let sums: usize = 0;
/** The walk in progress: its k, and whether it writes labels. */
let kk: u32 = 0;
let writing = false;

/** As LEAF_COLOURS in filtering.ts. */
const LEAF_COLOURS: u32 = 64;

// The build's inputs and scratch, set by `buildLayout`: the points in their own order (float64 triples),
// their weights, the keys, the sort's scratch, and the children's bounds while building.
let inPoints: usize = 0;
let inWeights: usize = 0;
let keys: usize = 0;
let lowKeys: usize = 0;
let lowPositions: usize = 0;
let digits: usize = 0;
let splitBounds: usize = 0;
/** Nodes used so far. */
let nodeCount: u32 = 0;

export function buildLayout(pointsAt: usize, weightsAt: usize, keysAt: usize, lowKeysAt: usize, lowPositionsAt: usize,
  digitsAt: usize, boundsAt: usize): void {
  inPoints = pointsAt; inWeights = weightsAt; keys = keysAt; lowKeys = lowKeysAt; lowPositions = lowPositionsAt;
  digits = digitsAt; splitBounds = boundsAt;
}

/** An OKLab coordinate's 8-bit cell (`cell` of filtering.ts). */
@inline function cell(v: f64): u32 {
  return v <= 0 ? 0 : v >= 255 ? 255 : <u32>v;
}

@inline function key(i: usize): u32 {
  return load<u32>(keys + (i << 2));
}

/** Each point's key; returns whether they are already in key order (never said of OKLab points). */
function makeKeys(n: usize, floats: bool): bool {
  let ordered = !floats;
  for (let i: usize = 0; i < n; i++) {
    const p = inPoints + i * 24;
    const k = floats
      ? mortonKey(cell(load<f64>(p)), cell(load<f64>(p, 8) + 128), cell(load<f64>(p, 16) + 128))
      : mortonKey(<u32>load<f64>(p), <u32>load<f64>(p, 8), <u32>load<f64>(p, 16));
    store<u32>(keys + (i << 2), k);
    if (i > 0 && k < key(i - 1)) ordered = false;
  }
  return ordered;
}

/** sortKeys24 of morton.ts: the keys sorted in place, stable, each one's point index into `order`. */
function sortKeys(n: usize): void {
  digitStarts(keys, n, digits);
  for (let i: usize = 0; i < n; i++) {
    const k = key(i);
    const s = digits + (<usize>(k & 4095) << 2);
    const at = <usize>load<u32>(s);
    store<u32>(s, <u32>at + 1);
    store<u32>(lowKeys + (at << 2), k);
    store<u32>(lowPositions + (at << 2), <u32>i);
  }
  for (let p: usize = 0; p < n; p++) {
    const k = load<u32>(lowKeys + (p << 2));
    const s = digits + (<usize>(4096 + (k >>> 12)) << 2);
    const at = <usize>load<u32>(s);
    store<u32>(s, <u32>at + 1);
    store<u32>(keys + (at << 2), k);
    store<u32>(order + (at << 2), load<u32>(lowPositions + (p << 2)));
  }
}

/** The sorted points (as T) and weights, from the input in `order` (or as they are). */
function gather<T>(n: usize, sorted: bool): void {
  for (let p: usize = 0; p < n; p++) {
    const i = sorted ? <usize>load<u32>(order + (p << 2)) : p;
    const from = inPoints + i * 24;
    const to = points + p * 3 * sizeof<T>();
    store<T>(to, <T>load<f64>(from));
    store<T>(to + sizeof<T>(), <T>load<f64>(from, 8));
    store<T>(to + 2 * sizeof<T>(), <T>load<f64>(from, 16));
    store<f64>(weights + (p << 3), load<f64>(inWeights + (i << 3)));
  }
}

@inline function boxAt<T>(node: u32, c: usize): f64 {
  return <f64>load<T>(nodeBox + (<usize>node * 6 + c) * sizeof<T>());
}

/** `store` of filtering.ts: a node's weight, colour sums and bounding box. */
function storeNode<T>(node: u32, w: f64, sr: f64, sg: f64, sb: f64, minR: f64, minG: f64, minB: f64, maxR: f64, maxG: f64, maxB: f64): void {
  const s = nodeStats + (<usize>node << 5);
  store<f64>(s, w);
  store<f64>(s, sr, 8);
  store<f64>(s, sg, 16);
  store<f64>(s, sb, 24);
  const b = nodeBox + <usize>node * 6 * sizeof<T>();
  store<T>(b, <T>minR);
  store<T>(b + sizeof<T>(), <T>minG);
  store<T>(b + 2 * sizeof<T>(), <T>minB);
  store<T>(b + 3 * sizeof<T>(), <T>maxR);
  store<T>(b + 4 * sizeof<T>(), <T>maxG);
  store<T>(b + 5 * sizeof<T>(), <T>maxB);
}

/** storeLeaf of filtering.ts: a leaf's weight, sums and box, from its points [start, end). */
function storeLeaf<T>(node: u32, start: usize, end: usize): void {
  let w: f64 = 0, sr: f64 = 0, sg: f64 = 0, sb: f64 = 0;
  let minR: f64 = Infinity, minG: f64 = Infinity, minB: f64 = Infinity;
  let maxR: f64 = -Infinity, maxG: f64 = -Infinity, maxB: f64 = -Infinity;
  for (let p = start; p < end; p++) {
    const r = coord<T>(points, p * 3), g = coord<T>(points, p * 3 + 1), b = coord<T>(points, p * 3 + 2);
    const pw = load<f64>(weights + (p << 3));
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
  storeNode<T>(node, w, sr, sg, sb, minR, minG, minB, maxR, maxG, maxB);
}

/** storeParent of filtering.ts: an inner node's weight, sums and box, from its `n` children from `first`. */
function storeParent<T>(node: u32, first: u32, n: u32): void {
  storeNode<T>(node, 0, 0, 0, 0, boxAt<T>(first, 0), boxAt<T>(first, 1), boxAt<T>(first, 2), boxAt<T>(first, 3), boxAt<T>(first, 4), boxAt<T>(first, 5));
  const s = nodeStats + (<usize>node << 5);
  const b = nodeBox + <usize>node * 6 * sizeof<T>();
  for (let c = first; c < first + n; c++) {
    const cs = nodeStats + (<usize>c << 5);
    for (let i: usize = 0; i < 4; i++) store<f64>(s + (i << 3), load<f64>(s + (i << 3)) + load<f64>(cs + (i << 3)));
    for (let i: usize = 0; i < 3; i++) {
      const lo = boxAt<T>(c, i), hi = boxAt<T>(c, 3 + i);
      if (lo < <f64>load<T>(b + i * sizeof<T>())) store<T>(b + i * sizeof<T>(), <T>lo);
      if (hi > <f64>load<T>(b + (3 + i) * sizeof<T>())) store<T>(b + (3 + i) * sizeof<T>(), <T>hi);
    }
  }
}

@inline function octant(p: usize, shift: u32): u32 {
  return (key(p) >>> shift) & 7;
}

/** splitByOctant of filtering.ts: the runs of [start, end) by octant, their bounds from `at`; returns how many. */
function splitByOctant(start: usize, end: usize, shift: u32, at: usize): u32 {
  const bounds = splitBounds + (at << 2);
  let n: u32 = 0;
  store<u32>(bounds, <u32>start);
  for (let lo = start; ; ) {
    const o = octant(lo, shift);
    let hi = end;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (octant(mid, shift) > o) hi = mid;
      else lo = mid;
    }
    if (hi == end) break;
    n++;
    store<u32>(bounds + (<usize>n << 2), <u32>hi);
    lo = hi;
  }
  n++;
  store<u32>(bounds + (<usize>n << 2), <u32>end);
  return n;
}

/** build of filtering.ts: node `node` for sorted points [start, end), whose keys agree above bit `shift + 3`. */
function buildNode<T>(node: u32, start: usize, end: usize, shift: i32, depth: u32): void {
  store<u32>(nodeStart + (<usize>node << 2), <u32>start);
  store<u32>(nodeEnd + (<usize>node << 2), <u32>end);
  while (shift >= 0 && end - start > <usize>LEAF_COLOURS && octant(start, <u32>shift) == octant(end - 1, <u32>shift)) shift -= 3;
  if (end - start <= <usize>LEAF_COLOURS || shift < 0) {
    store<u8>(nodeChildren + <usize>node, 0);
    storeLeaf<T>(node, start, end);
    return;
  }
  const at = <usize>depth * 9;
  const n = splitByOctant(start, end, <u32>shift, at);
  const first = nodeCount;
  nodeCount += n;
  for (let c: u32 = 0; c < n; c++) {
    const bounds = splitBounds + ((at + <usize>c) << 2);
    buildNode<T>(first + c, <usize>load<u32>(bounds), <usize>load<u32>(bounds, 4), shift - 3, depth + 1);
  }
  store<u32>(nodeChild + (<usize>node << 2), first);
  store<u8>(nodeChildren + <usize>node, <u8>n);
  storeParent<T>(node, first, n);
}

/** weightedSumOfSquares of sums.ts over the n input points, in their order. */
export function sumOfSquares(n: usize): f64 {
  let s: f64 = 0;
  for (let i: usize = 0; i < n; i++) {
    const p = inPoints + i * 24;
    const r = load<f64>(p), g = load<f64>(p, 8), b = load<f64>(p, 16);
    s += load<f64>(inWeights + (i << 3)) * (r * r + g * g + b * b);
  }
  return s;
}

/**
 * Builds the tree of the n input points (after `layout` and `buildLayout`): keys, their sort when the points
 * are not in key order, the sorted points and weights, the nodes. Returns the node count, negated when the
 * points were already in key order (`order` then unused).
 */
export function build(n: usize, floats: bool): i32 {
  const ordered = makeKeys(n, floats);
  if (!ordered) sortKeys(n);
  if (floats) gather<f64>(n, !ordered);
  else gather<u8>(n, !ordered);
  nodeCount = 1;
  if (n > 0) {
    if (floats) buildNode<f64>(0, 0, n, 21, 0);
    else buildNode<u8>(0, 0, n, 21, 0);
  }
  return ordered ? -<i32>nodeCount : <i32>nodeCount;
}

/** The first free byte of memory: the layout starts there. */
export function heapBase(): usize {
  return __heap_base;
}

/** Records where each array lies (byte addresses; `orderAt` 0: the points are in their own order). */
export function layout(boxAt: usize, statsAt: usize, startAt: usize, endAt: usize, childAt: usize, childrenAt: usize,
  pointsAt: usize, weightsAt: usize, orderAt: usize, labelsAt: usize, candidatesAt: usize, centroidsAt: usize,
  countsAt: usize, sumsAt: usize): void {
  nodeBox = boxAt; nodeStats = statsAt; nodeStart = startAt; nodeEnd = endAt; nodeChild = childAt;
  nodeChildren = childrenAt; points = pointsAt; weights = weightsAt; order = orderAt; labels = labelsAt;
  candidates = candidatesAt; centroids = centroidsAt; counts = countsAt; sums = sumsAt;
}

@inline function coord<T>(at: usize, i: usize): f64 {
  return <f64>load<T>(at + i * sizeof<T>());
}

@inline function candidate(i: usize): u32 {
  return <u32>load<u16>(candidates + (i << 1));
}

@inline function centroid(j: u32, c: usize): f64 {
  return load<f64>(centroids + ((<usize>j * 3 + c) << 3));
}

@inline function addTo(j: u32, w: f64, r: f64, g: f64, b: f64): void {
  const n = counts + (<usize>j << 3);
  store<f64>(n, load<f64>(n) + w);
  const s = sums + <usize>j * 24;
  store<f64>(s, load<f64>(s) + r);
  store<f64>(s, load<f64>(s, 8) + g, 8);
  store<f64>(s, load<f64>(s, 16) + b, 16);
}

@inline function label(p: usize, j: u32): void {
  const at = order != 0 ? <usize>load<u32>(order + (p << 2)) : p;
  store<u8>(labels + at, <u8>j);
}

/**
 * Of the `count` candidates listed from `from`, the one nearest to (x, y, z): the first on ties (strict <),
 * as the JS's loops choose.
 */
@inline function nearestCandidate(from: usize, count: u32, x: f64, y: f64, z: f64): u32 {
  let best = candidate(from);
  let bestD: f64 = Infinity;
  for (let i: u32 = 0; i < count; i++) {
    const j = candidate(from + i);
    const dr = x - centroid(j, 0), dg = y - centroid(j, 1), db = z - centroid(j, 2);
    const d = dr * dr + dg * dg + db * db;
    if (d < bestD) { bestD = d; best = j; }
  }
  return best;
}

/** Kept whole, as the JS `visit`: the hot loop of every iteration. */
function visit<T>(node: u32, depth: u32, count: u32): void {
  const k = kk;
  const b = nodeBox + <usize>node * 6 * sizeof<T>();
  const minR = coord<T>(b, 0), minG = coord<T>(b, 1), minB = coord<T>(b, 2);
  const maxR = coord<T>(b, 3), maxG = coord<T>(b, 4), maxB = coord<T>(b, 5);
  const base = <usize>depth * k;
  const mr = (minR + maxR) * 0.5, mg = (minG + maxG) * 0.5, mb = (minB + maxB) * 0.5;
  const z = nearestCandidate(base, count, mr, mg, mb);
  const zr = centroid(z, 0), zg = centroid(z, 1), zb = centroid(z, 2);
  const next = base + <usize>k;
  let kept: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const j = candidate(base + i);
    if (j != z) {
      const cr = centroid(j, 0), cg = centroid(j, 1), cb = centroid(j, 2);
      const vr = cr > zr ? maxR : minR;
      const vg = cg > zg ? maxG : minG;
      const vb = cb > zb ? maxB : minB;
      const f = (vr - cr) * (vr - cr) + (vg - cg) * (vg - cg) + (vb - cb) * (vb - cb) - ((vr - zr) * (vr - zr) + (vg - zg) * (vg - zg) + (vb - zb) * (vb - zb));
      if (f > DROP_MARGIN) continue;
    }
    store<u16>(candidates + ((next + kept) << 1), <u16>j);
    kept++;
  }
  const start = <usize>load<u32>(nodeStart + (<usize>node << 2));
  const end = <usize>load<u32>(nodeEnd + (<usize>node << 2));
  if (kept == 1) {
    const s = nodeStats + (<usize>node << 5);
    addTo(z, load<f64>(s), load<f64>(s, 8), load<f64>(s, 16), load<f64>(s, 24));
    if (writing) {
      if (order != 0) for (let p = start; p < end; p++) label(p, z);
      else memory.fill(labels + start, <u8>z, end - start);
    }
    return;
  }
  const children = <u32>load<u8>(nodeChildren + <usize>node);
  if (children > 0) {
    const first = load<u32>(nodeChild + (<usize>node << 2));
    for (let c = first; c < first + children; c++) visit<T>(c, depth + 1, kept);
    return;
  }
  // A leaf with several candidates: a plain scan of them for each colour (ascending index, strict <).
  for (let p = start; p < end; p++) {
    const r = coord<T>(points, p * 3), g = coord<T>(points, p * 3 + 1), bb = coord<T>(points, p * 3 + 2);
    const best = nearestCandidate(next, kept, r, g, bb);
    const w = load<f64>(weights + (p << 3));
    addTo(best, w, w * r, w * g, w * bb);
    if (writing) label(p, best);
  }
}

/** One assignment of every point to its nearest of the k centroids: cluster sums, and labels with `writeLabels`. */
function walk<T>(k: u32, writeLabels: bool): void {
  kk = k;
  writing = writeLabels;
  memory.fill(counts, 0, <usize>k << 3);
  memory.fill(sums, 0, <usize>k * 24);
  for (let j: u32 = 0; j < k; j++) store<u16>(candidates + (<usize>j << 1), <u16>j);
  visit<T>(0, 0, k);
}

/** The walk of a tree of sRGB points (bytes). */
export function walkBytes(k: u32, writeLabels: bool): void {
  walk<u8>(k, writeLabels);
}

/** The walk of a tree of OKLab points (float64). */
export function walkFloats(k: u32, writeLabels: bool): void {
  walk<f64>(k, writeLabels);
}
