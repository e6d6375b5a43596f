// Prototype, not shipped: the colour tree walk of src/kmeans/filtering.ts (FilteringLloyd.visit, sRGB trees,
// no labels) in AssemblyScript, to measure a WASM walk against the JS one. run.sh compiles and measures it.
// Pointers into linear memory, laid out by measure.mjs; the same operations in the same order as the JS.
const DROP_MARGIN: f64 = 1e-6;

@inline function ldu8(p: usize): f64 { return <f64>load<u8>(p); }

function visit(node: u32, depth: u32, count: u32, k: u32,
  box: usize, stats: usize, start: usize, end: usize, child: usize, children: usize,
  sorted: usize, weights: usize, cand: usize, cen: usize, counts: usize, sums: usize): void {
  const b = box + <usize>node * 6;
  const minR = ldu8(b), minG = ldu8(b + 1), minB = ldu8(b + 2);
  const maxR = ldu8(b + 3), maxG = ldu8(b + 4), maxB = ldu8(b + 5);
  const base = <usize>(depth * k);
  const mr = (minR + maxR) * 0.5, mg = (minG + maxG) * 0.5, mb = (minB + maxB) * 0.5;
  let z: u32 = <u32>load<u16>(cand + base * 2);
  let zd: f64 = Infinity;
  for (let i: u32 = 0; i < count; i++) {
    const j = <u32>load<u16>(cand + (base + i) * 2);
    const c = cen + <usize>j * 24;
    const dr = mr - load<f64>(c), dg = mg - load<f64>(c, 8), db = mb - load<f64>(c, 16);
    const d = dr * dr + dg * dg + db * db;
    if (d < zd) { zd = d; z = j; }
  }
  const zc = cen + <usize>z * 24;
  const zr = load<f64>(zc), zg = load<f64>(zc, 8), zb = load<f64>(zc, 16);
  const next = base + <usize>k;
  let kept: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const j = <u32>load<u16>(cand + (base + i) * 2);
    if (j != z) {
      const c = cen + <usize>j * 24;
      const cr = load<f64>(c), cg = load<f64>(c, 8), cb = load<f64>(c, 16);
      const vr = cr > zr ? maxR : minR;
      const vg = cg > zg ? maxG : minG;
      const vb = cb > zb ? maxB : minB;
      const f = (vr - cr) * (vr - cr) + (vg - cg) * (vg - cg) + (vb - cb) * (vb - cb) - ((vr - zr) * (vr - zr) + (vg - zg) * (vg - zg) + (vb - zb) * (vb - zb));
      if (f > DROP_MARGIN) continue;
    }
    store<u16>(cand + (next + kept) * 2, <u16>j);
    kept++;
  }
  if (kept == 1) {
    const s = stats + <usize>node * 32;
    store<f64>(counts + <usize>z * 8, load<f64>(counts + <usize>z * 8) + load<f64>(s));
    const q = sums + <usize>z * 24;
    store<f64>(q, load<f64>(q) + load<f64>(s, 8));
    store<f64>(q, load<f64>(q, 8) + load<f64>(s, 16), 8);
    store<f64>(q, load<f64>(q, 16) + load<f64>(s, 24), 16);
    return;
  }
  const nc = <u32>load<u8>(children + <usize>node);
  if (nc > 0) {
    const first = load<u32>(child + <usize>node * 4);
    for (let c = first; c < first + nc; c++) visit(c, depth + 1, kept, k, box, stats, start, end, child, children, sorted, weights, cand, cen, counts, sums);
    return;
  }
  const pEnd = load<u32>(end + <usize>node * 4);
  for (let p = load<u32>(start + <usize>node * 4); p < pEnd; p++) {
    const sp = sorted + <usize>p * 3;
    const r = ldu8(sp), g = ldu8(sp + 1), bb = ldu8(sp + 2);
    let best: u32 = 0;
    let bestD: f64 = Infinity;
    for (let i: u32 = 0; i < kept; i++) {
      const j = <u32>load<u16>(cand + (next + i) * 2);
      const c = cen + <usize>j * 24;
      const dr = r - load<f64>(c), dg = g - load<f64>(c, 8), db = bb - load<f64>(c, 16);
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) { bestD = d; best = j; }
    }
    const w = load<f64>(weights + <usize>p * 8);
    store<f64>(counts + <usize>best * 8, load<f64>(counts + <usize>best * 8) + w);
    const q = sums + <usize>best * 24;
    store<f64>(q, load<f64>(q) + w * r);
    store<f64>(q, load<f64>(q, 8) + w * g, 8);
    store<f64>(q, load<f64>(q, 16) + w * bb, 16);
  }
}

export function walk(k: u32, box: usize, stats: usize, start: usize, end: usize, child: usize, children: usize,
  sorted: usize, weights: usize, cand: usize, cen: usize, counts: usize, sums: usize): void {
  memory.fill(counts, 0, <usize>k * 8);
  memory.fill(sums, 0, <usize>k * 24);
  for (let j: u32 = 0; j < k; j++) store<u16>(cand + <usize>j * 2, <u16>j);
  visit(0, 0, k, k, box, stats, start, end, child, children, sorted, weights, cand, cen, counts, sums);
}
