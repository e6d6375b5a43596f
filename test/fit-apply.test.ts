/** Fitting a palette and applying it as two steps: the same result as quantize(), on any image, with checked palettes. */
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers/promises.js';
import { applyPalette, createQuantizer, fitPalette, quantize, type QuantizeResult } from '../src/index.js';
import { crop, loadCoffee, type TestImage } from './helpers/images.js';

/** For each pixel, the index of its nearest palette colour (lowest index on ties), by brute force. */
function nearestLabels(image: TestImage, palette: Uint8Array): Uint8Array {
  const labels = new Uint8Array(image.width * image.height);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < palette.length / 3; j++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += (image.data[i * 4 + c]! - palette[j * 3 + c]!) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    labels[i] = best;
  }
  return labels;
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return Buffer.from(Uint8Array.from(a)).equals(Buffer.from(Uint8Array.from(b)));
}


describe('fit, then apply', () => {
  it('fit + apply on the same image give exactly what quantize() gives', async () => {
    const image = loadCoffee();
    const quantizer = createQuantizer({ backend: 'cpu' });
    try {
      for (const k of [8, 16]) {
        const whole: QuantizeResult = await quantize(image, { k, backend: 'cpu' });
        const fit = await quantizer.fit(image, { k });
        const applied = await quantizer.apply(image, fit);
        expect(Array.from(fit.centroids)).toEqual(Array.from(whole.centroids));
        expect(fit.iterations).toBe(whole.iterations);
        expect(fit.converged).toBe(whole.converged);
        expect(sameBytes(applied.palette, whole.palette)).toBe(true);
        expect(sameBytes(applied.labels, whole.labels)).toBe(true);
        expect(sameBytes(applied.image, whole.image)).toBe(true);
        expect(applied.mse).toBe(whole.mse);
        expect(applied.inertia).toBeCloseTo(whole.inertia, 3);
      }
    } finally {
      quantizer.destroy();
    }
  });

  it('a palette fitted on one image labels another with its nearest palette colours, and never moves', async () => {
    const coffee = loadCoffee();
    const top = crop(coffee, 0, 0, 600, 150);
    const bottom = crop(coffee, 0, 250, 600, 150);
    const fit = await fitPalette(top, { k: 12, backend: 'cpu' });
    const before = fit.palette.slice();
    const applied = await applyPalette(bottom, fit, { backend: 'cpu' });
    expect(sameBytes(applied.palette, before)).toBe(true);
    expect(sameBytes(fit.palette, before)).toBe(true);
    expect(applied.width).toBe(600);
    expect(applied.height).toBe(150);
    expect(sameBytes(applied.labels, nearestLabels(bottom, before))).toBe(true);
    // The painted image is the palette colour of each label, with the pixel's own alpha.
    for (let i = 0; i < applied.labels.length; i += 997) {
      const j = applied.labels[i]!;
      expect([...applied.image.subarray(i * 4, i * 4 + 4)]).toEqual([before[j * 3], before[j * 3 + 1], before[j * 3 + 2], bottom.data[i * 4 + 3]]);
    }
    // Its MSE is that of the painted image.
    let squared = 0;
    for (let i = 0; i < applied.labels.length; i++) for (let c = 0; c < 3; c++) squared += (bottom.data[i * 4 + c]! - applied.image[i * 4 + c]!) ** 2;
    expect(applied.mse).toBeCloseTo(squared / (applied.labels.length * 3), 9);
  });

  it('a bare palette (RGB bytes or [r, g, b] colours) applies the same as a fit with those centroids', async () => {
    const image = crop(loadCoffee(), 100, 100, 200, 120);
    const bytes = Uint8Array.from([0, 0, 0, 255, 255, 255, 200, 120, 40, 30, 60, 90]);
    const triples = [[0, 0, 0], [255, 255, 255], [200, 120, 40], [30, 60, 90]] as const;
    const a = await applyPalette(image, bytes, { backend: 'cpu' });
    const b = await applyPalette(image, triples, { backend: 'cpu' });
    expect(sameBytes(a.labels, nearestLabels(image, bytes))).toBe(true);
    expect(sameBytes(a.labels, b.labels)).toBe(true);
    expect(Array.from(a.centroids)).toEqual(Array.from(bytes));
    expect(a.paletteSize).toBe(4);
  });

  it('fits several images at once as their pooled pixels', async () => {
    const coffee = loadCoffee();
    const left = crop(coffee, 0, 0, 300, 400);
    const right = crop(coffee, 300, 0, 300, 400);
    const pooled: TestImage = { data: new Uint8Array(coffee.data.length), width: 600 * 400, height: 1 };
    pooled.data.set(left.data, 0);
    pooled.data.set(right.data, left.data.length);
    const both = await fitPalette([left, right], { k: 8, backend: 'cpu' });
    const one = await fitPalette(pooled, { k: 8, backend: 'cpu' });
    expect(Array.from(both.centroids)).toEqual(Array.from(one.centroids));
    expect(both.paletteSize).toBe(8);
  });

  it('an image with fewer colours than k fits exactly those colours, and applies them exactly', async () => {
    const image: TestImage = { data: new Uint8Array(6 * 4), width: 6, height: 1 };
    [[10, 20, 30], [200, 100, 0], [10, 20, 30], [5, 5, 5], [200, 100, 0], [5, 5, 5]].forEach((c, i) => image.data.set([...c, 255], i * 4));
    const fit = await fitPalette(image, { k: 8 });
    expect(fit.exactPalette).toBe(true);
    expect(fit.paletteSize).toBe(3);
    const applied = await applyPalette(image, fit);
    expect(applied.mse).toBe(0);
    expect(sameBytes(applied.image, image.data)).toBe(true);
  });
});

