/**
 * PNG files: an indexed (PNG-8, colour type 3) encoder whose bit depth follows the palette size, a
 * truecolour encoder (to compare sizes, as seed notebook 004 does with its files), and a decoder to RGBA8.
 *
 * The encoders write the chunks here and compress with fflate's zlib. (fast-png's encoder also writes
 * palette images, but it needs pre-packed sub-byte rows, never filters truecolour rows, and writes a tRNS
 * chunk that lists only the non-opaque alphas, which misassigns them unless those entries come first.)
 * Decoding uses fast-png, which reads every colour type, bit depth and interlacing.
 *
 * Filtering: indexed rows are written unfiltered (filter type 0), as the PNG specification recommends for
 * palette images and bit depths below 8; truecolour rows pick, row by row, the filter whose output has the
 * smallest sum of absolute values (read as signed bytes), the specification's suggested heuristic.
 */
import { decode as fastPngDecode } from 'fast-png';
import { zlibSync } from 'fflate';
import { checkBytes, checkDimension, checkImage, checkInteger, checkOptions, checkPalette, rangeError, typeError, type RgbaImage } from './common.js';

/** An image of palette indices. */
export interface IndexedImage {
  /** RGB bytes, 3 per colour, 1 to 256 colours (also accepted: an array of [r, g, b] triples). */
  palette: Uint8Array | ReadonlyArray<readonly [number, number, number]>;
  /** One palette index per pixel, row by row. */
  labels: Uint8Array;
  width: number;
  height: number;
  /** Alpha of each palette entry (255 = opaque); written as a tRNS chunk without its trailing 255s. */
  alpha?: Uint8Array;
}

export interface PngEncodeOptions {
  /** zlib compression level, 0 (store) to 9 (smallest). @default 6 */
  level?: number;
}

/** PNG bit depth of an indexed image with this many palette colours: <= 2 -> 1, <= 4 -> 2, <= 16 -> 4, else 8. */
export function indexedBitDepth(colours: number): 1 | 2 | 4 | 8 {
  checkInteger('colours', colours, 1, 256);
  return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

// ------------------------------------------------------------------------------------------------
// Chunk writing
// ------------------------------------------------------------------------------------------------

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | undefined;

/** CRC-32 (polynomial 0xEDB88320, reflected) of the bytes, as PNG chunks use. */
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Uint8Array;
}

function assemble(chunks: Chunk[]): Uint8Array {
  let size = SIGNATURE.length;
  for (const chunk of chunks) size += 12 + chunk.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const { type, data } of chunks) {
    view.setUint32(at, data.length);
    for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
    out.set(data, at + 8);
    view.setUint32(at + 8 + data.length, crc32(out, at + 4, at + 8 + data.length));
    at += 12 + data.length;
  }
  return out;
}

function header(width: number, height: number, bitDepth: number, colourType: number): Chunk {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = bitDepth;
  data[9] = colourType;
  // data[10..12]: deflate compression, adaptive filtering method, no interlace.
  return { type: 'IHDR', data };
}

function compress(raw: Uint8Array, level: number): Chunk {
  return { type: 'IDAT', data: zlibSync(raw, { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 }) };
}

function checkLevel(options: unknown): number {
  const o = checkOptions('options', options, ['level']);
  return o.level === undefined ? 6 : checkInteger('options.level', o.level, 0, 9);
}

// ------------------------------------------------------------------------------------------------
// Indexed
// ------------------------------------------------------------------------------------------------

/**
 * Encodes palette indices as a PNG-8 (colour type 3) with the smallest bit depth that holds the palette
 * (1, 2, 4 or 8 bits a pixel), a PLTE chunk of exactly the palette's colours and, when `alpha` has a
 * non-opaque entry, a tRNS chunk. Throws `TypeError`/`RangeError` naming the bad field.
 */
