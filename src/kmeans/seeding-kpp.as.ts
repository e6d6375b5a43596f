// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.js into seeding-kpp-wasm.ts (never by tsc).
// The loops of greedy k-means++ (JsSeeding of seeding-loops.ts) over a sample laid out in this module's
// memory by seeding-native.ts: each trial's distances and potential, the draw by cumulative mass, and the
// update after a centroid is chosen, with the same operations in the same order as the JS, so the same
// centroids come out. The JS keeps the loop over centroids and trials, and the random draws.

let points: usize = 0; // f64 x 3 per point
let weights: usize = 0; // f64 per point
let closest: usize = 0; // f64 per point: squared distance to the nearest centroid so far
let mass: usize = 0; // f64 per point: weight x closest
let trialClosest: usize = 0; // f64 per point: closest with the trial's candidate added
let bestClosest: usize = 0; // the same for the best trial so far
let m: usize = 0;

/** The first free byte of memory: the layout starts there. */
export function heapBase(): usize {
  return __heap_base;
}

export function layout(pointsAt: usize, weightsAt: usize, closestAt: usize, massAt: usize, trialAt: usize, bestAt: usize, count: usize): void {
  points = pointsAt; weights = weightsAt; closest = closestAt; mass = massAt; trialClosest = trialAt; bestClosest = bestAt; m = count;
}

@inline function f64At(base: usize, i: usize): f64 {
  return load<f64>(base + (i << 3));
}

/** pickByCumulative of init.ts over the masses (`ofWeights`: over the weights). */
export function pick(target: f64, ofWeights: bool): i32 {
  const values = ofWeights ? weights : mass;
  let acc: f64 = 0;
  for (let i: usize = 0; i < m; i++) {
    acc += f64At(values, i);
    if (acc > target) return <i32>i;
  }
  for (let i = <isize>m - 1; i >= 0; i--) if (f64At(values, <usize>i) > 0) return <i32>i;
  return 0;
}

/** The total weight, summed in order. */
export function totalWeight(): f64 {
  let total: f64 = 0;
  for (let i: usize = 0; i < m; i++) total += f64At(weights, i);
  return total;
}

/** Each point's squared distance to the nearest of the `found` centroids at `centroids`, and the masses; returns the potential. */
export function start(centroids: usize, found: usize): f64 {
  let potential: f64 = 0;
  for (let i: usize = 0; i < m; i++) {
    const p = points + i * 24;
    let c: f64 = Infinity;
    for (let j: usize = 0; j < found; j++) {
      const q = centroids + j * 24;
      const dr = load<f64>(p) - load<f64>(q), dg = load<f64>(p, 8) - load<f64>(q, 8), db = load<f64>(p, 16) - load<f64>(q, 16);
      c = min<f64>(c, dr * dr + dg * dg + db * db);
    }
    store<f64>(closest + (i << 3), c);
    const w = f64At(weights, i) * c;
    store<f64>(mass + (i << 3), w);
    potential += w;
  }
  return potential;
}

/** One trial: the distances with point `candidate` added as a centroid; returns their potential. */
export function trial(candidate: usize): f64 {
  const c = points + candidate * 24;
  const cr = load<f64>(c), cg = load<f64>(c, 8), cb = load<f64>(c, 16);
  let p: f64 = 0;
  for (let i: usize = 0; i < m; i++) {
    const q = points + i * 24;
    const dr = load<f64>(q) - cr, dg = load<f64>(q, 8) - cg, db = load<f64>(q, 16) - cb;
    const e = dr * dr + dg * dg + db * db;
    const o = f64At(closest, i);
    const d = e < o ? e : o;
    store<f64>(trialClosest + (i << 3), d);
    p += f64At(weights, i) * d;
  }
  return p;
}

/** The last trial is the best so far. */
export function keepTrial(): void {
  const t = bestClosest;
  bestClosest = trialClosest;
  trialClosest = t;
}

/** The best trial's candidate is chosen: its distances become the points' own, and the masses follow; returns the potential. */
export function accept(): f64 {
  const t = closest;
  closest = bestClosest;
  bestClosest = t;
  let potential: f64 = 0;
  for (let i: usize = 0; i < m; i++) {
    const w = f64At(weights, i) * f64At(closest, i);
    store<f64>(mass + (i << 3), w);
    potential += w;
  }
  return potential;
}
