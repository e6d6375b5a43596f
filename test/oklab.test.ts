/**
 * colorSpace 'oklab' on the CPU path: the conversion, and fits and applies measured in OKLab (labels,
 * inertia and centroids checked by brute force over the pixels), with MSE still in 8-bit sRGB.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OKLAB_STEPS, oklabToSrgb, srgbToOklab, toSpace } from '../src/colour-space.js';
import { applyPalette, createQuantizer, fitPalette, qualityReport, quantize, type QuantizeResult } from '../src/index.js';
import { crop, loadCoffee, randomImage, type TestImage } from './helpers/images.js';

/** Every pixel's OKLab point (scaled, as the library measures). */
function oklabPixels(image: TestImage): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) srgbToOklab(image.data[i * 4]!, image.data[i * 4 + 1]!, image.data[i * 4 + 2]!, out, i * 3);
  return out;
}

function d2(a: Float64Array, i: number, b: Float64Array, j: number): number {
  return (a[i * 3]! - b[j * 3]!) ** 2 + (a[i * 3 + 1]! - b[j * 3 + 1]!) ** 2 + (a[i * 3 + 2]! - b[j * 3 + 2]!) ** 2;
}

/** Each point's nearest of `centres` (lowest index on ties) and its squared distance, by brute force. */
function nearest(points: Float64Array, centres: Float64Array): { labels: Uint8Array; sse: number } {
  const n = points.length / 3;
  const labels = new Uint8Array(n);
  let sse = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < centres.length / 3; j++) {
      const d = d2(points, i, centres, j);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    labels[i] = best;
    sse += bestD;
  }
  return { labels, sse };
}

/** Per-channel MSE in sRGB bytes of the labels' palette colours. */
function srgbMse(image: TestImage, labels: Uint8Array, palette: Uint8Array): number {
  let sse = 0;
  for (let i = 0; i < labels.length; i++) for (let c = 0; c < 3; c++) sse += (image.data[i * 4 + c]! - palette[labels[i]! * 3 + c]!) ** 2;
  return sse / (labels.length * 3);
}

function distinctColours(palette: Uint8Array): number {
  const seen = new Set<number>();
  for (let j = 0; j < palette.length / 3; j++) seen.add(palette[j * 3]! | (palette[j * 3 + 1]! << 8) | (palette[j * 3 + 2]! << 16));
  return seen.size;
}

/** The checks every OKLab result must pass against brute force on its image. */
function expectMeasuredInOklab(image: TestImage, result: QuantizeResult): void {
  const points = oklabPixels(image);
  expect(distinctColours(result.palette)).toBe(result.paletteSize);
  const byPalette = nearest(points, toSpace(result.palette, 'oklab'));
  expect(Buffer.from(result.labels).equals(Buffer.from(byPalette.labels))).toBe(true);
  const objective = nearest(points, toSpace(result.centroids, 'oklab')).sse;
  expect(Math.abs(result.inertia - objective)).toBeLessThanOrEqual(1e-9 * objective + 1e-6);
  expect(result.mse).toBeCloseTo(srgbMse(image, result.labels, result.palette), 9);
  for (const v of result.centroids) expect(v >= 0 && v <= 255).toBe(true);
}

describe('the OKLab conversion', () => {
  it('round-trips every sRGB byte colour (a strided third of the cube) to within 0.02 of itself, on the grid of OKLAB_STEPS', () => {
    const lab = new Float64Array(3);
    const back = new Float64Array(3);
    let worst = 0;
    let offGrid = 0;
    for (let r = 0; r < 256; r += 3) {
      for (let g = 1; g < 256; g += 3) {
        for (let b = 2; b < 256; b += 3) {
          srgbToOklab(r, g, b, lab, 0);
          for (const v of lab) if (!Number.isInteger(v * OKLAB_STEPS)) offGrid++;
          oklabToSrgb(lab[0]!, lab[1]!, lab[2]!, back, 0);
          worst = Math.max(worst, Math.abs(back[0]! - r), Math.abs(back[1]! - g), Math.abs(back[2]! - b));
        }
      }
    }
    expect(offGrid).toBe(0);
    expect(worst).toBeLessThan(0.02);
    srgbToOklab(255, 255, 255, lab, 0);
    expect(lab[0]).toBeCloseTo(255, 3);
    expect(Math.hypot(lab[1]!, lab[2]!)).toBeLessThan(0.01);
    srgbToOklab(0, 0, 0, lab, 0);
    expect(Array.from(lab)).toEqual([0, 0, 0]);
  });
});

