/**
 * Reliability of the k-means paths (repros from a fuzz campaign): the palette has min(k, distinct colours)
 * entries, all distinct and all used, whatever the initial centroids, the sample or the algorithm; mini-batch
 * batches are capped by the pixel count; an abort lands within a few milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { quantize, type QuantizeOptions, type QuantizeResult } from '../src/index.js';
import { createCpuSession } from '../src/kmeans/cpu.js';
import { runLloyd } from '../src/kmeans/lloyd.js';
import { beginInit, initSamples } from '../src/kmeans/seeding.js';
import { resolveOptions } from '../src/options.js';
import type { FitSession } from '../src/kmeans/session.js';
import { randomImage, seededRandom, randomInt, type TestImage } from './helpers/images.js';

function image(width: number, height: number, colour: (x: number, y: number, i: number) => [number, number, number]): TestImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...colour(i % width, Math.floor(i / width), i), 255], i * 4);
  return { data, width, height };
}

function distinctColours(img: TestImage): number {
  const colours = new Set<number>();
  for (let i = 0; i < img.data.length; i += 4) colours.add(img.data[i]! | (img.data[i + 1]! << 8) | (img.data[i + 2]! << 16));
  return colours.size;
}

/** The acceptance of every fix: min(k, distinct colours) entries, all distinct, each used by a label, labels in range. */
function expectFullPalette(img: TestImage, result: QuantizeResult, k: number): void {
  expect(result.paletteSize).toBe(Math.min(k, distinctColours(img)));
  const entries = new Set<string>();
  for (let j = 0; j < result.paletteSize; j++) entries.add(Array.from(result.palette.subarray(j * 3, j * 3 + 3)).join(','));
  expect(entries.size).toBe(result.paletteSize);
  const used = new Set<number>();
  let highest = 0;
  for (const label of result.labels) {
    used.add(label);
    highest = Math.max(highest, label);
  }
  expect(highest).toBeLessThan(result.paletteSize);
  expect(used.size).toBe(result.paletteSize);
}

const repeated = (k: number): [number, number, number][] => Array.from({ length: k }, () => [7, 7, 7]);
const gradient = image(64, 64, (x, y) => [x * 4, y * 4, 128]);

async function fit(img: TestImage, options: QuantizeOptions): Promise<QuantizeResult> {
  const result = await quantize(img, { backend: 'cpu', ...options });
  expectFullPalette(img, result, options.k ?? 16);
  return result;
}

describe('Lloyd: empty clusters are re-seeded at distinct points', () => {
  it('k = 64 from 64 repeats of one colour on random RGB (issue: 48 entries after 100 iterations)', async () => {
    const noise = randomImage(200, 200, 1);
    await fit(noise, { k: 64, init: repeated(64) });
    // The repeats used to leave the pile one per iteration, and the empty ones were dropped at the end:
    // on this image 20 entries after 20 iterations.
    await fit(noise, { k: 64, init: repeated(64), maxIterations: 20 });
  });

  it('k = 4 from 4 repeats with maxIterations 1 on a gradient (was 1 entry)', async () => {
    await fit(gradient, { k: 4, maxIterations: 1, init: repeated(4) });
  });

  it('a warm start far from the image keeps k entries (issue: 59 of 62; here 31 of 62 in 20 iterations)', async () => {
    const random = seededRandom(3);
    const noise = image(200, 200, () => [randomInt(random, 0, 127), randomInt(random, 0, 127), randomInt(random, 0, 127)]);
    const warm = new Float64Array(62 * 3);
    for (let j = 0; j < 62; j++) warm.set(j < 31 ? [randomInt(random, 0, 127), randomInt(random, 0, 127), randomInt(random, 0, 127)] : [255, 255, 255 - j], j * 3);
    await fit(noise, { k: 62, warmStart: warm, maxIterations: 20 });
    await fit(noise, { k: 62, warmStart: warm });
    const far = new Float64Array(62 * 3);
    for (let j = 0; j < 62; j++) far.set([255, 255, 255 - j], j * 3);
    await fit(gradient, { k: 62, warmStart: far, maxIterations: 2 });
  });

  it('init given with repeats gives min(k, distinct colours) entries, and is deterministic', async () => {
    const init: [number, number, number][] = [[0, 0, 0], [0, 0, 0], [255, 255, 255], [0, 0, 0], [255, 255, 255], [9, 9, 9], [9, 9, 9], [9, 9, 9]];
    const first = await fit(gradient, { k: 8, init });
    const again = await fit(gradient, { k: 8, init });
    expect(Array.from(again.palette)).toEqual(Array.from(first.palette));
    expect(Array.from(again.labels)).toEqual(Array.from(first.labels));
    await fit(randomImage(40, 30, 7), { k: 8, init, maxIterations: 1 });
  });

  it('an image whose init sample holds fewer than k colours still gets k entries (was 1 of 64)', async () => {
    const random = seededRandom(11);
    const sparse = image(512, 512, () => [255, 255, 255]);
    for (let t = 0; t < 100; t++) sparse.data.set([randomInt(random, 0, 255), randomInt(random, 0, 255), randomInt(random, 0, 255)], randomInt(random, 0, 512 * 512 - 1) * 4);
    await fit(sparse, { k: 64 });
    await fit(sparse, { k: 64, algorithm: 'minibatch' });
  });

  it('a session that keeps its counts across setCentroids (as the GPU does) keeps clusters re-seeded on the last iteration', async () => {
    const pixels = new Uint32Array(gradient.data.buffer, gradient.data.byteOffset, 64 * 64);
    const cpu = await createCpuSession(pixels, pixels, 1);
    let counts: Float64Array | undefined;
    const session: FitSession = {
      ...cpu,
      iterate: async (count, tolerance) => {
        const stats = await cpu.iterate(count, tolerance);
        counts = (await cpu.state()).counts;
        return stats;
      },
      state: async () => ({ centroids: (await cpu.state()).centroids, counts: counts ?? new Float64Array(0) }),
    };
    const far = new Float64Array(8 * 3);
    for (let j = 0; j < 8; j++) far.set([255, 255, 255 - j], j * 3);
    const colours = new Float64Array(64 * 64 * 3);
    for (let i = 0; i < 64 * 64; i++) colours.set([gradient.data[i * 4]!, gradient.data[i * 4 + 1]!, gradient.data[i * 4 + 2]!], i * 3);
    const sample = { points: colours, weights: new Float64Array(64 * 64).fill(1) };
    // Iteration 1 gives every pixel to one centroid, iteration 2 settles it: the 7 others are re-seeded, and the loop ends.
    const outcome = await runLloyd(session, far, { maxIterations: 2, tolerance: 0.01, attempt: 1, signal: undefined, onProgress: undefined, reseedFrom: { sample } });
    expect(outcome.iterations).toBe(2);
    expect(outcome.centroids.length).toBe(8 * 3);
    cpu.destroy();
  });
});

