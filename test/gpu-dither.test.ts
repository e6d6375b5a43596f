/**
 * Dithering on the WebGPU backend, for real in headless Chromium: ordered dithering runs in the GPU's
 * painting pass and gives the CPU's labels and image pixel for pixel in sRGB (whole and in chunks that
 * split rows); error diffusion after a GPU fit or apply runs on the CPU and says so.
 */
import { describe, expect, it } from 'vitest';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage();

describe('dithering on WebGPU', () => {
  it.for([
    { k: 16, maxChunkPixels: undefined },
    { k: 64, maxChunkPixels: 50_176 },
    { k: 256, maxChunkPixels: undefined },
  ])('ordered dithering on the GPU equals the CPU pixel for pixel in sRGB (k = $k, chunk $maxChunkPixels)', async ({ k, maxChunkPixels }, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (k: number, maxChunkPixels: number | undefined) => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer({ maxChunkPixels });
      try {
        const fit = await kmq.fitPalette(image, { k, backend: 'cpu' });
        const g = await quantizer.apply(image, fit, { backend: 'webgpu', dither: 'ordered' });
        const c = await kmq.applyPalette(image, fit, { backend: 'cpu', dither: 'ordered' });
        const plain = await kmq.applyPalette(image, fit, { backend: 'cpu' });
        let labels = 0;
        let moved = 0;
        for (let i = 0; i < c.labels.length; i++) {
          if (g.labels[i] === c.labels[i]) labels++;
          if (c.labels[i] !== plain.labels[i]) moved++;
        }
        let image4 = 0;
        for (let i = 0; i < c.image.length; i++) if (g.image[i] === c.image[i]) image4++;
        return {
          backend: g.backend,
          ditheredOn: [g.ditheredOn, c.ditheredOn],
          n: c.labels.length,
          labels,
          image: image4 === c.image.length,
          moved,
          mse: [g.mse, c.mse],
          inertia: [g.inertia, c.inertia, plain.inertia],
          palette: Array.from(g.palette).every((v, i) => v === fit.palette[i]),
        };
      } finally {
        quantizer.destroy();
      }
    }, k, maxChunkPixels);
    expect(out.backend).toBe('webgpu');
    expect(out.ditheredOn).toEqual(['webgpu', 'cpu']);
    expect(out.labels).toBe(out.n);
    expect(out.image).toBe(true);
    expect(out.palette).toBe(true);
    expect(out.moved / out.n).toBeGreaterThan(0.05);
    expect(out.mse[0]).toBeCloseTo(out.mse[1]!, 9);
    // The objective stays the undithered one on both.
    expect(Math.abs(out.inertia[0]! - out.inertia[2]!) / out.inertia[2]!).toBeLessThan(1e-3);
    expect(out.inertia[1]).toBe(out.inertia[2]);
  });

  it('ordered dithering in OKLab: the GPU (f32) agrees with the CPU (f64) on at least 99.9% of the pixels', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const fit = await kmq.fitPalette(image, { k: 64, backend: 'cpu' });
      const options = { dither: 'ordered', colorSpace: 'oklab' };
      const g = await kmq.applyPalette(image, fit, { ...options, backend: 'webgpu' });
      const c = await kmq.applyPalette(image, fit, { ...options, backend: 'cpu' });
      const srgb = await kmq.applyPalette(image, fit, { dither: 'ordered', backend: 'cpu' });
      let same = 0;
      let sameAsSrgb = 0;
      for (let i = 0; i < c.labels.length; i++) {
        if (g.labels[i] === c.labels[i]) same++;
        if (srgb.labels[i] === c.labels[i]) sameAsSrgb++;
      }
      // A fit in OKLab on the GPU from a sample: the objective is measured in OKLab at the float centroids,
      // with or without the dithering that follows.
      const quantizer = kmq.createQuantizer({ backend: 'webgpu' });
      const sampled = { k: 16, sampleSize: 20000, colorSpace: 'oklab' };
      const [dithered, plain] = [await quantizer.quantize(image, { ...sampled, dither: 'ordered' }), await quantizer.quantize(image, sampled)];
      quantizer.destroy();
      return {
        backend: g.backend, ditheredOn: g.ditheredOn, colorSpace: g.colorSpace, n: c.labels.length, same, sameAsSrgb,
        inertia: [g.inertia, c.inertia], sampledInertia: [dithered.inertia, plain.inertia], sampledBackend: dithered.backend,
      };
    });
    expect(Math.abs(out.inertia[0]! - out.inertia[1]!) / out.inertia[1]!).toBeLessThan(1e-3);
    expect(out.sampledBackend).toBe('webgpu');
    expect(Math.abs(out.sampledInertia[0]! - out.sampledInertia[1]!) / out.sampledInertia[1]!).toBeLessThan(1e-6);
    expect(out.backend).toBe('webgpu');
    expect(out.ditheredOn).toBe('webgpu');
    expect(out.colorSpace).toBe('oklab');
    expect(out.same / out.n).toBeGreaterThanOrEqual(0.999);
    // Measuring in OKLab does change the choices.
    expect(out.sameAsSrgb / out.n).toBeLessThan(0.99);
  });

  it('error diffusion after a GPU fit runs on the CPU, says so, and equals the CPU apply of the same palette', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer({ backend: 'webgpu' });
      try {
        const g = await quantizer.quantize(image, { k: 16, seed: 2, dither: 'diffusion' });
        const c = await kmq.applyPalette(image, g, { backend: 'cpu', dither: 'diffusion' });
        const plain = await kmq.applyPalette(image, g, { backend: 'cpu' });
        const same = g.labels.length === c.labels.length && g.labels.every((v: number, i: number) => v === c.labels[i]);
        return { backend: g.backend, ditheredOn: g.ditheredOn, same, image: g.image.every((v: number, i: number) => v === c.image[i]), inertia: [g.inertia, plain.inertia], mse: [g.mse, c.mse] };
      } finally {
        quantizer.destroy();
      }
    });
    expect(out.backend).toBe('webgpu');
    expect(out.ditheredOn).toBe('cpu');
    expect(out.same).toBe(true);
    expect(out.image).toBe(true);
    expect(out.mse[0]).toBeCloseTo(out.mse[1]!, 9);
    expect(Math.abs(out.inertia[0]! - out.inertia[1]!) / out.inertia[1]!).toBeLessThan(1e-3);
  });
});
