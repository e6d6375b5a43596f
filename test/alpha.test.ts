/**
 * Images with transparency: an RGBA palette fitted in premultiplied 4-D space (src/alpha-quantize.ts,
 * src/kmeans/alpha*.ts). Checked against independent references written here: the composited error
 * (over black and white), the nearest entry in that metric, and a plain weighted Lloyd in 4-D.
 */
import { describe, expect, it } from 'vitest';
import { compositedMse, compositedMseOver, createQuantizer, decodePng, quantize, resultToIndexedPng, type QuantizeResult } from '../src/index.js';
import { fitAlphaKmeans } from '../src/kmeans/alpha.js';
import { srgbToOklab } from '../src/colour-space.js';
import { alphaPhoto } from './helpers/alpha-image.js';
import { crop, loadCoffee, seededRandom, type TestImage } from './helpers/images.js';
import { expectRelClose, expectSameArray } from './helpers/reference.js';

const photo = alphaPhoto();
/** A smaller piece of the photo (its soft edge, the band and a transparent corner) for the quick checks. */
const piece = crop(photo, 0, 100, 200, 140);

/** The mean composited squared error (summed over RGB) of two straight RGBA colours: the documented metric. */
function compositeDistance(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  let black = 0;
  let white = 0;
  for (let c = 0; c < 3; c++) {
    const pa = (a[i + c]! * a[i + 3]!) / 255;
    const pb = (b[j + c]! * b[j + 3]!) / 255;
    black += (pa - pb) ** 2;
    white += (pa + 255 - a[i + 3]! - (pb + 255 - b[j + 3]!)) ** 2;
  }
  return (black + white) / 2;
}

/** Palette entries as straight RGBA bytes, 4 per entry. */
function rgbaEntries(result: { palette: Uint8Array; paletteAlpha?: Uint8Array }): Uint8Array {
  const k = result.palette.length / 3;
  const out = new Uint8Array(k * 4);
  for (let j = 0; j < k; j++) out.set([...result.palette.subarray(j * 3, j * 3 + 3), result.paletteAlpha![j]!], j * 4);
  return out;
}

/** Every label is its pixel's nearest entry under `distance` (lowest index on ties), and the image is painted with it. */
function expectNearestAndPainted(image: TestImage, result: QuantizeResult, distance: (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => number): void {
  const entries = rgbaEntries(result);
  const k = result.paletteSize;
  const memo = new Map<number, number>();
  const view = new Uint32Array(image.data.buffer, image.data.byteOffset, image.data.length / 4);
  for (let i = 0; i < view.length; i++) {
    const key = image.data[i * 4 + 3] === 0 ? 0 : view[i]!;
    let want = memo.get(key);
    if (want === undefined) {
      let bestD = Infinity;
      want = 0;
      for (let j = 0; j < k; j++) {
        const d = distance(image.data, i * 4, entries, j * 4);
        if (j === 0 || d < bestD - 1e-9 * Math.max(1, bestD)) {
          bestD = d;
          want = j;
        }
      }
      memo.set(key, want);
    }
    const got = result.labels[i]!;
    if (got !== want && Math.abs(distance(image.data, i * 4, entries, got * 4) - distance(image.data, i * 4, entries, want * 4)) > 1e-6) {
      throw new Error(`pixel ${i}: label ${got}, nearest entry ${want}`);
    }
    for (let c = 0; c < 4; c++) if (result.image[i * 4 + c] !== entries[got * 4 + c]) throw new Error(`pixel ${i} channel ${c} is not entry ${got}`);
  }
}

/**
 * Clustering RGB only, with the same palette budget: the old fit (alpha ignored, every pixel's RGB
 * clustered, invisible ones too), each of the k entries then given the mean alpha of its pixels.
 */
async function rgbOnly(image: TestImage, k: number): Promise<Uint8ClampedArray> {
  const opaque = { data: image.data.slice(), width: image.width, height: image.height };
  for (let i = 3; i < opaque.data.length; i += 4) opaque.data[i] = 255;
  const result = await quantize(opaque, { k, backend: 'cpu' });
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < result.labels.length; i++) {
    const j = result.labels[i]!;
    sums[j] = sums[j]! + image.data[i * 4 + 3]!;
    counts[j] = counts[j]! + 1;
  }
  const out = result.image.slice();
  for (let i = 0; i < result.labels.length; i++) out[i * 4 + 3] = Math.round(sums[result.labels[i]!]! / counts[result.labels[i]!]!);
  return out;
}

