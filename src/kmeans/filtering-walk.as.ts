// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.js into filtering-walk-wasm.ts (never by tsc).
// The colour-tree walk of FilteringLloyd (filtering.ts) over a tree laid out in this module's memory by
// filtering-native.ts: the same operations in the same order as the JS `visit`, so sums and labels are
// bit-identical. T is the type of the boxes and points: u8 for sRGB trees, f64 for OKLab ones.

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

/** Kept whole, as the JS `visit`: the hot loop of every iteration. */
function visit<T>(node: u32, depth: u32, count: u32): void {
  const k = kk;
  const b = nodeBox + <usize>node * 6 * sizeof<T>();
  const minR = coord<T>(b, 0), minG = coord<T>(b, 1), minB = coord<T>(b, 2);
  const maxR = coord<T>(b, 3), maxG = coord<T>(b, 4), maxB = coord<T>(b, 5);
  const base = <usize>depth * k;
  const mr = (minR + maxR) * 0.5, mg = (minG + maxG) * 0.5, mb = (minB + maxB) * 0.5;
  let z = candidate(base);
  let zd: f64 = Infinity;
  for (let i: u32 = 0; i < count; i++) {
    const j = candidate(base + i);
    const dr = mr - centroid(j, 0), dg = mg - centroid(j, 1), db = mb - centroid(j, 2);
    const d = dr * dr + dg * dg + db * db;
    if (d < zd) { zd = d; z = j; }
  }
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
    let best: u32 = 0;
    let bestD: f64 = Infinity;
    for (let i: u32 = 0; i < kept; i++) {
      const j = candidate(next + i);
      const dr = r - centroid(j, 0), dg = g - centroid(j, 1), db = bb - centroid(j, 2);
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) { bestD = d; best = j; }
    }
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
