/**
 * Dithering at the apply step on the CPU: ordered (Bayer threshold map) and error diffusion (serpentine
 * Floyd-Steinberg, clamped and weakened in flat areas), for fitted and given palettes.
 */
import { describe, expect, it } from 'vitest';
import { applyPalette, createQuantizer, quantize, QuantizerRangeError, QuantizerTypeError } from '../src/index.js';
import { BAYER_8, orderedLabels, orderedOffsets, paletteSpread } from '../src/dither/index.js';
import { diffusionLabels, rowSmoothness, TEXTURE_WEIGHT } from '../src/dither/diffusion.js';
import { PaletteGrid, SRGB_BOX } from '../src/dither/palette-grid.js';
import { srgbToOklab, type ColorSpace } from '../src/colour-space.js';
import { nearestIndex } from '../src/kmeans/sums.js';
import { loadCoffee, seededRandom, type TestImage } from './helpers/images.js';
import { rejection } from './helpers/promises.js';

const packed = (image: TestImage): Uint32Array => new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);

/** Per-channel mean of an RGBA8 image. */
/** The mean colour of RGBA bytes, as a point of `space` (the mean of the pixels' points). */
function meanColour(data: ArrayLike<number>, space: ColorSpace = 'srgb'): number[] {
  const sum = [0, 0, 0];
  const point = new Float64Array(3);
  for (let i = 0; i < data.length; i += 4) {
    if (space === 'oklab') srgbToOklab(data[i]!, data[i + 1]!, data[i + 2]!, point, 0);
    else point.set([data[i]!, data[i + 1]!, data[i + 2]!]);
    for (let c = 0; c < 3; c++) sum[c] = sum[c]! + point[c]!;
  }
  return sum.map((s) => s / (data.length / 4));
}

/** Whether every pixel of `image` is painted its label's palette colour, keeping the source alpha. */
function paintedFromPalette(image: ArrayLike<number>, labels: Uint8Array, palette: Uint8Array, source: Uint8Array): boolean {
  for (let i = 0; i < labels.length; i++) {
    const o = labels[i]! * 3;
    if (image[i * 4] !== palette[o] || image[i * 4 + 1] !== palette[o + 1] || image[i * 4 + 2] !== palette[o + 2] || image[i * 4 + 3] !== source[i * 4 + 3]) return false;
  }
  return true;
}

