/**
 * colorSpace 'oklab' on the WebGPU backend for real (the WGSL kernels in headless Chromium: SwiftShader on
 * machines without a GPU), against the CPU backend in the same page, on the shipped photo: the kernels
 * convert to OKLab in f32 and sum in fixed point, the CPU in float64, so labels agree on at least 99.9% of
 * the pixels and inertia within 0.1%; each GPU label is its pixel's nearest palette colour in OKLab up to
 * f32 rounding (checked here by brute force in float64).
 */
import { describe, expect, it } from 'vitest';
import { srgbToOklab, toSpace } from '../src/colour-space.js';
import { useGpuPage } from './browser/harness.js';
import { loadCoffee } from './helpers/images.js';

const page = useGpuPage();
const coffee = loadCoffee();

/** Coffee's pixels as OKLab points, as the CPU measures them. */
const points = (() => {
  const n = coffee.width * coffee.height;
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) srgbToOklab(coffee.data[i * 4]!, coffee.data[i * 4 + 1]!, coffee.data[i * 4 + 2]!, out, i * 3);
  return out;
})();

/**
 * Pixels whose label is not their nearest palette colour in OKLab by more than `slack` (squared units):
 * f32 conversion and distances may flip near-ties only.
 */
function farFromNearest(labels: ArrayLike<number>, palette: ArrayLike<number>, slack: number): number {
  const centres = toSpace(Uint8Array.from(palette), 'oklab');
  const d2 = (i: number, j: number) => (points[i * 3]! - centres[j * 3]!) ** 2 + (points[i * 3 + 1]! - centres[j * 3 + 1]!) ** 2 + (points[i * 3 + 2]! - centres[j * 3 + 2]!) ** 2;
  let far = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = Infinity;
    for (let j = 0; j < centres.length / 3; j++) best = Math.min(best, d2(i, j));
    if (d2(i, labels[i]!) > best + slack) far++;
  }
  return far;
}

interface Pair {
  backend: string;
  fallbackReason: string | null;
  agree: number;
  inertia: number[];
  mse: number[];
  colorSpace: string;
  labels: number[];
  palette: number[];
  paletteSize: number;
  iterateOn: string | null;
}

describe("colorSpace 'oklab' on WebGPU", () => {
  it.for([
    [16, 'colours'],
    [64, 'colours'],
    [16, 'pixels'],
    [64, 'pixels'],
    [16, 'pixels in chunks'],
  ] as const)('matches the CPU backend on coffee.png at k=%i, iterating on %s', async ([k, how], { skip }) => {
    if (!page.gpu) skip();
    const iterateOn = how.startsWith('pixels') ? 'pixels' : 'colours';
    const chunked = how.endsWith('chunks');
    const out: Pair = await page.session!.page.evaluate(async (k: number, iterateOn: string, chunked: boolean) => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer({ gpuIterateOn: iterateOn, ...(chunked ? { maxChunkPixels: 50_176 } : {}) });
      try {
        const g = await quantizer.quantize(image, { k, backend: 'webgpu', seed: 7, colorSpace: 'oklab' });
        const c = await kmq.quantize(image, { k, backend: 'cpu', seed: 7, colorSpace: 'oklab' });
        let same = 0;
        for (let i = 0; i < g.labels.length; i++) if (g.labels[i] === c.labels[i]) same++;
        return {
          backend: g.backend,
          fallbackReason: g.fallbackReason ?? null,
          agree: same / g.labels.length,
          inertia: [g.inertia, c.inertia],
          mse: [g.mse, c.mse],
          colorSpace: g.colorSpace,
          labels: Array.from(g.labels as Uint8Array),
          palette: Array.from(g.palette as Uint8Array),
          paletteSize: g.paletteSize,
          iterateOn: g.gpu?.iterateOn ?? null,
        };
      } finally {
        quantizer.destroy();
      }
    }, k, iterateOn, chunked);
    expect(out.backend).toBe('webgpu');
    expect(out.fallbackReason).toBeNull();
    expect(out.iterateOn).toBe(iterateOn);
    expect(out.colorSpace).toBe('oklab');
    expect(out.paletteSize).toBe(k);
    expect(new Set(Array.from({ length: k }, (_, j) => out.palette.slice(j * 3, j * 3 + 3).join())).size).toBe(k);
    expect(out.agree).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(out.inertia[0]! - out.inertia[1]!) / out.inertia[1]!).toBeLessThanOrEqual(0.001);
    // MSE is sRGB on both: close, since the labels are.
    expect(Math.abs(out.mse[0]! - out.mse[1]!) / out.mse[1]!).toBeLessThanOrEqual(0.005);
    expect(farFromNearest(out.labels, out.palette, 0.05)).toBe(0);
  });

  it.for(['colours', 'pixels'])('applies a CPU-fitted OKLab palette as the CPU does, and fits a sample (iterating on %s)', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string) => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const fit = await kmq.fitPalette(image, { k: 32, backend: 'cpu', colorSpace: 'oklab' });
      const quantizer = kmq.createQuantizer({ gpuIterateOn: iterateOn });
      try {
        const g = await quantizer.apply(image, fit, { backend: 'webgpu', colorSpace: 'oklab' });
        const c = await kmq.applyPalette(image, fit, { backend: 'cpu', colorSpace: 'oklab' });
        const gs = await quantizer.quantize(image, { k: 16, backend: 'webgpu', colorSpace: 'oklab', sampleSize: 20000 });
        const cs = await kmq.quantize(image, { k: 16, backend: 'cpu', colorSpace: 'oklab', sampleSize: 20000 });
        const agree = (a: Uint8Array, b: Uint8Array) => a.reduce((n: number, v: number, i: number) => n + (v === b[i] ? 1 : 0), 0) / a.length;
        return {
          backend: [g.backend, gs.backend],
          agree: agree(g.labels, c.labels),
          sampleAgree: agree(gs.labels, cs.labels),
          mse: [g.mse, c.mse],
          inertia: [g.inertia, c.inertia],
          sampleInertia: [gs.inertia, cs.inertia],
        };
      } finally {
        quantizer.destroy();
      }
    }, iterateOn);
    expect(out.backend).toEqual(['webgpu', 'webgpu']);
    expect(out.agree).toBeGreaterThanOrEqual(0.9999);
    expect(Math.abs(out.mse[0]! - out.mse[1]!) / out.mse[1]!).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(out.inertia[0]! - out.inertia[1]!) / out.inertia[1]!).toBeLessThanOrEqual(1e-3);
    expect(out.sampleAgree).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(out.sampleInertia[0]! - out.sampleInertia[1]!) / out.sampleInertia[1]!).toBeLessThanOrEqual(1e-3);
  });
});
