/**
 * Colour science and quality metrics of src/analysis: CIEDE2000 against the test pairs published with
 * Sharma, Wu and Dalal (2005), sRGB -> CIELAB reference values, SSIM against a direct (non-streaming)
 * computation and its behaviour under noise, and the quality report's per-pixel numbers against brute force.
 */
import { describe, expect, it } from 'vitest';
import { ciede2000, qualityReport, srgbToLab, ssim, type RgbaImage } from '../src/index.js';
import { crop, loadCoffee, randomInt, seededRandom, type TestImage } from './helpers/images.js';

// [L1, a1, b1, L2, a2, b2, ΔE00] from Table 1 of Sharma, Wu & Dalal (2005).
const SHARMA: ReadonlyArray<readonly [number, number, number, number, number, number, number]> = [
  [50, 2.6772, -79.7751, 50, 0, -82.7485, 2.0425],
  [50, 3.1571, -77.2803, 50, 0, -82.7485, 2.8615],
  [50, 2.8361, -74.02, 50, 0, -82.7485, 3.4412],
  [50, -1.3802, -84.2814, 50, 0, -82.7485, 1.0],
  [50, -1.1848, -84.8006, 50, 0, -82.7485, 1.0],
  [50, -0.9009, -85.5211, 50, 0, -82.7485, 1.0],
  [50, 0, 0, 50, -1, 2, 2.3669],
  [50, -1, 2, 50, 0, 0, 2.3669],
  [50, 2.49, -0.001, 50, -2.49, 0.0009, 7.1792],
  [50, 2.49, -0.001, 50, -2.49, 0.001, 7.1792],
  [50, 2.49, -0.001, 50, -2.49, 0.0011, 7.2195],
  [50, 2.49, -0.001, 50, -2.49, 0.0012, 7.2195],
  [50, -0.001, 2.49, 50, 0.0009, -2.49, 4.8045],
  [50, -0.001, 2.49, 50, 0.001, -2.49, 4.8045],
  [50, -0.001, 2.49, 50, 0.0011, -2.49, 4.7461],
  [50, 2.5, 0, 50, 0, -2.5, 4.3065],
  [50, 2.5, 0, 73, 25, -18, 27.1492],
  [50, 2.5, 0, 61, -5, 29, 22.8977],
  [50, 2.5, 0, 56, -27, -3, 31.903],
  [50, 2.5, 0, 58, 24, 15, 19.4535],
  [50, 2.5, 0, 50, 3.1736, 0.5854, 1.0],
  [50, 2.5, 0, 50, 3.2972, 0, 1.0],
  [50, 2.5, 0, 50, 1.8634, 0.5757, 1.0],
  [50, 2.5, 0, 50, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

describe('CIEDE2000', () => {
  it('matches all 34 Sharma test pairs to 4 decimals, both ways round', () => {
    for (const [L1, a1, b1, L2, a2, b2, expected] of SHARMA) {
      const d = ciede2000([L1, a1, b1], [L2, a2, b2]);
      expect(Math.abs(d - expected), `pair ${L1},${a1},${b1} / ${L2},${a2},${b2}: ${d}`).toBeLessThan(5e-5);
      expect(ciede2000([L2, a2, b2], [L1, a1, b1])).toBeCloseTo(d, 10);
    }
  });

  it('is 0 for equal colours, and the weights scale the terms', () => {
    expect(ciede2000([40, 10, -20], [40, 10, -20])).toBe(0);
    // A pure lightness difference around a mean L of 50 (S_L = 1): ΔE = ΔL / kL.
    expect(ciede2000([48, 0, 0], [52, 0, 0])).toBeCloseTo(4, 12);
    expect(ciede2000([48, 0, 0], [52, 0, 0], { kL: 2 })).toBeCloseTo(2, 12);
    expect(() => ciede2000([50, 0, 0], [50, 0, Number.NaN])).toThrow(TypeError);
    expect(() => ciede2000([50, 0, 0], [50, 0, 0], { kC: 0 })).toThrow(RangeError);
  });

  it('sRGB -> CIELAB (D65) reference values', () => {
    const white = srgbToLab(255, 255, 255);
    expect(white[0]).toBeCloseTo(100, 4);
    expect(Math.abs(white[1])).toBeLessThan(1e-3);
    expect(Math.abs(white[2])).toBeLessThan(1e-3);
    expect(srgbToLab(0, 0, 0)).toEqual([0, 0, 0]);
    const red = srgbToLab(255, 0, 0);
    expect(red[0]).toBeCloseTo(53.24, 2);
    expect(red[1]).toBeCloseTo(80.09, 2);
    expect(red[2]).toBeCloseTo(67.2, 2);
    // Greys have no chroma; sRGB 119 is close to L* = 50.
    const grey = srgbToLab(119, 119, 119);
    expect(grey[0]).toBeCloseTo(50, 0);
    expect(Math.abs(grey[1]) + Math.abs(grey[2])).toBeLessThan(1e-3);
  });
});

// ---------------------------------------------------------------------------------------------------
// SSIM
// ---------------------------------------------------------------------------------------------------

/** Adds seeded uniform noise in [-amplitude, amplitude] to every RGB byte (clamped). */
function noisy(image: TestImage, amplitude: number, seed: number): TestImage {
  const random = seededRandom(seed);
  const data = image.data.slice();
  for (let i = 0; i < data.length; i++) {
    if (i % 4 === 3) continue;
    data[i] = Math.min(255, Math.max(0, data[i]! + randomInt(random, -amplitude, amplitude)));
  }
  return { data, width: image.width, height: image.height };
}

/** Direct SSIM: for every window position, the 2-D Gaussian-weighted statistics summed from scratch. */
function directSsim(a: RgbaImage, b: RgbaImage): number {
  const { width, height } = a;
  const size = 11;
  const sigma = 1.5;
  const w2 = new Float64Array(size * size);
  let total = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * sigma * sigma));
      w2[i * size + j] = v;
      total += v;
    }
  }
  const luma = (img: RgbaImage, x: number, y: number): number => {
    const s = (y * width + x) * 4;
    return 0.299 * img.data[s]! + 0.587 * img.data[s + 1]! + 0.114 * img.data[s + 2]!;
  };
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  let count = 0;
  for (let y = 0; y + size <= height; y++) {
    for (let x = 0; x + size <= width; x++) {
      let ma = 0;
      let mb = 0;
      let aa = 0;
      let bb = 0;
      let ab = 0;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const w = w2[i * size + j]! / total;
          const va = luma(a, x + j, y + i);
          const vb = luma(b, x + j, y + i);
          ma += w * va;
          mb += w * vb;
          aa += w * va * va;
          bb += w * vb * vb;
          ab += w * va * vb;
        }
      }
      const va = aa - ma * ma;
      const vb = bb - mb * mb;
      const cov = ab - ma * mb;
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count++;
    }
  }
  return sum / count;
}