export function encodeIndexedPng(image: IndexedImage, options: PngEncodeOptions = {}): Uint8Array {
  if (typeof image !== 'object' || image === null) throw typeError('image', 'an object { palette, labels, width, height }', image);
  const palette = checkPalette('image.palette', image.palette);
  const colours = palette.length / 3;
  const width = checkDimension('image.width', image.width);
  const height = checkDimension('image.height', image.height);
  const labels = image.labels;
  if (!(labels instanceof Uint8Array)) throw typeError('image.labels', 'a Uint8Array of palette indices', labels);
  if (labels.length !== width * height) throw rangeError('image.labels.length', `width*height = ${width * height}`, labels.length);
  let alpha: Uint8Array | undefined;
  if (image.alpha !== undefined) {
    alpha = checkBytes('image.alpha', image.alpha) as Uint8Array;
    if (alpha.length !== colours) throw rangeError('image.alpha.length', `the palette size ${colours}`, alpha.length);
  }
  const level = checkLevel(options);
  const depth = indexedBitDepth(colours);

  const rowBytes = Math.ceil((width * depth) / 8);
  const raw = new Uint8Array((rowBytes + 1) * height);
  const perByte = 8 / depth;
  for (let y = 0; y < height; y++) {
    const rowStart = y * (rowBytes + 1);
    // raw[rowStart] = 0: filter type None.
    const src = y * width;
    for (let x = 0; x < width; x++) {
      const index = labels[src + x]!;
      if (index >= colours) throw rangeError(`image.labels[${src + x}]`, `a palette index below ${colours}`, index);
      if (depth === 8) {
        raw[rowStart + 1 + x] = index;
      } else {
        const at = rowStart + 1 + Math.floor(x / perByte);
        const shift = 8 - depth * (1 + (x % perByte));
        raw[at] = raw[at]! | (index << shift);
      }
    }
  }

  const chunks: Chunk[] = [header(width, height, depth, 3), { type: 'PLTE', data: palette }];
  if (alpha) {
    let used = alpha.length;
    while (used > 0 && alpha[used - 1] === 255) used--;
    if (used > 0) chunks.push({ type: 'tRNS', data: alpha.slice(0, used) });
  }
  chunks.push(compress(raw, level), { type: 'IEND', data: new Uint8Array(0) });
  return assemble(chunks);
}

/** What {@link resultToIndexedPng} needs of a quantization result. */
export interface IndexedResultLike {
  palette: Uint8Array;
  labels: Uint8Array;
  width: number;
  height: number;
  /** The quantized RGBA image; its alpha, when not all opaque, is kept in the PNG. */
  image?: Uint8Array | Uint8ClampedArray;
}

/** The palette entries of a result with alpha: each (label, alpha) pair used becomes one entry. */
function withAlphaEntries(result: IndexedResultLike, image: Uint8Array | Uint8ClampedArray): IndexedImage | undefined {
  const n = result.labels.length;
  let opaque = true;
  for (let i = 0; i < n; i++) {
    if (image[i * 4 + 3] !== 255) {
      opaque = false;
      break;
    }
  }
  if (opaque) return { palette: result.palette, labels: result.labels, width: result.width, height: result.height };
  const entryOf = new Int16Array(256 * 256).fill(-1);
  const palette: number[] = [];
  const alpha: number[] = [];
  const labels = new Uint8Array(n);
  const colours = result.palette.length / 3;
  for (let i = 0; i < n; i++) {
    const label = result.labels[i]!;
    if (label >= colours) throw rangeError(`result.labels[${i}]`, `a palette index below ${colours}`, label);
    const a = image[i * 4 + 3]!;
    const key = label * 256 + a;
    let entry = entryOf[key]!;
    if (entry < 0) {
      if (alpha.length === 256) return undefined;
      entry = alpha.length;
      entryOf[key] = entry;
      palette.push(result.palette[label * 3]!, result.palette[label * 3 + 1]!, result.palette[label * 3 + 2]!);
      alpha.push(a);
    }
    labels[i] = entry;
  }
  return { palette: Uint8Array.from(palette), labels, width: result.width, height: result.height, alpha: Uint8Array.from(alpha) };
}

