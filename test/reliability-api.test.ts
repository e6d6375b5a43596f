/** Regression tests of the call boundary: input validated before anything else, the caller's pixels taken at the call. */
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers/promises.js';
import { applyPalette, createQuantizer, fitPalette, quantize } from '../src/index.js';
import { crop, loadCoffee } from './helpers/images.js';


describe('the call boundary', () => {
  it('a bad image is reported before an aborted signal (quantize, fit, apply)', async () => {
    const bad = { data: new Int16Array(4), width: 1, height: 1 } as never;
    const signal = AbortSignal.abort();
    for (const call of [
      () => quantize(bad, { signal }),
      () => fitPalette(bad, { signal }),
      () => fitPalette([bad], { signal }),
      () => applyPalette(bad, new Uint8Array(3), { signal }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('INVALID_IMAGE');
    }
    // A good image with that signal: the AbortError.
    const aborted = await rejection(quantize(crop(loadCoffee(), 0, 0, 32, 32), { signal }));
    expect(aborted.name).toBe('AbortError');
  });

  it("changing the caller's pixels right after the call (before awaiting) does not reach the run", async () => {
    const image = crop(loadCoffee(), 0, 0, 300, 200);
    const expected = await quantize(image, { k: 8, backend: 'cpu' });
    const quantizer = createQuantizer({ backend: 'cpu' });
    try {
      // Queued behind a first call, so the second waits its turn while its input is zeroed.
      const first = quantizer.quantize(crop(loadCoffee(), 300, 200, 300, 200), { k: 8 });
      const copy = { data: image.data.slice(), width: image.width, height: image.height };
      const pending = quantizer.quantize(copy, { k: 8 });
      const fitting = quantizer.fit(copy, { k: 8 });
      copy.data.fill(0);
      await first;
      const result = await pending;
      const fit = await fitting;
      expect(Array.from(result.palette)).toEqual(Array.from(expected.palette));
      expect(Buffer.from(result.labels).equals(Buffer.from(expected.labels))).toBe(true);
      expect(Array.from(fit.palette)).toEqual(Array.from(expected.palette));
      // And the one-shot call, which yields before its work too.
      const again = { data: image.data.slice(), width: image.width, height: image.height };
      const oneShot = quantize(again, { k: 8, backend: 'cpu' });
      again.data.fill(0);
      expect(Array.from((await oneShot).palette)).toEqual(Array.from(expected.palette));
    } finally {
      quantizer.destroy();
    }
  });
});

describe('destroy() during a CPU call', () => {
  it('rejects with INVALID_STATE and keeps no session', async () => {
    const quantizer = createQuantizer({ backend: 'cpu' });
    const pending = quantizer.quantize(loadCoffee(), { k: 8 });
    quantizer.destroy();
    const error = await rejection(pending);
    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toMatch(/destroyed/);
    const later = await rejection(quantizer.quantize(loadCoffee(), { k: 8 }));
    expect(later.code).toBe('INVALID_STATE');
  });
});