describe('SSIM', () => {
  const base = crop(loadCoffee(), 250, 150, 64, 48);

  it('is 1 for an image with itself', async () => {
    expect(await ssim(base, base)).toBeCloseTo(1, 12);
    const report = await qualityReport(base, base);
    expect(report.ssim).toBeCloseTo(1, 12);
    expect(report.mse).toBe(0);
    expect(report.psnr).toBe(Infinity);
    expect(report.deltaE).toEqual({ mean: 0, p95: 0, max: 0 });
  });

  it('agrees with a direct windowed computation', async () => {
    const other = noisy(base, 12, 7);
    expect(await ssim(base, other)).toBeCloseTo(directSsim(base, other), 10);
  });

  it('drops monotonically as noise grows', async () => {
    let previous = 1;
    for (const amplitude of [2, 5, 10, 20, 40, 80]) {
      const value = await ssim(base, noisy(base, amplitude, 11));
      expect(value).toBeLessThan(previous);
      previous = value;
    }
    expect(previous).toBeLessThan(0.5);
  });

  it('works on images smaller than the window', async () => {
    const tiny = crop(base, 0, 0, 6, 4);
    expect(await ssim(tiny, tiny)).toBeCloseTo(1, 12);
    expect(await ssim(tiny, noisy(tiny, 30, 1))).toBeLessThan(1);
  });
});

