/**
 * PNG encoders and decoder of src/analysis, checked against pngjs (an independent decoder and encoder):
 * PNG-8 round trips are pixel-exact, the IHDR bit depth follows the palette size, tRNS alphas land on the
 * right entries, truecolour files decode to the input, and pngSizes compares like seed notebook 004. The
 * Node codecs off the main thread: a decode that unfilters rows while the rest inflates gives decodePng's
 * pixels and errors, and a zlib stream deflated in pieces on several threads inflates to its input.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import {
  bitsPerPixel,
  decodePng,
  encodeIndexedPng,
  encodePng,
  indexedBitDepth,
  pngSizes,
  quantize,
  resultToIndexedPng,
} from '../src/index.js';
import { decodePngAsync, resultToIndexedPngAsync, type ZlibInflateStream } from '../src/analysis/png.js';
import { encodeIndexedResultPng, encodeIndexedResultPngAsync, zlibInflate, zlibInflateStream } from '../src/node.js';
import { adler32, parallelZlibDeflate, pieceCount, zlibHeader } from '../src/parallel-deflate.js';
import { crop, loadCoffee, randomImage, randomInt, seededRandom } from './helpers/images.js';

/** Chunks of a PNG file, by an independent little parser. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    out.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

/** Chunks and layout of a hand-made PNG beyond its filtered scanlines. */
interface HandPngExtras {
  plte?: Buffer;
  /** Adam7 interlacing (the scanlines are then the passes', one after the other). */
  interlaced?: boolean;
  /** How many IDAT chunks the zlib stream is cut into. @default 1 */
  idatChunks?: number;
  /** Leave out the IEND chunk. */
  noEnd?: boolean;
}

/** A PNG assembled by hand (node:zlib, a bitwise CRC), to feed the decoder files our encoders never write. */
function handPng(width: number, height: number, depth: number, colourType: number, raw: Buffer, trns?: Buffer, extras: HandPngExtras = {}): Uint8Array {
  const crc = (bytes: Buffer): number => {
    let c = 0xffffffff;
    for (const byte of bytes) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  ihdr[12] = extras.interlaced ? 1 : 0;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (extras.plte) parts.push(chunk('PLTE', extras.plte));
  if (trns) parts.push(chunk('tRNS', trns));
  const z = deflateSync(raw);
  const cuts = extras.idatChunks ?? 1;
  for (let c = 0; c < cuts; c++) parts.push(chunk('IDAT', z.subarray(Math.floor((c * z.length) / cuts), Math.floor(((c + 1) * z.length) / cuts))));
  if (!extras.noEnd) parts.push(chunk('IEND', Buffer.alloc(0)));
  return new Uint8Array(Buffer.concat(parts));
}

/** Adam7 passes: first column, first row, column step, row step (from the PNG specification). */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/**
 * Unfiltered scanlines (filter type 0) of samples given one per element, row by row, packed at `depth`
 * bits (16-bit big-endian, below 8 bits high bits first); as Adam7 passes when `interlaced`.
 */
function scanlines(samples: ArrayLike<number>, width: number, height: number, channels: number, depth: number, interlaced: boolean): Buffer {
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1]];
  const rows: Buffer[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil(Math.max(0, width - x0!) / dx!);
    const h = Math.ceil(Math.max(0, height - y0!) / dy!);
    if (w === 0) continue;
    for (let y = 0; y < h; y++) {
      const row = Buffer.alloc(1 + Math.ceil((w * channels * depth) / 8));
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < channels; c++) {
          const v = samples[((y0! + y * dy!) * width + x0! + x * dx!) * channels + c]!;
          const i = x * channels + c;
          if (depth === 16) row.writeUInt16BE(v, 1 + i * 2);
          else if (depth === 8) row[1 + i] = v;
          else row[1 + Math.floor((i * depth) / 8)]! |= v << (8 - depth - ((i * depth) % 8));
        }
      }
      rows.push(row);
    }
  }
  return Buffer.concat(rows);
}

function randomIndexed(colours: number, width: number, height: number, seed: number): { palette: Uint8Array; labels: Uint8Array } {
  const random = seededRandom(seed);
  const palette = new Uint8Array(colours * 3);
  for (let i = 0; i < palette.length; i++) palette[i] = randomInt(random, 0, 255);
  const labels = new Uint8Array(width * height);
  for (let i = 0; i < labels.length; i++) labels[i] = randomInt(random, 0, colours - 1);
  // Make sure the largest index occurs (it decides nothing, but exercises the top bits of a packed byte).
  labels[labels.length - 1] = colours - 1;
  return { palette, labels };
}