describe('RGBA palettes for images with transparency', () => {
  it('the palette has alpha, entry 0 is (0,0,0,0), and every fully transparent pixel maps to it whatever its RGB', async () => {
    const result = await quantize(piece, { k: 16, backend: 'cpu' });
    expect(result.paletteAlpha).toBeInstanceOf(Uint8Array);
    expect(result.paletteAlpha!.length).toBe(result.paletteSize);
    expect(result.paletteSize).toBe(16);
    expect([...result.palette.subarray(0, 3), result.paletteAlpha![0]]).toEqual([0, 0, 0, 0]);
    expect(new Set(result.paletteAlpha).size).toBeGreaterThan(3);
    let transparent = 0;
    for (let i = 0; i < result.labels.length; i++) {
      if (piece.data[i * 4 + 3] !== 0) continue;
      transparent++;
      if (result.labels[i] !== 0) throw new Error(`transparent pixel ${i} labelled ${result.labels[i]}`);
    }
    expect(transparent).toBeGreaterThan(100);
    // Other RGB under the transparent pixels: the same fit.
    const scrambled = { data: piece.data.slice(), width: piece.width, height: piece.height };
    const random = seededRandom(5);
    for (let i = 0; i < scrambled.data.length; i += 4) {
      if (scrambled.data[i + 3] === 0) for (let c = 0; c < 3; c++) scrambled.data[i + c] = Math.floor(random() * 256);
    }
    const again = await quantize(scrambled, { k: 16, backend: 'cpu' });
    expectSameArray(again.palette, result.palette, 'palette');
    expectSameArray(again.paletteAlpha!, result.paletteAlpha!, 'paletteAlpha');
    expectSameArray(again.labels, result.labels, 'labels');
  });

  it('labels are the nearest entries in the composited metric, the image is painted with palette alpha, mse is the composited mean', async () => {
    const result = await quantize(piece, { k: 24, backend: 'cpu', seed: 2 });
    expectNearestAndPainted(piece, result, compositeDistance);
    const seen = compositedMse(piece, { data: result.image, width: piece.width, height: piece.height });
    expectRelClose(result.mse, seen.mean, 1e-9, 'mse');
    expect(result.psnr).toBeCloseTo(10 * Math.log10((255 * 255) / seen.mean), 9);
  });

  it('same seed, same palette; quantize equals fit then apply (also through apply() with the RGBA palette)', async () => {
    const q = createQuantizer({ backend: 'cpu' });
    try {
      const a = await q.quantize(piece, { k: 12, seed: 4 });
      const fit = await q.fit(piece, { k: 12, seed: 4 });
      expectSameArray(fit.palette, a.palette, 'palette');
      expectSameArray(fit.paletteAlpha!, a.paletteAlpha!, 'paletteAlpha');
      const applied = await q.apply(piece, fit);
      expectSameArray(applied.labels, a.labels, 'labels');
      expectSameArray(applied.image, a.image, 'image');
      expect(applied.paletteAlpha).toEqual(a.paletteAlpha);
      expect(applied.mse).toBe(a.mse);
      expect(applied.inertia).toBe(a.inertia);
    } finally {
      q.destroy();
    }
  });

  it('an RGB palette applied to an image with transparency labels by RGB and keeps each pixel its alpha (documented)', async () => {
    const q = createQuantizer({ backend: 'cpu' });
    try {
      const applied = await q.apply(piece, [[0, 0, 0], [200, 150, 100], [255, 255, 255]]);
      expect(applied.paletteAlpha).toBeUndefined();
      for (let i = 3; i < applied.image.length; i += 4) if (applied.image[i] !== piece.data[i]) throw new Error(`alpha of pixel ${(i - 3) / 4} changed`);
    } finally {
      q.destroy();
    }
  });

  it('on the full photo, composited MSE over black and over white both beat clustering RGB only', async () => {
    for (const k of [16, 64]) {
      const ours = await quantize(photo, { k, backend: 'cpu' });
      const mine = compositedMse(photo, { data: ours.image, width: photo.width, height: photo.height });
      const old = compositedMse(photo, { data: await rgbOnly(photo, k), width: photo.width, height: photo.height });
      expect(mine.black, `k = ${k} over black`).toBeLessThan(old.black);
      expect(mine.white, `k = ${k} over white`).toBeLessThan(old.white);
    }
  }, 60_000);

  it('PNG-8 keeps the alpha (tRNS) exactly as the painted image, at k = 4 and k = 200; the tRNS chunk is short', async () => {
    for (const k of [4, 200]) {
      const result = await quantize(photo, { k, backend: 'cpu', maxIterations: 20 });
      const png = resultToIndexedPng(result);
      const decoded = decodePng(png);
      expect(decoded.colourType).toBe('indexed');
      expect(decoded.palette!.length / 3).toBe(result.paletteSize);
      expectSameArray(decoded.data, result.image, `k = ${k}: decoded pixels`);
      const nonOpaque = result.paletteAlpha!.filter((a) => a !== 255).length;
      for (let j = 0; j < decoded.alpha!.length; j++) expect(decoded.alpha![j]! === 255).toBe(j >= nonOpaque);
    }
  }, 60_000);

  it('an image with two alpha levels at k = 200 (the RangeError of the issue) writes a PNG-8', async () => {
    const image = crop(loadCoffee(), 100, 100, 160, 120);
    for (let i = 0; i < image.width * image.height; i++) image.data[i * 4 + 3] = i % image.width < 80 ? 255 : 128;
    const result = await quantize(image, { k: 200, backend: 'cpu', maxIterations: 10 });
    expect(result.paletteSize).toBe(200);
    expectSameArray(decodePng(resultToIndexedPng(result)).data, result.image, 'decoded pixels');
  });

  it('few colours: the exact palette, zero error', async () => {
    const image = { data: new Uint8Array(8 * 8 * 4), width: 8, height: 8 };
    for (let i = 0; i < 64; i++) image.data.set([i % 2 ? 200 : 10, 40, i, [0, 90, 255][i % 3]!], i * 4);
    // Colours: alpha 0 counts once; the rest are distinct per pixel, so k = 64 holds them all.
    const result = await quantize(image, { k: 64, backend: 'cpu' });
    expect(result.exactPalette).toBe(true);
    expect(result.mse).toBe(0);
    expect(result.paletteAlpha![0]).toBe(0);
  });

  it('a sample with fewer colours than k (random init, k-means++): the fit ends, with k entries', async () => {
    for (const init of ['random', 'kmeans++'] as const) {
      const result = await quantize(piece, { k: 40, backend: 'cpu', sampleSize: 40, init, maxIterations: 5 });
      expect(result.paletteSize).toBe(40);
      expect(result.exactPalette).toBe(false);
    }
  });

  it('the GPU path routes alpha images to the CPU and says so, dithered or not', async () => {
    for (const dither of ['none', 'ordered', 'diffusion'] as const) {
      const result = await quantize(piece, { k: 8, backend: 'auto', dither });
      expect(result.backend).toBe('cpu');
      expect(result.fallbackReason).toMatch(/transparency/);
      expect(result.ditheredOn).toBe(dither === 'none' ? undefined : 'cpu');
    }
  });

  it("colorSpace 'oklab': labels are the nearest entries in premultiplied OKLab with alpha as a 4th coordinate", async () => {
    const lab = new Float64Array(6);
    const premultipliedOklab = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number => {
      srgbToOklab(a[i]!, a[i + 1]!, a[i + 2]!, lab, 0);
      srgbToOklab(b[j]!, b[j + 1]!, b[j + 2]!, lab, 3);
      let d = (a[i + 3]! - b[j + 3]!) ** 2;
      for (let c = 0; c < 3; c++) d += ((lab[c]! * a[i + 3]!) / 255 - (lab[3 + c]! * b[j + 3]!) / 255) ** 2;
      return d;
    };
    const result = await quantize(piece, { k: 16, backend: 'cpu', colorSpace: 'oklab' });
    expect(result.colorSpace).toBe('oklab');
    expect(result.paletteAlpha![0]).toBe(0);
    expectNearestAndPainted(piece, result, premultipliedOklab);
  });

  it('opaque images: no paletteAlpha, the same result as before (bench/fingerprint.js checks it bit for bit)', async () => {
    const opaque = crop(loadCoffee(), 0, 0, 120, 80);
    const result = await quantize(opaque, { k: 8, backend: 'cpu' });
    expect('paletteAlpha' in result).toBe(false);
    for (let i = 3; i < result.image.length; i += 4) expect(result.image[i]).toBe(255);
  });
});

