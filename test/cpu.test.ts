/**
 * CPU-path tests: correctness of the fitted palette and labels against independent computations, the
 * Lloyd invariants (monotone inertia, agreement with a plain brute-force Lloyd), determinism, result
 * shape and metrics, attempts, sampling and cancellation. Every call uses `backend: 'cpu'`.
 */
import { describe, expect, it } from 'vitest';
import { psnrFromMse, quantize, type ProgressEvent, type QuantizeResult, type RGB } from '../src/index.js';
import { FilteringLloyd } from '../src/kmeans/filtering.js';
import { buildHistogram, labelAndPaint, unpackColours } from '../src/kmeans/histogram.js';
import { colourOfKey, mortonKey, mortonKeyOfPacked } from '../src/kmeans/morton.js';
import { refineOnSample, relocateWeakest, runInitJob } from '../src/kmeans/init.js';
import {
  blobImage,
  crop,
  dist2,
  distinctPixelColours,
  loadCoffee,
  randomImage,
  randomInt,
  rgbOf,
  seededRandom,
  type TestImage,
} from './helpers/images.js';

// ---------------------------------------------------------------------------------------------------
// Independent reference: plain Lloyd over every point, float64, no bounds.
// ---------------------------------------------------------------------------------------------------

/** Index of the nearest centroid; the lowest index wins ties. */
function nearest(points: Float64Array, i: number, centroids: Float64Array): number {
  const k = centroids.length / 3;
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < k; j++) {
    const d = dist2(points, i, centroids, j);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

interface BruteStep {
  /** Labels of the assignment to the centroids the step started from. */
  labels: Int32Array;
  /** Weighted SSE of that assignment. */
  inertia: number;
  /** Cluster weights of that assignment. */
  counts: Float64Array;
  /** Centroids after the update (empty clusters keep theirs). */
  centroids: Float64Array;
  /** Largest centroid move of the update. */
  shift: number;
}

/** One assignment + update of plain weighted Lloyd. */
function bruteStep(points: Float64Array, weights: Float64Array | undefined, centroids: Float64Array): BruteStep {
  const m = points.length / 3;
  const k = centroids.length / 3;
  const labels = new Int32Array(m);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * 3);
  let inertia = 0;
  for (let i = 0; i < m; i++) {
    const j = nearest(points, i, centroids);
    const w = weights ? weights[i]! : 1;
    labels[i] = j;
    inertia += w * dist2(points, i, centroids, j);
    counts[j]! += w;
    for (let c = 0; c < 3; c++) sums[j * 3 + c]! += w * points[i * 3 + c]!;
  }
  const next = Float64Array.from(centroids);
  let shift = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    for (let c = 0; c < 3; c++) next[j * 3 + c] = sums[j * 3 + c]! / counts[j]!;
    shift = Math.max(shift, Math.sqrt(dist2(next, j, centroids, j)));
  }
  return { labels, inertia, counts, centroids: next, shift };
}

interface BruteFit {
  centroids: Float64Array;
  /** Nearest-centroid label of every point for the final centroids. */
  labels: Int32Array;
  inertias: number[];
  shifts: number[];
  /** Counts of the last assignment. */
  counts: Float64Array;
}

/** Plain Lloyd from `init` until a shift <= tolerance or maxIterations. */
function bruteLloyd(points: Float64Array, init: Float64Array, maxIterations: number, tolerance: number): BruteFit {
  let centroids: Float64Array = Float64Array.from(init);
  const inertias: number[] = [];
  const shifts: number[] = [];
  let counts: Float64Array = new Float64Array(init.length / 3);
  for (let t = 0; t < maxIterations; t++) {
    const step = bruteStep(points, undefined, centroids);
    inertias.push(step.inertia);
    shifts.push(step.shift);
    counts = step.counts;
    centroids = step.centroids;
    if (step.shift <= tolerance) break;
  }
  const m = points.length / 3;
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) labels[i] = nearest(points, i, centroids);
  return { centroids, labels, inertias, shifts, counts };
}

// ---------------------------------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------------------------------

function flat(colours: ReadonlyArray<RGB>): Float64Array {
  return Float64Array.from(colours.flatMap((c) => [...c]));
}

function expectClose(actual: number, expected: number, abs: number, what: string): void {
  if (!(Math.abs(actual - expected) <= abs)) {
    throw new Error(`${what}: expected ${expected} +- ${abs}, got ${actual} (diff ${Math.abs(actual - expected)})`);
  }
}

function expectRelClose(actual: number, expected: number, rel: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  if (!(Math.abs(actual - expected) / scale <= rel)) {
    throw new Error(`${what}: expected ${expected} (rel ${rel}), got ${actual} (rel diff ${Math.abs(actual - expected) / scale})`);
  }
}

function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function expectSameArray(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const at = firstMismatch(actual, expected);
  if (at === -2) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  if (at >= 0) throw new Error(`${what}: first mismatch at ${at}: ${actual[at]} != ${expected[at]}`);
}

/** Sum over pixels of the squared distance to `centroids[labels[i]]`, computed pixel by pixel. */
function independentInertia(image: TestImage, labels: ArrayLike<number>, centroids: Float64Array): number {
  const points = rgbOf(image);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += dist2(points, i, centroids, labels[i]!);
  return sum;
}

/** The k-means objective of the centroids: every pixel measured to its nearest one. */
function objective(image: TestImage, centroids: Float64Array): number {
  const points = rgbOf(image);
  return independentInertia(image, Array.from({ length: points.length / 3 }, (_, i) => nearest(points, i, centroids)), centroids);
}

