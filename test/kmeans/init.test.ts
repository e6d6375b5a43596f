/**
 * src/kmeans/init.ts: relocateWeakest moves centroids where they lower the error and never does worse;
 * an init job with relocations is never worse on its sample than without.
 */
import { describe, expect, it } from 'vitest';
import { refineOnSample, relocateWeakest, runInitJob } from '../../src/kmeans/init.js';
import { weightedPoints } from '../helpers/reference.js';

describe('initialisation: relocations', () => {
  /** A long bar of colours (much error for one centroid) and two tight blobs, as weighted points. */
  function barAndBlobs(): { points: Float64Array; weights: Float64Array } {
    const rows: number[][] = [];
    for (let r = 60; r <= 250; r += 2) rows.push([r, 50, 50, 10]);
    for (let d = -2; d <= 2; d++) rows.push([20 + d, 20, 200, 8], [30, 200 + d, 30, 8]);
    return { points: Float64Array.from(rows.flatMap((p) => p.slice(0, 3))), weights: Float64Array.from(rows.map((p) => p[3]!)) };
  }

  it('relocateWeakest moves a centroid that splits a tight blob to the bar that needs it, and never does worse', () => {
    const sample = barAndBlobs();
    // A poor local optimum: two centroids share the blue blob, one covers the whole bar.
    const start = refineOnSample(sample, Float64Array.from([19, 20, 200, 21, 20, 200, 150, 50, 50, 30, 200, 30]), 100, 0.01);
    expect(start.centroids[0]! < 25 && start.centroids[3]! < 25).toBe(true);
    const moved = relocateWeakest(sample, start, 8, 100, 0.01);
    expect(moved.inertia).toBeLessThan(start.inertia * 0.5);
    const c = moved.centroids;
    const onBar = [0, 1, 2, 3].filter((j) => Math.abs(c[j * 3 + 1]! - 50) < 1 && Math.abs(c[j * 3 + 2]! - 50) < 1);
    expect(onBar.length).toBe(2);
    // Deterministic, and no worse when nothing helps (already at the better optimum).
    expect(Array.from(relocateWeakest(sample, start, 8, 100, 0.01).centroids)).toEqual(Array.from(c));
    expect(relocateWeakest(sample, moved, 8, 100, 0.01).inertia).toBeLessThanOrEqual(moved.inertia);
  });

  it('relocateWeakest with k = 3 and 4 (fewer clusters than its pairs of 4) moves only real centroids', () => {
    const sample = barAndBlobs();
    for (const k of [3, 4]) {
      const start = refineOnSample(sample, sample.points.slice(0, k * 3), 100, 0.01);
      const moved = relocateWeakest(sample, start, 24, 100, 0.01);
      expect(moved.centroids.length).toBe(k * 3);
      expect(moved.centroids.every((v) => Number.isFinite(v) && v >= 0 && v <= 255)).toBe(true);
      expect(moved.inertia).toBeLessThanOrEqual(start.inertia);
    }
  });

  it('an init job with relocations is never worse on the sample than without', () => {
    const { points, weights } = weightedPoints(3000, 12, 255);
    const sample = { points, weights };
    for (const k of [8, 24]) {
      const job = { seedSample: sample, refineSample: sample, k, method: 'kmeans++' as const, candidates: 2, seed: 5, stream: 101, maxIterations: 100, tolerance: 0.25 };
      const inertia = (c: Float64Array) => refineOnSample(sample, c, 1, 0).inertia;
      expect(inertia(runInitJob({ ...job, relocations: 6 }))).toBeLessThanOrEqual(inertia(runInitJob({ ...job, relocations: 0 })));
    }
  });
});