/**
 * The PNG-8 of a quantization result (`palette`, `labels`, size). When its `image` has non-opaque alpha,
 * each (colour, alpha) pair becomes a palette entry with a tRNS alpha; a `RangeError` says when more than
 * 256 such pairs are needed (encode `result.image` as truecolour with {@link encodePng} instead).
 */
export function resultToIndexedPng(result: IndexedResultLike, options: PngEncodeOptions = {}): Uint8Array {
  const indexed = indexedOf(result);
  if (!indexed) throw rangeError('result.image', 'an alpha channel that needs at most 256 (colour, alpha) palette entries', 'more than 256');
  return encodeIndexedPng(indexed, options);
}

/** The indexed image of a result, with alpha entries when needed; undefined when they would pass 256. */
function indexedOf(result: IndexedResultLike): IndexedImage | undefined {
  if (typeof result !== 'object' || result === null) throw typeError('result', 'a quantization result', result);
  checkPalette('result.palette', result.palette);
  if (!(result.labels instanceof Uint8Array)) throw typeError('result.labels', 'a Uint8Array of palette indices', result.labels);
  if (result.image === undefined) return result;
  const image = checkBytes('result.image', result.image);
  if (image.length !== result.labels.length * 4) throw rangeError('result.image.length', `labels.length*4 = ${result.labels.length * 4}`, image.length);
  return withAlphaEntries(result, image);
}

// ------------------------------------------------------------------------------------------------
// Truecolour
// ------------------------------------------------------------------------------------------------

export interface TruecolourPngOptions extends PngEncodeOptions {
  /** `'auto'` writes RGB (colour type 2) when every alpha is 255 and RGBA (6) otherwise. @default 'auto' */
  channels?: 'auto' | 'rgb' | 'rgba';
}

function signedCost(row: Uint8Array): number {
  let sum = 0;
  for (let i = 1; i < row.length; i++) {
    const v = row[i]!;
    sum += v < 128 ? v : 256 - v;
  }
  return sum;
}

/** Filters one scanline of `bpp`-byte pixels with every PNG filter and returns the cheapest. */
function filterRow(line: Uint8Array, previous: Uint8Array | undefined, bpp: number, candidates: Uint8Array[]): Uint8Array {
  const length = line.length;
  for (let f = 0; f < 5; f++) candidates[f]![0] = f;
  const [none, sub, up, average, paeth] = candidates as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0; i < length; i++) {
    const x = line[i]!;
    const a = i >= bpp ? line[i - bpp]! : 0;
    const b = previous ? previous[i]! : 0;
    const c = previous && i >= bpp ? previous[i - bpp]! : 0;
    none[i + 1] = x;
    sub[i + 1] = x - a;
    up[i + 1] = x - b;
    average[i + 1] = x - ((a + b) >>> 1);
    const p = a + b - c;
    const pa = Math.abs(p - a);
    const pb = Math.abs(p - b);
    const pc = Math.abs(p - c);
    paeth[i + 1] = x - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
  }
  let best = none;
  let bestCost = signedCost(none);
  for (let f = 1; f < 5; f++) {
    const cost = signedCost(candidates[f]!);
    if (cost < bestCost) {
      bestCost = cost;
      best = candidates[f]!;
    }
  }
  return best;
}

/** Encodes RGBA8 pixels as an 8-bit truecolour PNG (RGB or RGBA, see `channels`) with adaptive filtering. */
export function encodePng(image: RgbaImage, options: TruecolourPngOptions = {}): Uint8Array {
  const { data, width, height } = checkImage('image', image);
  const o = checkOptions('options', options, ['level', 'channels']);
  const level = checkLevel({ level: o.level });
  const channels = o.channels ?? 'auto';
  if (channels !== 'auto' && channels !== 'rgb' && channels !== 'rgba') throw typeError('options.channels', '"auto", "rgb" or "rgba"', channels);
  let bpp = 4;
  if (channels === 'rgb') bpp = 3;
  else if (channels === 'auto') {
    bpp = 3;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] !== 255) {
        bpp = 4;
        break;
      }
    }
  }
  const lineBytes = width * bpp;
  const raw = new Uint8Array((lineBytes + 1) * height);
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(lineBytes + 1));
  let previous: Uint8Array | undefined;
  let line = new Uint8Array(lineBytes);
  let spare = new Uint8Array(lineBytes);
  for (let y = 0; y < height; y++) {
    const src = y * width * 4;
    if (bpp === 4) line.set(data.subarray(src, src + width * 4));
    else for (let x = 0; x < width; x++) {
      line[x * 3] = data[src + x * 4]!;
      line[x * 3 + 1] = data[src + x * 4 + 1]!;
      line[x * 3 + 2] = data[src + x * 4 + 2]!;
    }
    raw.set(filterRow(line, previous, bpp, candidates), y * (lineBytes + 1));
    previous = line;
    [line, spare] = [spare, line];
  }
  const colourType = bpp === 4 ? 6 : 2;
  return assemble([header(width, height, 8, colourType), compress(raw, level), { type: 'IEND', data: new Uint8Array(0) }]);
}