/**
 * Asserts that every pixel's label is its nearest palette colour, the lowest index on ties (integer
 * distances: exact), and that the output image shows that colour.
 */
function expectNearestLabels(image: TestImage, result: QuantizeResult): void {
  const points = rgbOf(image);
  const palette = Float64Array.from(result.palette);
  const k = palette.length / 3;
  for (let i = 0; i < result.labels.length; i++) {
    const label = result.labels[i]!;
    if (label >= k) throw new Error(`pixel ${i}: label ${label} >= ${k}`);
    const expected = nearest(points, i, palette);
    if (label !== expected) {
      throw new Error(`pixel ${i}: label ${label} at d2 ${dist2(points, i, palette, label)}, nearest ${expected} at d2 ${dist2(points, i, palette, expected)}`);
    }
    for (let c = 0; c < 3; c++) {
      if (result.image[i * 4 + c] !== result.palette[label * 3 + c]) throw new Error(`pixel ${i}: image does not show palette colour ${label}`);
    }
  }
}

const coffee = loadCoffee();

// ---------------------------------------------------------------------------------------------------
// 1. Blobs.
// ---------------------------------------------------------------------------------------------------

/** The 8 corners of the cube [40, 215]^3: at least 175 apart. */
const CORNERS: RGB[] = [];
for (const r of [40, 215]) for (const g of [40, 215]) for (const b of [40, 215]) CORNERS.push([r, g, b]);

