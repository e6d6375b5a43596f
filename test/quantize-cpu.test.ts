/**
 * End-to-end CPU runs of quantize(): correctness of the fitted palette and labels against independent
 * computations (separated blobs, k = 1, agreement with a brute-force Lloyd), monotone inertia,
 * determinism, and the result's shape and metrics. Every call uses `backend: 'cpu'`. The engine's modules
 * have their own unit tests under test/kmeans/.
 */
import { describe, expect, it } from 'vitest';
import { type ProgressEvent, psnrFromMse, quantize, type RGB } from '../src/index.js';
import {
  bruteLloyd,
  expectClose,
  expectNearestLabels,
  expectRelClose,
  expectSameArray,
  firstMismatch,
  flat,
  independentInertia,
  nearest,
  objective,
} from './helpers/reference.js';
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
    // Opaque: images with transparency get an RGBA palette instead (test/alpha.test.ts checks those).
    const image = withAlpha();
    for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255;
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

  it('alpha decides the path: with transparency an RGBA palette painted with its alpha, opaque an RGB one', async () => {
    const image = withAlpha();
    const opaque: TestImage = { data: image.data.slice(), width: image.width, height: image.height };
    for (let i = 3; i < opaque.data.length; i += 4) opaque.data[i] = 255;
    const a = await quantize(image, { k: 6, backend: 'cpu', seed: 3 });
    const b = await quantize(opaque, { k: 6, backend: 'cpu', seed: 3 });
    expect(a.paletteAlpha).toHaveLength(6);
    for (let i = 0; i < a.labels.length; i++) if (a.image[i * 4 + 3] !== a.paletteAlpha![a.labels[i]!]) throw new Error(`pixel ${i}: alpha is not its entry's`);
    expect(b.paletteAlpha).toBeUndefined();
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

  it('distinctColours: the opaque image\'s distinct RGB colours (a Set of them), whether every pixel or a sample was fitted, dithered or in OKLab', async () => {
    const image = crop(coffee, 40, 60, 90, 70);
    const distinct = (data: Uint8Array | Uint8ClampedArray): number => {
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add(data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16));
      return seen.size;
    };
    const expected = distinct(image.data);
    expect(expected).toBeGreaterThan(1000);
    for (const options of [{}, { sampleSize: 500 }, { dither: 'diffusion' as const }, { colorSpace: 'oklab' as const }]) {
      const result = await quantize(image, { k: 8, backend: 'cpu', seed: 1, ...options });
      expect(result.distinctColours, JSON.stringify(options)).toBe(expected);
    }
    // An image with transparency takes the RGBA path, which does not count them.
    const transparent = withAlpha();
    expect((await quantize(transparent, { k: 8, backend: 'cpu', seed: 1 })).distinctColours).toBeUndefined();
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
    expect(result.distinctColours).toBe(new Set(Array.from(new Uint32Array(data.buffer), (p) => p & 0xffffff)).size);
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. attempts.
// ---------------------------------------------------------------------------------------------------