describe('qualityReport', () => {
  it('MSE, PSNR, ΔE mean / p95 / max and the heat map agree with brute force', async () => {
    const a = crop(loadCoffee(), 40, 40, 50, 30);
    const b = noisy(a, 25, 3);
    const report = await qualityReport(a, b, { heatmapMax: 10 });
    const n = a.width * a.height;
    let sse = 0;
    const des: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) sse += (a.data[i * 4 + c]! - b.data[i * 4 + c]!) ** 2;
      des.push(
        ciede2000(srgbToLab(a.data[i * 4]!, a.data[i * 4 + 1]!, a.data[i * 4 + 2]!), srgbToLab(b.data[i * 4]!, b.data[i * 4 + 1]!, b.data[i * 4 + 2]!)),
      );
    }
    expect(report.mse).toBeCloseTo(sse / (3 * n), 9);
    expect(report.psnr).toBeCloseTo(10 * Math.log10((255 * 255) / (sse / (3 * n))), 9);
    expect(report.deltaE.mean).toBeCloseTo(des.reduce((s, d) => s + d, 0) / n, 5);
    const sorted = [...des].sort((x, y) => x - y);
    expect(report.deltaE.p95).toBeCloseTo(sorted[Math.ceil(0.95 * n) - 1]!, 5);
    expect(report.deltaE.max).toBeCloseTo(sorted[n - 1]!, 9);
    expect(report.heatmap.length).toBe(n * 4);
    expect(report.heatmapMax).toBe(10);
    // Opaque, and a pixel with a larger difference is never drawn with a darker ramp colour (sum of RGB rises along the ramp).
    let darkest = Infinity;
    let brightest = -Infinity;
    for (let i = 0; i < n; i++) {
      expect(report.heatmap[i * 4 + 3]).toBe(255);
      const brightness = report.heatmap[i * 4]! + report.heatmap[i * 4 + 1]! + report.heatmap[i * 4 + 2]!;
      if (des[i]! === sorted[0]) darkest = Math.min(darkest, brightness);
      if (des[i]! === sorted[n - 1]) brightest = Math.max(brightest, brightness);
    }
    expect(brightest).toBeGreaterThan(darkest);
  });

  it('p95 when most pixels are exact (the zero bin) and when a few are not', async () => {
    const a = crop(loadCoffee(), 300, 200, 40, 25);
    const n = a.width * a.height;
    for (const changedShare of [0.03, 0.1, 0.5]) {
      const b = { ...a, data: a.data.slice() };
      const random = seededRandom(Math.round(changedShare * 100));
      const des: number[] = [];
      for (let i = 0; i < n; i++) {
        if (random() < changedShare) b.data[i * 4] = (b.data[i * 4]! + 40) % 256;
        des.push(ciede2000(srgbToLab(a.data[i * 4]!, a.data[i * 4 + 1]!, a.data[i * 4 + 2]!), srgbToLab(b.data[i * 4]!, b.data[i * 4 + 1]!, b.data[i * 4 + 2]!)));
      }
      const sorted = des.sort((x, y) => x - y);
      const report = await qualityReport(a, b);
      expect(report.deltaE.p95).toBeCloseTo(sorted[Math.ceil(0.95 * n) - 1]!, 5);
    }
  });

  it('accepts quantization results and rejects mismatched or malformed images', async () => {
    const a = crop(loadCoffee(), 0, 0, 20, 20);
    const asResult = { image: new Uint8ClampedArray(a.data), width: 20, height: 20 };
    expect((await qualityReport(a, asResult as unknown as RgbaImage)).mse).toBe(0);
    await expect(qualityReport(a, crop(a, 0, 0, 10, 10))).rejects.toThrow(RangeError);
    await expect(qualityReport(a, { data: new Uint8Array(10), width: 20, height: 20 })).rejects.toThrow(/quantized\.data\.length/);
    await expect(qualityReport(a, { data: [1, 2] as never, width: 1, height: 1 })).rejects.toThrow(TypeError);
    await expect(qualityReport(a, a, { heatmapMax: 0 })).rejects.toThrow(/options\.heatmapMax/);
    await expect(qualityReport(a, a, { signal: 'x' } as never)).rejects.toThrow(TypeError);
  });

  it('aborts with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    const a = crop(loadCoffee(), 0, 0, 20, 20);
    await expect(qualityReport(a, a, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
