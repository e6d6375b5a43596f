/**
 * The small analyses of src/analysis against independent checks: channel histograms, distinct colours,
 * index bits and raw sizes, 1-D value quantization (against brute force over all partitions), resizing,
 * palette exports, and the typed errors (a stable `code`, no prefix) of bad inputs to them and to src/node.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputPath, readImage, writePng } from '../src/node.js';
import {
  bitsPerPixel,
  channelHistograms,
  ciede2000,
  countDistinctColours,
  paletteToCss,
  paletteToGpl,
  paletteToJson,
  quantize,
  quantizePerChannel,
  quantizeValues,
  rawSizeBytes,
  resizeImage,
  type ResizeFilter,
} from '../src/index.js';
import { crop, loadCoffee, randomImage, randomInt, seededRandom, type TestImage } from './helpers/images.js';

describe('channelHistograms', () => {
  it('each histogram sums to the pixel count and matches a direct count, for original and quantized images', async () => {
    const coffee = loadCoffee();
    const quantized = await quantizeValues(coffee, { k: 4 });
    for (const data of [coffee.data, quantized.image]) {
      const h = channelHistograms(data);
      const n = data.length / 4;
      expect(h.pixels).toBe(n);
      for (const channel of [h.r, h.g, h.b, h.luma!]) {
        expect(channel.length).toBe(256);
        expect(channel.reduce((s, v) => s + v, 0)).toBe(n);
      }
      for (const [c, hist] of [[0, h.r], [1, h.g], [2, h.b]] as const) {
        const direct = new Array<number>(256).fill(0);
        for (let i = c; i < data.length; i += 4) direct[data[i]!]!++;
        expect(Array.from(hist)).toEqual(direct);
      }
    }
    // The quantized image has at most 4 values in each channel.
    const hq = channelHistograms({ data: quantized.image });
    expect(hq.r.filter((v) => v > 0).length).toBeLessThanOrEqual(4);
  });

  it('luma uses BT.601 weights, rounded; can be left out', () => {
    const data = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    const h = channelHistograms(data);
    expect(h.luma![76]).toBe(1); // 0.299 * 255 = 76.2
    expect(h.luma![150]).toBe(1); // 0.587 * 255 = 149.7
    expect(h.luma![29]).toBe(1); // 0.114 * 255 = 29.1
    expect(h.luma![255]).toBe(1);
    expect(channelHistograms(data, { luma: false }).luma).toBeUndefined();
    expect(() => channelHistograms(new Uint8Array(5))).toThrow(/data\.length/);
    expect(() => channelHistograms([1, 2, 3, 4] as never)).toThrow(TypeError);
    expect(() => channelHistograms(data, { luma: 1 } as never)).toThrow(/options\.luma/);
  });
});

describe('sizes', () => {
  it('countDistinctColours counts RGB colours (alpha ignored), small and large images', () => {
    const small = Uint8Array.from([1, 2, 3, 255, 1, 2, 3, 0, 3, 2, 1, 255]);
    expect(countDistinctColours(small)).toBe(2);
    const large = randomImage(300, 200, 3);
    const seen = new Set<number>();
    for (let i = 0; i < large.data.length; i += 4) seen.add(large.data[i]! * 65536 + large.data[i + 1]! * 256 + large.data[i + 2]!);
    expect(countDistinctColours(large)).toBe(seen.size);
    expect(countDistinctColours(new Uint8Array(0))).toBe(0);
  });

  it('bitsPerPixel is ceil(log2 k), 0 for k = 1', () => {
    const cases: [number, number][] = [[1, 0], [2, 1], [3, 2], [4, 2], [5, 3], [8, 3], [9, 4], [16, 4], [17, 5], [255, 8], [256, 8], [257, 9], [2 ** 20, 20]];
    for (const [k, bits] of cases) expect(bitsPerPixel(k), `k = ${k}`).toBe(bits);
    expect(() => bitsPerPixel(0)).toThrow(RangeError);
    expect(() => bitsPerPixel(2.5)).toThrow(RangeError);
    expect(() => bitsPerPixel('8' as never)).toThrow(TypeError);
  });

  it('rawSizeBytes: seed 001 (1920 x 1080 x 24 bits) and seed 004 (3 bits a pixel)', () => {
    expect(rawSizeBytes(1920, 1080, 24)).toBe(6_220_800);
    expect(rawSizeBytes(1920, 1080, bitsPerPixel(8))).toBe(777_600);
    expect(rawSizeBytes(10, 10, 3)).toBe(38);
    expect(rawSizeBytes(0, 10, 8)).toBe(0);
    expect(() => rawSizeBytes(-1, 10, 8)).toThrow(/width/);
    expect(() => rawSizeBytes(10, 10, -1)).toThrow(/bitsPerPixel/);
  });
});

// ---------------------------------------------------------------------------------------------------
// 1-D value quantization
// ---------------------------------------------------------------------------------------------------

/** Least k-means cost of weighted sorted values split into exactly k runs, by trying every split. */
function bruteForceCost(values: number[], weights: number[], k: number): number {
  const m = values.length;
  const runCost = (a: number, b: number): number => {
    let w = 0;
    let s = 0;
    for (let i = a; i < b; i++) {
      w += weights[i]!;
      s += weights[i]! * values[i]!;
    }
    const mean = s / w;
    let c = 0;
    for (let i = a; i < b; i++) c += weights[i]! * (values[i]! - mean) ** 2;
    return c;
  };
  let best = Infinity;
  const split = (start: number, left: number, acc: number): void => {
    if (left === 1) {
      best = Math.min(best, acc + runCost(start, m));
      return;
    }
    for (let end = start + 1; end <= m - left + 1; end++) split(end, left - 1, acc + runCost(start, end));
  };
  split(0, k, 0);
  return best;
}