// ------------------------------------------------------------------------------------------------
// Decoding
// ------------------------------------------------------------------------------------------------

export type PngColourType = 'greyscale' | 'rgb' | 'indexed' | 'greyscale-alpha' | 'rgba';

export interface DecodedPngImage {
  /** The pixels as RGBA8 (16-bit samples rounded to 8 bits, low bit depths scaled to 0..255). */
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Bits per sample (per index for indexed images) in the file. */
  bitDepth: number;
  colourType: PngColourType;
  /** Indexed images: the PLTE colours, 3 bytes each. */
  palette?: Uint8Array;
  /** Indexed images: the alpha of each palette entry (255 where tRNS says nothing). */
  alpha?: Uint8Array;
  /** Indexed images: the palette index of each pixel. */
  labels?: Uint8Array;
}

/** Unpacks row-aligned samples of `depth` < 8 bits into one byte per sample. */
function unpackSamples(data: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = data[y * rowBytes + Math.floor(x / perByte)]!;
      out[y * width + x] = (byte >>> (8 - depth * (1 + (x % perByte)))) & mask;
    }
  }
  return out;
}

/** Decodes a PNG (any colour type, bit depth and interlacing) to RGBA8; indexed images also give palette and labels. */
export function decodePng(bytes: Uint8Array | ArrayBuffer): DecodedPngImage {
  const input = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(input instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array or ArrayBuffer of PNG bytes', bytes);
  if (input.length < 8 || SIGNATURE.some((b, i) => input[i] !== b)) throw typeError('bytes', 'PNG data (the PNG signature is missing)', bytes);
  const png = fastPngDecode(input);
  const { width, height, depth, channels } = png;
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  const samples = png.data;
  const to8 = (v: number): number => (depth === 16 ? Math.round(v / 257) : depth === 8 ? v : Math.round((v * 255) / ((1 << depth) - 1)));

  if (png.palette) {
    const entries = png.palette.length;
    const palette = new Uint8Array(entries * 3);
    const alpha = new Uint8Array(entries).fill(255);
    png.palette.forEach((entry, i) => {
      palette[i * 3] = entry[0]!;
      palette[i * 3 + 1] = entry[1]!;
      palette[i * 3 + 2] = entry[2]!;
      if (entry.length > 3) alpha[i] = entry[3]!;
    });
    const labels = depth === 8 ? Uint8Array.from(samples.subarray(0, n)) : unpackSamples(samples, width, height, depth);
    for (let i = 0; i < n; i++) {
      const j = labels[i]!;
      out[i * 4] = palette[j * 3]!;
      out[i * 4 + 1] = palette[j * 3 + 1]!;
      out[i * 4 + 2] = palette[j * 3 + 2]!;
      out[i * 4 + 3] = alpha[j] ?? 255;
    }
    return { data: out, width, height, bitDepth: depth, colourType: 'indexed', palette, alpha, labels };
  }

  const transparency = png.transparency;
  const keyed = transparency !== undefined && transparency.length > 0;
  if (channels === 1) {
    const grey = depth < 8 ? unpackSamples(samples, width, height, depth) : samples;
    for (let i = 0; i < n; i++) {
      const raw = grey[i]!;
      const v = to8(raw);
      out[i * 4] = v;
      out[i * 4 + 1] = v;
      out[i * 4 + 2] = v;
      out[i * 4 + 3] = keyed && raw === transparency[0] ? 0 : 255;
    }
    return { data: out, width, height, bitDepth: depth, colourType: 'greyscale' };
  }
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    if (channels === 2) {
      const v = to8(samples[s]!);
      out[i * 4] = v;
      out[i * 4 + 1] = v;
      out[i * 4 + 2] = v;
      out[i * 4 + 3] = to8(samples[s + 1]!);
    } else {
      out[i * 4] = to8(samples[s]!);
      out[i * 4 + 1] = to8(samples[s + 1]!);
      out[i * 4 + 2] = to8(samples[s + 2]!);
      if (channels === 4) out[i * 4 + 3] = to8(samples[s + 3]!);
      else {
        const clear = keyed && samples[s] === transparency[0] && samples[s + 1] === transparency[1] && samples[s + 2] === transparency[2];
        out[i * 4 + 3] = clear ? 0 : 255;
      }
    }
  }
  const colourType: PngColourType = channels === 2 ? 'greyscale-alpha' : channels === 3 ? 'rgb' : 'rgba';
  return { data: out, width, height, bitDepth: depth, colourType };
}

