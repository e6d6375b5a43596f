/** End-to-end CPU runs of quantize() with attempts, a sampleSize, and cancellation through an AbortSignal. */
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers/promises.js';
import { type ProgressEvent, quantize } from '../src/index.js';
import {
  expectNearestLabels,
  expectRelClose,
  expectSameArray,
  firstMismatch,
  objective,
} from './helpers/reference.js';
import { crop, loadCoffee, type TestImage } from './helpers/images.js';

const coffee = loadCoffee();


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


describe('cancellation', () => {
  it('an already-aborted signal rejects with AbortError before any work', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const { input, reads } = watchedImage(coffee);
    let progress = 0;
    const error = await rejection(quantize(input, { backend: 'cpu', signal: controller.signal, onProgress: () => progress++ }));
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('AbortError');
    expect((error as { cause?: unknown }).cause).toBe(reason);
    // The image is validated first (one look at its data, so that a bad image is reported even when the
    // signal has fired), and nothing more.
    expect(reads()).toBe(1);
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
    expect(error.name).toBe('AbortError');
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
    expect(error.name).toBe('AbortError');
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
    expect(error.name).toBe('AbortError');
    expect([...attempts]).toEqual([1, 2]);
  });
});