describe("colorSpace: 'oklab' on the CPU", () => {
  const coffee = loadCoffee();
  const small = crop(coffee, 200, 120, 160, 100);

  it('fits distinct palette bytes, labels each pixel with its nearest palette colour in OKLab, and reports the OKLab objective', async () => {
    for (const k of [8, 32]) {
      const result = await quantize(small, { k, colorSpace: 'oklab', backend: 'cpu' });
      expect(result.colorSpace).toBe('oklab');
      expect(result.paletteSize).toBe(k);
      expectMeasuredInOklab(small, result);
    }
  });

  it('fits in OKLab: one iteration from given colours moves each centroid to its cluster mean in OKLab', async () => {
    const points = oklabPixels(small);
    const picks = [0, 5000, 9000, 15999].map((i) => [small.data[i * 4]!, small.data[i * 4 + 1]!, small.data[i * 4 + 2]!] as [number, number, number]);
    const result = await fitPalette(small, { k: 4, init: picks, maxIterations: 1, colorSpace: 'oklab', backend: 'cpu' });
    const start = toSpace(Float64Array.from(picks.flat()), 'oklab');
    const { labels } = nearest(points, start);
    const sums = new Float64Array(12);
    const counts = new Float64Array(4);
    labels.forEach((j, i) => {
      counts[j]!++;
      for (let c = 0; c < 3; c++) sums[j * 3 + c]! += points[i * 3 + c]!;
    });
    const means = sums.map((s, i) => s / counts[Math.floor(i / 3)]!);
    const fitted = toSpace(result.centroids, 'oklab');
    for (let i = 0; i < 12; i++) expect(Math.abs(fitted[i]! - means[i]!)).toBeLessThan(1e-3);
    expect(result.iterations).toBe(1);
  });

  it('converges to a fixed point of Lloyd in OKLab (each centroid the OKLab mean of its pixels)', async () => {
    const points = oklabPixels(small);
    const result = await fitPalette(small, { k: 12, tolerance: 1e-4, maxIterations: 500, colorSpace: 'oklab', backend: 'cpu' });
    expect(result.converged).toBe(true);
    const centres = toSpace(result.centroids, 'oklab');
    const { labels } = nearest(points, centres);
    for (let j = 0; j < 12; j++) {
      const mean = [0, 0, 0];
      let n = 0;
      labels.forEach((l, i) => {
        if (l !== j) return;
        n++;
        for (let c = 0; c < 3; c++) mean[c]! += points[i * 3 + c]!;
      });
      const gap = Math.hypot(...mean.map((s, c) => s / n - centres[j * 3 + c]!));
      expect(gap).toBeLessThan(0.01);
    }
  });

  it('measures in OKLab on a sample fit, with mini-batch, with random init and on random colours', async () => {
    const noise = randomImage(64, 48, 7);
    const runs: [TestImage, object][] = [
      [small, { k: 16, sampleSize: 3000 }],
      [small, { k: 16, algorithm: 'minibatch', batchSize: 2048 }],
      [small, { k: 16, init: 'random', attempts: 2 }],
      [noise, { k: 64 }],
    ];
    for (const [image, options] of runs) {
      const result = await quantize(image, { ...options, colorSpace: 'oklab', backend: 'cpu' });
      expectMeasuredInOklab(image, result);
    }
  });

  it('re-seeds empty clusters in OKLab: colours far from every pixel end up owning pixels', async () => {
    const picks = [0, 5000, 9000, 15999].map((i) => [small.data[i * 4]!, small.data[i * 4 + 1]!, small.data[i * 4 + 2]!] as [number, number, number]);
    const far: [number, number, number][] = [[0, 0, 255], [0, 255, 0], [255, 0, 255], [0, 255, 255]];
    const result = await quantize(small, { k: 8, init: [...picks, ...far], colorSpace: 'oklab', backend: 'cpu' });
    expect(result.paletteSize).toBe(8);
    expect(new Set(result.labels).size).toBe(8);
    expectMeasuredInOklab(small, result);
  });

  it('warm-starts from the sRGB centroids that results report', async () => {
    const quantizer = createQuantizer({ backend: 'cpu' });
    try {
      const first = await quantizer.quantize(small, { k: 16, colorSpace: 'oklab' });
      const again = await quantizer.quantize(small, { k: 16, colorSpace: 'oklab', warmStart: first.centroids });
      expect(again.iterations).toBeLessThanOrEqual(2);
      // From the first fit's fixed point (within the tolerance): the same palette, give or take a rounding.
      expect(Math.max(...again.palette.map((v, i) => Math.abs(v - first.palette[i]!)))).toBeLessThanOrEqual(1);
      const more = await quantizer.quantize(small, { k: 20, colorSpace: 'oklab', warmStart: first.centroids });
      expect(more.paletteSize).toBe(20);
      expectMeasuredInOklab(small, more);
    } finally {
      quantizer.destroy();
    }
  });

  it('applies a given palette by the nearest colour in the space asked for', async () => {
    const palette = new Uint8Array([0, 0, 0, 255, 255, 255, 120, 80, 40, 200, 150, 100, 60, 90, 140]);
    const inOklab = await applyPalette(small, palette, { colorSpace: 'oklab', backend: 'cpu' });
    expect(inOklab.colorSpace).toBe('oklab');
    expect(Buffer.from(inOklab.labels).equals(Buffer.from(nearest(oklabPixels(small), toSpace(palette, 'oklab')).labels))).toBe(true);
    expect(inOklab.mse).toBeCloseTo(srgbMse(small, inOklab.labels, palette), 9);
    const rgb = new Float64Array(small.width * small.height * 3);
    for (let i = 0; i < rgb.length / 3; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = small.data[i * 4 + c]!;
    const inSrgb = await applyPalette(small, palette, { backend: 'cpu' });
    expect(Buffer.from(inSrgb.labels).equals(Buffer.from(nearest(rgb, Float64Array.from(palette)).labels))).toBe(true);
    expect(Buffer.from(inSrgb.labels).equals(Buffer.from(inOklab.labels))).toBe(false);
  });

  it("leaves 'srgb' the plain k-means of the default: the same result, labels nearest in sRGB", async () => {
    const plain = await quantize(small, { k: 16, backend: 'cpu' });
    const named = await quantize(small, { k: 16, backend: 'cpu', colorSpace: 'srgb' });
    expect(named.colorSpace).toBe('srgb');
    expect(Array.from(named.centroids)).toEqual(Array.from(plain.centroids));
    expect(Buffer.from(named.labels).equals(Buffer.from(plain.labels))).toBe(true);
    const rgb = new Float64Array(small.width * small.height * 3);
    for (let i = 0; i < rgb.length / 3; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = small.data[i * 4 + c]!;
    expect(Buffer.from(named.labels).equals(Buffer.from(nearest(rgb, Float64Array.from(named.palette)).labels))).toBe(true);
    expect(named.inertia).toBeCloseTo(nearest(rgb, named.centroids).sse, 3);
  });

  it('keeps an image of at most k colours exactly, in either space', async () => {
    const few: TestImage = { data: new Uint8Array(36 * 4), width: 6, height: 6 };
    for (let i = 0; i < 36; i++) few.data.set([(i % 3) * 100, 50 + (i % 2) * 60, 20, 255], i * 4);
    const result = await quantize(few, { k: 8, colorSpace: 'oklab', backend: 'cpu' });
    expect(result.paletteSize).toBe(6);
    expect(result.mse).toBe(0);
    expect(result.inertia).toBe(0);
    expect(Array.from(result.image)).toEqual(Array.from(few.data));
  });

  it('gives the single-thread result on worker threads (cluster sums of grid points are exact in any order)', async () => {
    // Workers run only from the built package (dist/, where the worker script lives).
    const url = new URL('../dist/index.node.js', import.meta.url);
    if (!existsSync(url)) throw new Error('dist/ is missing: build it first (npm run build)');
    const lib = (await import(/* @vite-ignore */ url.href)) as typeof import('../src/index.js');
    const image = randomImage(512, 400, 3);
    const options = { k: 24, backend: 'cpu', colorSpace: 'oklab', maxIterations: 8, seed: 2 } as const;
    const one = await lib.quantize(image, { ...options, threads: 1 });
    const two = await lib.quantize(image, { ...options, threads: 2 });
    expect([one.threads, two.threads]).toEqual([1, 2]);
    expect(Array.from(two.centroids)).toEqual(Array.from(one.centroids));
    expect(Buffer.from(two.labels).equals(Buffer.from(one.labels))).toBe(true);
    expect(two.iterations).toBe(one.iterations);
    // Only the sum of squared coordinates is rounded (added per partition): the inertia within rounding.
    expect(Math.abs(two.inertia - one.inertia)).toBeLessThanOrEqual(1e-9 * one.inertia);
    // Threads left to the library: the initial centroids may be polished in the helper worker (OKLab
    // samples travel there with their space), the same centroids either way.
    const quantizer = lib.createQuantizer({ backend: 'cpu' });
    try {
      for (let call = 0; call < 2; call++) {
        const auto = await quantizer.quantize(image, { k: 24, colorSpace: 'oklab', maxIterations: 8, seed: 2 });
        expect(Array.from(auto.centroids)).toEqual(Array.from(one.centroids));
      }
    } finally {
      quantizer.destroy();
    }
  });

  it('lowers the mean CIEDE2000 of the coffee photo at k = 16 (sRGB keeps the lower MSE)', async () => {
    const srgb = await quantize(coffee, { k: 16, backend: 'cpu' });
    const oklab = await quantize(coffee, { k: 16, colorSpace: 'oklab', backend: 'cpu' });
    const reportOf = (r: QuantizeResult) => qualityReport(coffee, { data: r.image, width: r.width, height: r.height });
    const [a, b] = [await reportOf(srgb), await reportOf(oklab)];
    expect(b.deltaE.mean).toBeLessThan(a.deltaE.mean);
    expect(srgb.mse).toBeLessThan(oklab.mse);
    expect(srgb.colorSpace).toBe('srgb');
  });
});
