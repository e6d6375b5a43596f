/**
 * Validation: every bad option or input is rejected with the right typed error, naming the culprit,
 * before any work starts; and backend selection without WebGPU (Node has no navigator.gpu).
 */
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers/promises.js';
import { createQuantizer, GpuUnavailableError, quantize, type QuantizeOptions } from '../src/index.js';
import { OPTIONS, optionDefault, resolveOptions } from '../src/options.js';
import { parseCommand } from '../src/cli/args.js';
import { randomImage, type TestImage } from './helpers/images.js';

/** A valid image with more distinct colours than any k used here (so the exact-palette shortcut never applies). */
const image = randomImage(32, 32, 4);

/** The same image, counting every read of its pixel data or size. */
function watched(): { input: TestImage; reads: () => number } {
  let reads = 0;
  const input = {
    get data() {
      reads++;
      return image.data;
    },
    get width() {
      reads++;
      return image.width;
    },
    get height() {
      reads++;
      return image.height;
    },
  };
  return { input, reads: () => reads };
}


type ErrorClass = typeof RangeError | typeof TypeError;

const badOptions: [string, Record<string, unknown>, ErrorClass, string][] = [
  ['k 0', { k: 0 }, RangeError, 'k'],
  ['k 257', { k: 257 }, RangeError, 'k'],
  ['k 2.5', { k: 2.5 }, RangeError, 'k'],
  ['k "16"', { k: '16' }, TypeError, 'k'],
  // Like Web IDL's [EnforceRange], a non-finite number is a TypeError, not a RangeError.
  ['k NaN', { k: NaN }, TypeError, 'k'],
  ['k Infinity', { k: Infinity }, TypeError, 'k'],
  ['maxIterations 0', { maxIterations: 0 }, RangeError, 'maxIterations'],
  ['maxIterations 1.5', { maxIterations: 1.5 }, RangeError, 'maxIterations'],
  ['tolerance -1', { tolerance: -1 }, RangeError, 'tolerance'],
  ['tolerance NaN', { tolerance: NaN }, TypeError, 'tolerance'],
  ['tolerance Infinity', { tolerance: Infinity }, RangeError, 'tolerance'],
  ['tolerance "0.1"', { tolerance: '0.1' }, TypeError, 'tolerance'],
  ['seed 1.5', { seed: 1.5 }, RangeError, 'seed'],
  ['seed 2^53', { seed: 2 ** 53 }, RangeError, 'seed'],
  ['attempts 0', { attempts: 0 }, RangeError, 'attempts'],
  ['sampleSize 0', { sampleSize: 0 }, RangeError, 'sampleSize'],
  ['sampleSize below k', { k: 16, sampleSize: 15 }, RangeError, 'sampleSize'],
  ['backend "gpu"', { backend: 'gpu' }, TypeError, 'backend'],
  ['init "foo"', { init: 'foo' }, TypeError, 'init'],
  ['init array of the wrong length', { k: 3, init: [[0, 0, 0], [1, 1, 1]] }, RangeError, 'init'],
  ['init of the wrong length for the default k', { init: [[0, 0, 0]] }, RangeError, 'init'],
  ['init colour out of range', { k: 2, init: [[0, 0, 0], [0, 256, 0]] }, RangeError, 'init[1][1]'],
  ['init colour negative', { k: 2, init: [[0, 0, -1], [0, 0, 0]] }, RangeError, 'init[0][2]'],
  ['init colour not a triple', { k: 2, init: [[0, 0], [0, 0, 0]] }, TypeError, 'init[0]'],
  ['unknown option', { kk: 3 }, TypeError, 'kk'],
  ['onProgress not a function', { onProgress: 'log' }, TypeError, 'onProgress'],
  ['signal not an AbortSignal', { signal: 'stop' }, TypeError, 'signal'],
];

/** Bad values of the options that only createQuantizer() (or a one-shot quantize()) takes. */
const badQuantizerOptions: [string, Record<string, unknown>, ErrorClass, string][] = [
  ['gpuIterateOn "texels"', { gpuIterateOn: 'texels' }, TypeError, 'gpuIterateOn'],
  ['maxChunkPixels not a multiple of 256', { maxChunkPixels: 1000 }, RangeError, 'maxChunkPixels'],
];

describe('bad options', () => {
  it.each(badOptions)('%s', async (_name, options, type, option) => {
    const { input, reads } = watched();
    let progress = 0;
    const withProgress = 'onProgress' in options ? options : { ...options, onProgress: () => progress++ };
    const error = await rejection(quantize(input, { backend: 'cpu', ...withProgress } as QuantizeOptions));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(`"${option}"`);
    // Validation came first: the image was never read and no iteration ran.
    expect(reads()).toBe(0);
    expect(progress).toBe(0);
  });

  it.each(badOptions)('createQuantizer throws synchronously: %s', (_name, options, type, option) => {
    expect(() => createQuantizer(options as QuantizeOptions)).toThrow(type);
    expect(() => createQuantizer(options as QuantizeOptions)).toThrow(`"${option}"`);
  });

  it.each(badQuantizerOptions)('quantizer option: %s', async (_name, options, type, option) => {
    expect(() => createQuantizer(options as QuantizeOptions)).toThrow(type);
    expect(() => createQuantizer(options as QuantizeOptions)).toThrow(`"${option}"`);
    const { input, reads } = watched();
    const error = await rejection(quantize(input, { backend: 'cpu', ...options } as QuantizeOptions));
    expect(error).toBeInstanceOf(type);
    expect(reads()).toBe(0);
  });

  it.each(['gpu', 'device', 'maxChunkPixels', 'gpuIterateOn'])('Quantizer.quantize rejects the quantizer option %s (set at createQuantizer)', async (option) => {
    const quantizer = createQuantizer({ backend: 'cpu' });
    const { input, reads } = watched();
    const error = await rejection(quantizer.quantize(input, { [option]: option === 'maxChunkPixels' ? 4096 : 'pixels' } as QuantizeOptions));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toContain('createQuantizer()');
    expect(reads()).toBe(0);
    quantizer.destroy();
  });

  it.each(badOptions)('Quantizer.quantize rejects (does not throw): %s', async (_name, options, type) => {
    const quantizer = createQuantizer({ backend: 'cpu' });
    const { input, reads } = watched();
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = quantizer.quantize(input, options as QuantizeOptions);
    }).not.toThrow();
    expect(await rejection(returned!)).toBeInstanceOf(type);
    expect(reads()).toBe(0);
    quantizer.destroy();
  });

  it('valid edge values are accepted', async () => {
    const result = await quantize(image, {
      k: 256,
      maxIterations: 1,
      tolerance: 0,
      seed: -(2 ** 53) + 1,
      attempts: 1,
      sampleSize: 256,
      backend: 'cpu',
    });
    expect(result.backend).toBe('cpu');
    const init = await quantize(image, { k: 2, init: [[0, 0, 0], [255, 255, 255]], maxIterations: 1, backend: 'cpu' });
    expect(init.paletteSize).toBe(2);
  });
});