describe('encodeIndexedPng', () => {
  // Odd width: rows end in a partly used byte at bit depths 1, 2 and 4.
  const width = 37;
  const height = 23;

  for (const [k, depth] of [
    [2, 1],
    [3, 2],
    [4, 2],
    [16, 4],
    [17, 8],
    [256, 8],
  ] as const) {
    it(`k = ${k}: colour type 3, bit depth ${depth}, pixel-exact through pngjs`, () => {
      const { palette, labels } = randomIndexed(k, width, height, 100 + k);
      const png = encodeIndexedPng({ palette, labels, width, height });
      // IHDR: 8-byte signature, length, "IHDR", width, height, then bit depth (byte 24) and colour type (25).
      expect(png[24]).toBe(depth);
      expect(png[25]).toBe(3);
      expect(indexedBitDepth(k)).toBe(depth);
      const plte = chunks(png).find((c) => c.type === 'PLTE')!;
      expect(plte.data.length).toBe(k * 3);
      expect(chunks(png).some((c) => c.type === 'tRNS')).toBe(false);

      const decoded = PNG.sync.read(Buffer.from(png));
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      for (let i = 0; i < labels.length; i++) {
        const j = labels[i]! * 3;
        const got = [decoded.data[i * 4], decoded.data[i * 4 + 1], decoded.data[i * 4 + 2], decoded.data[i * 4 + 3]];
        if (got[0] !== palette[j] || got[1] !== palette[j + 1] || got[2] !== palette[j + 2] || got[3] !== 255) {
          throw new Error(`pixel ${i}: got ${got.join(',')}, want ${palette[j]},${palette[j + 1]},${palette[j + 2]},255`);
        }
      }
      // Our own decoder gives the indices back.
      const ours = decodePng(png);
      expect(ours.colourType).toBe('indexed');
      expect(ours.bitDepth).toBe(depth);
      expect(Array.from(ours.labels!)).toEqual(Array.from(labels));
      expect(Array.from(ours.palette!)).toEqual(Array.from(palette));
      expect(Buffer.from(ours.data.buffer).equals(decoded.data)).toBe(true);
    });
  }

  it('bit depth matches bitsPerPixel rounded up to a PNG depth', () => {
    for (let k = 1; k <= 256; k++) {
      const bits = bitsPerPixel(k);
      const depth = indexedBitDepth(k);
      expect(depth).toBeGreaterThanOrEqual(bits);
      expect([1, 2, 4, 8]).toContain(depth);
      // The smallest PNG depth that holds the bits.
      expect([1, 2, 4, 8].find((d) => d >= Math.max(1, bits))).toBe(depth);
    }
  });

  it('writes tRNS alphas on the right entries, without trailing opaque ones', () => {
    const { palette, labels } = randomIndexed(5, 9, 7, 3);
    const alpha = Uint8Array.from([255, 0, 128, 255, 255]);
    const png = encodeIndexedPng({ palette, labels, width: 9, height: 7, alpha });
    const trns = chunks(png).find((c) => c.type === 'tRNS')!;
    expect(Array.from(trns.data)).toEqual([255, 0, 128]);
    const decoded = PNG.sync.read(Buffer.from(png));
    for (let i = 0; i < labels.length; i++) expect(decoded.data[i * 4 + 3]).toBe(alpha[labels[i]!]);
    expect(Array.from(decodePng(png).alpha!)).toEqual(Array.from(alpha));
  });

  it('single-colour and 1x1 images', () => {
    const png = encodeIndexedPng({ palette: [[10, 20, 30]], labels: new Uint8Array(1), width: 1, height: 1 });
    expect(png[24]).toBe(1);
    expect(Array.from(PNG.sync.read(Buffer.from(png)).data)).toEqual([10, 20, 30, 255]);
  });

  it('a quantization result with alpha keeps it through its RGBA palette (tRNS)', async () => {
    const image = randomImage(16, 16, 9);
    for (let i = 0; i < 256; i++) image.data[i * 4 + 3] = i % 3 === 0 ? 0 : 255;
    const result = await quantize(image, { k: 4, backend: 'cpu', maxIterations: 5 });
    const png = resultToIndexedPng(result);
    const decoded = PNG.sync.read(Buffer.from(png));
    expect(Buffer.from(decoded.data).equals(Buffer.from(result.image.buffer))).toBe(true);
    expect(png[24]).toBe(2); // 4 RGBA entries, the transparent one among them
  });

  it('an RGB result whose image has alpha still gets (colour, alpha) palette entries', () => {
    const labels = Uint8Array.from([0, 1, 1, 0]);
    const image = Uint8ClampedArray.from([1, 2, 3, 255, 4, 5, 6, 255, 4, 5, 6, 0, 1, 2, 3, 128]);
    const png = resultToIndexedPng({ palette: Uint8Array.from([1, 2, 3, 4, 5, 6]), labels, width: 2, height: 2, image });
    expect(Array.from(decodePng(png).data)).toEqual(Array.from(image));
    expect(decodePng(png).palette!.length / 3).toBe(4);
  });

  it('rejects bad arguments with typed errors naming them', () => {
    const ok = { palette: new Uint8Array(6), labels: new Uint8Array(4), width: 2, height: 2 };
    expect(() => encodeIndexedPng({ ...ok, palette: new Uint8Array(5) })).toThrow(/image\.palette\.length/);
    expect(() => encodeIndexedPng({ ...ok, palette: new Uint8Array(5) })).toThrow(RangeError);
    expect(() => encodeIndexedPng({ ...ok, palette: new Uint8Array(257 * 3) })).toThrow(RangeError);
    expect(() => encodeIndexedPng({ ...ok, labels: Uint8Array.from([0, 1, 2, 0]) })).toThrow(/image\.labels\[2\]/);
    expect(() => encodeIndexedPng({ ...ok, labels: new Uint8Array(3) })).toThrow(RangeError);
    expect(() => encodeIndexedPng({ ...ok, labels: [0, 0, 0, 0] as unknown as Uint8Array })).toThrow(TypeError);
    expect(() => encodeIndexedPng({ ...ok, width: 0 })).toThrow(/image\.width/);
    expect(() => encodeIndexedPng({ ...ok, height: 1.5 })).toThrow(RangeError);
    expect(() => encodeIndexedPng({ ...ok, alpha: new Uint8Array(3) })).toThrow(/image\.alpha\.length/);
    expect(() => encodeIndexedPng(ok, { level: 10 })).toThrow(/options\.level/);
    expect(() => encodeIndexedPng(ok, { levl: 1 } as never)).toThrow(TypeError);
  });
});

