/**
 * src/kmeans/colour-tables.ts, colour-tables-native.ts and colour-tables.as.ts: the dense colour tables in WebAssembly give the
 * JS tables' counts (counts past 255 included, the table left empty for the next image) and the same labels
 * and painted image; without WebAssembly the JS tables are used.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildHistogram, labelAndPaint } from '../../src/kmeans/histogram.js';
import { colourTables } from '../../src/kmeans/colour-tables.js';
import { NativeColourTables } from '../../src/kmeans/colour-tables-native.js';
import { seededRandom } from '../helpers/images.js';
import { expectSameArray } from '../helpers/reference.js';

/** 2^20 pixels (past the dense threshold): mostly few colours (counts past 255, and past 510), some noise, random alpha. */
function pixelsOf(seed: number): Uint32Array {
  const random = seededRandom(seed);
  const pixels = new Uint32Array(1 << 20);
  for (let i = 0; i < pixels.length; i++) {
    const colour = random() < 0.7 ? Math.floor(random() * 300) * 0x010203 : Math.floor(random() * (1 << 24));
    pixels[i] = ((colour & 0xffffff) | (Math.floor(random() * 256) << 24)) >>> 0;
  }
  return pixels;
}

function expectSameCount(pixels: Uint32Array): ReturnType<typeof buildHistogram> {
  const native = buildHistogram(pixels);
  const js = buildHistogram(pixels, { native: false });
  expectSameArray(native.colours, js.colours, 'colours');
  expectSameArray(native.weights, js.weights, 'weights');
  return native;
}

describe('the dense colour tables in WebAssembly', () => {
  it('count as the JS tables do, counts past 255 included, image after image', () => {
    expect(colourTables()).toBeInstanceOf(NativeColourTables);
    expect(colourTables(false)).not.toBeInstanceOf(NativeColourTables);
    const first = expectSameCount(pixelsOf(1));
    expect(first.weights.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(510);
    // The table was left empty: a second image counts from zero.
    expectSameCount(pixelsOf(2));
    expectSameCount(new Uint32Array(1 << 19).fill(0xff808080));
  });

  it('label and paint as the JS tables do', () => {
    const pixels = pixelsOf(3);
    const histogram = buildHistogram(pixels);
    const random = seededRandom(4);
    const colourLabels = new Uint8Array(histogram.colours.length);
    for (let j = 0; j < colourLabels.length; j++) colourLabels[j] = Math.floor(random() * 200);
    const palette = new Uint8Array(200 * 3);
    for (let i = 0; i < palette.length; i++) palette[i] = Math.floor(random() * 256);
    const native = labelAndPaint(pixels, histogram, colourLabels, palette);
    const js = labelAndPaint(pixels, histogram, colourLabels, palette, { native: false });
    expectSameArray(native.labels, js.labels, 'labels');
    expectSameArray(new Uint32Array(native.image.buffer), new Uint32Array(js.image.buffer), 'image');
    // Every pixel painted its label's colour, with its own alpha.
    const i = 12345;
    const l = native.labels[i]!;
    expect([...native.image.subarray(i * 4, i * 4 + 4)]).toEqual([palette[l * 3], palette[l * 3 + 1], palette[l * 3 + 2], pixels[i]! >>> 24]);
  });
});

describe('the dense colour tables without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('count in JS, with the same histogram', async () => {
    const pixels = pixelsOf(5);
    const withWasm = buildHistogram(pixels);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/kmeans/histogram.js');
    const without = fresh.buildHistogram(pixels);
    expectSameArray(without.colours, withWasm.colours, 'colours');
    expectSameArray(without.weights, withWasm.weights, 'weights');
  });
});
