/** A quantizer keeps the last image's colour histogram between calls; it must never serve a stale one. */
import { describe, expect, it } from 'vitest';
import { createQuantizer, quantize } from '../src/index.js';
import { loadCoffee } from './helpers/images.js';

describe('createQuantizer() reuse', () => {
  it('gives the same results as fresh calls, also after the pixels change in place', async () => {
    const image = loadCoffee();
    const quantizer = createQuantizer({ backend: 'cpu', threads: 1 });
    try {
      for (const k of [8, 12]) {
        const reused = await quantizer.quantize(image, { k });
        const fresh = await quantize(image, { k, backend: 'cpu', threads: 1 });
        expect(Array.from(reused.centroids)).toEqual(Array.from(fresh.centroids));
        expect(reused.inertia).toBe(fresh.inertia);
      }
      // The same buffer, new content (as video frames often are): a new histogram.
      for (let i = 0; i < image.data.length; i += 4) image.data[i] = 255 - image.data[i]!;
      const reused = await quantizer.quantize(image, { k: 8 });
      const fresh = await quantize(image, { k: 8, backend: 'cpu', threads: 1 });
      expect(Array.from(reused.centroids)).toEqual(Array.from(fresh.centroids));
      expect(Buffer.from(reused.labels).equals(Buffer.from(fresh.labels))).toBe(true);
    } finally {
      quantizer.destroy();
    }
  });
});
