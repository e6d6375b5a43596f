/** Fixed colours (`fixedColors`): byte-exact first palette entries, never moved, the rest fitted around them. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitPalette, quantize, type QuantizeOptions, type QuantizeResult, type RGB } from '../src/index.js';
import { runInitJob, type WeightedPoints } from '../src/kmeans/init.js';
import { crop, loadCoffee, rgbOf, type TestImage } from './helpers/images.js';
import { expectNearestLabels, nearest, weightedPoints } from './helpers/reference.js';
import { rejection } from './helpers/promises.js';

const FIXED: RGB[] = [
  [255, 255, 255],
  [0, 0, 0],
  [255, 0, 0],
];

function expectFixedFirst(palette: Uint8Array, centroids: Float64Array, fixed: readonly RGB[]): void {
  expect(Array.from(palette.subarray(0, fixed.length * 3))).toEqual(fixed.flat());
  expect(Array.from(centroids.subarray(0, fixed.length * 3))).toEqual(fixed.flat());
}

/** Each free centroid (after the fixed ones) against the mean of the pixels nearest to it. */
function largestFreeOffset(image: TestImage, centroids: Float64Array, fixed: number): number {
  const points = rgbOf(image);
  const k = centroids.length / 3;
  const sums = new Float64Array(k * 3);
  const counts = new Float64Array(k);
  for (let i = 0; i < points.length / 3; i++) {
    const j = nearest(points, i, centroids);
    counts[j]!++;
    for (let c = 0; c < 3; c++) sums[j * 3 + c]! += points[i * 3 + c]!;
  }
  let worst = 0;
  for (let j = fixed; j < k; j++) {
    if (counts[j] === 0) continue;
    let d2 = 0;
    for (let c = 0; c < 3; c++) d2 += (sums[j * 3 + c]! / counts[j]! - centroids[j * 3 + c]!) ** 2;
    worst = Math.max(worst, Math.sqrt(d2));
  }
  return worst;
}

function distinctEntries(palette: Uint8Array): number {
  const seen = new Set<string>();
  for (let j = 0; j < palette.length / 3; j++) seen.add(palette.subarray(j * 3, j * 3 + 3).join(','));
  return seen.size;
}

