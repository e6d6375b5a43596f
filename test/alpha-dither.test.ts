/**
 * Dithering of images with transparency against RGBA palettes (src/dither/alpha.ts): ordered and error
 * diffusion in the premultiplied 4-D space, on the CPU, for fitted and given palettes.
 */
import { describe, expect, it } from 'vitest';
import { applyPalette, compositedMse, createQuantizer, decodePng, quantize, resultToIndexedPng, type QuantizeResult } from '../src/index.js';
import { alphaSpaceOf } from '../src/kmeans/alpha-space.js';
import { alphaPhoto } from './helpers/alpha-image.js';
import { crop } from './helpers/images.js';

const photo = alphaPhoto();
const piece = crop(photo, 0, 60, 400, 240);

/** The mean of the pixels' points in the 4-D space of `colorSpace` (alpha 0 is the origin). */
function meanPoint(data: ArrayLike<number>, colorSpace: 'srgb' | 'oklab'): number[] {
  const space = alphaSpaceOf(colorSpace);
  const sum = [0, 0, 0, 0];
  const point = new Float64Array(4);
  for (let i = 0; i < data.length; i += 4) {
    space.toPoint(data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!, point, 0);
    for (let c = 0; c < 4; c++) sum[c] = sum[c]! + point[c]!;
  }
  return sum.map((s) => s / (data.length / 4));
}

/** Every pixel is painted its label's entry (colour and alpha). */
function paintedFromEntries(result: QuantizeResult): boolean {
  const { image, labels, palette, paletteAlpha } = result;
  for (let i = 0; i < labels.length; i++) {
    const j = labels[i]!;
    if (image[i * 4] !== palette[j * 3] || image[i * 4 + 1] !== palette[j * 3 + 1] || image[i * 4 + 2] !== palette[j * 3 + 2] || image[i * 4 + 3] !== paletteAlpha![j]) return false;
  }
  return true;
}