const badInputs: [string, unknown, ErrorClass, RegExp][] = [
  ['empty image 0x0', { data: new Uint8Array(0), width: 0, height: 0 }, RangeError, /empty/],
  ['empty image 5x0', { data: new Uint8Array(0), width: 5, height: 0 }, RangeError, /empty/],
  ['data length != w*h*4', { data: new Uint8Array(4 * 10 - 1), width: 5, height: 2 }, RangeError, /length/],
  ['data length too long', { data: new Uint8Array(4 * 10 + 4), width: 5, height: 2 }, RangeError, /length/],
  ['width non-integer', { data: new Uint8Array(4 * 10), width: 2.5, height: 4 }, TypeError, /width/],
  ['height negative', { data: new Uint8Array(4 * 10), width: 5, height: -2 }, TypeError, /height/],
  ['width a string', { data: new Uint8Array(4 * 10), width: '5', height: 2 }, TypeError, /width/],
  ['input null', null, TypeError, /input/],
  ['input a number', 42, TypeError, /input/],
  ['data not a typed array', { data: [0, 0, 0, 255], width: 1, height: 1 }, TypeError, /input\.data/],
  ['data a Float32Array', { data: new Float32Array(4), width: 1, height: 1 }, TypeError, /input\.data/],
  ['an object that is no image', { pixels: new Uint8Array(4) }, TypeError, /unsupported input/],
];

describe('bad inputs', () => {
  it.each(badInputs)('%s', async (_name, input, type, message) => {
    let progress = 0;
    const error = await rejection(quantize(input as TestImage, { backend: 'cpu', onProgress: () => progress++ }));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/^kmeans-quantizer: /);
    expect((error as { code?: string }).code).toMatch(/^(INVALID_IMAGE|INVALID_TYPE|OUT_OF_RANGE)$/);
    expect(progress).toBe(0);
  });

  it('bad input is reported even when the backend is auto (before any GPU lookup)', async () => {
    const error = await rejection(quantize({ data: new Uint8Array(3), width: 1, height: 1 }, { backend: 'auto' }));
    expect(error).toBeInstanceOf(RangeError);
  });
});

describe('backends without WebGPU (Node)', () => {
  it('has no navigator.gpu here', () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
  });

  it('backend "webgpu" rejects with GpuUnavailableError', async () => {
    let progress = 0;
    const error = await rejection(quantize(image, { k: 4, backend: 'webgpu', onProgress: () => progress++ }));
    expect(error.name).toBe('GpuUnavailableError');
    expect(error).toBeInstanceOf(GpuUnavailableError);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/navigator\.gpu/);
    expect(progress).toBe(0);
  });

  it('backend "auto" falls back to the CPU and says why', async () => {
    const result = await quantize(image, { k: 4, backend: 'auto', maxIterations: 5 });
    expect(result.backend).toBe('cpu');
    expect(result.fallbackReason).toMatch(/navigator\.gpu/);
    expect(result.adapter).toBeUndefined();
    // Same fit as asking for the CPU directly.
    const cpu = await quantize(image, { k: 4, backend: 'cpu', maxIterations: 5 });
    expect([...result.palette]).toEqual([...cpu.palette]);
    expect(cpu.fallbackReason).toBeUndefined();
  });

  it('the default backend is auto', async () => {
    const result = await quantize(image, { k: 4, maxIterations: 2 });
    expect(result.backend).toBe('cpu');
    expect(result.fallbackReason).toMatch(/navigator\.gpu/);
  });
});

describe('defaults', () => {
  /**
   * Each surface that takes options (the library, the CLI, ...) and what it resolves when given none.
   * A surface added later (the element) adds one row here.
   */
  const surfaces: Array<[surface: string, resolve: () => Record<string, unknown>]> = [
    ['library: resolveOptions()', () => ({ ...resolveOptions(undefined) })],
    ['CLI: no engine flags', () => {
      const command = parseCommand(['in.png', '--json']);
      if (typeof command === 'string' || !command.quantize) throw new Error('expected the single quantization');
      return { ...command.quantize };
    }],
  ];

  it.each(surfaces)('every surface resolves the table defaults: %s', (_surface, resolve) => {
    const resolved = resolve();
    for (const spec of OPTIONS) {
      if (spec.scope === 'call') expect(resolved[spec.name], spec.name).toEqual(optionDefault(spec.name));
    }
  });
});
