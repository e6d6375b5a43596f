/**
 * The frame path's host side, in Node: its options (the table's checks and defaults, the frame's own, bad
 * names refused), the size of its one readback (under 4 KB at any k), and the element's choice of route.
 */
import { describe, expect, it } from 'vitest';
import { checkFramePath, routeMode } from '../src/element/gpu-route.js';
import { MAX_FRAME_ITERATIONS, resolveFrameOptions } from '../src/frame.js';
import { FrameStatusLayout } from '../src/gpu/frame-status.js';

const hardware = { vendor: 'nvidia', architecture: 'hopper', device: '', description: '', isFallbackAdapter: false };
const software = { ...hardware, architecture: 'swiftshader', isFallbackAdapter: true };

describe('frame options', () => {
  it('applies the defaults, taking the fitting ones from the quantizer and the table', () => {
    const o = resolveFrameOptions({ k: 32, seed: 5, dither: 'ordered' }, { tolerance: 1 });
    expect(o).toMatchObject({ k: 32, seed: 5, tolerance: 1, maxIterations: MAX_FRAME_ITERATIONS, restart: false, target: undefined, init: undefined });
    expect([...o.read]).toEqual([]);
  });

  it('refuses what a frame does not take, each with a typed error', () => {
    const codeOf = (call: () => unknown) => {
      try {
        call();
        return 'no error';
      } catch (error) {
        return `${(error as Error).name} ${(error as { code: string }).code}`;
      }
    };
    expect(codeOf(() => resolveFrameOptions({}, { maxIterations: 65 }))).toBe('RangeError OUT_OF_RANGE');
    expect(codeOf(() => resolveFrameOptions({}, { dither: 'ordered' } as never))).toBe('TypeError INVALID_TYPE');
    expect(codeOf(() => resolveFrameOptions({}, { read: ['palette'] } as never))).toBe('TypeError INVALID_TYPE');
    expect(codeOf(() => resolveFrameOptions({}, { restart: 1 } as never))).toBe('TypeError INVALID_TYPE');
    expect(codeOf(() => resolveFrameOptions({}, { k: 0 }))).toBe('RangeError OUT_OF_RANGE');
    expect(codeOf(() => resolveFrameOptions({}, { k: 2, init: [[0, 0, 0]] }))).toBe('RangeError OUT_OF_RANGE');
    expect(codeOf(() => resolveFrameOptions({}, { k: 1, init: 'random' } as never))).toBe('TypeError INVALID_TYPE');
  });

  it('takes exactly k init colours', () => {
    expect(Array.from(resolveFrameOptions({}, { k: 2, init: [[1, 2, 3], [4, 5, 6]] }).init!)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('the readback of a frame', () => {
  it('is under 4 KB at k = 256 and 64 iterations, timestamps included, unless labels or image are asked for', () => {
    const none = new FrameStatusLayout(256, 64, 3840 * 2160, true, new Set());
    expect(none.bytes).toBe(16 + 16 + 64 * 8 + 256 * 4 + 256 * 4);
    expect(none.bytes).toBeLessThan(4096);
    expect(none.imageBytes).toBe(0);
    const both = new FrameStatusLayout(16, 30, 1001, false, new Set(['labels', 'image'] as const));
    expect(both.imageBytes).toBe(1004 + 1001 * 4);
    for (const region of [both.control, both.history, both.counts, both.palette, both.labels!, both.image!]) expect(region.offset % 8).toBe(0);
  });
});

describe("the element's route", () => {
  it('takes the GPU canvas route on a hardware adapter, the readback route on a software one only when asked', () => {
    expect(routeMode({}, hardware, 'auto')).toBe('canvas');
    expect(routeMode({ backend: 'webgpu' }, hardware, 'auto')).toBe('canvas');
    expect(routeMode({}, software, 'auto')).toBeUndefined();
    expect(routeMode({ backend: 'webgpu' }, software, 'auto')).toBeUndefined();
    expect(routeMode({}, software, 'on')).toBe('readback');
    expect(routeMode({}, hardware, 'off')).toBeUndefined();
    expect(routeMode({ backend: 'cpu' }, hardware, 'on')).toBeUndefined();
    expect(routeMode({}, undefined, 'on')).toBeUndefined();
  });

  it('stays on quantize() for options the frame path lacks', () => {
    for (const o of [{ dither: 'ordered' }, { colorSpace: 'oklab' }, { fixedColors: [[0, 0, 0]] }, { algorithm: 'minibatch' }, { attempts: 2 }, { sampleSize: 1000 }] as const) {
      expect(routeMode(o as never, hardware, 'on'), JSON.stringify(o)).toBeUndefined();
    }
    expect(routeMode({ maxIterations: 100, tolerance: 1, seed: 3, k: 8 }, hardware, 'auto')).toBe('canvas');
  });

  it('checks frame-path', () => {
    expect(checkFramePath('on')).toBe('on');
    expect(() => checkFramePath('yes')).toThrow(/attribute "frame-path" must be "auto", "on" or "off"/);
  });
});
