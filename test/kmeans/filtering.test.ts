/**
 * src/kmeans/filtering.ts: the colour tree's assignments, sums and updates equal a plain brute-force
 * weighted Lloyd's at every iteration (ties, duplicate centroids, deep trees, points already in Morton
 * order, a jump of the centroids mid-run), with the walk in WebAssembly (the default) and in JS.
 */
import { describe, expect, it } from 'vitest';
import { FilteringLloyd } from '../../src/kmeans/filtering.js';
import { mortonKey } from '../../src/kmeans/morton.js';
import {
  bruteStep,
  expectClose,
  expectRelClose,
  expectSameArray,
  weightedPoints,
} from '../helpers/reference.js';
import { seededRandom } from '../helpers/images.js';

describe.each([
  ['WebAssembly', true],
  ['JS', false],
])('FilteringLloyd against a brute-force Lloyd, walk in %s', (_engine, native) => {
  const tree = (points: Float64Array, weights: Float64Array) => {
    const lloyd = new FilteringLloyd(points, weights, 'srgb', { native });
    expect(lloyd.isNative).toBe(native);
    return lloyd;
  };

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
    const lloyd = tree(points, weights);
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
    const lloyd = tree(points, weights);
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

  it('FilteringLloyd: a duplicate initial centroid starts empty, keeps its place, then agrees with brute force', () => {
    const { points, weights } = weightedPoints(500, 5, 255);
    const init = Float64Array.from([...points.subarray(0, 3), ...points.subarray(0, 3), ...points.subarray(30, 33), ...points.subarray(60, 63)]);
    const lloyd = tree(points, weights);
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
    const lloyd = tree(points, weights);
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

});