describe('the parts', () => {
  it('the Bayer map holds each threshold 0..63 once, and offsets are centred integers that scale with the level', () => {
    expect([...BAYER_8].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // Neighbours along a row differ by at least 16 levels (the map spreads thresholds out).
    for (let y = 0; y < 8; y++) for (let x = 0; x < 7; x++) expect(Math.abs(BAYER_8[y * 8 + x]! - BAYER_8[y * 8 + x + 1]!)).toBeGreaterThanOrEqual(16);
    const palette = Uint8Array.from([0, 0, 0, 60, 60, 60, 120, 120, 120]);
    expect(paletteSpread(palette)).toBeCloseTo(60, 9);
    const full = orderedOffsets(palette, 1);
    expect(Math.min(...full)).toBe(-30);
    expect(Math.max(...full)).toBe(30);
    expect(full.reduce((s, v) => s + v, 0)).toBe(0);
    expect([...orderedOffsets(palette, 0)].every((v) => v === 0)).toBe(true);
    expect(Math.max(...orderedOffsets(palette, 0.5))).toBe(15);
  });

  it('the palette grid finds what a full scan finds, ties included, for points inside and outside the cube', () => {
    const random = seededRandom(7);
    for (const k of [1, 2, 16, 255]) {
      const palette = Uint8Array.from({ length: k * 3 }, () => Math.floor(random() * 256));
      // A repeated colour: ties go to the lowest index.
      if (k > 2) palette.set(palette.subarray(0, 3), 6);
      const grid = new PaletteGrid(Float64Array.from(palette), SRGB_BOX);
      for (let t = 0; t < 4000; t++) {
        const p = [0, 1, 2].map(() => random() * 300 - 20);
        const clamped = p.map((v) => Math.min(255, Math.max(0, v)));
        expect(grid.nearest(p[0]!, p[1]!, p[2]!)).toBe(nearestIndex(clamped[0]!, clamped[1]!, clamped[2]!, palette));
      }
    }
  });
});

describe('ordered dithering', () => {
  it('labels each pixel with the nearest palette colour of the pixel plus its map offset', async () => {
    const image = loadCoffee();
    const result = await quantize(image, { k: 16, backend: 'cpu', dither: 'ordered' });
    expect(result.dither).toBe('ordered');
    expect(result.ditheredOn).toBe('cpu');
    const offsets = orderedOffsets(result.palette, 1);
    const pixels = packed(image);
    let moved = 0;
    for (let i = 0; i < pixels.length; i++) {
      const x = i % image.width;
      const y = Math.floor(i / image.width);
      const o = offsets[(y % 8) * 8 + (x % 8)]!;
      const rgb = [0, 1, 2].map((c) => Math.min(255, Math.max(0, image.data[i * 4 + c]! + o)));
      const want = nearestIndex(rgb[0]!, rgb[1]!, rgb[2]!, result.palette);
      if (result.labels[i] !== want) throw new Error(`pixel ${i}: label ${result.labels[i]}, expected ${want}`);
      if (want !== nearestIndex(image.data[i * 4]!, image.data[i * 4 + 1]!, image.data[i * 4 + 2]!, result.palette)) moved++;
    }
    // Dithering changed a good share of the labels, and the painted image shows them.
    expect(moved / pixels.length).toBeGreaterThan(0.1);
    expect(paintedFromPalette(result.image, result.labels, result.palette, image.data)).toBe(true);
  });

  it('keeps the undithered inertia (the k-means objective) and measures the dithered image', async () => {
    const image = loadCoffee();
    const plain = await quantize(image, { k: 16, backend: 'cpu' });
    for (const dither of ['ordered', 'diffusion'] as const) {
      const dithered = await quantize(image, { k: 16, backend: 'cpu', dither });
      expect(Array.from(dithered.palette)).toEqual(Array.from(plain.palette));
      expect(dithered.inertia).toBe(plain.inertia);
      let sse = 0;
      for (let i = 0; i < dithered.labels.length; i++) for (let c = 0; c < 3; c++) sse += (image.data[i * 4 + c]! - dithered.image[i * 4 + c]!) ** 2;
      expect(dithered.mse).toBeCloseTo(sse / (dithered.labels.length * 3), 9);
      // Nearest colours minimise the squared error: dithering trades some of it for the mean colour.
      expect(dithered.mse).toBeGreaterThan(plain.mse);
    }
  });
});

/** The texture measure, written out here: the mean over the 4 neighbours (fewer at the borders) of the summed |R, G, B differences|. */
function textureAt(pixels: Uint32Array, width: number, i: number): number {
  const x = i % width;
  const diff = (a: number, b: number): number => [0, 8, 16].reduce((s, shift) => s + Math.abs(((a >>> shift) & 255) - ((b >>> shift) & 255)), 0);
  const near = [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, i >= width ? i - width : -1, i + width < pixels.length ? i + width : -1].filter((j) => j >= 0);
  return near.reduce((s, j) => s + diff(pixels[i]!, pixels[j]!), 0) / near.length;
}

describe('error diffusion', () => {
  it('keeps the mean colour within a small bound and uses only palette colours, in both spaces', async () => {
    const image = loadCoffee();
    for (const colorSpace of ['srgb', 'oklab'] as const) {
      // The error is carried in the clustering space, so the mean is kept there.
      const before = meanColour(image.data, colorSpace);
      for (const k of [8, 64]) {
        const result = await quantize(image, { k, backend: 'cpu', dither: 'diffusion', colorSpace });
        expect(result.ditheredOn).toBe('cpu');
        expect(result.labels.every((l) => l < result.paletteSize)).toBe(true);
        expect(paintedFromPalette(result.image, result.labels, result.palette, image.data)).toBe(true);
        const after = meanColour(result.image, colorSpace);
        // Within 1 unit of 255 per coordinate (the clamping and the flat areas let a little error go).
        for (let c = 0; c < 3; c++) expect(Math.abs(after[c]! - before[c]!), `${colorSpace} k=${k} channel ${c}`).toBeLessThan(1);
      }
    }
  });

  it('dithers smooth areas fully and textured ones weakly (the texture weakening)', () => {
    // Left half a slow grey ramp, right half grey noise of the same range; greys every 32 levels.
    const width = 256;
    const height = 64;
    const random = seededRandom(7);
    const pixels = new Uint32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = x < 128 ? 40 + Math.floor(x / 2) : Math.max(0, Math.min(255, Math.round(72 + (random() - 0.5) * 80)));
        pixels[y * width + x] = (v | (v << 8) | (v << 16) | 0xff000000) >>> 0;
      }
    }
    // The texture measure: the mean |difference| from the 4 neighbours, summed over R, G, B; the loop's
    // row-wise form gives the same weakening for every pixel.
    expect(textureAt(pixels, width, 1 * width + 10)).toBe((0 + 3 + 0 + 0) / 4);
    const vertical = new Int32Array(width);
    const row = new Float64Array(width);
    for (let y = 0; y < height; y++) {
      rowSmoothness(pixels, width, y * width, width, 40, vertical, row);
      for (let x = 0; x < width; x++) expect(row[x]).toBeCloseTo(40 / (40 + TEXTURE_WEIGHT * textureAt(pixels, width, y * width + x)), 12);
    }
    const greys = [0, 32, 64, 96, 128, 160, 192, 224, 255];
    const palette = Uint8Array.from(greys.flatMap((g) => [g, g, g]));
    const nearestLabels = Uint8Array.from(pixels, (p) => nearestIndex(p & 255, (p >>> 8) & 255, (p >>> 16) & 255, palette));
    const labels = diffusionLabels(pixels, width, { palette, nearestLabels, level: 1, space: 'srgb' });
    let smooth = 0;
    let textured = 0;
    for (let i = 0; i < pixels.length; i++) if (labels[i] !== nearestLabels[i]) (i % width < 128 ? smooth++ : textured++);
    // Without the weakening the noise takes other colours than its nearest about 0.57 times as often as
    // the ramp; with it, about 0.24 times.
    expect(smooth / (pixels.length / 2)).toBeGreaterThan(0.15);
    expect(textured / smooth).toBeLessThan(0.35);
  });

  it('renders a smooth ramp with a 2-colour palette at the right mean in every column band', () => {
    // A horizontal grey ramp 0..255, 256 x 64: the dithered share of white in each 16-column band follows the ramp.
    const width = 256;
    const height = 64;
    const pixels = new Uint32Array(width * height);
    for (let i = 0; i < pixels.length; i++) {
      const v = i % width;
      pixels[i] = (v | (v << 8) | (v << 16) | 0xff000000) >>> 0;
    }
    const palette = Uint8Array.from([0, 0, 0, 255, 255, 255]);
    const nearestLabels = Uint8Array.from(pixels, (p) => ((p & 255) >= 128 ? 1 : 0));
    const labels = diffusionLabels(pixels, width, { palette, nearestLabels, level: 1, space: 'srgb' });
    for (let band = 1; band < 15; band++) {
      let white = 0;
      for (let y = 0; y < height; y++) for (let x = band * 16; x < band * 16 + 16; x++) white += labels[y * width + x]!;
      const expected = (band * 16 + 7.5) / 255;
      expect(Math.abs(white / (16 * height) - expected), `band ${band}`).toBeLessThan(0.06);
    }
  });

  it('leaves pixels the palette matches exactly undithered, next to a dithered area', () => {
    // Left half: grey 100, between two palette colours (error to spread); right half: a palette colour.
    const width = 64;
    const height = 32;
    const palette = Uint8Array.from([0, 0, 0, 200, 200, 200, 0, 0, 255]);
    const pixels = new Uint32Array(width * height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = i % width < 32 ? 0xff646464 : 0xffc8c8c8;
    const nearestLabels = Uint8Array.from(pixels, (p) => nearestIndex(p & 255, (p >>> 8) & 255, (p >>> 16) & 255, palette));
    const labels = diffusionLabels(pixels, width, { palette, nearestLabels, level: 1, space: 'srgb' });
    let light = 0;
    for (let i = 0; i < pixels.length; i++) {
      if (i % width >= 32) expect(labels[i], `pixel ${i}`).toBe(1);
      else light += labels[i] === 1 ? 1 : labels[i] === 0 ? 0 : NaN;
    }
    // Grey 100 is half black, half grey 200.
    expect(Math.abs(light / (32 * height) - 0.5)).toBeLessThan(0.05);
  });

  it('clamps the error: a colour outside the palette does not bleed into the area after a hard edge', () => {
    // Left: pure red, far from a grey palette (its error never fades); right: grey 100 between 64 and 128.
    const width = 128;
    const height = 64;
    const palette = Uint8Array.from([0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255]);
    const pixels = new Uint32Array(width * height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = i % width < 64 ? 0xff0000ff : 0xff646464;
    const nearestLabels = Uint8Array.from(pixels, (p) => nearestIndex(p & 255, (p >>> 8) & 255, (p >>> 16) & 255, palette));
    const labels = diffusionLabels(pixels, width, { palette, nearestLabels, level: 1, space: 'srgb' });
    // The grey area, in bands of 4 columns from the edge on, is grey 64 and 128 only, mixed as grey 100
    // needs (128 for 36/64 of the pixels) right after the edge as far from it. Without the clamp, the
    // first 6 columns take grey 64 almost only (the red's error pushing them down).
    for (let band = 64; band < width; band += 4) {
      let high = 0;
      for (let y = 0; y < height; y++) {
        for (let x = band; x < band + 4; x++) {
          const label = labels[y * width + x]!;
          expect(label === 1 || label === 2, `column ${x} row ${y}: label ${label}`).toBe(true);
          if (label === 2) high++;
        }
      }
      expect(Math.abs(high / (4 * height) - 36 / 64), `columns ${band}..${band + 3}`).toBeLessThan(0.1);
    }
  });
});

describe('both methods', () => {
  it('ditherLevel 0 gives exactly the undithered result', async () => {
    const image = loadCoffee();
    const plain = await quantize(image, { k: 16, backend: 'cpu' });
    for (const dither of ['ordered', 'diffusion'] as const) {
      const zero = await quantize(image, { k: 16, backend: 'cpu', dither, ditherLevel: 0 });
      expect(Buffer.from(zero.labels).equals(Buffer.from(plain.labels))).toBe(true);
      expect(Buffer.from(zero.image).equals(Buffer.from(plain.image))).toBe(true);
      expect(zero.mse).toBe(plain.mse);
      expect(zero.ditherLevel).toBe(0);
      expect(zero.ditheredOn).toBeUndefined();
    }
    // The dithering functions themselves agree at level 0 (no shortcut needed for it).
    const pixels = packed(image);
    expect(Buffer.from(orderedLabels(pixels, image.width, plain.palette, orderedOffsets(plain.palette, 0), 'srgb')).equals(Buffer.from(plain.labels))).toBe(true);
    const diffused = diffusionLabels(pixels, image.width, { palette: plain.palette, nearestLabels: plain.labels, level: 0, space: 'srgb' });
    expect(Buffer.from(diffused).equals(Buffer.from(plain.labels))).toBe(true);
  });

  it('a given palette is never moved, and a weaker level changes fewer pixels', async () => {
    const image = loadCoffee();
    const palette = Uint8Array.from([20, 10, 5, 240, 235, 225, 150, 60, 30, 90, 50, 30, 200, 140, 90, 60, 35, 20]);
    const given = palette.slice();
    const quantizer = createQuantizer({ backend: 'cpu' });
    try {
      const plain = await quantizer.apply(image, palette);
      for (const dither of ['ordered', 'diffusion'] as const) {
        const full = await quantizer.apply(image, palette, { dither });
        const half = await applyPalette(image, palette, { dither, ditherLevel: 0.3, backend: 'cpu' });
        expect(Array.from(full.palette)).toEqual(Array.from(given));
        expect(Array.from(half.palette)).toEqual(Array.from(given));
        expect(Array.from(palette)).toEqual(Array.from(given));
        expect(full.ditheredOn).toBe('cpu');
        expect(full.inertia).toBe(plain.inertia);
        const changed = (labels: Uint8Array) => labels.reduce((n, l, i) => n + (l !== plain.labels[i] ? 1 : 0), 0);
        expect(changed(half.labels)).toBeGreaterThan(0);
        expect(changed(half.labels)).toBeLessThan(changed(full.labels));
        expect(paintedFromPalette(full.image, full.labels, given, image.data)).toBe(true);
      }
    } finally {
      quantizer.destroy();
    }
  });

  it('an image with at most k colours stays exact', async () => {
    const few = { data: new Uint8ClampedArray(64 * 4), width: 8, height: 8 };
    for (let i = 0; i < 64; i++) few.data.set([(i % 3) * 100, 50, 20, 255], i * 4);
    for (const dither of ['ordered', 'diffusion'] as const) {
      const result = await quantize(few, { k: 4, backend: 'cpu', dither });
      expect(result.mse).toBe(0);
      expect(Array.from(result.image)).toEqual(Array.from(few.data));
    }
  });

  it('bad values are typed errors naming the option', async () => {
    const image = loadCoffee();
    const method = await rejection(quantize(image, { dither: 'fs2' as never }));
    expect(method).toBeInstanceOf(QuantizerTypeError);
    expect(method.code).toBe('INVALID_TYPE');
    expect(method.message).toMatch(/dither/);
    expect((method as QuantizerTypeError).option).toMatch(/dither/);
    const level = await rejection(quantize(image, { dither: 'ordered', ditherLevel: 2 }));
    expect(level).toBeInstanceOf(QuantizerRangeError);
    expect(level.code).toBe('OUT_OF_RANGE');
    expect(level.message).toMatch(/ditherLevel/);
    const onApply = await rejection(applyPalette(image, new Uint8Array(6), { dither: 'fs2' as never }));
    expect(onApply.message).toMatch(/dither/);
    const levelOnApply = await rejection(applyPalette(image, new Uint8Array(6), { ditherLevel: -0.1 }));
    expect(levelOnApply).toBeInstanceOf(QuantizerRangeError);
  });
});