describe('fixedColors on the CPU', () => {
  const image = loadCoffee();

  it('puts the fixed colours first, byte for byte, and fits the other k - n around them', async () => {
    const result = await quantize(image, { k: 16, backend: 'cpu', fixedColors: FIXED, tolerance: 0.01, maxIterations: 300 });
    expect(result.paletteSize).toBe(16);
    expectFixedFirst(result.palette, result.centroids, FIXED);
    expect(distinctEntries(result.palette)).toBe(16);
    expectNearestLabels(image, result);
    // Converged: each free centroid is the mean of its cluster (the fixed ones are not, and stay).
    expect(result.converged).toBe(true);
    expect(largestFreeOffset(image, result.centroids, FIXED.length)).toBeLessThan(0.05);
    // Pure red is not in the photo: its entry may be empty and still stays.
    const plain = await quantize(image, { k: 16, backend: 'cpu' });
    expect(result.inertia).toBeGreaterThanOrEqual(plain.inertia * 0.999);
  });

  it('keeps them with every way of fitting: mini-batch, random init, a sample, several attempts, workers', async () => {
    const cases: QuantizeOptions[] = [
      { algorithm: 'minibatch', batchSize: 2048 },
      { init: 'random' },
      { sampleSize: 5000 },
      { attempts: 3 },
      { threads: 2 },
      { init: [[1, 2, 3], [255, 255, 255], [200, 100, 50], [10, 20, 30], [90, 90, 90], [40, 50, 60], [70, 80, 90], [120, 130, 140]] },
    ];
    for (const extra of cases) {
      const result = await quantize(image, { k: 8, backend: 'cpu', fixedColors: FIXED, ...extra });
      expectFixedFirst(result.palette, result.centroids, FIXED);
      expect(distinctEntries(result.palette), JSON.stringify(extra)).toBe(result.paletteSize);
      expectNearestLabels(image, result);
    }
  });

  it('keeps them when the init helper worker polishes the start (dist/: workers run built code)', async () => {
    const url = new URL('../dist/index.node.js', import.meta.url);
    if (!existsSync(url)) throw new Error('build first: npm run build');
    const lib = (await import(/* @vite-ignore */ url.href)) as typeof import('../src/index.js');
    const options = { k: 8, seed: 4, backend: 'cpu' as const, fixedColors: FIXED };
    const alone = await lib.quantize(image, { ...options, threads: 1 });
    // The helper boots in the background on first use; until it answers, calls polish in this thread.
    let helped = await lib.quantize(image, options);
    for (let i = 0; i < 50 && !helped.initInWorker; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      helped = await lib.quantize(image, options);
    }
    expect(helped.initInWorker).toBe(true);
    expectFixedFirst(helped.palette, helped.centroids, FIXED);
    expect(Array.from(helped.centroids)).toEqual(Array.from(alone.centroids));
  });

  it('given colours with fixed ones: the fixed first, then the given that are not fixed, k in all', async () => {
    const init: RGB[] = [[0, 0, 0], [10, 20, 30], [90, 90, 90], [200, 100, 50]];
    const result = await fitPalette(image, { k: 4, backend: 'cpu', fixedColors: [[255, 255, 255], [0, 0, 0]], init, maxIterations: 1 });
    // One iteration from [white, black, (10,20,30), (90,90,90)]: the fixed two exact, the others moved.
    expectFixedFirst(result.palette, result.centroids, [[255, 255, 255], [0, 0, 0]]);
    expect(result.paletteSize).toBe(4);
  });

  it('with k fixed colours the palette is exactly those colours', async () => {
    const fixed: RGB[] = [[12, 34, 56], [200, 180, 160], [90, 60, 30], [0, 0, 0]];
    const result = await quantize(image, { k: 4, backend: 'cpu', fixedColors: fixed });
    expect(Array.from(result.palette)).toEqual(fixed.flat());
    expectNearestLabels(image, result);
  });

  it('in OKLab too: the fixed colours first, byte for byte, the rest fitted (Lloyd, mini-batch, warm start)', async () => {
    const lloyd = await quantize(image, { k: 16, backend: 'cpu', colorSpace: 'oklab', fixedColors: FIXED });
    const mini = await quantize(image, { k: 16, backend: 'cpu', colorSpace: 'oklab', fixedColors: FIXED, algorithm: 'minibatch' });
    const warm = await quantize(image, { k: 20, backend: 'cpu', colorSpace: 'oklab', fixedColors: FIXED, warmStart: lloyd.centroids });
    for (const result of [lloyd, mini, warm]) {
      expect(result.colorSpace).toBe('oklab');
      expectFixedFirst(result.palette, result.centroids, FIXED);
      expect(distinctEntries(result.palette)).toBe(result.paletteSize);
    }
    expect(lloyd.paletteSize).toBe(16);
    expect(warm.paletteSize).toBe(20);
    // The free entries are fitted in OKLab: not the sRGB fit's.
    const srgb = await quantize(image, { k: 16, backend: 'cpu', fixedColors: FIXED });
    expect(Array.from(lloyd.palette)).not.toEqual(Array.from(srgb.palette));
  });

  it('is deterministic, and an empty list is the same as none', async () => {
    const a = await quantize(image, { k: 12, backend: 'cpu', fixedColors: FIXED, seed: 7 });
    const b = await quantize(image, { k: 12, backend: 'cpu', fixedColors: FIXED, seed: 7 });
    expect(Array.from(a.palette)).toEqual(Array.from(b.palette));
    const none = await quantize(image, { k: 12, backend: 'cpu', seed: 7 });
    const empty = await quantize(image, { k: 12, backend: 'cpu', seed: 7, fixedColors: [] });
    expect(Array.from(empty.centroids)).toEqual(Array.from(none.centroids));
  });

  it('warm start: the fixed colours first, then the earlier centroids that are not fixed ones', async () => {
    const first: QuantizeResult = await quantize(image, { k: 10, backend: 'cpu', fixedColors: FIXED });
    // The same k: the earlier palette is the starting point as it is (fixed first already, same order), and
    // the iterations go on from there (the default tolerance had stopped them a little before the end).
    const again = await quantize(image, { k: 10, backend: 'cpu', fixedColors: FIXED, warmStart: first.centroids });
    expectFixedFirst(again.palette, again.centroids, FIXED);
    const moved = Array.from(again.palette, (v, i) => Math.abs(v - first.palette[i]!));
    expect(Math.max(...moved)).toBeLessThanOrEqual(3);
    // A warm start without the fixed colours (k of them): the fixed take their places first.
    const plain = await quantize(image, { k: 10, backend: 'cpu' });
    const mixed = await quantize(image, { k: 10, backend: 'cpu', fixedColors: FIXED, warmStart: plain.centroids });
    expectFixedFirst(mixed.palette, mixed.centroids, FIXED);
    // More k than before, and fewer.
    for (const k of [14, 5]) {
      const r = await quantize(image, { k, backend: 'cpu', fixedColors: FIXED, warmStart: first.centroids });
      expectFixedFirst(r.palette, r.centroids, FIXED);
      expect(r.paletteSize).toBe(k);
    }
  });

  it('an image with few colours: the fixed colours, then the image colours, when they fit in k', async () => {
    const small = crop(image, 0, 0, 4, 1);
    const colours: RGB[] = [];
    for (let i = 0; i < 4; i++) colours.push([small.data[i * 4]!, small.data[i * 4 + 1]!, small.data[i * 4 + 2]!] as RGB);
    const distinct = new Set(colours.map((c) => c.join(',')));
    const withOne: RGB[] = [[255, 0, 255], colours[1]!];
    const exact = await quantize(small, { k: 8, backend: 'cpu', fixedColors: withOne });
    expect(exact.exactPalette).toBe(true);
    expect(exact.mse).toBe(0);
    expect(Array.from(exact.palette.subarray(0, 6))).toEqual(withOne.flat());
    expect(exact.paletteSize).toBe(1 + distinct.size);
    // Fixed + image colours over k: clustering runs, the fixed colours still first.
    const tight = await quantize(small, { k: distinct.size, backend: 'cpu', fixedColors: [[255, 0, 255]] });
    expect(tight.exactPalette).toBe(false);
    expect(Array.from(tight.palette.subarray(0, 3))).toEqual([255, 0, 255]);
    expectNearestLabels(small, tight);
  });

  it('refuses more fixed colours than k, repeats and non-bytes, naming the option', async () => {
    const tooMany = await rejection(quantize(image, { k: 2, fixedColors: FIXED }));
    expect(tooMany).toBeInstanceOf(RangeError);
    expect(tooMany.code).toBe('OUT_OF_RANGE');
    expect(tooMany.message).toMatch(/option "fixedColors"/);
    const repeat = await rejection(quantize(image, { k: 4, fixedColors: [[1, 2, 3], [1, 2, 3]] }));
    expect(repeat.code).toBe('OUT_OF_RANGE');
    expect(repeat.message).toMatch(/fixedColors\[1\]/);
    const bad = await rejection(quantize(image, { k: 4, fixedColors: [[1, 2, 300]] as unknown as RGB[] }));
    expect(bad.message).toMatch(/fixedColors/);
  });
});

describe('initialisation around fixed colours', () => {
  it('k-means++, the polish and the relocations never move them', () => {
    const sample: WeightedPoints = weightedPoints(4000, 3, 255);
    const fixed = Float64Array.from([255, 255, 255, 0, 0, 0, 7, 200, 9]);
    for (const method of ['kmeans++', 'random'] as const) {
      const centroids = runInitJob({
        seedSample: sample,
        refineSample: sample,
        k: 12,
        method,
        candidates: 2,
        seed: 5,
        stream: 101,
        maxIterations: 50,
        tolerance: 0.01,
        relocations: 24,
        fixed,
      });
      expect(centroids.length).toBe(36);
      expect(Array.from(centroids.subarray(0, 9))).toEqual(Array.from(fixed));
    }
  });
});