describe('fit and apply: bad arguments get typed errors with a stable code', () => {
  const image = { data: new Uint8Array(16 * 4).fill(128), width: 4, height: 4 };
  it.each([
    ['300 colours', new Uint8Array(900), RangeError, 'OUT_OF_RANGE'],
    ['no colours', new Uint8Array(0), RangeError, 'OUT_OF_RANGE'],
    ['a length that is no multiple of 3', new Uint8Array(7), RangeError, 'OUT_OF_RANGE'],
    ['a colour out of range', [[0, 0, 300]], RangeError, 'OUT_OF_RANGE'],
    ['a pair instead of a triple', [[0, 0]], TypeError, 'INVALID_TYPE'],
    ['a string', 'red', TypeError, 'INVALID_TYPE'],
    ['centroids of the wrong length', { palette: new Uint8Array(6), centroids: new Float64Array(3) }, RangeError, 'OUT_OF_RANGE'],
  ])('a palette of %s', async (_name, palette, type, code) => {
    const error = await rejection(applyPalette(image, palette as Uint8Array));
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/palette/);
    expect(error.message).not.toMatch(/^kmeans-quantizer: /);
  });

  it('apply() refuses fitting options, and calls refuse quantizer options', async () => {
    const quantizer = createQuantizer({ backend: 'cpu' });
    try {
      const k = await rejection(quantizer.apply(image, new Uint8Array(3), { k: 4 } as never));
      expect(k.code).toBe('MISPLACED_OPTION');
      const gpu = await rejection(quantizer.fit(image, { gpuIterateOn: 'pixels' } as never));
      expect(gpu).toBeInstanceOf(TypeError);
      expect(gpu.code).toBe('MISPLACED_OPTION');
      expect(gpu.message).toMatch(/gpuIterateOn/);
    } finally {
      quantizer.destroy();
    }
    const destroyed = await rejection(quantizer.fit(image));
    expect(destroyed.code).toBe('INVALID_STATE');
  });

  it('fit() of an empty list of images is a typed error', async () => {
    const error = await rejection(fitPalette([]));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('INVALID_IMAGE');
  });
});
