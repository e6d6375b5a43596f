/**
 * src/kmeans/histogram-native.ts and histogram.as.ts: the Morton-order colour count in WebAssembly gives the
 * JS count's colours, in the same order, with the same counts (a photo, random pixels with alpha, one
 * colour, one pixel, no pixels); without WebAssembly the JS counts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildHistogram } from '../../src/kmeans/histogram.js';
import { mortonCountNative } from '../../src/kmeans/histogram-native.js';
import { crop, loadCoffee, randomImage } from '../helpers/images.js';
import { expectSameArray } from '../helpers/reference.js';

const packed = (data: Uint8Array | Uint8ClampedArray): Uint32Array => new Uint32Array(data.buffer, data.byteOffset, data.length / 4);

function expectSameCount(pixels: Uint32Array): void {
  const native = buildHistogram(pixels, { mortonOrder: true });
  const js = buildHistogram(pixels, { mortonOrder: true, native: false });
  expectSameArray(native.colours, js.colours, 'colours');
  expectSameArray(native.weights, js.weights, 'weights');
}

describe('the Morton-order colour count in WebAssembly', () => {
  it('coffee: the JS count\'s colours, order and counts', () => {
    const pixels = packed(loadCoffee().data);
    expect(mortonCountNative(pixels)).not.toBeNull();
    expectSameCount(pixels);
  });

  it('random pixels with alpha (alpha ignored), a crop, one colour, one pixel and none', () => {
    expectSameCount(packed(randomImage(300, 200, 3, { randomAlpha: true }).data));
    expectSameCount(packed(crop(loadCoffee(), 10, 20, 33, 17).data));
    expectSameCount(new Uint32Array(5000).fill(0xff102030));
    expectSameCount(new Uint32Array([0xff00ff00]));
    expect(mortonCountNative(new Uint32Array(0))).toEqual({ colours: new Uint32Array(0), weights: new Float64Array(0) });
  });
});

describe('the colour count without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('counts in JS, with the same histogram', async () => {
    const pixels = packed(crop(loadCoffee(), 0, 0, 200, 150).data);
    const withWasm = buildHistogram(pixels, { mortonOrder: true });
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/kmeans/histogram.js');
    const without = fresh.buildHistogram(pixels, { mortonOrder: true });
    expectSameArray(without.colours, withWasm.colours, 'colours');
    expectSameArray(without.weights, withWasm.weights, 'weights');
  });
});
