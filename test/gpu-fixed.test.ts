/**
 * Fixed colours on the WebGPU backend, for real in headless Chromium: reduce.wgsl never updates the first
 * n centroids, so the palette holds them byte for byte, and the fit agrees with the CPU's as the other
 * parity tests ask (labels >= 99.9% equal, inertia within 0.1%).
 */
import { describe, expect, it } from 'vitest';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage();

const FIXED = [
  [255, 255, 255],
  [0, 0, 0],
  [255, 0, 0],
];

describe('fixedColors on WebGPU', () => {
  it.for([
    ['colours', 'srgb'],
    ['pixels', 'srgb'],
    ['colours', 'oklab'],
    ['pixels', 'oklab'],
  ])('keeps the fixed colours exact and agrees with the CPU (iterating on %s, in %s)', async ([iterateOn, colorSpace], { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(
      async ({ iterateOn, colorSpace, fixed }: { iterateOn: string; colorSpace: string; fixed: number[][] }) => {
        const { kmq, loadImageData } = window as any;
        const image = await loadImageData('/test/fixtures/coffee.png');
        const quantizer = kmq.createQuantizer({ gpuIterateOn: iterateOn });
        try {
          const options = { k: 16, seed: 2, fixedColors: fixed, colorSpace };
          const g = await quantizer.quantize(image, { ...options, backend: 'webgpu' });
          const c = await kmq.quantize(image, { ...options, backend: 'cpu' });
          let sameLabels = 0;
          for (let i = 0; i < g.labels.length; i++) if (g.labels[i] === c.labels[i]) sameLabels++;
          return {
            backend: g.backend,
            gpuHead: Array.from(g.palette.subarray(0, fixed.length * 3)),
            gpuCentroidHead: Array.from(g.centroids.subarray(0, fixed.length * 3)),
            cpuHead: Array.from(c.palette.subarray(0, fixed.length * 3)),
            paletteSize: [g.paletteSize, c.paletteSize],
            samePalette: Array.from(g.palette).join() === Array.from(c.palette).join(),
            labelAgreement: sameLabels / g.labels.length,
            inertia: [g.inertia, c.inertia],
          };
        } finally {
          quantizer.destroy();
        }
      },
      { iterateOn: iterateOn!, colorSpace: colorSpace!, fixed: FIXED },
    );
    expect(out.backend).toBe('webgpu');
    expect(out.gpuHead).toEqual(FIXED.flat());
    expect(out.gpuCentroidHead).toEqual(FIXED.flat());
    expect(out.cpuHead).toEqual(FIXED.flat());
    expect(out.paletteSize).toEqual([16, 16]);
    expect(out.labelAgreement).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(out.inertia[0]! - out.inertia[1]!) / out.inertia[1]!).toBeLessThan(1e-3);
    // As on the shipped photo without fixed colours: in sRGB the same palette, so every label the same (in
    // OKLab the GPU's f32 points may round a free entry differently).
    if (colorSpace === 'srgb') expect(out.samePalette).toBe(true);
  });
});