describe('well-separated blobs', () => {
  const { image, blobOf } = blobImage(CORNERS, 16, 3, 7);

  /** Mean colour of each blob, computed from the pixels. */
  const blobMeans = new Float64Array(CORNERS.length * 3);
  {
    const counts = new Float64Array(CORNERS.length);
    for (let i = 0; i < blobOf.length; i++) {
      const b = blobOf[i]!;
      counts[b]!++;
      for (let c = 0; c < 3; c++) blobMeans[b * 3 + c]! += image.data[i * 4 + c]!;
    }
    for (let b = 0; b < CORNERS.length; b++) for (let c = 0; c < 3; c++) blobMeans[b * 3 + c]! /= counts[b]!;
  }

  it.each([0, 1, 2, 3])('k=8 finds every blob (seed %i)', async (seed) => {
    const result = await quantize(image, { k: 8, backend: 'cpu', seed });
    expect(result.exactPalette).toBe(false);
    expect(result.paletteSize).toBe(8);
    expect(result.converged).toBe(true);
    const truth = flat(CORNERS);
    // Match each true colour to its nearest centroid: the matching must be one-to-one and tight.
    const match: number[] = [];
    for (let b = 0; b < CORNERS.length; b++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < 8; j++) {
        const d = dist2(truth, b, result.centroids, j);
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      expect(Math.sqrt(bestD), `true colour ${b} to centroid ${best}`).toBeLessThanOrEqual(1.0);
      // The converged centroid is exactly the mean of its blob.
      for (let c = 0; c < 3; c++) expectClose(result.centroids[best * 3 + c]!, blobMeans[b * 3 + c]!, 1e-9, `blob ${b} mean, channel ${c}`);
      match.push(best);
    }
    expect(new Set(match).size).toBe(8);
    for (let i = 0; i < blobOf.length; i++) {
      if (result.labels[i] !== match[blobOf[i]!]) throw new Error(`pixel ${i} of blob ${blobOf[i]} has label ${result.labels[i]}`);
    }
  });

  it('a cluster that ends empty is re-seeded and used', async () => {
    const grey: RGB[] = [[20, 20, 20], [70, 70, 70], [120, 120, 120]];
    const { image: greys } = blobImage(grey, 12, 3, 3);
    // White is nearest to no pixel: that cluster is empty from the start and must be re-seeded.
    const init: RGB[] = [...grey, [255, 255, 255]];
    const events: ProgressEvent[] = [];
    const result = await quantize(greys, { k: 4, init, tolerance: 0, backend: 'cpu', onProgress: (e) => events.push(e) });
    expect(result.paletteSize).toBe(4);
    const points = rgbOf(greys);
    const used = new Set(result.labels);
    expect(used.size).toBe(4);
    for (let j = 0; j < 4; j++) {
      // Every centroid sits inside the data's range (the white one moved).
      for (let c = 0; c < 3; c++) expect(result.centroids[j * 3 + c]!).toBeLessThanOrEqual(123);
    }
    // Four clusters fit better than the three blob means alone.
    const three = await quantize(greys, { k: 3, init: grey, tolerance: 0, backend: 'cpu' });
    expect(result.inertia).toBeLessThan(three.inertia);
    for (let i = 0; i + 1 < events.length; i++) expect(events[i + 1]!.inertia).toBeLessThanOrEqual(events[i]!.inertia * (1 + 1e-12));
    expect(points.length).toBe(greys.width * greys.height * 3);
    expectNearestLabels(greys, result);
  });

  it('noise-free, k == distinct colours: exactly those colours, exactPalette, mse 0', async () => {
    const clean = blobImage(CORNERS, 8, 0).image;
    const result = await quantize(clean, { k: 8, backend: 'cpu' });
    expect(result.exactPalette).toBe(true);
    expect(result.paletteSize).toBe(8);
    expect(result.mse).toBe(0);
    expect(result.psnr).toBe(Infinity);
    expect(result.inertia).toBe(0);
    const palette: string[] = [];
    for (let j = 0; j < 8; j++) palette.push([...result.palette.subarray(j * 3, j * 3 + 3)].join(','));
    expect(palette.sort()).toEqual(CORNERS.map((c) => c.join(',')).sort());
    expect([...result.centroids]).toEqual([...result.palette]);
    // Every pixel points at its own colour; the image is the input.
    expectSameArray(result.image, clean.data, 'image');
    for (let i = 0; i < clean.width * clean.height; i++) {
      const l = result.labels[i]!;
      for (let c = 0; c < 3; c++) if (result.palette[l * 3 + c] !== clean.data[i * 4 + c]) throw new Error(`pixel ${i} label ${l}`);
    }
  });

  it('k larger than the distinct colour count: paletteSize is the distinct count', async () => {
    const clean = blobImage(CORNERS.slice(0, 5), 4, 0).image;
    const result = await quantize(clean, { k: 12, backend: 'cpu' });
    expect(result.k).toBe(12);
    expect(result.paletteSize).toBe(5);
    expect(result.palette.length).toBe(15);
    expect(result.exactPalette).toBe(true);
    expect(result.mse).toBe(0);
  });

  it('k one below the distinct colour count is not exact', async () => {
    const clean = blobImage(CORNERS, 4, 0).image;
    const result = await quantize(clean, { k: 7, backend: 'cpu' });
    expect(result.exactPalette).toBe(false);
    expect(result.paletteSize).toBe(7);
    expect(result.mse).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. k = 1.
// ---------------------------------------------------------------------------------------------------

describe('k = 1', () => {
  it('gives the mean colour of the image', async () => {
    const n = coffee.width * coffee.height;
    const mean = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c]! += coffee.data[i * 4 + c]!;
    for (let c = 0; c < 3; c++) mean[c]! /= n;
    const result = await quantize(coffee, { k: 1, backend: 'cpu' });
    expect(result.paletteSize).toBe(1);
    for (let c = 0; c < 3; c++) expectClose(result.centroids[c]!, mean[c]!, 1e-6, `mean channel ${c}`);
    expect([...result.palette]).toEqual(mean.map((v) => Math.round(v)));
    expect(result.labels.every((l) => l === 0)).toBe(true);
    expectRelClose(result.inertia, independentInertia(coffee, result.labels, Float64Array.from(mean)), 1e-9, 'inertia');
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. Monotone inertia.
// ---------------------------------------------------------------------------------------------------

describe('inertia never rises between iterations', () => {
  it.each([16, 64])('coffee, k=%i', async (k) => {
    const events: ProgressEvent[] = [];
    const result = await quantize(coffee, {
      k,
      backend: 'cpu',
      maxIterations: 50,
      tolerance: 0,
      onProgress: (e) => events.push(e),
    });
    expect(events.length).toBe(result.iterations);
    expect(events.length).toBeGreaterThan(5);
    events.forEach((e, i) => {
      expect(e.iteration).toBe(i + 1);
      expect(e.attempt).toBe(1);
      expect(e.inertia).toBeGreaterThan(0);
      expect(e.shift).toBeGreaterThanOrEqual(0);
    });
    for (let i = 0; i + 1 < events.length; i++) {
      const a = events[i]!.inertia;
      const b = events[i + 1]!.inertia;
      if (!(b <= a * (1 + 1e-12))) throw new Error(`inertia rose at iteration ${i + 2}: ${a} -> ${b}`);
    }
    // The final centroids are at least as good as the last reported assignment.
    const exact = objective(coffee, result.centroids);
    expectRelClose(result.inertia, exact, 1e-9, 'inertia');
    expect(exact).toBeLessThanOrEqual(events[events.length - 1]!.inertia * (1 + 1e-12));
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. Determinism.
// ---------------------------------------------------------------------------------------------------

describe('seeds', () => {
  const options = { k: 16, backend: 'cpu', maxIterations: 20 } as const;

  it('same seed: identical palette, labels and image; another seed: another palette', async () => {
    const a = await quantize(coffee, { ...options, seed: 42 });
    const b = await quantize(coffee, { ...options, seed: 42 });
    expectSameArray(b.palette, a.palette, 'palette');
    expectSameArray(b.centroids, a.centroids, 'centroids');
    expectSameArray(b.labels, a.labels, 'labels');
    expectSameArray(b.image, a.image, 'image');
    expect(b.inertia).toBe(a.inertia);
    const c = await quantize(coffee, { ...options, seed: 43 });
    expect(firstMismatch(c.palette, a.palette)).not.toBe(-1);
  });

  it('small negative seeds do not collide with small non-negative ones', async () => {
    // The seed is documented as "same seed, same result"; createRandom's comment promises that negative
    // seeds are distinct. Seeds 0 and -1 (and 5 and -6) must therefore not give the same init.
    for (const [s, t] of [[0, -1], [5, -6]] as const) {
      const a = await quantize(coffee, { ...options, maxIterations: 1, seed: s });
      const b = await quantize(coffee, { ...options, maxIterations: 1, seed: t });
      expect(firstMismatch(a.centroids, b.centroids), `seeds ${s} and ${t}`).not.toBe(-1);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Agreement with brute-force Lloyd.
// ---------------------------------------------------------------------------------------------------

describe('agreement with a brute-force Lloyd', () => {
  const cases: [string, TestImage, number][] = [
    ['random 40x30', randomImage(40, 30, 11), 8],
    ['random 40x30, k=24', randomImage(40, 30, 12), 24],
    ['coffee crop 60x40', crop(coffee, 300, 180, 60, 40), 8],
    ['coffee crop 60x40, k=20', crop(coffee, 40, 300, 60, 40), 20],
  ];

  it.each(cases)('%s', async (_name, image, k) => {
    const init = distinctPixelColours(image, k, 99);
    const points = rgbOf(image);
    const brute = bruteLloyd(points, flat(init), 20, 0);
    // Precondition of the comparison: no cluster ends empty (the library drops/re-seeds those).
    expect(brute.counts.every((c) => c > 0)).toBe(true);

    const events: ProgressEvent[] = [];
    const result = await quantize(image, {
      k,
      init,
      tolerance: 0,
      maxIterations: 20,
      backend: 'cpu',
      onProgress: (e) => events.push(e),
    });
    expect(result.paletteSize).toBe(k);
    expect(result.iterations).toBe(brute.inertias.length);
    expect(events.length).toBe(brute.inertias.length);
    events.forEach((e, i) => {
      expectRelClose(e.inertia, brute.inertias[i]!, 1e-9, `inertia of iteration ${i + 1}`);
      expectClose(e.shift, brute.shifts[i]!, 1e-6, `shift of iteration ${i + 1}`);
    });
    for (let i = 0; i < k * 3; i++) expectClose(result.centroids[i]!, brute.centroids[i]!, 1e-6, `centroid value ${i}`);
    // The output: the brute-force centroids rounded to bytes, each pixel labelled with its nearest one.
    const palette = Float64Array.from(brute.centroids, (v) => Math.min(255, Math.max(0, Math.round(v))));
    expectSameArray(result.palette, palette, 'palette');
    expectSameArray(result.labels, Array.from({ length: points.length / 3 }, (_, i) => nearest(points, i, palette)), 'labels');
  });

  /** Random integer points with random integer weights (duplicate positions possible, as ties test). */
  function weightedPoints(m: number, seed: number, spread: number): { points: Float64Array; weights: Float64Array } {
    const random = seededRandom(seed);
    const points = new Float64Array(m * 3);
    const weights = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < 3; c++) points[i * 3 + c] = randomInt(random, 0, spread);
      weights[i] = randomInt(random, 1, 40);
    }
    return { points, weights };
  }

  it.each([
    [400, 6, 255, 1],
    [3000, 32, 255, 2],
    [2000, 64, 60, 3],
    // Ties everywhere: 4^3 positions for 600 points, and coinciding centroids.
    [600, 20, 3, 4],
    // A deep tree (leaves of single colours) and k at its largest.
    [20000, 256, 255, 5],
  ])('FilteringLloyd on %i weighted points, k=%i (coordinates 0..%i)', (m, k, spread, seed) => {
    const { points, weights } = weightedPoints(m, seed, spread);
    const random = seededRandom(seed + 1000);
    const init = new Float64Array(k * 3);
    for (let j = 0; j < k; j++) {
      const i = Math.floor(random() * m);
      init.set(points.subarray(i * 3, i * 3 + 3), j * 3);
    }
    const lloyd = new FilteringLloyd(points, weights);
    lloyd.setCentroids(init);
    let centroids: Float64Array = Float64Array.from(init);
    for (let t = 0; t < 25; t++) {
      const step = bruteStep(points, weights, centroids);
      lloyd.assign();
      expectSameArray(lloyd.labels, step.labels, `labels, iteration ${t + 1}`);
      const inertia = lloyd.accumulate();
      expectRelClose(inertia, step.inertia, 1e-9, `inertia, iteration ${t + 1}`);
      expectSameArray(lloyd.counts, step.counts, `counts, iteration ${t + 1}`);
      const shift = lloyd.update();
      // Labels read after the update are still those of the assignment (worked out lazily, from its centroids).
      if (t % 5 === 4) expectSameArray(lloyd.labels, step.labels, `labels after the update, iteration ${t + 1}`);
      expectClose(shift, step.shift, 1e-9, `shift, iteration ${t + 1}`);
      for (let i = 0; i < k * 3; i++) expectClose(lloyd.centroids[i]!, step.centroids[i]!, 1e-9, `centroid ${i}, iteration ${t + 1}`);
      // Keep both on the same centroids so that rounding can't make them drift apart.
      centroids = step.centroids;
    }
  });

  it('FilteringLloyd on points already in Morton order (no sort of its own) agrees with brute force', () => {
    const raw = weightedPoints(5000, 6, 255);
    const m = raw.weights.length;
    const order = Array.from({ length: m }, (_, i) => i);
    const key = (i: number) => mortonKey(raw.points[i * 3]!, raw.points[i * 3 + 1]!, raw.points[i * 3 + 2]!);
    order.sort((a, b) => key(a) - key(b));
    const points = new Float64Array(m * 3);
    const weights = new Float64Array(m);
    order.forEach((from, to) => {
      points.set(raw.points.subarray(from * 3, from * 3 + 3), to * 3);
      weights[to] = raw.weights[from]!;
    });
    const k = 40;
    const lloyd = new FilteringLloyd(points, weights);
    let centroids: Float64Array = points.slice(0, k * 3);
    lloyd.setCentroids(centroids);
    for (let t = 0; t < 12; t++) {
      const step = bruteStep(points, weights, centroids);
      lloyd.assign();
      expectSameArray(lloyd.labels, step.labels, `labels, iteration ${t + 1}`);
      expectSameArray(lloyd.counts, step.counts, `counts, iteration ${t + 1}`);
      lloyd.update();
      centroids = step.centroids;
    }
  });

  it('a Morton key gives its colour back', () => {
    let wrong = 0;
    for (let c = 0; c < 1 << 24; c += 97) if (colourOfKey(mortonKeyOfPacked(c)) !== c) wrong++;
    expect(wrong).toBe(0);
    for (const c of [0, 0xffffff, 0x0000ff, 0x00ff00, 0xff0000, 0x808080, 0x7f7f7f]) expect(colourOfKey(mortonKeyOfPacked(c | 0xff000000))).toBe(c);
  });

  it('colour counts in Morton order: the same colours and weights as hashing, in key order, and each pixel labelled through them', () => {
    const random = seededRandom(31);
    // 40,000 pixels of at most 8^3 colours: runs, repeats and ties of every kind.
    const pixels = new Uint32Array(40000);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (randomInt(random, 0, 7) * 31) | ((randomInt(random, 0, 7) * 33) << 8) | ((randomInt(random, 0, 7) * 35) << 16) | (0xff << 24);
    const hashed = buildHistogram(pixels, { pixelIndex: true });
    const ordered = buildHistogram(pixels, { pixelIndex: true, mortonOrder: true });
    const asMap = (h: ReturnType<typeof buildHistogram>) => new Map(Array.from(h.colours, (c, i) => [c, h.weights[i]!]));
    expect(asMap(ordered)).toEqual(asMap(hashed));
    for (let i = 1; i < ordered.colours.length; i++) expect(mortonKeyOfPacked(ordered.colours[i]!)).toBeGreaterThan(mortonKeyOfPacked(ordered.colours[i - 1]!));
    expect(ordered.index).toBeUndefined();
    // Labelled through the table from colour to label: each pixel gets its colour's label, and is painted
    // that label's palette colour with its own alpha (every alpha value occurs).
    const colourLabels = Uint8Array.from(ordered.colours, (_, j) => (j * 7) % 251);
    const palette = Uint8Array.from({ length: 256 * 3 }, (_, i) => (i * 101) % 256);
    const withAlpha = pixels.map((p, i) => ((p & 0xffffff) | ((i * 13) % 256 << 24)) >>> 0);
    const { labels, image } = labelAndPaint(withAlpha, ordered, colourLabels, palette);
    const labelOf = new Map(Array.from(ordered.colours, (c, j) => [c, colourLabels[j]!]));
    let wrong = 0;
    for (let i = 0; i < pixels.length; i++) {
      const label = labelOf.get(pixels[i]! & 0xffffff)!;
      const painted = [palette[label * 3], palette[label * 3 + 1], palette[label * 3 + 2], (i * 13) % 256];
      if (labels[i] !== label || painted.some((v, c) => image[i * 4 + c] !== v)) wrong++;
    }
    expect(image.length).toBe(pixels.length * 4);
    expect(wrong).toBe(0);
    // The hashed count (with each pixel's colour position) labels and paints the same.
    const hashedColourLabels = Uint8Array.from(hashed.colours, (c) => labelOf.get(c)!);
    const viaIndex = labelAndPaint(withAlpha, hashed, hashedColourLabels, palette);
    expect(hashed.index).toBeDefined();
    expect(Array.from(viaIndex.labels)).toEqual(Array.from(labels));
    expect(Array.from(viaIndex.image)).toEqual(Array.from(image));
    // The colour tree takes such a histogram as it is.
    const points = unpackColours(ordered.colours);
    const lloyd = new FilteringLloyd(points, ordered.weights);
    lloyd.setCentroids(points.slice(0, 5 * 3));
    lloyd.assign();
    expectSameArray(lloyd.labels, bruteStep(points, ordered.weights, points.slice(0, 5 * 3)).labels, 'labels');
  });

  it('FilteringLloyd: a duplicate initial centroid starts empty, keeps its place, then agrees with brute force', () => {
    const { points, weights } = weightedPoints(500, 5, 255);
    const init = Float64Array.from([...points.subarray(0, 3), ...points.subarray(0, 3), ...points.subarray(30, 33), ...points.subarray(60, 63)]);
    const lloyd = new FilteringLloyd(points, weights);
    lloyd.setCentroids(init);
    let centroids: Float64Array = Float64Array.from(init);
    for (let t = 0; t < 10; t++) {
      const step = bruteStep(points, weights, centroids);
      lloyd.assign();
      expectSameArray(lloyd.labels, step.labels, `labels, iteration ${t + 1}`);
      expectRelClose(lloyd.accumulate(), step.inertia, 1e-9, `inertia, iteration ${t + 1}`);
      if (t === 0) {
        // Cluster 1 duplicates cluster 0 and loses every tie: empty in the first assignment.
        expect(lloyd.counts[1]).toBe(0);
        expect(lloyd.counts[0]).toBeGreaterThan(0);
      }
      lloyd.update();
      if (t === 0) expect([...lloyd.centroids.subarray(3, 6)]).toEqual([...init.subarray(3, 6)]);
      for (let i = 0; i < init.length; i++) expectClose(lloyd.centroids[i]!, step.centroids[i]!, 1e-9, `centroid ${i}, iteration ${t + 1}`);
      centroids = step.centroids;
    }
  });

  it('FilteringLloyd: setCentroids mid-run starts from the new centroids', () => {
    const { points, weights } = weightedPoints(1500, 8, 255);
    const lloyd = new FilteringLloyd(points, weights);
    lloyd.setCentroids(points.slice(0, 12 * 3));
    for (let t = 0; t < 5; t++) {
      lloyd.assign();
      lloyd.accumulate();
      lloyd.update();
    }
    // Jump to unrelated centroids: nothing from the earlier run may leak into the new labels.
    const jump = points.slice(600, 600 + 12 * 3);
    lloyd.setCentroids(jump);
    lloyd.assign();
    expectSameArray(lloyd.labels, bruteStep(points, weights, jump).labels, 'labels after setCentroids');
  });

  /** A long bar of colours (much error for one centroid) and two tight blobs, as weighted points. */
  function barAndBlobs(): { points: Float64Array; weights: Float64Array } {
    const rows: number[][] = [];
    for (let r = 60; r <= 250; r += 2) rows.push([r, 50, 50, 10]);
    for (let d = -2; d <= 2; d++) rows.push([20 + d, 20, 200, 8], [30, 200 + d, 30, 8]);
    return { points: Float64Array.from(rows.flatMap((p) => p.slice(0, 3))), weights: Float64Array.from(rows.map((p) => p[3]!)) };
  }

  it('relocateWeakest moves a centroid that splits a tight blob to the bar that needs it, and never does worse', () => {
    const sample = barAndBlobs();
    // A poor local optimum: two centroids share the blue blob, one covers the whole bar.
    const start = refineOnSample(sample, Float64Array.from([19, 20, 200, 21, 20, 200, 150, 50, 50, 30, 200, 30]), 100, 0.01);
    expect(start.centroids[0]! < 25 && start.centroids[3]! < 25).toBe(true);
    const moved = relocateWeakest(sample, start, 8, 100, 0.01);
    expect(moved.inertia).toBeLessThan(start.inertia * 0.5);
    const c = moved.centroids;
    const onBar = [0, 1, 2, 3].filter((j) => Math.abs(c[j * 3 + 1]! - 50) < 1 && Math.abs(c[j * 3 + 2]! - 50) < 1);
    expect(onBar.length).toBe(2);
    // Deterministic, and no worse when nothing helps (already at the better optimum).
    expect(Array.from(relocateWeakest(sample, start, 8, 100, 0.01).centroids)).toEqual(Array.from(c));
    expect(relocateWeakest(sample, moved, 8, 100, 0.01).inertia).toBeLessThanOrEqual(moved.inertia);
  });

  it('relocateWeakest with k = 3 and 4 (fewer clusters than its pairs of 4) moves only real centroids', () => {
    const sample = barAndBlobs();
    for (const k of [3, 4]) {
      const start = refineOnSample(sample, sample.points.slice(0, k * 3), 100, 0.01);
      const moved = relocateWeakest(sample, start, 24, 100, 0.01);
      expect(moved.centroids.length).toBe(k * 3);
      expect(moved.centroids.every((v) => Number.isFinite(v) && v >= 0 && v <= 255)).toBe(true);
      expect(moved.inertia).toBeLessThanOrEqual(start.inertia);
    }
  });

  it('an init job with relocations is never worse on the sample than without', () => {
    const { points, weights } = weightedPoints(3000, 12, 255);
    const sample = { points, weights };
    for (const k of [8, 24]) {
      const job = { seedSample: sample, refineSample: sample, k, method: 'kmeans++' as const, candidates: 2, seed: 5, stream: 101, maxIterations: 100, tolerance: 0.25 };
      const inertia = (c: Float64Array) => refineOnSample(sample, c, 1, 0).inertia;
      expect(inertia(runInitJob({ ...job, relocations: 6 }))).toBeLessThanOrEqual(inertia(runInitJob({ ...job, relocations: 0 })));
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. Result shape and metrics.
// ---------------------------------------------------------------------------------------------------

describe('result shape', () => {
  /** A coffee crop with varied alpha. */
  function withAlpha(): TestImage {
    const image = crop(coffee, 100, 100, 50, 40);
    for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) image.data[(y * image.width + x) * 4 + 3] = (x * 7 + y * 13) % 256;
    return image;
  }

  it('labels, image, alpha, palette, mse, psnr and inertia are consistent', async () => {
    const image = withAlpha();
    const before = image.data.slice();
    const k = 6;
    const result = await quantize(image, { k, backend: 'cpu', seed: 3 });
    const n = image.width * image.height;
    expect(result.width).toBe(image.width);
    expect(result.height).toBe(image.height);
    expect(result.k).toBe(k);
    expect(result.backend).toBe('cpu');
    expect(result.fallbackReason).toBeUndefined();
    expect(result.exactPalette).toBe(false);
    expect(result.paletteSize).toBe(k);
    expect(result.palette).toBeInstanceOf(Uint8Array);
    expect(result.palette.length).toBe(k * 3);
    expect(result.centroids.length).toBe(k * 3);
    expect(result.labels).toBeInstanceOf(Uint8Array);
    expect(result.labels.length).toBe(n);
    expect(result.image).toBeInstanceOf(Uint8ClampedArray);
    expect(result.image.length).toBe(n * 4);
    expect(result.attempt).toBe(1);
    expect(result.iterations).toBeGreaterThanOrEqual(1);
    for (const t of Object.values(result.timings)) expect(t).toBeGreaterThanOrEqual(0);
    // The input is never written.
    expectSameArray(image.data, before, 'input data');
    // The palette is the rounded centroids.
    for (let i = 0; i < k * 3; i++) expect(result.palette[i]).toBe(Math.min(255, Math.max(0, Math.round(result.centroids[i]!))));

    let sse = 0;
    for (let i = 0; i < n; i++) {
      const l = result.labels[i]!;
      expect(l).toBeLessThan(k);
      for (let c = 0; c < 3; c++) {
        if (result.image[i * 4 + c] !== result.palette[l * 3 + c]) throw new Error(`pixel ${i} channel ${c} is not palette[${l}]`);
        const d = image.data[i * 4 + c]! - result.image[i * 4 + c]!;
        sse += d * d;
      }
      if (result.image[i * 4 + 3] !== image.data[i * 4 + 3]) throw new Error(`pixel ${i}: alpha not kept`);
    }
    const mse = sse / (n * 3);
    expectRelClose(result.mse, mse, 1e-12, 'mse');
    expectRelClose(result.psnr, 10 * Math.log10((255 * 255) / mse), 1e-12, 'psnr');
    expect(psnrFromMse(result.mse)).toBe(result.psnr);
    expectRelClose(result.inertia, objective(image, result.centroids), 1e-9, 'inertia');
    expectNearestLabels(image, result);
  });

  it('alpha is ignored by the fit: the same RGB with other alpha gives the same palette and labels', async () => {
    const image = withAlpha();
    const opaque: TestImage = { data: image.data.slice(), width: image.width, height: image.height };
    for (let i = 3; i < opaque.data.length; i += 4) opaque.data[i] = 255;
    const a = await quantize(image, { k: 6, backend: 'cpu', seed: 3 });
    const b = await quantize(opaque, { k: 6, backend: 'cpu', seed: 3 });
    expectSameArray(a.palette, b.palette, 'palette');
    expectSameArray(a.labels, b.labels, 'labels');
  });

  it('unaligned and Uint8ClampedArray inputs give the same result as aligned Uint8Array', async () => {
    const image = withAlpha();
    const reference = await quantize(image, { k: 6, backend: 'cpu', seed: 3 });
    const backing = new Uint8Array(image.data.length + 1);
    backing.set(image.data, 1);
    const unaligned = { data: backing.subarray(1), width: image.width, height: image.height };
    expect(unaligned.data.byteOffset % 4).toBe(1);
    const a = await quantize(unaligned, { k: 6, backend: 'cpu', seed: 3 });
    expectSameArray(a.image, reference.image, 'image (unaligned input)');
    expectSameArray(a.labels, reference.labels, 'labels (unaligned input)');
    const clamped = { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
    const b = await quantize(clamped, { k: 6, backend: 'cpu', seed: 3 });
    expectSameArray(b.image, reference.image, 'image (clamped input)');
  });

  it('full coffee image: metrics and nearest labels', async () => {
    const result = await quantize(coffee, { k: 16, backend: 'cpu', maxIterations: 15 });
    expectRelClose(result.inertia, objective(coffee, result.centroids), 1e-9, 'inertia');
    expectNearestLabels(coffee, result);
  });

  it('labels by the byte palette give a lower MSE than labels by the float centroids', async () => {
    const result = await quantize(coffee, { k: 64, backend: 'cpu' });
    const points = rgbOf(coffee);
    const palette = Float64Array.from(result.palette);
    const n = result.labels.length;
    let sse = 0;
    let centroidSse = 0;
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const label = result.labels[i]!;
      const byCentroid = nearest(points, i, result.centroids);
      if (byCentroid !== label) moved++;
      sse += dist2(points, i, palette, label);
      centroidSse += dist2(points, i, palette, byCentroid);
    }
    expectRelClose(result.mse, sse / (n * 3), 1e-12, 'mse');
    // Some pixels near a Voronoi boundary change sides once the centroids are rounded, each for the better.
    expect(moved).toBeGreaterThan(0);
    expect(sse).toBeLessThan(centroidSse);
    expectNearestLabels(coffee, result);
  });

  it('a large image (counted through the dense colour table): metrics and nearest labels', async () => {
    // 1200 x 440 = 528,000 pixels, past the dense table's threshold of 2^19: coffee tiled, with seeded noise.
    const width = 1200;
    const height = 440;
    const data = new Uint8Array(width * height * 4);
    const random = seededRandom(21);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = ((y % coffee.height) * coffee.width + (x % coffee.width)) * 4;
        const to = (y * width + x) * 4;
        for (let c = 0; c < 3; c++) data[to + c] = Math.min(255, coffee.data[from + c]! + randomInt(random, 0, 3));
        data[to + 3] = 255;
      }
    }
    const large: TestImage = { data, width, height };
    const result = await quantize(large, { k: 12, backend: 'cpu', threads: 1, maxIterations: 10 });
    expectRelClose(result.inertia, objective(large, result.centroids), 1e-9, 'inertia');
    expectNearestLabels(large, result);
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. attempts.
// ---------------------------------------------------------------------------------------------------

describe('attempts', () => {
  it('more attempts never give a worse fit; attempt 1 is the single run', async () => {
    const options = { k: 16, backend: 'cpu', seed: 5, maxIterations: 25 } as const;
    const singleEvents: ProgressEvent[] = [];
    const single = await quantize(coffee, { ...options, onProgress: (e) => singleEvents.push(e) });
    const multiEvents: ProgressEvent[] = [];
    const multi = await quantize(coffee, { ...options, attempts: 3, onProgress: (e) => multiEvents.push(e) });
    expect(new Set(multiEvents.map((e) => e.attempt))).toEqual(new Set([1, 2, 3]));
    const firstAttempt = multiEvents.filter((e) => e.attempt === 1);
    expect(firstAttempt.map((e) => e.inertia)).toEqual(singleEvents.map((e) => e.inertia));
    expect(multi.attempt).toBeGreaterThanOrEqual(1);
    expect(multi.attempt).toBeLessThanOrEqual(3);
    // The winner is the attempt with the lowest final inertia.
    const lastOf = (a: number): number => multiEvents.filter((e) => e.attempt === a).at(-1)!.inertia;
    const winner = multi.attempt;
    for (const a of [1, 2, 3]) expect(lastOf(winner)).toBeLessThanOrEqual(lastOf(a));
    expect(multi.iterations).toBe(multiEvents.filter((e) => e.attempt === winner).length);
    expect(multi.inertia).toBeLessThanOrEqual(single.inertia * (1 + 1e-12));
    if (winner === 1) expectSameArray(multi.palette, single.palette, 'palette when attempt 1 wins');
  });
});

// ---------------------------------------------------------------------------------------------------
// 8. sampleSize.
// ---------------------------------------------------------------------------------------------------

describe('sampleSize', () => {
  it('fits on a sample, labels every pixel with its nearest palette colour, and stays close to the full fit', async () => {
    const options = { k: 16, backend: 'cpu', seed: 2, maxIterations: 40 } as const;
    const full = await quantize(coffee, options);
    const sampledEvents: ProgressEvent[] = [];
    const sampled = await quantize(coffee, { ...options, sampleSize: 2000, onProgress: (e) => sampledEvents.push(e) });
    const n = coffee.width * coffee.height;
    expect(sampled.labels.length).toBe(n);
    expect(sampled.image.length).toBe(n * 4);
    // Progress inertia is over the 2000 fitted pixels only: far below the full-image inertia.
    expect(sampledEvents[0]!.inertia).toBeLessThan(full.inertia / 10);
    expectNearestLabels(coffee, sampled);
    expectRelClose(sampled.inertia, objective(coffee, sampled.centroids), 1e-9, 'inertia');
    // Fitted on 2000 of 240,000 pixels: 0.5-5.1% above the full fit's inertia over seeds 0-9.
    expect(Math.abs(sampled.inertia / full.inertia - 1)).toBeLessThanOrEqual(0.06);
    // A different result from the full fit (it really was fitted on a sample).
    expect(firstMismatch(sampled.centroids, full.centroids)).not.toBe(-1);
  });

  it('sampleSize >= the pixel count is the full fit', async () => {
    const image = crop(coffee, 0, 0, 80, 60);
    const a = await quantize(image, { k: 8, backend: 'cpu' });
    const b = await quantize(image, { k: 8, backend: 'cpu', sampleSize: 80 * 60 });
    const c = await quantize(image, { k: 8, backend: 'cpu', sampleSize: 10 ** 9 });
    expectSameArray(b.centroids, a.centroids, 'centroids (sampleSize = n)');
    expectSameArray(c.centroids, a.centroids, 'centroids (sampleSize > n)');
  });
});

// ---------------------------------------------------------------------------------------------------
// 9. Cancellation.
// ---------------------------------------------------------------------------------------------------

/** An image whose pixel data records whether anything read it. */
function watchedImage(image: TestImage): { input: TestImage; reads: () => number } {
  let reads = 0;
  const input = {
    get data() {
      reads++;
      return image.data;
    },
    width: image.width,
    height: image.height,
  };
  return { input, reads: () => reads };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('cancellation', () => {
  it('an already-aborted signal rejects with AbortError before any work', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const { input, reads } = watchedImage(coffee);
    let progress = 0;
    const error = await rejection(quantize(input, { backend: 'cpu', signal: controller.signal, onProgress: () => progress++ }));
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect((error as { cause?: unknown }).cause).toBe(reason);
    expect(reads()).toBe(0);
    expect(progress).toBe(0);
  });

  it('aborting from onProgress stops the run at that iteration', async () => {
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const error = await rejection(
      quantize(coffee, {
        k: 16,
        backend: 'cpu',
        tolerance: 0,
        maxIterations: 50,
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e);
          if (e.iteration === 2) controller.abort();
        },
      }),
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(events.map((e) => e.iteration)).toEqual([1, 2]);
  });

  it('aborting during the last iteration still rejects', async () => {
    const controller = new AbortController();
    const error = await rejection(
      quantize(coffee, {
        k: 8,
        backend: 'cpu',
        maxIterations: 2,
        tolerance: 0,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.iteration === 2) controller.abort();
        },
      }),
    );
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('aborting in attempt 2 rejects', async () => {
    const controller = new AbortController();
    const attempts = new Set<number>();
    const error = await rejection(
      quantize(coffee, {
        k: 8,
        backend: 'cpu',
        maxIterations: 5,
        attempts: 3,
        signal: controller.signal,
        onProgress: (e) => {
          attempts.add(e.attempt);
          if (e.attempt === 2) controller.abort();
        },
      }),
    );
    expect((error as DOMException).name).toBe('AbortError');
    expect([...attempts]).toEqual([1, 2]);
  });
});