describe('dithering images with transparency', () => {
  for (const dither of ['ordered', 'diffusion'] as const) {
    for (const colorSpace of ['srgb', 'oklab'] as const) {
      it(`${dither}, ${colorSpace}: palette entries only, transparent stays transparent, the composited MSE reported is the output's`, async () => {
        const plain = await quantize(piece, { k: 16, backend: 'cpu', colorSpace });
        const result = await quantize(piece, { k: 16, backend: 'cpu', colorSpace, dither });
        expect(result.ditheredOn).toBe('cpu');
        // The palette is the same fit: dithering only chooses entries.
        expect(result.palette).toEqual(plain.palette);
        expect(result.paletteAlpha).toEqual(plain.paletteAlpha);
        expect(result.inertia).toBe(plain.inertia);
        expect(result.labels.every((l) => l < result.paletteSize)).toBe(true);
        expect(paintedFromEntries(result)).toBe(true);
        let changed = 0;
        for (let i = 0; i < result.labels.length; i++) {
          if (piece.data[i * 4 + 3] === 0) expect(result.image[i * 4 + 3]).toBe(0);
          if (result.labels[i] !== plain.labels[i]) changed++;
        }
        // It dithered: a good share of the pixels took another entry than their nearest.
        expect(changed / result.labels.length).toBeGreaterThan(0.005);
        expect(result.mse).toBeCloseTo(compositedMse(piece, { data: result.image, width: piece.width, height: piece.height }).mean, 6);
      });
    }
  }

  it('error diffusion keeps the mean premultiplied colour and alpha of the photo (within 1.5 units per coordinate), in both spaces', async () => {
    for (const colorSpace of ['srgb', 'oklab'] as const) {
      const before = meanPoint(photo.data, colorSpace);
      for (const k of [8, 32]) {
        const result = await quantize(photo, { k, backend: 'cpu', colorSpace, dither: 'diffusion' });
        const after = meanPoint(result.image, colorSpace);
        // Error that reaches fully transparent pixels is dropped (nothing leaks into what is invisible).
        for (let c = 0; c < 4; c++) expect(Math.abs(after[c]! - before[c]!), `${colorSpace} k=${k} coordinate ${c}`).toBeLessThan(1.5);
      }
    }
  });

  it('an alpha ramp against a transparent and an opaque entry: the share of opaque pixels follows the ramp', async () => {
    const width = 256;
    const height = 32;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data.set([255, 255, 255, i % width], i * 4);
    const palette = { palette: Uint8Array.from([0, 0, 0, 255, 255, 255]), paletteAlpha: Uint8Array.from([0, 255]) };
    const result = await applyPalette({ data, width, height }, palette, { backend: 'cpu', dither: 'diffusion' });
    for (let band = 1; band < 15; band++) {
      let opaque = 0;
      for (let y = 0; y < height; y++) for (let x = band * 16; x < band * 16 + 16; x++) opaque += result.labels[y * width + x]!;
      const want = (band * 16 + 7.5) / 255;
      expect(Math.abs(opaque / (16 * height) - want), `band ${band}`).toBeLessThan(0.05);
    }
  });

  for (const dither of ['ordered', 'diffusion'] as const) {
    it(`${dither}: a grey ramp, opaque above and half transparent below, is dithered in colour and keeps its alpha`, async () => {
      // Five greys at alpha 255 and the same at alpha 128: each half must only use its own alpha's entries
      // (the greys are close enough that no colour error is worth a change of alpha in either space).
      const width = 256;
      const height = 32;
      const data = new Uint8Array(width * height * 4);
      for (let i = 0; i < width * height; i++) {
        const v = i % width;
        data.set([v, v, v, i < (width * height) / 2 ? 255 : 128], i * 4);
      }
      const greys = [0, 64, 128, 192, 255, 0, 64, 128, 192, 255];
      const palette = { palette: Uint8Array.from(greys.flatMap((g) => [g, g, g])), paletteAlpha: Uint8Array.from(greys, (_, j) => (j < 5 ? 255 : 128)) };
      for (const colorSpace of ['srgb', 'oklab'] as const) {
        const result = await applyPalette({ data, width, height }, palette, { backend: 'cpu', dither, colorSpace });
        for (let i = 0; i < width * height; i++) expect(result.image[i * 4 + 3], `${colorSpace} pixel ${i}`).toBe(data[i * 4 + 3]);
        // Both halves are dithered: between two greys (columns 80..112) both are used on every row.
        for (let y = 0; y < height; y++) {
          const used = new Set(Array.from(result.labels.subarray(y * width + 80, y * width + 112)));
          expect(used.size, `${colorSpace} row ${y}`).toBeGreaterThanOrEqual(2);
        }
      }
    });
  }

  it('ditherLevel 0 is no dithering; a given RGBA palette is applied dithered and never moves', async () => {
    const q = createQuantizer({ backend: 'cpu' });
    try {
      const fit = await q.fit(piece, { k: 12 });
      const none = await q.apply(piece, fit);
      const zero = await q.apply(piece, fit, { dither: 'diffusion', ditherLevel: 0 });
      expect(zero.labels).toEqual(none.labels);
      const given = { palette: fit.palette.slice(), paletteAlpha: fit.paletteAlpha!.slice() };
      const ordered = await q.apply(piece, given, { dither: 'ordered' });
      expect(ordered.palette).toEqual(fit.palette);
      expect(ordered.paletteAlpha).toEqual(fit.paletteAlpha);
      expect(ordered.ditheredOn).toBe('cpu');
      expect(ordered.labels).not.toEqual(none.labels);
    } finally {
      q.destroy();
    }
  });

  it('a dithered RGBA result round-trips through PNG-8 with tRNS', async () => {
    const result = await quantize(piece, { k: 32, backend: 'cpu', colorSpace: 'oklab', dither: 'diffusion' });
    const png = resultToIndexedPng(result);
    const text = new TextDecoder('latin1').decode(png);
    expect(text.includes('tRNS')).toBe(true);
    const back = decodePng(png);
    expect(back.width).toBe(piece.width);
    expect(Uint8Array.from(back.data)).toEqual(Uint8Array.from(result.image));
  });
});
