/**
 * src/kmeans/filtering-native.ts and filtering-tree.as.ts: the tree built in WebAssembly has the JS tree's
 * nodes, and its walk gives the same cluster sums and labels, bit for bit, as the JS walk (sRGB and OKLab trees, points in and out of Morton order, k from 1
 * to 256, a real photo); without WebAssembly the tree falls back to the JS walk. (test/wasm.test.ts checks
 * the committed module against its source.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { packedToSpace, type ColorSpace } from '../../src/colour-space.js';
import { FilteringLloyd } from '../../src/kmeans/filtering.js';
import { buildHistogram, unpackColours } from '../../src/kmeans/histogram.js';
import { bruteStep, expectSameArray, weightedPoints } from '../helpers/reference.js';
import { loadCoffee, seededRandom } from '../helpers/images.js';

/** Runs both walks from the same centroids for `iterations` Lloyd steps, comparing every assignment exactly. */
function expectSameWalks(points: Float64Array, weights: Float64Array, space: ColorSpace, k: number, seed: number, iterations = 8): void {
  const native = new FilteringLloyd(points, weights, space, { native: true });
  const js = new FilteringLloyd(points, weights, space, { native: false });
  expect(native.isNative).toBe(true);
  expect(js.isNative).toBe(false);
  // The same tree: built in WebAssembly as in JS.
  expect(native.nodeCount).toBe(js.nodeCount);
  expect(native.sumOfSquares).toBe(js.sumOfSquares);
  const random = seededRandom(seed);
  const m = weights.length;
  const init = new Float64Array(k * 3);
  for (let j = 0; j < k; j++) {
    const i = Math.floor(random() * m);
    init.set(points.subarray(i * 3, i * 3 + 3), j * 3);
  }
  native.setCentroids(init);
  js.setCentroids(init);
  for (let t = 0; t < iterations; t++) {
    native.assign();
    js.assign();
    expectSameArray(native.counts, js.counts, `counts, iteration ${t + 1}`);
    expectSameArray(native.sums, js.sums, `sums, iteration ${t + 1}`);
    if (t % 3 === 0) expectSameArray(native.labels, js.labels, `labels, iteration ${t + 1}`);
    expect(native.update()).toBe(js.update());
  }
  expectSameArray(native.labels, js.labels, 'final labels');
  expectSameArray(native.centroids, js.centroids, 'final centroids');
}

describe('the colour tree in WebAssembly', () => {
  it.each([
    [500, 1, 255, 11],
    [4000, 7, 255, 12],
    [3000, 64, 40, 13],
    // Ties everywhere, and k at its largest on a deep tree.
    [800, 30, 3, 14],
    [20000, 256, 255, 15],
  ])('sRGB: %i weighted points, k=%i (coordinates 0..%i): the same sums and labels as the JS walk', (m, k, spread, seed) => {
    const { points, weights } = weightedPoints(m, seed, spread);
    expectSameWalks(points, weights, 'srgb', k, seed + 100);
  });

  it.each([16, 64, 256])('OKLab points of random colours, k=%i: the same sums and labels as the JS walk', (k) => {
    const { points: rgb, weights } = weightedPoints(6000, k, 255);
    const colours = new Uint32Array(weights.length);
    for (let i = 0; i < colours.length; i++) colours[i] = rgb[i * 3]! | (rgb[i * 3 + 1]! << 8) | (rgb[i * 3 + 2]! << 16);
    expectSameWalks(packedToSpace(colours, 'oklab'), weights, 'oklab', k, k + 7);
  });

  it.each(['srgb', 'oklab'] as const)('coffee in %s, k=64: the same sums and labels as the JS walk', (space) => {
    const image = loadCoffee();
    const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, image.data.length / 4);
    const histogram = buildHistogram(pixels, { mortonOrder: space === 'srgb' });
    const points = space === 'srgb' ? unpackColours(histogram.colours) : packedToSpace(histogram.colours, space);
    expectSameWalks(points, histogram.weights, space, 64, 3, 5);
  });

  it('labels come back in point order when the points were sorted, and match brute force', () => {
    const { points, weights } = weightedPoints(3000, 21, 255);
    const lloyd = new FilteringLloyd(points, weights);
    const centroids = points.slice(0, 20 * 3);
    lloyd.setCentroids(centroids);
    lloyd.assign();
    expectSameArray(lloyd.labels, bruteStep(points, weights, centroids).labels, 'labels');
  });
});

describe('without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the tree falls back to the JS walk and still agrees with brute force', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const { FilteringLloyd: Fresh } = await import('../../src/kmeans/filtering.js');
    const { points, weights } = weightedPoints(2000, 22, 255);
    const lloyd = new Fresh(points, weights);
    expect(lloyd.isNative).toBe(false);
    const centroids = points.slice(0, 12 * 3);
    lloyd.setCentroids(centroids);
    lloyd.assign();
    const step = bruteStep(points, weights, centroids);
    expectSameArray(lloyd.labels, step.labels, 'labels');
    expectSameArray(lloyd.counts, step.counts, 'counts');
  });
});
