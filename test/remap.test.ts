/** remap(): a given palette applied without fitting; the palette never moves. */
import { describe, expect, it } from 'vitest';
import { applyPalette, fitPalette, quantize, remap, type QuantizeResult, type RGB } from '../src/index.js';
import { crop, loadCoffee } from './helpers/images.js';
import { expectNearestLabels } from './helpers/reference.js';
import { rejection } from './helpers/promises.js';

/** A palette in no particular order, with colours far from the photo's and two close neighbours. */
const GIVEN: RGB[] = [
  [255, 0, 255],
  [250, 250, 250],
  [12, 8, 4],
  [128, 64, 32],
  [129, 64, 32],
  [60, 90, 120],
  [200, 160, 110],
];

describe('remap', () => {
  const image = loadCoffee();

  it('keeps the given palette byte for byte, in its order, and maps each pixel to its nearest colour', async () => {
    const result = await remap(image, GIVEN, { backend: 'cpu' });
    expect(Array.from(result.palette)).toEqual(GIVEN.flat());
    expect(Array.from(result.centroids)).toEqual(GIVEN.flat());
    expect(result.paletteSize).toBe(GIVEN.length);
    expect(result.dither).toBe('none');
    // The check reads only palette, labels and image, which an applied palette has as a result does.
    expectNearestLabels(image, result as unknown as QuantizeResult);
  });

  it('is applyPalette under its documented name: the same labels and image', async () => {
    const bytes = Uint8Array.from(GIVEN.flat());
    const a = await remap(image, bytes, { backend: 'cpu' });
    const b = await applyPalette(image, bytes, { backend: 'cpu' });
    expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
    expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
    // The caller's bytes are not touched.
    expect(Array.from(bytes)).toEqual(GIVEN.flat());
  });

  it('a palette fitted on one image, remapped onto another: the fit never moves', async () => {
    const fit = await fitPalette(crop(image, 0, 0, 300, 200), { k: 8, backend: 'cpu' });
    const other = crop(image, 300, 200, 300, 200);
    const result = await remap(other, fit, { backend: 'cpu' });
    expect(Array.from(result.palette)).toEqual(Array.from(fit.palette));
    expect(Array.from(result.centroids)).toEqual(Array.from(fit.centroids));
    // Fitting the other image itself moves the palette (so the test above can tell the difference).
    const own = await quantize(other, { k: 8, backend: 'cpu' });
    expect(Array.from(own.palette)).not.toEqual(Array.from(fit.palette));
  });

  it('refuses a palette of 300 colours or none, naming the argument', async () => {
    const big: RGB[] = Array.from({ length: 300 }, (_, i) => [i % 256, (i * 7) % 256, (i * 13) % 256] as RGB);
    const tooMany = await rejection(remap(image, big));
    expect(tooMany).toBeInstanceOf(RangeError);
    expect(tooMany.code).toBe('OUT_OF_RANGE');
    expect(tooMany.message).toMatch(/palette/);
    const none = await rejection(remap(image, []));
    expect(none.code).toBe('OUT_OF_RANGE');
  });
});
