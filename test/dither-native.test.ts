/**
 * src/dither/diffusion-native.ts and diffusion.as.ts: error diffusion of sRGB images in WebAssembly gives
 * the same labels, pixel for pixel, as the JS loop (palettes of 1 to 256 colours, levels, widths that are
 * odd or one pixel, a random image whose searches fill many grid cells, pixels with alpha); without
 * WebAssembly the JS loop runs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quantize } from '../src/index.js';
import { diffusionLabels, ERROR_CLAMP, FLAT_FRACTION, FLAT_MAX } from '../src/dither/diffusion.js';
import { diffuseNative } from '../src/dither/diffusion-native.js';
import { medianGap, PaletteGrid, SRGB_BOX } from '../src/dither/palette-grid.js';
import { crop, loadCoffee, randomImage, type TestImage } from './helpers/images.js';
import { expectSameArray } from './helpers/reference.js';

const packed = (image: TestImage): Uint32Array => new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);

/** Diffuses `image` both ways with a palette fitted to it (k colours) and compares the labels. */
async function expectSameDiffusion(image: TestImage, k: number, level: number): Promise<Uint8Array> {
  const plain = await quantize(image, { k, backend: 'cpu', seed: 1 });
  const pixels = packed(image);
  const input = { palette: plain.palette, nearestLabels: plain.labels, level, space: 'srgb' as const };
  const native = diffusionLabels(pixels, image.width, input);
  const js = diffusionLabels(pixels, image.width, { ...input, native: false });
  expectSameArray(native, js, `labels, k=${k}, level ${level}`);
  return native;
}

describe('error diffusion in WebAssembly', () => {
  it.each([
    [1, 1],
    [2, 1],
    [16, 1],
    [64, 0.6],
    [256, 1],
  ])('coffee, k=%i, level %s: the same labels as the JS loop', async (k, level) => {
    const labels = await expectSameDiffusion(loadCoffee(), k, level);
    // Dithering did something (more than one colour, and not only the nearest colours) where it can.
    if (k > 1) expect(new Set(labels).size).toBeGreaterThan(1);
  });

  it('runs in WebAssembly here (diffuseNative answers), with the labels diffusionLabels gives', async () => {
    const image = crop(loadCoffee(), 50, 60, 200, 120);
    const plain = await quantize(image, { k: 32, backend: 'cpu', seed: 1 });
    const points = Float64Array.from(plain.palette);
    const gap = medianGap(points);
    const limit = ERROR_CLAMP * gap;
    const flat = Math.min(FLAT_FRACTION * gap, FLAT_MAX);
    const labels = diffuseNative(packed(image), image.width, plain.labels, points, new PaletteGrid(points, SRGB_BOX), { level: 1, limit, low: -limit, flat, flat2: flat * flat, gap });
    expect(labels).not.toBeNull();
    const js = diffusionLabels(packed(image), image.width, { palette: plain.palette, nearestLabels: plain.labels, level: 1, space: 'srgb', native: false });
    expectSameArray(labels!, js, 'labels');
  });

  it('odd widths and a one-pixel column: the same labels as the JS loop', async () => {
    const coffee = loadCoffee();
    await expectSameDiffusion(crop(coffee, 13, 7, 101, 37), 24, 1);
    await expectSameDiffusion(crop(coffee, 200, 0, 1, 150), 8, 1);
    await expectSameDiffusion(crop(coffee, 0, 200, 150, 1), 8, 1);
  });

  it('a random image (searches in many cells, the lists pool grown): the same labels as the JS loop', async () => {
    await expectSameDiffusion(randomImage(300, 200, 5), 256, 1);
  });

  it('pixels with alpha: the RGB bytes decide, as in the JS loop', async () => {
    const image = randomImage(64, 48, 9, { randomAlpha: true });
    const pixels = packed(image);
    const palette = new Uint8Array([0, 0, 0, 255, 255, 255, 200, 30, 30, 30, 200, 30]);
    const nearestLabels = new Uint8Array(pixels.length);
    const input = { palette, nearestLabels, level: 1, space: 'srgb' as const };
    expectSameArray(diffusionLabels(pixels, image.width, input), diffusionLabels(pixels, image.width, { ...input, native: false }), 'labels');
  });
});

describe('error diffusion without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('runs the JS loop, with the same labels', async () => {
    const image = crop(loadCoffee(), 100, 100, 120, 80);
    const plain = await quantize(image, { k: 12, backend: 'cpu', seed: 1 });
    const input = { palette: plain.palette, nearestLabels: plain.labels, level: 1, space: 'srgb' as const };
    const withWasm = diffusionLabels(packed(image), image.width, input);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../src/dither/diffusion.js');
    expectSameArray(fresh.diffusionLabels(packed(image), image.width, input), withWasm, 'labels');
  });
});