describe('encodePng (truecolour) and decodePng', () => {
  it('opaque images become RGB (colour type 2) and decode exactly with pngjs', () => {
    const image = crop(loadCoffee(), 100, 80, 61, 47);
    const png = encodePng(image);
    expect(png[25]).toBe(2);
    const decoded = PNG.sync.read(Buffer.from(png));
    expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('images with alpha become RGBA (colour type 6); every level decodes exactly', () => {
    const image = randomImage(33, 17, 4, { randomAlpha: true });
    for (const level of [0, 1, 9]) {
      const png = encodePng(image, { level });
      expect(png[25]).toBe(6);
      expect(Buffer.from(PNG.sync.read(Buffer.from(png)).data).equals(Buffer.from(image.data))).toBe(true);
      expect(Buffer.from(decodePng(png).data.buffer).equals(Buffer.from(image.data))).toBe(true);
    }
  });

  it('decodes pngjs files of other colour types and 16-bit depth', () => {
    const image = randomImage(13, 11, 5, { randomAlpha: true });
    const rgba = PNG.sync.write(Object.assign(new PNG({ width: 13, height: 11 }), { data: Buffer.from(image.data) }));
    expect(Buffer.from(decodePng(new Uint8Array(rgba)).data.buffer).equals(Buffer.from(image.data))).toBe(true);

    // pngjs blends alpha into a background when it writes RGB, so give it an opaque image.
    const opaque = randomImage(13, 11, 6);
    const rgb = new Uint8Array(PNG.sync.write(Object.assign(new PNG({ width: 13, height: 11 }), { data: Buffer.from(opaque.data) }), { colorType: 2 }));
    const decodedRgb = decodePng(rgb);
    expect(decodedRgb.colourType).toBe('rgb');
    for (let i = 0; i < 13 * 11; i++) {
      expect([decodedRgb.data[i * 4], decodedRgb.data[i * 4 + 1], decodedRgb.data[i * 4 + 2], decodedRgb.data[i * 4 + 3]]).toEqual([
        opaque.data[i * 4],
        opaque.data[i * 4 + 1],
        opaque.data[i * 4 + 2],
        255,
      ]);
    }

    // 16-bit RGBA, written by hand with node:zlib.
    const samples = new Uint16Array(4 * 3 * 4);
    for (let i = 0; i < samples.length; i++) samples[i] = (i * 4099) & 0xffff;
    const raw = Buffer.alloc(3 * (1 + 4 * 8));
    for (let y = 0; y < 3; y++) for (let x = 0; x < 16; x++) raw.writeUInt16BE(samples[y * 16 + x]!, y * 33 + 1 + x * 2);
    const decodedDeep = decodePng(handPng(4, 3, 16, 6, raw));
    expect(decodedDeep.bitDepth).toBe(16);
    expect(decodedDeep.colourType).toBe('rgba');
    for (let i = 0; i < samples.length; i++) expect(decodedDeep.data[i]).toBe(Math.round(samples[i]! / 257));

    // 4-bit greyscale with a tRNS key colour.
    const grey = [0, 5, 15, 7, 3];
    const row = Buffer.from([0, (grey[0]! << 4) | grey[1]!, (grey[2]! << 4) | grey[3]!, grey[4]! << 4]);
    const decodedGrey = decodePng(handPng(5, 1, 4, 0, row, Buffer.from([0, 7])));
    expect(decodedGrey.colourType).toBe('greyscale');
    expect(Array.from(decodedGrey.data)).toEqual(grey.flatMap((v) => [v * 17, v * 17, v * 17, v === 7 ? 0 : 255]));
  });

  it('undoes every row filter type as the specification defines it, Paeth ties included', () => {
    // Samples drawn at random, half of them from 0..3 so that the Paeth predictor meets many ties, and
    // filtered by the specification's formulas, byte by byte; rows cycle through the five filter types.
    const random = seededRandom(7);
    const paeth = (a: number, b: number, c: number): number => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    for (const [colourType, channels, depth] of [[2, 3, 8], [6, 4, 8], [0, 1, 8], [2, 3, 16]] as const) {
      const width = 9;
      const height = 10;
      const bpp = (channels * depth) / 8;
      const stride = width * bpp;
      const raw = Buffer.alloc(height * (stride + 1));
      const expected = new Uint8Array(height * stride);
      for (let y = 0; y < height; y++) {
        const filter = y % 5;
        raw[y * (stride + 1)] = filter;
        for (let i = 0; i < stride; i++) {
          const value = randomInt(random, 0, 1) ? randomInt(random, 0, 3) : randomInt(random, 0, 255);
          const a = i >= bpp ? expected[y * stride + i - bpp]! : 0;
          const b = y > 0 ? expected[(y - 1) * stride + i]! : 0;
          const c = y > 0 && i >= bpp ? expected[(y - 1) * stride + i - bpp]! : 0;
          const predictor = [0, a, b, (a + b) >>> 1, paeth(a, b, c)][filter]!;
          expected[y * stride + i] = value;
          raw[y * (stride + 1) + 1 + i] = (value - predictor) & 0xff;
        }
      }
      const decoded = decodePng(handPng(width, height, depth, colourType, raw));
      for (let p = 0; p < width * height; p++) {
        const sample = (ch: number): number => (depth === 16 ? Math.round(((expected[p * bpp + ch * 2]! << 8) | expected[p * bpp + ch * 2 + 1]!) / 257) : expected[p * bpp + ch]!);
        const rgba = channels === 1 ? [sample(0), sample(0), sample(0), 255] : [sample(0), sample(1), sample(2), channels === 4 ? sample(3) : 255];
        expect(Array.from(decoded.data.subarray(p * 4, p * 4 + 4)), `colour type ${colourType}, depth ${depth}, pixel ${p}`).toEqual(rgba);
      }
    }
  });

  it('decodes Adam7-interlaced files of several colour types and bit depths', () => {
    const random = seededRandom(41);
    const draw = (count: number, max: number) => Array.from({ length: count }, () => randomInt(random, 0, max));
    // 8-bit RGBA, odd size (some passes are narrower than one pixel column of the first ones).
    const rgba = draw(13 * 11 * 4, 255);
    const decodedRgba = decodePng(handPng(13, 11, 8, 6, scanlines(rgba, 13, 11, 4, 8, true), undefined, { interlaced: true }));
    expect(Array.from(decodedRgba.data)).toEqual(rgba);
    // 1-bit greyscale: each pass's rows are packed on their own.
    const bits = draw(11 * 9, 1);
    const decodedBits = decodePng(handPng(11, 9, 1, 0, scanlines(bits, 11, 9, 1, 1, true), undefined, { interlaced: true }));
    expect(decodedBits.bitDepth).toBe(1);
    expect(Array.from(decodedBits.data)).toEqual(bits.flatMap((v) => [v * 255, v * 255, v * 255, 255]));
    // 16-bit RGB.
    const deep = draw(5 * 7 * 3, 65535);
    const decodedDeep = decodePng(handPng(5, 7, 16, 2, scanlines(deep, 5, 7, 3, 16, true), undefined, { interlaced: true }));
    for (let i = 0; i < 35; i++) {
      expect(Array.from(decodedDeep.data.subarray(i * 4, i * 4 + 4))).toEqual([...deep.slice(i * 3, i * 3 + 3).map((v) => Math.round(v / 257)), 255]);
    }
    // 2-bit indexed with a tRNS alpha, 1x1 and 3x2 (passes left empty).
    const palette = Buffer.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    for (const [w, h] of [[1, 1], [3, 2], [9, 5]] as const) {
      const labels = draw(w * h, 3);
      const decoded = decodePng(handPng(w, h, 2, 3, scanlines(labels, w, h, 1, 2, true), Buffer.from([0, 128]), { interlaced: true, plte: palette }));
      expect(Array.from(decoded.labels!)).toEqual(labels);
      expect(Array.from(decoded.alpha!)).toEqual([0, 128, 255, 255]);
      expect(Array.from(decoded.data)).toEqual(labels.flatMap((j) => [...palette.subarray(j * 3, j * 3 + 3), [0, 128, 255, 255][j]!]));
    }
  });

  it('decodes a zlib stream cut into several IDAT chunks, and gives the same pixels through node:zlib', () => {
    const image = randomImage(17, 9, 12, { randomAlpha: true });
    const png = handPng(17, 9, 8, 6, scanlines(image.data, 17, 9, 4, 8, false), undefined, { idatChunks: 3 });
    expect(chunks(png).filter((c) => c.type === 'IDAT').length).toBe(3);
    expect(Array.from(decodePng(png).data)).toEqual(Array.from(image.data));
    const coffeePng = encodePng(loadCoffee());
    const viaNode = decodePng(coffeePng, { inflate: (data) => new Uint8Array(inflateSync(data)) });
    expect(Buffer.from(viaNode.data.buffer).equals(Buffer.from(decodePng(coffeePng).data.buffer))).toBe(true);
  });

  it('encodes through a given zlib compressor (node:zlib): other bytes, the same pixels', () => {
    const image = crop(loadCoffee(), 200, 100, 64, 48);
    const deflate = (data: Uint8Array, level: number) => new Uint8Array(deflateSync(data, { level }));
    const truecolour = encodePng(image, { deflate });
    expect(Buffer.from(PNG.sync.read(Buffer.from(truecolour)).data).equals(Buffer.from(image.data))).toBe(true);
    const { palette, labels } = randomIndexed(16, 37, 23, 5);
    const indexed = encodeIndexedPng({ palette, labels, width: 37, height: 23 }, { level: 9, deflate });
    expect(Array.from(decodePng(indexed).labels!)).toEqual(Array.from(labels));
    expect(() => encodePng(image, { deflate: 'zlib' as never })).toThrow(/options\.deflate/);
    expect(() => decodePng(truecolour, { inflate: 1 as never })).toThrow(/options\.inflate/);
  });

  it('rejects broken PNGs with code INVALID_IMAGE, saying what is wrong', () => {
    const raw = scanlines(randomImage(6, 4, 3).data, 6, 4, 4, 8, false);
    const expectBroken = (bytes: Uint8Array, why: RegExp): void => {
      let error: (Error & { code?: unknown }) | undefined;
      try {
        decodePng(bytes);
      } catch (e) {
        error = e as Error & { code?: unknown };
      }
      expect(error?.code).toBe('INVALID_IMAGE');
      expect(error?.message).toMatch(why);
    };
    const whole = handPng(6, 4, 8, 6, raw);
    expectBroken(whole.subarray(0, 60), /truncated/);
    expectBroken(handPng(6, 4, 8, 6, raw, undefined, { noEnd: true }), /truncated/);
    expectBroken(handPng(6, 4, 8, 6, raw.subarray(0, raw.length - 5)), /truncated/);
    const badFilter = Buffer.from(raw);
    badFilter[(6 * 4 + 1) * 2] = 7;
    expectBroken(handPng(6, 4, 8, 6, badFilter), /filter type 7/);
    expectBroken(handPng(6, 4, 3, 6, raw), /bit depth 3/);
    expectBroken(handPng(6, 4, 8, 5, raw), /colour type 5/);
    expectBroken(handPng(6, 4, 8, 3, raw), /PLTE/);
    const corrupt = Uint8Array.from(whole);
    corrupt[8 + 25 + 8] = 0; // the zlib header's first byte (signature, IHDR chunk, IDAT length and type)
    expectBroken(corrupt, /does not inflate/);
    // Not a PNG at all is still a TypeError.
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(TypeError);
  });

  it('rejects non-PNG bytes with a TypeError', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(TypeError);
    expect(() => decodePng('png' as never)).toThrow(TypeError);
    expect(() => encodePng({ data: new Uint8Array(8), width: 3, height: 1 })).toThrow(/image\.data\.length/);
  });
});

/** A test inflater that hands `out` over in small steps, a task each, so that rows are unfiltered a few at a time. */
const trickle = (step: number): ZlibInflateStream => async (data, out, progress) => {
  const all = inflateSync(data);
  const size = Math.min(all.length, out.length);
  let filled = 0;
  while (filled < size) {
    const next = Math.min(size, filled + step);
    out.set(all.subarray(filled, next), filled);
    filled = next;
    await new Promise((resolve) => setImmediate(resolve));
    progress(filled);
  }
  return filled;
};

/** The PNGs decodePngAsync is checked on: every colour type, 16-bit, sub-byte, interlaced, several IDATs, a photo. */
function pngVariety(): Array<[string, Uint8Array]> {
  const random = seededRandom(5);
  const draw = (count: number, max: number) => Array.from({ length: count }, () => randomInt(random, 0, max));
  const filtered = (samples: number[], width: number, height: number, channels: number, depth: number): Buffer => {
    // scanlines() writes filter 0; give the rows every filter type instead, as encoders do.
    const raw = scanlines(samples, width, height, channels, depth, false);
    const stride = raw.length / height - 1;
    const bpp = Math.max(1, (channels * depth) >> 3);
    const out = Buffer.from(raw);
    for (let y = height - 1; y >= 0; y--) {
      const filter = y % 5;
      out[y * (stride + 1)] = filter;
      for (let i = 0; i < stride; i++) {
        const at = y * (stride + 1) + 1 + i;
        const a = i >= bpp ? raw[at - bpp]! : 0;
        const b = y > 0 ? raw[at - stride - 1]! : 0;
        const c = y > 0 && i >= bpp ? raw[at - stride - 1 - bpp]! : 0;
        const p = a + b - c;
        const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        out[at] = (raw[at]! - [0, a, b, (a + b) >>> 1, paeth][filter]!) & 0xff;
      }
    }
    return out;
  };
  return [
    ['coffee, RGB 8-bit', encodePng(loadCoffee())],
    ['RGBA 8-bit, all filters', handPng(23, 17, 8, 6, filtered(draw(23 * 17 * 4, 255), 23, 17, 4, 8))],
    ['RGB 8-bit, all filters', handPng(21, 16, 8, 2, filtered(draw(21 * 16 * 3, 255), 21, 16, 3, 8))],
    ['RGB 8-bit one pixel wide, all filters', handPng(1, 11, 8, 2, filtered(draw(11 * 3, 255), 1, 11, 3, 8))],
    ['RGB 16-bit, all filters', handPng(9, 14, 16, 2, filtered(draw(9 * 14 * 3, 65535), 9, 14, 3, 16))],
    ['grey 4-bit with a tRNS key', handPng(11, 6, 4, 0, filtered(draw(66, 15), 11, 6, 1, 4), Buffer.from([0, 7]))],
    ['grey + alpha 8-bit', handPng(7, 5, 8, 4, filtered(draw(70, 255), 7, 5, 2, 8))],
    ['indexed 2-bit', handPng(9, 5, 2, 3, filtered(draw(45, 3), 9, 5, 1, 2), Buffer.from([0, 128]), { plte: Buffer.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]) })],
    ['RGBA interlaced', handPng(13, 11, 8, 6, scanlines(draw(13 * 11 * 4, 255), 13, 11, 4, 8, true), undefined, { interlaced: true })],
    ['RGBA in 3 IDATs', handPng(17, 9, 8, 6, scanlines(draw(17 * 9 * 4, 255), 17, 9, 4, 8, false), undefined, { idatChunks: 3 })],
  ];
}