// ------------------------------------------------------------------------------------------------
// Sizes
// ------------------------------------------------------------------------------------------------

export interface PngSizes {
  /** The original image encoded here as a truecolour PNG (RGB, or RGBA when it has alpha). */
  originalPngBytes: number;
  /** The result as a PNG-8 ({@link resultToIndexedPng}). */
  indexedPngBytes: number;
  /** The quantized image encoded as a truecolour PNG, as seed notebook 004 writes it with OpenCV. */
  rgbaPngBytes: number;
  /** Bit depth of the PNG-8. */
  indexedBitDepth: number;
  /** Whether the PNG-8 kept the result's alpha (false only when it needed more than 256 (colour, alpha) pairs; it is then opaque). */
  alphaKept: boolean;
}

/**
 * PNG sizes before and after quantization, all encoded by this module with the same zlib level, so that
 * they compare: the original as truecolour, the result as PNG-8 and as truecolour. (The size of the file
 * the original came from, say a JPEG, is not known here.) Synchronous: for very large images in a browser,
 * call it from a worker.
 */
export function pngSizes(original: RgbaImage, result: IndexedResultLike, options: PngEncodeOptions = {}): PngSizes {
  const source = checkImage('original', original);
  if (typeof result !== 'object' || result === null) throw typeError('result', 'a quantization result', result);
  const level = checkLevel(options);
  const palette = checkPalette('result.palette', result.palette);
  if (!(result.labels instanceof Uint8Array)) throw typeError('result.labels', 'a Uint8Array of palette indices', result.labels);
  if (result.width !== source.width || result.height !== source.height) {
    throw rangeError('result', `the original's size ${source.width}x${source.height}`, `${String(result.width)}x${String(result.height)}`);
  }
  const quantized = result.image ?? renderOpaque(palette, result.labels);
  const withAlpha = indexedOf({ ...result, image: quantized });
  const alphaKept = withAlpha !== undefined;
  const indexedPng = encodeIndexedPng(withAlpha ?? { palette, labels: result.labels, width: result.width, height: result.height }, { level });
  return {
    originalPngBytes: encodePng(source, { level }).length,
    indexedPngBytes: indexedPng.length,
    rgbaPngBytes: encodePng({ data: quantized, width: result.width, height: result.height }, { level }).length,
    indexedBitDepth: indexedPng[24]!,
    alphaKept,
  };
}

function renderOpaque(palette: Uint8Array, labels: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(labels.length * 4);
  for (let i = 0; i < labels.length; i++) {
    const j = labels[i]! * 3;
    out[i * 4] = palette[j]!;
    out[i * 4 + 1] = palette[j + 1]!;
    out[i * 4 + 2] = palette[j + 2]!;
    out[i * 4 + 3] = 255;
  }
  return out;
}
