/** algorithm: 'minibatch' — mini-batch k-means, then the exact final assignment. */
import { describe, expect, it } from 'vitest';
import { quantize } from '../src/index.js';
import { loadCoffee } from './helpers/images.js';

describe("algorithm: 'minibatch'", () => {
  it('comes within 10% of full Lloyd on coffee.png, is seeded, reports progress, and labels by nearest palette colour', async () => {
    const image = loadCoffee();
    const lloyd = await quantize(image, { k: 16, backend: 'cpu' });
    const steps: number[] = [];
    const mini = await quantize(image, { k: 16, backend: 'cpu', algorithm: 'minibatch', batchSize: 512, onProgress: (e) => steps.push(e.iteration) });
    const again = await quantize(image, { k: 16, backend: 'cpu', algorithm: 'minibatch', batchSize: 512 });
    expect(mini.inertia).toBeGreaterThanOrEqual(lloyd.inertia * 0.999);
    expect(mini.inertia).toBeLessThan(lloyd.inertia * 1.1);
    expect(Array.from(again.centroids)).toEqual(Array.from(mini.centroids));
    expect(steps).toEqual(Array.from({ length: mini.iterations }, (_, i) => i + 1));
    // Every pixel carries its nearest palette colour's label (the lowest index on ties).
    const px = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
    for (let i = 0; i < px.length; i += 97) {
      const p = px[i]!;
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < mini.paletteSize; j++) {
        const dr = (p & 255) - mini.palette[j * 3]!;
        const dg = ((p >>> 8) & 255) - mini.palette[j * 3 + 1]!;
        const db = ((p >>> 16) & 255) - mini.palette[j * 3 + 2]!;
        const d = dr * dr + dg * dg + db * db;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      expect(mini.labels[i]).toBe(best);
    }
  });

  it('rejects a bad batch size or algorithm before any work', async () => {
    const image = loadCoffee();
    await expect(quantize(image, { algorithm: 'minibatch', batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(quantize(image, { algorithm: 'elkan' as 'lloyd' })).rejects.toThrow(/algorithm/);
  });
});
