/**
 * src/kmeans/seeding-native.ts and seeding-kpp.as.ts: greedy k-means++ with its loops in WebAssembly picks
 * the same centroids, in the same order, as with its loops in JS (sRGB and OKLab samples, given seeds,
 * k from 1 to 256, more centroids than distinct points); without WebAssembly the JS loops run.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { packedToSpace } from '../../src/colour-space.js';
import { kmeansPlusPlusSteps, runSteps } from '../../src/kmeans/init.js';
import { createRandom } from '../../src/kmeans/random.js';
import { expectSameArray, weightedPoints } from '../helpers/reference.js';

function both(points: Float64Array, weights: Float64Array, k: number, seed: number, seeds?: Float64Array): Float64Array {
  const native = runSteps(kmeansPlusPlusSteps({ points, weights }, k, createRandom(seed), seeds));
  const js = runSteps(kmeansPlusPlusSteps({ points, weights }, k, createRandom(seed), seeds, { native: false }));
  expectSameArray(native, js, `centroids, k=${k}`);
  return native;
}

describe('k-means++ in WebAssembly', () => {
  it.each([1, 2, 16, 64, 256])('sRGB sample of 3000 points, k=%i: the same centroids as the JS loops', (k) => {
    const { points, weights } = weightedPoints(3000, k + 3, 255);
    const centroids = both(points, weights, k, k);
    expect(centroids.length).toBe(k * 3);
  });

  it('OKLab points, k=64: the same centroids as the JS loops', () => {
    const { points: rgb, weights } = weightedPoints(4000, 8, 255);
    const colours = new Uint32Array(weights.length);
    for (let i = 0; i < colours.length; i++) colours[i] = rgb[i * 3]! | (rgb[i * 3 + 1]! << 8) | (rgb[i * 3 + 2]! << 16);
    both(packedToSpace(colours, 'oklab'), weights, 64, 5);
  });

  it('given seeds are kept first, and the rest are the same as the JS loops', () => {
    const { points, weights } = weightedPoints(2000, 12, 255);
    const seeds = Float64Array.from([0, 0, 0, 255, 255, 255, 128, 0, 64]);
    const centroids = both(points, weights, 20, 4, seeds);
    expect([...centroids.subarray(0, 9)]).toEqual([...seeds]);
  });

  it('more centroids asked for than distinct points: it stops where the JS loops stop', () => {
    const { points, weights } = weightedPoints(40, 13, 2);
    const centroids = both(points, weights, 64, 6);
    expect(centroids.length).toBeLessThan(64 * 3);
  });
});

describe('k-means++ without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('runs the JS loops, with the same centroids', async () => {
    const { points, weights } = weightedPoints(1500, 14, 255);
    const withWasm = runSteps(kmeansPlusPlusSteps({ points, weights }, 24, createRandom(9)));
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/kmeans/init.js');
    const random = await import('../../src/kmeans/random.js');
    expectSameArray(fresh.runSteps(fresh.kmeansPlusPlusSteps({ points, weights }, 24, random.createRandom(9))), withWasm, 'centroids');
  });
});