describe('Node codecs off the main thread', () => {
  it('decodePngAsync gives decodePng\'s pixels, palette and labels, whether the rows arrive at once or a few at a time', async () => {
    for (const [name, png] of pngVariety()) {
      const sync = decodePng(png);
      for (const [how, inflate] of [['zlibInflateStream', zlibInflateStream], ['trickled', trickle(97)]] as const) {
        const streamed = await decodePngAsync(png, { inflate });
        expect(Buffer.from(streamed.data.buffer).equals(Buffer.from(sync.data.buffer)), `${name}, ${how}`).toBe(true);
        expect([streamed.width, streamed.height, streamed.bitDepth, streamed.colourType], `${name}, ${how}`).toEqual([sync.width, sync.height, sync.bitDepth, sync.colourType]);
        expect(streamed.labels && Array.from(streamed.labels), `${name}, ${how}`).toEqual(sync.labels && Array.from(sync.labels));
        expect(streamed.alpha && Array.from(streamed.alpha), `${name}, ${how}`).toEqual(sync.alpha && Array.from(sync.alpha));
      }
    }
  });

  it('decodePngAsync fails as decodePng does on broken files (code INVALID_IMAGE, the same message, node:zlib\'s words for bad zlib data)', async () => {
    const raw = scanlines(randomImage(6, 4, 3).data, 6, 4, 4, 8, false);
    const badFilter = Buffer.from(raw);
    badFilter[(6 * 4 + 1) * 2] = 7;
    const whole = handPng(6, 4, 8, 6, raw);
    const corrupt = Uint8Array.from(whole);
    corrupt[8 + 25 + 8] = 0;
    const rgbBadFilter = scanlines(randomImage(6, 4, 3).data.filter((_, i) => i % 4 !== 3), 6, 4, 3, 8, false);
    rgbBadFilter[(6 * 3 + 1) * 3] = 5;
    const broken = [handPng(6, 4, 8, 6, raw.subarray(0, raw.length - 5)), handPng(6, 4, 8, 6, raw, undefined, { noEnd: true }), handPng(6, 4, 8, 6, badFilter), handPng(6, 4, 8, 2, rgbBadFilter), corrupt, whole.subarray(0, 60)];
    for (const [i, bytes] of broken.entries()) {
      const expected = (() => { try { decodePng(bytes, { inflate: zlibInflate }); } catch (e) { return e as Error & { code?: string }; } })();
      expect(expected?.code, `file ${i}`).toBe('INVALID_IMAGE');
      for (const inflate of [zlibInflateStream, trickle(5)]) {
        const error = await decodePngAsync(bytes, { inflate }).then(() => undefined, (e: Error & { code?: string }) => e);
        expect([error?.code, error?.message], `file ${i}`).toEqual([expected!.code, expected!.message]);
      }
    }
    await expect(decodePngAsync(whole, {} as never)).rejects.toThrow(/options\.inflate/);
    await expect(decodePngAsync(new Uint8Array([1, 2, 3]), { inflate: zlibInflateStream })).rejects.toThrow(TypeError);
  });

  it('parallelZlibDeflate: a zlib stream of any size, level and piece count that inflates to its input', async () => {
    const random = seededRandom(9);
    const data = new Uint8Array(300_001);
    // Runs and noise, so that matches cross the cuts between pieces.
    for (let i = 0; i < data.length; i++) data[i] = i % 1000 < 600 ? (i >> 7) & 0xff : randomInt(random, 0, 255);
    for (const size of [0, 1, 3, 4096, data.length]) {
      for (const level of [0, 1, 6, 9]) {
        for (const pieces of [1, 2, 3, 4]) {
          const input = data.subarray(0, size);
          const stream = await parallelZlibDeflate(input, level, pieces);
          expect(Buffer.from(inflateSync(stream)).equals(Buffer.from(input)), `size ${size}, level ${level}, ${pieces} pieces`).toBe(true);
        }
      }
    }
    await expect(parallelZlibDeflate(data, 10)).rejects.toMatchObject({ name: 'RangeError', code: 'OUT_OF_RANGE' });
    await expect(parallelZlibDeflate(data, 6, 0)).rejects.toThrow(/pieces/);
    // The dictionary carries matches across the cuts: four pieces cost about what one stream does.
    const [one, four] = [await parallelZlibDeflate(data, 6, 1), await parallelZlibDeflate(data, 6, 4)];
    expect(four.length).toBeLessThan(one.length * 1.01);
  });

  it('adler32 and zlibHeader agree with node:zlib; pieceCount cuts only data of 1 MiB or more, into pieces of at least 512 KiB, two a core, at most four', () => {
    const random = seededRandom(3);
    for (const size of [0, 1, 5551, 5552, 5553, 100_000]) {
      const data = Uint8Array.from({ length: size }, () => randomInt(random, 0, 255));
      const zlib = deflateSync(data);
      expect(adler32(data), `size ${size}`).toBe(zlib.readUInt32BE(zlib.length - 4));
    }
    expect(adler32(new Uint8Array(1 << 20).fill(255))).toBe(deflateSync(new Uint8Array(1 << 20).fill(255)).readUInt32BE(deflateSync(new Uint8Array(1 << 20).fill(255)).length - 4));
    for (const level of [0, 1, 2, 5, 6, 7, 9]) {
      const header = zlibHeader(level);
      expect(((header[0]! << 8) | header[1]!) % 31, `level ${level}`).toBe(0);
      expect(header[0]).toBe(0x78);
      // node:zlib's own header for the level (FLEVEL) is the same two bytes.
      expect(Array.from(header), `level ${level}`).toEqual(Array.from(deflateSync(new Uint8Array(10), { level }).subarray(0, 2)));
    }
    expect(pieceCount(500_000, 8)).toBe(1);
    expect(pieceCount(8 << 20, 2)).toBe(4);
    expect(pieceCount(8 << 20, 1)).toBe(2);
    expect(pieceCount(8 << 20, 16)).toBe(4);
    expect(pieceCount(3 << 19, 16)).toBe(3);
    expect(pieceCount(2_000_000, 2)).toBe(3);
  });

  it('encodeIndexedResultPngAsync writes a PNG-8 of the same pixels as encodeIndexedResultPng, large images in pieces', async () => {
    const coffee = await quantize(loadCoffee(), { k: 16, backend: 'cpu' });
    const { palette, labels } = randomIndexed(256, 1200, 1000, 11);
    // Runs of labels, as a quantized photo has (random labels would not compress).
    for (let i = 0; i < labels.length; i++) labels[i] = labels[i - (i % 37)]!;
    const large = { palette, labels, width: 1200, height: 1000 };
    for (const result of [coffee, large]) {
      const [sync, threaded] = [encodeIndexedResultPng(result), await encodeIndexedResultPngAsync(result)];
      const [a, b] = [decodePng(sync), decodePng(threaded)];
      expect(Array.from(b.palette!)).toEqual(Array.from(a.palette!));
      expect(Buffer.from(b.labels!).equals(Buffer.from(a.labels!))).toBe(true);
      expect(Buffer.from(b.labels!).equals(Buffer.from(result.labels))).toBe(true);
      expect(threaded.length).toBeLessThan(sync.length * 1.01);
    }
    const forced = await resultToIndexedPngAsync(coffee, { level: 9, deflate: (data, level) => parallelZlibDeflate(data, level, 3) });
    expect(Buffer.from(decodePng(forced).labels!).equals(Buffer.from(coffee.labels))).toBe(true);
    await expect(resultToIndexedPngAsync(coffee, { deflate: 'zlib' as never })).rejects.toThrow(/options\.deflate/);
    await expect(resultToIndexedPngAsync(coffee, { level: 10, deflate: (data, level) => parallelZlibDeflate(data, level) })).rejects.toThrow(/options\.level/);
  });
});

describe('pngSizes', () => {
  it('coffee at k = 16: PNG-8 (4 bits) < quantized truecolour < original truecolour', async () => {
    const coffee = loadCoffee();
    const result = await quantize(coffee, { k: 16, backend: 'cpu', maxIterations: 10 });
    const sizes = pngSizes(coffee, result);
    expect(sizes.indexedBitDepth).toBe(4);
    expect(sizes.alphaKept).toBe(true);
    expect(sizes.indexedPngBytes).toBeLessThan(sizes.rgbaPngBytes);
    expect(sizes.rgbaPngBytes).toBeLessThan(sizes.originalPngBytes);
    // The PNG-8 cannot beat the entropy bound by much: at least a tenth of the raw 4-bit size.
    expect(sizes.indexedPngBytes).toBeGreaterThan((coffee.width * coffee.height * 4) / 8 / 10);
    expect(() => pngSizes(crop(coffee, 0, 0, 10, 10), result)).toThrow(RangeError);
  });
});