describe('compositedMse', () => {
  it('composites straight alpha over the background: invisible RGB does not count, a colour background works', () => {
    const original = { data: Uint8Array.from([10, 20, 30, 0, 200, 100, 50, 255, 100, 100, 100, 128]), width: 3, height: 1 };
    const quantized = { data: Uint8Array.from([250, 0, 9, 0, 190, 100, 50, 255, 100, 100, 100, 0]), width: 3, height: 1 };
    // Pixel 1: 10 over any background; pixel 2: 100 * 128/255 + bg * (1 - 128/255) against bg.
    const shown = (bg: number): number => (100 * 128) / 255 + bg * (1 - 128 / 255) - bg;
    const over = (bg: number): number => (100 + 3 * shown(bg) ** 2) / 9;
    const m = compositedMse(original, quantized);
    expect(m.black).toBeCloseTo(over(0), 9);
    expect(m.white).toBeCloseTo(over(255), 9);
    expect(m.mean).toBeCloseTo((over(0) + over(255)) / 2, 9);
    expect(compositedMseOver(original, quantized, [255, 255, 255])).toBeCloseTo(over(255), 9);
    expect(() => compositedMseOver(original, quantized, 'grey' as never)).toThrow(TypeError);
  });
});

describe('the 4-D k-means (Hamerly bounds) against a plain weighted Lloyd', () => {
  function bruteLloyd4(points: Float64Array, weights: Float64Array, start: Float64Array, fixed: number, iterations: number): Float64Array {
    const c = start.slice();
    const k = c.length / 4;
    for (let t = 0; t < iterations; t++) {
      const sums = new Float64Array(k * 4);
      const counts = new Float64Array(k);
      for (let i = 0; i < weights.length; i++) {
        let best = 0;
        let bestD = Infinity;
        for (let j = 0; j < k; j++) {
          let d = 0;
          for (let q = 0; q < 4; q++) d += (points[i * 4 + q]! - c[j * 4 + q]!) ** 2;
          if (d < bestD) [best, bestD] = [j, d];
        }
        counts[best] = counts[best]! + weights[i]!;
        for (let q = 0; q < 4; q++) sums[best * 4 + q] = sums[best * 4 + q]! + weights[i]! * points[i * 4 + q]!;
      }
      for (let j = fixed; j < k; j++) if (counts[j]! > 0) for (let q = 0; q < 4; q++) c[j * 4 + q] = sums[j * 4 + q]! / counts[j]!;
    }
    return c;
  }

  it('same centroids from the same start, with a fixed centroid; inertia never rises', async () => {
    const random = seededRandom(11);
    const m = 3000;
    const points = Float64Array.from({ length: m * 4 }, () => random() * 200);
    const weights = Float64Array.from({ length: m }, () => 1 + Math.floor(random() * 5));
    const k = 24;
    const start = points.slice(0, (k - 1) * 4);
    const inertias: number[] = [];
    const fit = await fitAlphaKmeans({
      points, weights, fixed: new Float64Array(4), k, seed: 0, attempts: 1, maxIterations: 15, tolerance: 0, init: start,
      onProgress: (e) => inertias.push(e.inertia),
    });
    const fullStart = new Float64Array(k * 4);
    fullStart.set(start, 4);
    const expected = bruteLloyd4(points, weights, fullStart, 1, fit.iterations);
    for (let i = 0; i < expected.length; i++) expect(fit.centroids[i]).toBeCloseTo(expected[i]!, 8);
    for (let t = 1; t < inertias.length; t++) expect(inertias[t]).toBeLessThanOrEqual(inertias[t - 1]! * (1 + 1e-12));
  });
});
