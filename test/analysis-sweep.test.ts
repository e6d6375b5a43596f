/**
 * The engine-driven analyses of src/analysis on test/fixtures/coffee.png (CPU backend): sweeps over k,
 * the elbow and its knee, the random-codebook baseline against k-means, and the animated sweep GIF
 * (decoded by omggif, an independent decoder).
 */
import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import {
  compareRandomCodebook,
  elbow,
  findKnee,
  quantize,
  randomCodebook,
  sweep,
  sweepGif,
  type AnalysisProgress,
  type SweepResult,
} from '../src/index.js';
import { crop, dist2, loadCoffee, rgbOf } from './helpers/images.js';

const FAST = { backend: 'cpu', maxIterations: 15 } as const;

describe('sweep', () => {
  let swept: SweepResult | undefined;
  const coffee = loadCoffee();

  it('costs fall as k rises on coffee.png (warm-started from the previous k)', async () => {
    const events: AnalysisProgress[] = [];
    swept = await sweep(coffee, { ks: [1, 2, 4, 8, 16], ...FAST, onProgress: (e) => events.push(e) });
    expect(swept.ks).toEqual([1, 2, 4, 8, 16]);
    expect(swept.results.map((r) => r.k)).toEqual([1, 2, 4, 8, 16]);
    expect(swept.results.map((r) => r.warmStarted)).toEqual([false, true, true, true, true]);
    for (let i = 1; i < swept.results.length; i++) expect(swept.results[i]!.inertia).toBeLessThan(swept.results[i - 1]!.inertia);
    for (const entry of swept.results) {
      expect(entry.inertia).toBe(entry.result.inertia);
      expect(entry.result.k).toBe(entry.k);
      expect(entry.result.paletteSize).toBe(entry.k);
      expect(entry.ms).toBeGreaterThanOrEqual(0);
    }
    // k = 1: the mean colour, so the cost is the total scatter of the pixels around it.
    const rgb = rgbOf(coffee);
    const n = coffee.width * coffee.height;
    const mean = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c]! += rgb[i * 3 + c]! / n;
    let scatter = 0;
    for (let i = 0; i < n; i++) scatter += dist2(rgb, i, Float64Array.from(mean), 0);
    expect(swept.results[0]!.inertia / scatter).toBeCloseTo(1, 6);
    // Progress: per-k events carrying the engine's Lloyd events, and a final one.
    expect(events.some((e) => e.k === 8 && e.lloyd !== undefined)).toBe(true);
    expect(events.at(-1)).toMatchObject({ task: 'sweep', done: 5, total: 5 });
  });

  it('warmStart: false fits every k on its own', async () => {
    const small = crop(coffee, 100, 100, 120, 90);
    const cold = await sweep(small, { ks: [4, 8], warmStart: false, ...FAST });
    expect(cold.results.map((r) => r.warmStarted)).toEqual([false, false]);
    const alone = await quantize(small, { k: 8, ...FAST });
    expect(Array.from(cold.results[1]!.result.palette)).toEqual(Array.from(alone.palette));
  });

  it('the GIF of a sweep decodes with omggif: one frame per k, each the quantized image', () => {
    expect(swept).toBeDefined();
    const gif = sweepGif(swept!, { delayMs: 300, lastDelayMs: 1000 });
    expect(String.fromCharCode(...gif.subarray(0, 6))).toBe('GIF89a');
    const reader = new GifReader(gif);
    expect(reader.numFrames()).toBe(swept!.ks.length);
    expect([reader.width, reader.height]).toEqual([coffee.width, coffee.height]);
    expect(reader.loopCount()).toBe(0);
    const pixels = new Uint8Array(coffee.width * coffee.height * 4);
    swept!.results.forEach((entry, f) => {
      const info = reader.frameInfo(f);
      expect(info.delay).toBe(f === swept!.results.length - 1 ? 100 : 30);
      reader.decodeAndBlitFrameRGBA(f, pixels);
      const image = entry.result.image;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i] !== image[i] || pixels[i + 1] !== image[i + 1] || pixels[i + 2] !== image[i + 2] || pixels[i + 3] !== 255) {
          throw new Error(`frame ${f} (k = ${entry.k}), pixel ${i / 4} differs`);
        }
      }
    });
  });

  it('sweepGif takes plain frames and checks them', () => {
    const frame = { palette: Uint8Array.from([0, 0, 0, 255, 255, 255]), labels: Uint8Array.from([0, 1, 1, 0]), width: 2, height: 2 };
    const reader = new GifReader(sweepGif([frame, frame, frame], { loops: 3 }));
    expect(reader.numFrames()).toBe(3);
    expect(reader.loopCount()).toBe(3);
    expect(() => sweepGif([])).toThrow(RangeError);
    expect(() => sweepGif([frame, { ...frame, width: 4, height: 1 }])).toThrow(/frames\[1\]/);
    expect(() => sweepGif([{ ...frame, labels: Uint8Array.from([0, 1, 2, 0]) }])).toThrow(/frames\[0\]\.labels\[2\]/);
    expect(() => sweepGif([frame], { delayMs: -1 })).toThrow(/options\.delayMs/);
    expect(() => sweepGif('x' as never)).toThrow(TypeError);
  });

  it('rejects bad arguments before any work, and aborts', async () => {
    await expect(sweep(coffee, { ks: [] })).rejects.toThrow(RangeError);
    await expect(sweep(coffee, { ks: [2, 0] })).rejects.toThrow(/options\.ks\[1\]/);
    await expect(sweep(coffee, { ks: [2, 300] })).rejects.toThrow(RangeError);
    await expect(sweep(coffee, { ks: 'all' as never })).rejects.toThrow(TypeError);
    await expect(sweep(coffee, { warmStart: 'yes' as never })).rejects.toThrow(/options\.warmStart/);
    await expect(sweep(coffee, { ks: [2, 4], init: [[0, 0, 0], [1, 1, 1]] })).rejects.toThrow(/options\.init/);
    await expect(sweep(coffee, { colours: 3 } as never)).rejects.toThrow(TypeError);
    await expect(sweep(coffee, { ks: [2], maxIterations: 0 })).rejects.toThrow(RangeError);
    // A sample of 10 pixels suits k = 2 but not k = 16: refused before the first k runs.
    let progressed = false;
    await expect(sweep(coffee, { ks: [2, 16], sampleSize: 10, onProgress: () => (progressed = true) })).rejects.toThrow(/sampleSize/);
    expect(progressed).toBe(false);
    const controller = new AbortController();
    controller.abort();
    await expect(sweep(coffee, { ks: [2, 4], backend: 'cpu', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('elbow', () => {
  it('fits from..to by step and suggests a k in range', async () => {
    const image = crop(loadCoffee(), 150, 100, 200, 150);
    const result = await elbow(image, { from: 2, to: 20, step: 3, backend: 'cpu', maxIterations: 10 });
    expect(result.points.map((p) => p.k)).toEqual([2, 5, 8, 11, 14, 17, 20]);
    expect(result.points.map((p) => p.k)).toContain(result.suggestedK);
    expect(result.suggestedK).toBeGreaterThan(2);
    expect(result.suggestedK).toBeLessThan(20);
    for (let i = 1; i < result.points.length; i++) expect(result.points[i]!.inertia).toBeLessThan(result.points[i - 1]!.inertia);
    for (const p of result.points) {
      expect(p.iterations).toBeGreaterThanOrEqual(0);
      expect(p.iterations).toBeLessThanOrEqual(10);
      expect(p.ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('rejects bad ranges', async () => {
    const image = crop(loadCoffee(), 0, 0, 10, 10);
    await expect(elbow(image, { from: 0 })).rejects.toThrow(/options\.from/);
    await expect(elbow(image, { from: 10, to: 5 })).rejects.toThrow(/options\.to/);
    await expect(elbow(image, { step: 0 })).rejects.toThrow(/options\.step/);
    await expect(elbow(image, { to: 257 })).rejects.toThrow(RangeError);
    await expect(elbow(image, { ks: [1] } as never)).rejects.toThrow(TypeError);
  });

  it('findKnee: the corner of a piecewise-linear curve, small k for 1/k, none for lines', () => {
    const xs = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20];
    const corner = xs.map((x) => (x <= 8 ? 100 - 12 * x : 4 - 0.1 * (x - 8)));
    expect(xs[findKnee(xs, corner)]).toBe(8);
    const ks = Array.from({ length: 32 }, (_, i) => 2 + 2 * i);
    const knee = ks[findKnee(ks, ks.map((k) => 1 / k))]!;
    expect(knee).toBeGreaterThan(2);
    expect(knee).toBeLessThan(20);
    expect(findKnee(xs, xs.map((x) => 50 - x))).toBe(0);
    expect(findKnee(xs, xs.map(() => 7))).toBe(0);
    expect(findKnee([1, 2], [5, 1])).toBe(0);
    // A rising concave curve (PSNR-like) bends above its chord.
    expect(xs[findKnee(xs, xs.map((x) => Math.min(x, 8)))]).toBe(8);
    expect(() => findKnee([1, 1, 2], [3, 2, 1])).toThrow(RangeError);
  });
});

describe('random codebook baseline', () => {
  const coffee = loadCoffee();

  it('never costs less than k-means on coffee.png at k = 16', async () => {
    const kmeans = await quantize(coffee, { k: 16, backend: 'cpu' });
    for (const seed of [0, 1, 2, 3, 4]) {
      const random = await randomCodebook(coffee, { k: 16, seed });
      expect(random.inertia).toBeGreaterThanOrEqual(kmeans.inertia);
      expect(random.psnr).toBeLessThanOrEqual(kmeans.psnr);
    }
  });

  it('draws k pixels of the image, labels every pixel with its nearest colour, measures the cost', async () => {
    const image = crop(coffee, 200, 120, 90, 70);
    const result = await randomCodebook(image, { k: 12, seed: 5 });
    const rgb = rgbOf(image);
    const palette = Float64Array.from(result.palette);
    expect(new Set(result.positions).size).toBe(12);
    result.positions.forEach((p, j) => expect(dist2(rgb, p, palette, j)).toBe(0));
    let sse = 0;
    for (let i = 0; i < image.width * image.height; i++) {
      let best = Infinity;
      for (let j = 0; j < 12; j++) best = Math.min(best, dist2(rgb, i, palette, j));
      expect(dist2(rgb, i, palette, result.labels[i]!)).toBe(best);
      sse += best;
      expect(result.image[i * 4 + 3]).toBe(image.data[i * 4 + 3]);
    }
    expect(result.inertia).toBe(sse);
    expect(result.mse).toBeCloseTo(sse / (3 * image.width * image.height), 10);
    // Seeded: same seed, same draw; another seed, another draw.
    expect(Array.from((await randomCodebook(image, { k: 12, seed: 5 })).positions)).toEqual(Array.from(result.positions));
    expect(Array.from((await randomCodebook(image, { k: 12, seed: 6 })).positions)).not.toEqual(Array.from(result.positions));
  });

  it('compareRandomCodebook puts both side by side', async () => {
    const image = crop(coffee, 0, 0, 150, 100);
    const comparison = await compareRandomCodebook(image, { k: 8, seed: 1, backend: 'cpu', maxIterations: 20 });
    expect(comparison.kmeans.k).toBe(8);
    expect(comparison.random.k).toBe(8);
    expect(comparison.inertiaRatio).toBeCloseTo(comparison.random.inertia / comparison.kmeans.inertia, 12);
    expect(comparison.inertiaRatio).toBeGreaterThan(1);
    expect(comparison.psnrGain).toBeGreaterThan(0);
  });

  it('rejects bad arguments', async () => {
    const tiny = crop(coffee, 0, 0, 3, 3);
    await expect(randomCodebook(tiny, { k: 10 })).rejects.toThrow(/options\.k/);
    await expect(randomCodebook(tiny, { k: 0 })).rejects.toThrow(RangeError);
    await expect(randomCodebook(tiny, { seed: 1.5 })).rejects.toThrow(/options\.seed/);
    await expect(randomCodebook(tiny, { k: '4' } as never)).rejects.toThrow(TypeError);
    await expect(randomCodebook(tiny, { kk: 4 } as never)).rejects.toThrow(/options\.kk/);
    await expect(randomCodebook(null as never)).rejects.toThrow(TypeError);
  });
});
