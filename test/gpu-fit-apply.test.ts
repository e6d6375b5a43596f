/**
 * Fit and apply as separate steps on the WebGPU backend, for real in headless Chromium: a palette fitted
 * on the CPU and applied on the GPU gives the CPU's labels and image byte for byte, and a GPU fit + apply
 * equals a GPU quantize().
 */
import { describe, expect, it } from 'vitest';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage();


describe('fit and apply on WebGPU', () => {
  it.for(['colours', 'pixels'])('applies a CPU-fitted palette to another image exactly as the CPU does (iterating on %s)', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string) => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const top = new ImageData(image.data.slice(0, 600 * 200 * 4), 600, 200);
      const fit = await kmq.fitPalette(top, { k: 16, backend: 'cpu' });
      const quantizer = kmq.createQuantizer({ gpuIterateOn: iterateOn });
      try {
        const g = await quantizer.apply(image, fit, { backend: 'webgpu' });
        const c = await kmq.applyPalette(image, fit, { backend: 'cpu' });
        const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
        return {
          backend: g.backend,
          labels: same(g.labels, c.labels),
          image: same(g.image, c.image),
          palette: same(g.palette, fit.palette),
          mse: [g.mse, c.mse],
          inertia: [g.inertia, c.inertia],
          submits: g.gpu?.submits,
        };
      } finally {
        quantizer.destroy();
      }
    }, iterateOn);
    expect(out.backend).toBe('webgpu');
    expect(out.labels).toBe(true);
    expect(out.image).toBe(true);
    expect(out.palette).toBe(true);
    expect(out.mse[0]).toBeCloseTo(out.mse[1]!, 6);
    expect(Math.abs(out.inertia[0]! - out.inertia[1]!) / out.inertia[1]!).toBeLessThan(1e-3);
    expect(out.submits).toBeGreaterThan(0);
  });

  it('a GPU fit followed by a GPU apply equals a GPU quantize()', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer({ backend: 'webgpu' });
      try {
        const whole = await quantizer.quantize(image, { k: 16, seed: 3 });
        const fit = await quantizer.fit(image, { k: 16, seed: 3 });
        const applied = await quantizer.apply(image, fit);
        const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
        return { backends: [whole.backend, fit.backend, applied.backend], centroids: same(fit.centroids, whole.centroids), labels: same(applied.labels, whole.labels), image: same(applied.image, whole.image), iterations: [fit.iterations, whole.iterations] };
      } finally {
        quantizer.destroy();
      }
    });
    expect(out.backends).toEqual(['webgpu', 'webgpu', 'webgpu']);
    expect(out.centroids).toBe(true);
    expect(out.labels).toBe(true);
    expect(out.image).toBe(true);
    expect(out.iterations[0]).toBe(out.iterations[1]);
  });
});