function imageOfValues(values: number[], seed: number, width = 20, height = 10): TestImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : values[randomInt(random, 0, values.length - 1)]!;
  return { data, width, height };
}

describe('quantizeValues / quantizePerChannel', () => {
  it('a two-level image: both levels recovered exactly, by both methods, and the image is unchanged', async () => {
    const image = imageOfValues([40, 200], 1);
    for (const method of ['optimal', 'lloyd'] as const) {
      const result = await quantizeValues(image, { k: 2, method });
      expect(Array.from(result.levels)).toEqual([40, 200]);
      expect(Array.from(result.levelBytes)).toEqual([40, 200]);
      expect(result.inertia).toBe(0);
      expect(result.mse).toBe(0);
      expect(Buffer.from(result.image.buffer).equals(Buffer.from(image.data))).toBe(true);
    }
    // More levels than values: still exactly the values.
    expect(Array.from((await quantizeValues(image, { k: 5 })).levels)).toEqual([40, 200]);
  });

  it('the optimal method reaches the least cost of all partitions (brute force)', async () => {
    for (const seed of [1, 2, 3]) {
      const random = seededRandom(seed);
      const values = Array.from(new Set(Array.from({ length: 9 }, () => randomInt(random, 0, 255)))).sort((a, b) => a - b);
      const image = imageOfValues(values, seed + 10, 31, 17);
      const weights = values.map(() => 0);
      for (let i = 0; i < image.data.length; i++) if (i % 4 !== 3) weights[values.indexOf(image.data[i]!)]!++;
      for (const k of [1, 2, 3, 4]) {
        const result = await quantizeValues(image, { k });
        expect(result.inertia).toBeCloseTo(bruteForceCost(values, weights, k), 6);
        // Reported inertia is what the levels cost.
        let cost = 0;
        for (let i = 0; i < image.data.length; i++) {
          if (i % 4 === 3) continue;
          const v = image.data[i]!;
          cost += (v - result.levels[result.lookup[v]!]!) ** 2;
        }
        expect(cost).toBeCloseTo(result.inertia, 6);
      }
    }
  });

  it('on coffee.png: optimal <= lloyd, levels ascending, every value maps to its nearest level', async () => {
    const coffee = crop(loadCoffee(), 0, 0, 300, 200);
    const optimal = await quantizeValues(coffee, { k: 6 });
    const lloyd = await quantizeValues(coffee, { k: 6, method: 'lloyd', seed: 3 });
    expect(optimal.inertia).toBeLessThanOrEqual(lloyd.inertia + 1e-6);
    for (const r of [optimal, lloyd]) {
      for (let j = 1; j < r.levels.length; j++) expect(r.levels[j]!).toBeGreaterThan(r.levels[j - 1]!);
      for (let v = 0; v < 256; v++) {
        const d = Math.abs(v - r.levels[r.lookup[v]!]!);
        for (const level of r.levels) expect(d).toBeLessThanOrEqual(Math.abs(v - level) + 1e-9);
      }
    }
    const distinct = new Set<number>();
    for (let i = 0; i < optimal.image.length; i++) if (i % 4 !== 3) distinct.add(optimal.image[i]!);
    expect(distinct.size).toBeLessThanOrEqual(6);
  });

  it('per channel: each channel gets its own levels', async () => {
    const coffee = crop(loadCoffee(), 100, 100, 120, 80);
    const result = await quantizePerChannel(coffee, { k: [2, 3, 4] });
    expect(result.channels.r.levels.length).toBe(2);
    expect(result.channels.g.levels.length).toBe(3);
    expect(result.channels.b.levels.length).toBe(4);
    const channels = [result.channels.r, result.channels.g, result.channels.b];
    const allowed = channels.map((ch) => new Set(ch.levelBytes));
    for (let i = 0; i < result.image.length; i += 4) {
      for (let c = 0; c < 3; c++) if (!allowed[c]!.has(result.image[i + c]!)) throw new Error(`channel ${c} of pixel ${i / 4} is not a level`);
      if (result.image[i + 3] !== coffee.data[i + 3]) throw new Error(`alpha of pixel ${i / 4} changed`);
    }
    expect(result.inertia).toBeCloseTo(channels.reduce((s, ch) => s + ch.inertia, 0), 6);
    // Channel-wise fits each channel at least as well as pooled levels of the same count.
    const pooled = await quantizeValues(coffee, { k: 4 });
    const perChannel4 = await quantizePerChannel(coffee, { k: 4 });
    expect(perChannel4.inertia).toBeLessThanOrEqual(pooled.inertia + 1e-6);
  });

  it('rejects bad arguments', async () => {
    const image = imageOfValues([1, 2], 1);
    await expect(quantizeValues(image, { k: 0 })).rejects.toThrow(/options\.k/);
    await expect(quantizeValues(image, { method: 'median' as never })).rejects.toThrow(/options\.method/);
    await expect(quantizeValues(image, { tolerance: -1 })).rejects.toThrow(RangeError);
    await expect(quantizePerChannel(image, { k: [2, 2] as never })).rejects.toThrow(/options\.k\.length/);
    await expect(quantizePerChannel(image, { k: [2, 2, 300] })).rejects.toThrow(/options\.k\[2\]/);
    await expect(quantizePerChannel(image, { k: 'x' as never })).rejects.toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------
// Resize
// ---------------------------------------------------------------------------------------------------

function constantImage(width: number, height: number, rgba: [number, number, number, number]): TestImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i % 4]!;
  return { data, width, height };
}

const FILTERS: ResizeFilter[] = ['lanczos3', 'bicubic', 'bilinear', 'box', 'nearest'];

describe('resizeImage', () => {
  it('a constant image stays constant at the asked size, for every filter, shrinking and growing', async () => {
    for (const colour of [[10, 200, 30, 255], [250, 5, 128, 100]] as [number, number, number, number][]) {
      const image = constantImage(37, 29, colour);
      for (const filter of FILTERS) {
        for (const [w, h] of [[10, 7], [50, 61], [37, 5], [1, 1]]) {
          const out = await resizeImage(image, w!, h!, { filter });
          expect([out.width, out.height, out.data.length]).toEqual([w, h, w! * h! * 4]);
          for (let i = 0; i < out.data.length; i++) {
            if (out.data[i] !== colour[i % 4]) throw new Error(`${filter} ${w}x${h}: byte ${i} is ${out.data[i]}, want ${colour[i % 4]}`);
          }
        }
      }
    }
  });

  it('same size is the identity for interpolating filters; box halves by averaging 2 x 2 blocks', async () => {
    const image = randomImage(16, 12, 8);
    for (const filter of ['lanczos3', 'bicubic', 'bilinear', 'nearest'] as const) {
      const out = await resizeImage(image, 16, 12, { filter });
      expect(Buffer.from(out.data.buffer).equals(Buffer.from(image.data)), filter).toBe(true);
    }
    const half = await resizeImage(image, 8, 6, { filter: 'box' });
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) sum += image.data[((2 * y + dy!) * 16 + 2 * x + dx!) * 4 + c]!;
          expect(Math.abs(half.data[(y * 8 + x) * 4 + c]! - sum / 4)).toBeLessThanOrEqual(0.5);
        }
      }
    }
    const double = await resizeImage(image, 32, 24, { filter: 'nearest' });
    expect(double.data[((2 * 5 + 1) * 32 + 2 * 7 + 1) * 4]).toBe(image.data[(5 * 16 + 7) * 4]);
  });

  it('downscales coffee to 512 x 512 like the notebook, keeping the mean colour', async () => {
    const coffee = loadCoffee();
    const out = await resizeImage(coffee, 512, 512);
    const mean = (d: ArrayLike<number>, c: number): number => {
      let s = 0;
      for (let i = c; i < d.length; i += 4) s += d[i]!;
      return s / (d.length / 4);
    };
    for (let c = 0; c < 3; c++) expect(Math.abs(mean(out.data, c) - mean(coffee.data, c))).toBeLessThan(1);
  });

  it('transparent pixels do not bleed their colour', async () => {
    const image = constantImage(4, 1, [0, 0, 0, 0]);
    image.data.set([200, 100, 50, 255], 0);
    image.data.set([200, 100, 50, 255], 4);
    const out = await resizeImage(image, 2, 1, { filter: 'box' });
    expect(Array.from(out.data)).toEqual([200, 100, 50, 255, 0, 0, 0, 0]);
    const blurred = await resizeImage(image, 3, 1, { filter: 'bilinear' });
    // The middle pixel mixes opaque orange and transparent black: partly transparent orange, not darker.
    expect(Array.from(blurred.data.subarray(4, 7))).toEqual([200, 100, 50]);
  });

  it('rejects bad arguments', async () => {
    const image = constantImage(4, 4, [0, 0, 0, 255]);
    await expect(resizeImage(image, 0, 4)).rejects.toThrow(/width/);
    await expect(resizeImage(image, 4, 2.5)).rejects.toThrow(RangeError);
    await expect(resizeImage(image, 4, 4, { filter: 'cubic' as never })).rejects.toThrow(/options\.filter/);
    await expect(resizeImage({ data: new Uint8Array(3), width: 4, height: 4 }, 2, 2)).rejects.toThrow(/image\.data\.length/);
    await expect(resizeImage(image, 100000, 100000)).rejects.toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------
// Palette export
// ---------------------------------------------------------------------------------------------------

describe('palette export', () => {
  const palette = Uint8Array.from([255, 0, 0, 0, 128, 255, 7, 7, 7]);

  it('CSS custom properties', () => {
    expect(paletteToCss(palette).split('\n')).toEqual([':root {', '  --kmq-0: #ff0000;', '  --kmq-1: #0080ff;', '  --kmq-2: #070707;', '}', '']);
    expect(paletteToCss([[1, 2, 3]], '--brand-')).toContain('  --brand-0: #010203;');
    expect(() => paletteToCss(palette, 'kmq-')).toThrow(/prefix/);
    expect(() => paletteToCss(palette, '--a b')).toThrow(RangeError);
  });

  it('GIMP palette', () => {
    const lines = paletteToGpl(palette, 'Coffee k=3').split('\n');
    expect(lines.slice(0, 4)).toEqual(['GIMP Palette', 'Name: Coffee k=3', 'Columns: 3', '#']);
    expect(lines.slice(4)).toEqual(['255   0   0\t#ff0000', '  0 128 255\t#0080ff', '  7   7   7\t#070707', '']);
    expect(() => paletteToGpl(palette, 'two\nlines')).toThrow(/name/);
  });

  it('JSON', () => {
    const parsed = JSON.parse(paletteToJson(palette)) as unknown;
    expect(parsed).toEqual([
      { index: 0, hex: '#ff0000', rgb: [255, 0, 0] },
      { index: 1, hex: '#0080ff', rgb: [0, 128, 255] },
      { index: 2, hex: '#070707', rgb: [7, 7, 7] },
    ]);
    expect(() => paletteToJson(new Uint8Array(4))).toThrow(/palette\.length/);
    expect(() => paletteToJson([[1, 2]] as never)).toThrow(/palette\[0\]/);
    expect(() => paletteToJson([[1, 2, 256]])).toThrow(RangeError);
    expect(() => paletteToJson('red' as never)).toThrow(TypeError);
  });
});

describe('portability', () => {
  it('src/analysis imports no Node built-ins (it must run in browsers)', () => {
    const folder = new URL('../src/analysis/', import.meta.url);
    const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(new URL(file, folder), 'utf8');
      expect(text, file).not.toMatch(/from\s+['"](node:|fs['"]|path['"]|zlib['"]|buffer['"])/);
      expect(text, file).not.toMatch(/\bBuffer\./);
    }
  });
});

describe('typed errors', () => {
  /** What a call threw or rejected with. */
  async function caught(run: () => unknown): Promise<Error & { code?: unknown }> {
    try {
      await run();
    } catch (error) {
      return error as Error & { code?: unknown };
    }
    throw new Error('expected an error');
  }

  it('bad inputs give errors with a stable code, the built-in class callers test for, and no prefix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmq-errors-'));
    const notImage = join(dir, 'notes.png');
    writeFileSync(notImage, 'not an image');
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, readFileSync(new URL('./fixtures/coffee.png', import.meta.url)).subarray(0, 200));
    const cases: [string, () => unknown, ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, string][] = [
      ['quantize(null)', () => quantize(null as never, { backend: 'cpu' }), TypeError, 'INVALID_IMAGE'],
      ['data of the wrong length', () => quantize({ data: new Uint8Array(3), width: 1, height: 1 }, { backend: 'cpu' }), RangeError, 'INVALID_IMAGE'],
      ['data not a typed array', () => quantize({ data: [0, 0, 0, 255] as never, width: 1, height: 1 }, { backend: 'cpu' }), TypeError, 'INVALID_IMAGE'],
      ['resizeImage to width 0', () => resizeImage(randomImage(4, 4, 1), 0, 4), RangeError, 'OUT_OF_RANGE'],
      ['an unknown option', () => channelHistograms(new Uint8Array(4), { luma: 1 } as never), TypeError, 'INVALID_TYPE'],
      ['ciede2000 weight 0', () => ciede2000([50, 0, 0], [50, 1, 1], { kL: 0 }), RangeError, 'OUT_OF_RANGE'],
      ['ciede2000 of a string', () => ciede2000('lab' as never, [50, 1, 1]), TypeError, 'INVALID_TYPE'],
      ['readImage of a missing file', () => readImage(join(dir, 'missing.png')), Error, 'IO'],
      ['readImage of a text file', () => readImage(notImage), Error, 'INVALID_IMAGE'],
      ['readImage of a truncated PNG', () => readImage(truncated), Error, 'INVALID_IMAGE'],
      ['writePng of too few bytes', () => writePng(join(dir, 'out.png'), { data: new Uint8Array(3), width: 1, height: 1 }), RangeError, 'INVALID_IMAGE'],
      ['an output in a missing directory', () => checkOutputPath(join(dir, 'no', 'out.png')), Error, 'IO'],
    ];
    for (const [name, run, type, code] of cases) {
      const error = await caught(run);
      expect(error, name).toBeInstanceOf(type);
      expect(error.code, name).toBe(code);
      expect(error.message, name).not.toMatch(/kmeans-quantizer: /);
    }
  });
});