describe('sampleSize near k', () => {
  it('a 16-pixel sample of a 20-colour image gets 16 entries (was 14), the same for the same seed', async () => {
    const random = seededRandom(2);
    const colours = Array.from({ length: 20 }, () => [randomInt(random, 0, 255), randomInt(random, 0, 255), randomInt(random, 0, 255)] as [number, number, number]);
    const twenty = image(100, 100, (_x, _y, i) => colours[i % 20]!);
    for (const seed of [0, 1, 2, 3]) {
      const first = await fit(twenty, { k: 16, sampleSize: 16, seed });
      const again = await fit(twenty, { k: 16, sampleSize: 16, seed });
      expect(Array.from(again.palette)).toEqual(Array.from(first.palette));
      expect(Array.from(again.labels)).toEqual(Array.from(first.labels));
    }
  });
});

describe("algorithm: 'minibatch'", () => {
  it('k = 32 from 32 repeats on noise: 32 distinct entries, all used (issue: 18 distinct; here 26)', async () => {
    await fit(randomImage(158, 148, 5), { k: 32, init: repeated(32), algorithm: 'minibatch' });
  });

  it('a centre that owns no pixel is re-seeded (it never moved, and its entry went unused)', async () => {
    // Every pixel of the gradient has blue 128: the second centre is farther than the first from all of them.
    const init: [number, number, number][] = [[126, 126, 128], [126, 126, 255], [0, 0, 128], [252, 252, 128]];
    await fit(gradient, { k: 4, init, algorithm: 'minibatch' });
  });

  it('caps the batch at the pixel count: a 6x6 and a 1x34 image with batchSize 2^24 finish at once (were 11.5 s and 23.7 s)', async () => {
    for (const [img, options] of [
      [randomImage(6, 6, 1), { maxIterations: 10 }],
      [randomImage(1, 34, 2), {}],
    ] as const) {
      const t0 = performance.now();
      await fit(img, { k: 16, algorithm: 'minibatch', batchSize: 2 ** 24, ...options });
      expect(performance.now() - t0).toBeLessThan(1000);
    }
  });
});

/** Aborts 20 ms after the first progress event; returns how long after that the run rejected. */
async function abortLatency(img: TestImage, options: QuantizeOptions): Promise<number> {
  const controller = new AbortController();
  let planned = Infinity;
  const onProgress = (): void => {
    if (planned !== Infinity) return;
    planned = performance.now() + 20;
    setTimeout(() => controller.abort(), 20);
  };
  const run = quantize(img, { backend: 'cpu', ...options, signal: controller.signal, onProgress });
  await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  return performance.now() - planned;
}

describe('cancellation', () => {
  const noise = randomImage(512, 512, 9);

  it('an abort lands within a batch of mini-batch k-means (one batch of 2^24 took about 1 s)', async () => {
    expect(await abortLatency(noise, { k: 64, algorithm: 'minibatch', batchSize: 2 ** 24 })).toBeLessThan(200);
  });

  it('an abort lands between Lloyd iterations', async () => {
    expect(await abortLatency(noise, { k: 64, threads: 1, tolerance: 0, maxIterations: 1000 })).toBeLessThan(200);
  });

  it('an abort lands while the initial centroids are picked and polished on this thread', async () => {
    const pixels = new Uint32Array(noise.data.buffer, noise.data.byteOffset, 512 * 512);
    for (const algorithm of ['lloyd', 'minibatch'] as const) {
      const whole = resolveOptions({ k: 256, threads: 1, algorithm });
      const t0 = performance.now();
      await beginInit(whole, initSamples(pixels, whole), 1)();
      const uninterrupted = performance.now() - t0;
      const controller = new AbortController();
      const options = resolveOptions({ k: 256, threads: 1, algorithm, signal: controller.signal });
      const init = beginInit(options, initSamples(pixels, options), 1);
      setTimeout(() => controller.abort(), 0);
      const t1 = performance.now();
      await expect(init()).rejects.toMatchObject({ name: 'AbortError' });
      // k-means++ picks 256 centroids (and Lloyd polishes them) in 60-400 ms here; the abort lands at the first turn.
      expect(performance.now() - t1).toBeLessThan(Math.min(50, uninterrupted / 2));
    }
  });
});
