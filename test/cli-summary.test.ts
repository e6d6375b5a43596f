/**
 * The summary's "colours after" comes from the labels and the palette (src/cli/summary.ts coloursAfter):
 * it must equal the distinct colours of the quantized image itself, with and without dithering, with
 * alpha, with fixed colours that repeat a fitted one, and for a remapped palette of which some entries go unused.
 * Its counts before come from the fit where it made them; its numbers are grouped as toLocaleString('en-US') groups them.
 */
import { describe, expect, it } from 'vitest';
import { countDistinctColours, quantize, remap } from '../src/index.js';
import { groupDigits } from '../src/cli/format.js';
import { coloursAfter, summaryCounts } from '../src/cli/summary.js';
import { crop, loadCoffee, randomImage } from './helpers/images.js';

describe('the CLI summary', () => {
  const coffee = crop(loadCoffee(), 100, 100, 200, 150);

  it.each([
    ['plain', { k: 16 }],
    ['ordered dither', { k: 16, dither: 'ordered' }],
    ['error diffusion', { k: 64, dither: 'diffusion' }],
    ['oklab', { k: 8, colorSpace: 'oklab' }],
  ] as const)('counts the quantized image colours from its labels (%s)', async (_name, options) => {
    const result = await quantize(coffee, { ...options, backend: 'cpu', seed: 1 });
    expect(coloursAfter(result)).toBe(countDistinctColours(result.image));
  });

  it('counts them on an image with alpha, where palette entries may share a colour', async () => {
    const image = randomImage(60, 40, 3, { randomAlpha: true });
    const result = await quantize(image, { k: 12, backend: 'cpu', seed: 0 });
    expect(coloursAfter(result)).toBe(countDistinctColours(result.image));
  });

  it('leaves out palette entries no pixel uses, and counts a repeated colour once', async () => {
    // Black and white only: the two reds and the blue stay unused, the white is given twice.
    const image = { data: new Uint8Array(64 * 4).map((_, i) => (i % 4 === 3 ? 255 : i < 128 ? 0 : 255)), width: 8, height: 8 };
    const palette = Uint8Array.from([255, 0, 0, 0, 0, 0, 200, 0, 0, 255, 255, 255, 0, 0, 255, 255, 255, 255]);
    const result = await remap(image, palette, { backend: 'cpu' });
    expect(countDistinctColours(result.image)).toBe(2);
    expect(coloursAfter(result)).toBe(2);
  });

  it('counts the colours before as countDistinctColours does (from the fit where it counted them, else from the pixels), and sees alpha as the pixels have it', async () => {
    const opaque = await quantize(coffee, { k: 16, backend: 'cpu', seed: 1 });
    expect(opaque.distinctColours).toBeDefined();
    expect(summaryCounts(coffee, opaque, { remapped: false })).toEqual({ before: countDistinctColours(coffee), after: coloursAfter(opaque), alpha: false });
    const image = randomImage(60, 40, 3, { randomAlpha: true });
    const transparent = await quantize(image, { k: 12, backend: 'cpu', seed: 0 });
    expect(transparent.distinctColours).toBeUndefined();
    expect(summaryCounts(image, transparent, { remapped: false })).toMatchObject({ before: countDistinctColours(image), alpha: true });
    // An RGB palette remapped onto an image with alpha: no paletteAlpha, and still alpha in the input.
    const rgbOnAlpha = await remap(image, opaque.palette, { backend: 'cpu' });
    expect(rgbOnAlpha.paletteAlpha).toBeUndefined();
    expect(summaryCounts(image, rgbOnAlpha, { remapped: true }).alpha).toBe(true);
  });

  it('groups digits as toLocaleString(\'en-US\') does', () => {
    for (const n of [0, 7, 99, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 94_478, 2_701_755, 123_456_789_012, -5, -1234, -1_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
