/**
 * PNG files: an indexed (PNG-8, colour type 3) encoder whose bit depth follows the palette size, a
 * truecolour encoder (to compare sizes, as seed notebook 004 does with its files), and a decoder to RGBA8
 * of every colour type, bit depth and interlacing. This is the library's one PNG codec: the CLI and
 * src/node.ts read and write their PNG files through it too.
 *
 * The chunks are written and read here; zlib is fflate's by default (it runs in browsers and Node), and
 * Node callers pass node:zlib in through the `deflate` / `inflate` options (src/node.ts has both), which
 * is several times faster (bench/README.md, "PNG codecs"). Chunk CRCs are written, not checked on reading.
 *
 * Filtering: indexed rows are written unfiltered (filter type 0), as the PNG specification recommends for
 * palette images and bit depths below 8; truecolour rows pick, row by row, the filter whose output has the
 * smallest sum of absolute values (read as signed bytes), the specification's suggested heuristic.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { QuantizerError } from '../errors.js';
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

/** A zlib compressor: the zlib stream (RFC 1950) of `data` at compression `level` 0..9. */
export type ZlibDeflate = (data: Uint8Array, level: number) => Uint8Array;

export interface PngEncodeOptions {
  /** zlib compression level, 0 (store) to 9 (smallest). @default 6 */
  level?: number;
  /**
   * The zlib compressor. The default is fflate's, which runs anywhere; in Node, `zlibDeflate` from
   * `kmeans-quantizer/node` (node:zlib) is faster. Compressors differ in the bytes they write, never in
   * the pixels those bytes decode to.
   */
  deflate?: ZlibDeflate;
}

/** fflate's zlib compressor, the browser-safe default. */
const fflateDeflate: ZlibDeflate = (data, level) => zlibSync(data, { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });

interface Compression {
  level: number;
  deflate: ZlibDeflate;
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

function compress(raw: Uint8Array, { level, deflate }: Compression): Chunk {
  return { type: 'IDAT', data: deflate(raw, level) };
}

const COMPRESSION_OPTIONS = ['level', 'deflate'] as const;

/** The `level` and `deflate` of encoder options (other keys must be in `known`). */
function checkCompression(options: unknown, known: readonly string[] = COMPRESSION_OPTIONS): Compression {
  const o = checkOptions('options', options, known);
  const level = o.level === undefined ? 6 : checkInteger('options.level', o.level, 0, 9);
  if (o.deflate !== undefined && typeof o.deflate !== 'function') throw typeError('options.deflate', 'a function (data, level) => zlib bytes', o.deflate);
  return { level, deflate: (o.deflate as ZlibDeflate | undefined) ?? fflateDeflate };
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
  const plan = indexedPngPlan(image, checkCompression(options));
  return plan.finish(plan.deflate(plan.raw, plan.level));
}

/** An indexed PNG checked and laid out: its filtered rows, to compress, and the file around their zlib stream. */
interface IndexedPngPlan<D> {
  raw: Uint8Array;
  level: number;
  deflate: D;
  finish(zlibStream: Uint8Array): Uint8Array;
}

function indexedPngPlan<D>(image: IndexedImage, compression: { level: number; deflate: D }): IndexedPngPlan<D> {
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
  const depth = indexedBitDepth(colours);

  checkLabels(labels, colours);
  const raw = packedRows(labels, width, height, depth);

  const chunks: Chunk[] = [header(width, height, depth, 3), { type: 'PLTE', data: palette }];
  if (alpha) {
    let used = alpha.length;
    while (used > 0 && alpha[used - 1] === 255) used--;
    if (used > 0) chunks.push({ type: 'tRNS', data: alpha.slice(0, used) });
  }
  const finish = (zlibStream: Uint8Array): Uint8Array => assemble([...chunks, { type: 'IDAT', data: zlibStream }, { type: 'IEND', data: new Uint8Array(0) }]);
  return { raw, level: compression.level, deflate: compression.deflate, finish };
}

/** Throws a `RangeError` naming the first label that is not a palette index (below `colours`). */
function checkLabels(labels: Uint8Array, colours: number): void {
  if (colours === 256) return;
  let max = 0;
  for (let i = 0; i < labels.length; i++) max |= labels[i]!;
  // The OR of the labels is at least the largest: below `colours`, every label is (else look for the first).
  if (max < colours) return;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= colours) throw rangeError(`image.labels[${i}]`, `a palette index below ${colours}`, labels[i]!);
  }
}

/**
 * The PNG rows of palette indices at `depth` bits each, each row after its filter-type byte 0 (None):
 * 8 bits copy a row of labels at once; below 8, labels are packed from the high bits of a byte down.
 */
function packedRows(labels: Uint8Array, width: number, height: number, depth: 1 | 2 | 4 | 8): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const raw = new Uint8Array((rowBytes + 1) * height);
  const perByte = 8 / depth;
  for (let y = 0; y < height; y++) {
    const rowStart = y * (rowBytes + 1) + 1;
    const src = y * width;
    if (depth === 8) {
      raw.set(labels.subarray(src, src + width), rowStart);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const at = rowStart + Math.floor(x / perByte);
      raw[at] = raw[at]! | (labels[src + x]! << (8 - depth * (1 + (x % perByte))));
    }
  }
  return raw;
}

/** What {@link resultToIndexedPng} needs of a quantization result. */
export interface IndexedResultLike {
  palette: Uint8Array;
  labels: Uint8Array;
  width: number;
  height: number;
  /** The quantized RGBA image; its alpha, when not all opaque, is kept in the PNG. */
  image?: Uint8Array | Uint8ClampedArray;
  /** The alpha of each palette entry (an RGBA palette): written as tRNS; then `image` is not read. */
  paletteAlpha?: Uint8Array;
}

/**
 * The PNG-8 of an RGBA palette: its entries reordered so that the non-opaque ones come first (stable),
 * which keeps the tRNS chunk as short as their count, and the labels renumbered to match.
 */
function withPaletteAlpha(result: IndexedResultLike, paletteAlpha: Uint8Array): IndexedImage {
  const alpha = checkBytes('result.paletteAlpha', paletteAlpha) as Uint8Array;
  const colours = result.palette.length / 3;
  if (alpha.length !== colours) throw rangeError('result.paletteAlpha.length', `the palette size ${colours}`, alpha.length);
  const order = Array.from({ length: colours }, (_, j) => j).sort((x, y) => Number(alpha[x] === 255) - Number(alpha[y] === 255) || x - y);
  const entryOf = new Uint8Array(colours);
  const palette = new Uint8Array(colours * 3);
  const sorted = new Uint8Array(colours);
  order.forEach((j, at) => {
    entryOf[j] = at;
    palette.set(result.palette.subarray(j * 3, j * 3 + 3), at * 3);
    sorted[at] = alpha[j]!;
  });
  const labels = new Uint8Array(result.labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = result.labels[i]!;
    if (label >= colours) throw rangeError(`result.labels[${i}]`, `a palette index below ${colours}`, label);
    labels[i] = entryOf[label]!;
  }
  return { palette, labels, width: result.width, height: result.height, alpha: sorted };
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
 * The PNG-8 of a quantization result (`palette`, `labels`, size). A result with `paletteAlpha` (an RGBA
 * palette: an image with transparency) writes that alpha as tRNS, entries reordered so that the chunk is
 * short; it never fails for alpha. Otherwise, when its `image` has non-opaque alpha,
 * each (colour, alpha) pair becomes a palette entry with a tRNS alpha; a `RangeError` says when more than
 * 256 such pairs are needed (encode `result.image` as truecolour with {@link encodePng} instead).
 */
export function resultToIndexedPng(result: IndexedResultLike, options: PngEncodeOptions = {}): Uint8Array {
  return encodeIndexedPng(indexedOrThrow(result), options);
}

/** A zlib compressor that runs off the calling thread: resolves to the zlib stream of `data` at `level`. */
export type ZlibDeflateAsync = (data: Uint8Array, level: number) => Promise<Uint8Array>;

/**
 * {@link resultToIndexedPng} with a compressor that runs off the calling thread (in Node,
 * `parallelZlibDeflate`, which compresses a large image on several threads at once).
 */
export async function resultToIndexedPngAsync(result: IndexedResultLike, options: { level?: number; deflate: ZlibDeflateAsync }): Promise<Uint8Array> {
  const o = checkOptions('options', options, COMPRESSION_OPTIONS);
  if (typeof o.deflate !== 'function') throw typeError('options.deflate', 'a function (data, level) => a promise of zlib bytes', o.deflate);
  const level = o.level === undefined ? 6 : checkInteger('options.level', o.level, 0, 9);
  const plan = indexedPngPlan(indexedOrThrow(result), { level, deflate: o.deflate as ZlibDeflateAsync });
  return plan.finish(await plan.deflate(plan.raw, plan.level));
}

function indexedOrThrow(result: IndexedResultLike): IndexedImage {
  const indexed = indexedOf(result);
  if (!indexed) throw rangeError('result.image', 'an alpha channel that needs at most 256 (colour, alpha) palette entries', 'more than 256');
  return indexed;
}

/** The indexed image of a result, with alpha entries when needed; undefined when they would pass 256. */
function indexedOf(result: IndexedResultLike): IndexedImage | undefined {
  if (typeof result !== 'object' || result === null) throw typeError('result', 'a quantization result', result);
  checkPalette('result.palette', result.palette);
  if (!(result.labels instanceof Uint8Array)) throw typeError('result.labels', 'a Uint8Array of palette indices', result.labels);
  if (result.paletteAlpha !== undefined) return withPaletteAlpha(result, result.paletteAlpha);
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
  const compression = checkCompression(options, [...COMPRESSION_OPTIONS, 'channels']);
  const channels = (options as { channels?: unknown }).channels ?? 'auto';
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
  return assemble([header(width, height, 8, colourType), compress(raw, compression), { type: 'IEND', data: new Uint8Array(0) }]);
}

// ------------------------------------------------------------------------------------------------
// Decoding
// ------------------------------------------------------------------------------------------------

/** A zlib decompressor: the bytes of the zlib stream `data`, which should inflate to `size` bytes. */
export type ZlibInflate = (data: Uint8Array, size: number) => Uint8Array;

export interface PngDecodeOptions {
  /**
   * The zlib decompressor. The default is fflate's, which runs anywhere; in Node, `zlibInflate` from
   * `kmeans-quantizer/node` (node:zlib) is faster.
   */
  inflate?: ZlibInflate;
}

/**
 * A zlib decompressor that runs off the calling thread and hands bytes over as they come: inflates `data`
 * into `out` (of the size the image needs), calling `progress(filled)` from time to time with how many
 * bytes of `out` are filled (from a task of its own, so that the work done there overlaps the inflating),
 * and resolves with the bytes filled at the end (after the last `progress`). Bytes past `out` are dropped.
 */
export type ZlibInflateStream = (data: Uint8Array, out: Uint8Array, progress: (filled: number) => void) => Promise<number>;

/** fflate's zlib decompressor (into a buffer of the expected size), the browser-safe default. */
const fflateInflate: ZlibInflate = (data, size) => unzlibSync(data, { out: new Uint8Array(size) });

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

/** PNG colour type -> samples a pixel, name, and the bit depths the specification allows. */
const COLOUR_TYPES: Record<number, { channels: number; name: PngColourType; depths: readonly number[] }> = {
  0: { channels: 1, name: 'greyscale', depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, name: 'rgb', depths: [8, 16] },
  3: { channels: 1, name: 'indexed', depths: [1, 2, 4, 8] },
  4: { channels: 2, name: 'greyscale-alpha', depths: [8, 16] },
  6: { channels: 4, name: 'rgba', depths: [8, 16] },
};

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  channels: number;
  interlaced: boolean;
}

/** The parts of a PNG file the decoder uses. */
interface PngParts {
  header: PngHeader;
  palette: Uint8Array | undefined;
  transparency: Uint8Array | undefined;
  /** The IDAT chunks' data, concatenated: one zlib stream. */
  compressed: Uint8Array;
}

function invalidPng(why: string, cause?: unknown): QuantizerError {
  return new QuantizerError('INVALID_IMAGE', `the PNG ${why}`, cause === undefined ? undefined : { cause });
}

function readHeader(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw invalidPng(`has an IHDR chunk of ${data.length} bytes (13 expected)`);
  const view = new DataView(data.buffer, data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colourType, compression, filter, interlace] = data.subarray(8, 13) as unknown as [number, number, number, number, number];
  const type = COLOUR_TYPES[colourType];
  if (width === 0 || height === 0 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1) throw invalidPng(`has an invalid size ${width}x${height}`);
  if (!type) throw invalidPng(`has an unknown colour type ${colourType}`);
  if (!type.depths.includes(depth)) throw invalidPng(`has bit depth ${depth}, which colour type ${colourType} does not allow`);
  if (compression !== 0 || filter !== 0 || interlace > 1) throw invalidPng('uses an unknown compression, filter or interlace method');
  return { width, height, depth, colourType, channels: type.channels, interlaced: interlace === 1 };
}

/** Walks the chunks (their CRCs are not checked) and keeps IHDR, PLTE, tRNS and the IDAT data. */
function readParts(input: Uint8Array): PngParts {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  for (let at = SIGNATURE.length; at < input.length && !ended; ) {
    if (at + 12 > input.length) throw invalidPng('is truncated');
    const length = view.getUint32(at);
    if (at + 12 + length > input.length) throw invalidPng('is truncated');
    const type = String.fromCharCode(input[at + 4]!, input[at + 5]!, input[at + 6]!, input[at + 7]!);
    const data = input.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = readHeader(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header) throw invalidPng('has no IHDR chunk');
  if (!ended) throw invalidPng('is truncated (no IEND chunk)');
  if (idat.length === 0) throw invalidPng('has no IDAT chunk');
  if (header.colourType === 3 && !palette) throw invalidPng('is indexed but has no PLTE chunk');
  let compressed = idat[0]!;
  if (idat.length > 1) {
    compressed = new Uint8Array(idat.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of idat) {
      compressed.set(part, at);
      at += part.length;
    }
  }
  return { header, palette, transparency, compressed };
}

/** Bytes of one unfiltered row of `width` pixels. */
function rowBytes(header: PngHeader, width: number): number {
  return Math.ceil((width * header.channels * header.depth) / 8);
}

/** The sub-images the filtered data holds, in order: the whole image, or the non-empty Adam7 passes. */
function passesOf(header: PngHeader): { x0: number; y0: number; dx: number; dy: number; width: number; height: number }[] {
  if (!header.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width: header.width, height: header.height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    width: Math.ceil(Math.max(0, header.width - x0) / dx),
    height: Math.ceil(Math.max(0, header.height - y0) / dy),
  })).filter((pass) => pass.width > 0 && pass.height > 0);
}

/**
 * Undoes the row filters of `height` rows of `stride` bytes, starting at `raw[start]` (each row is its
 * filter-type byte, then its bytes); `bpp` is the filters' byte distance to the pixel on the left. The
 * row above the first is a row of zeros, and the first `bpp` bytes of a row have zeros on their left.
 * One hot loop per filter type over views of the row, its filtered bytes and the row above (this is most
 * of a decode's time after the inflate).
 */
function unfilter(raw: Uint8Array, start: number, stride: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(stride * height);
  unfilterRows(raw, start, stride, bpp, out, 0, height);
  return out;
}

/** Rows `from` to `to` (exclusive) of {@link unfilter}, into `out`, whose rows before `from` are done. */
function unfilterRows(raw: Uint8Array, start: number, stride: number, bpp: number, out: Uint8Array, from: number, to: number): void {
  const zeros = new Uint8Array(stride);
  const left = Math.min(bpp, stride);
  for (let y = from; y < to; y++) {
    const src = start + y * (stride + 1) + 1;
    const filter = raw[src - 1]!;
    const line = raw.subarray(src, src + stride);
    const row = out.subarray(y * stride, (y + 1) * stride);
    const above = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zeros;
    if (filter === 0) {
      row.set(line);
    } else if (filter === 1) {
      for (let i = 0; i < left; i++) row[i] = line[i]!;
      for (let i = bpp; i < stride; i++) row[i] = line[i]! + row[i - bpp]!;
    } else if (filter === 2) {
      for (let i = 0; i < stride; i++) row[i] = line[i]! + above[i]!;
    } else if (filter === 3) {
      for (let i = 0; i < left; i++) row[i] = line[i]! + (above[i]! >>> 1);
      for (let i = bpp; i < stride; i++) row[i] = line[i]! + ((row[i - bpp]! + above[i]!) >>> 1);
    } else if (filter === 4) {
      unpaeth(line, row, above, stride, bpp, left);
    } else {
      throw invalidPng(`has an unknown row filter type ${filter}`);
    }
  }
}

/** |x| of a 32-bit integer, without a branch. */
const abs32 = (x: number): number => (x ^ (x >> 31)) - (x >> 31);

/**
 * The Paeth filter undone on one row: each byte plus whichever of left (a), above (b) and upper left (c)
 * is nearest to a + b - c, ties to a, then b. Chosen with masks, not branches (photo data makes those
 * unpredictable: this was 40% faster on an 8 MP photo).
 */
function unpaeth(line: Uint8Array, row: Uint8Array, above: Uint8Array, stride: number, bpp: number, left: number): void {
  // With a and c zero, the predictor is b.
  for (let i = 0; i < left; i++) row[i] = line[i]! + above[i]!;
  for (let i = bpp; i < stride; i++) {
    row[i] = line[i]! + paethOf(row[i - bpp]!, above[i]!, above[i - bpp]!);
  }
}

/** The Paeth predictor of one sample: of a (left), b (above) and c (upper left), the nearest to a + b - c, ties to a, then b. */
function paethOf(a: number, b: number, c: number): number {
  // |p - a|, |p - b|, |p - c| with p = a + b - c.
  const pa = abs32(b - c);
  const pb = abs32(a - c);
  const pc = abs32(a + b - c - c);
  // b when pb <= pc, else c; then a when pa <= pb and pa <= pc.
  const bc = c ^ ((b ^ c) & ~((pc - pb) >> 31));
  return a ^ ((a ^ bc) & (((pb - pa) | (pc - pa)) >> 31));
}

/**
 * Rows `from` to `to` (exclusive) of 8-bit RGB image data (`raw`: each row its filter byte and `width` * 3
 * bytes) unfiltered straight into RGBA pixels (little-endian words, alpha 255), whose rows before `from` are
 * done: the row above is read from the output, a pixel a word, and left and upper left are carried in
 * locals, so no row is written twice (faster than unfiltering in place and then widening: bench/README.md,
 * "Decode, summary and colour table"). Kept whole: one loop per filter type, the hot loop of a PNG decode.
 */
function unfilterRgbToRgba(raw: Uint8Array, width: number, pixels: Uint32Array, from: number, to: number): void {
  const stride = width * 3;
  for (let y = from; y < to; y++) {
    let s = y * (stride + 1) + 1;
    const filter = raw[s - 1]!;
    const p = y * width;
    const q = y > 0 ? p - width : -1;
    let a0 = 0, a1 = 0, a2 = 0, c0 = 0, c1 = 0, c2 = 0;
    if (filter > 4) throw invalidPng(`has an unknown row filter type ${filter}`);
    for (let x = 0; x < width; x++, s += 3) {
      const above = q >= 0 ? pixels[q + x]! : 0;
      const b0 = above & 255;
      const b1 = (above >>> 8) & 255;
      const b2 = (above >>> 16) & 255;
      if (filter === 4) {
        a0 = (raw[s]! + paethOf(a0, b0, c0)) & 255;
        a1 = (raw[s + 1]! + paethOf(a1, b1, c1)) & 255;
        a2 = (raw[s + 2]! + paethOf(a2, b2, c2)) & 255;
      } else if (filter === 1) {
        a0 = (raw[s]! + a0) & 255;
        a1 = (raw[s + 1]! + a1) & 255;
        a2 = (raw[s + 2]! + a2) & 255;
      } else if (filter === 2) {
        a0 = (raw[s]! + b0) & 255;
        a1 = (raw[s + 1]! + b1) & 255;
        a2 = (raw[s + 2]! + b2) & 255;
      } else if (filter === 3) {
        a0 = (raw[s]! + ((a0 + b0) >>> 1)) & 255;
        a1 = (raw[s + 1]! + ((a1 + b1) >>> 1)) & 255;
        a2 = (raw[s + 2]! + ((a2 + b2) >>> 1)) & 255;
      } else {
        a0 = raw[s]!;
        a1 = raw[s + 1]!;
        a2 = raw[s + 2]!;
      }
      pixels[p + x] = (a0 | (a1 << 8) | (a2 << 16) | 0xff000000) >>> 0;
      c0 = b0;
      c1 = b1;
      c2 = b2;
    }
  }
}

/** One sample per array element (16-bit samples read big-endian, sub-byte samples unpacked), row by row. */
function toSamples(bytes: Uint8Array, header: PngHeader, width: number, height: number): Uint8Array | Uint16Array {
  const { depth, channels } = header;
  if (depth === 8) return bytes;
  const count = width * height * channels;
  if (depth === 16) {
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i++) out[i] = (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!;
    return out;
  }
  // Below 8 bits there is one channel (greyscale or indexed) and rows start on a byte.
  const stride = rowBytes(header, width);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(count);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = bytes[y * stride + Math.floor(x / perByte)]!;
      out[y * width + x] = (byte >>> (8 - depth * (1 + (x % perByte)))) & mask;
    }
  }
  return out;
}

/** Bytes of the inflated image data: each pass's rows, each row its filter byte and its bytes. */
function filteredSize(header: PngHeader): number {
  return passesOf(header).reduce((sum, pass) => sum + (rowBytes(header, pass.width) + 1) * pass.height, 0);
}

/** The filters' byte distance to the pixel on the left. */
function filterDistance(header: PngHeader): number {
  return Math.max(1, (header.channels * header.depth) >> 3);
}

function inflateError(error: unknown): Error {
  return invalidPng(`image data does not inflate: ${error instanceof Error ? error.message : String(error)}`, error);
}

function checkInflated(filled: number, size: number): void {
  if (filled < size) throw invalidPng(`image data is truncated (${filled} of ${size} bytes)`);
}

/** Inflates, unfilters and (for Adam7) de-interlaces the image data into samples in image order. */
function readSamples(parts: PngParts, inflate: ZlibInflate): Uint8Array | Uint16Array {
  const size = filteredSize(parts.header);
  let raw: Uint8Array;
  try {
    raw = inflate(parts.compressed, size);
  } catch (error) {
    throw inflateError(error);
  }
  checkInflated(raw.length, size);
  return samplesOf(parts.header, raw);
}

/** Unfilters and (for Adam7) de-interlaces inflated image data into samples in image order. */
function samplesOf(header: PngHeader, raw: Uint8Array): Uint8Array | Uint16Array {
  const passes = passesOf(header);
  const bpp = filterDistance(header);
  if (!header.interlaced) return toSamples(unfilter(raw, 0, rowBytes(header, header.width), header.height, bpp), header, header.width, header.height);
  const { width, height, channels } = header;
  const out = header.depth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  let at = 0;
  for (const pass of passes) {
    const stride = rowBytes(header, pass.width);
    const samples = toSamples(unfilter(raw, at, stride, pass.height, bpp), header, pass.width, pass.height);
    at += (stride + 1) * pass.height;
    for (let y = 0; y < pass.height; y++) {
      for (let x = 0; x < pass.width; x++) {
        const to = ((pass.y0 + y * pass.dy) * width + pass.x0 + x * pass.dx) * channels;
        const from = (y * pass.width + x) * channels;
        for (let c = 0; c < channels; c++) out[to + c] = samples[from + c]!;
      }
    }
  }
  return out;
}

/** Indexed samples -> RGBA, with the palette, its tRNS alphas and the labels. */
function indexedToRgba(parts: PngParts, labels: Uint8Array): DecodedPngImage {
  const { width, height, depth } = parts.header;
  const palette = parts.palette!.slice(0, parts.palette!.length - (parts.palette!.length % 3));
  const entries = palette.length / 3;
  const alpha = new Uint8Array(entries).fill(255);
  if (parts.transparency) alpha.set(parts.transparency.subarray(0, entries));
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < labels.length; i++) {
    const j = labels[i]!;
    out[i * 4] = palette[j * 3]!;
    out[i * 4 + 1] = palette[j * 3 + 1]!;
    out[i * 4 + 2] = palette[j * 3 + 2]!;
    out[i * 4 + 3] = alpha[j] ?? 255;
  }
  return { data: out, width, height, bitDepth: depth, colourType: 'indexed', palette, alpha, labels };
}

/** Whether this machine stores a u32's low byte first (the packed RGBA8 stores below assume it). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * 8-bit RGB samples -> opaque RGBA8, a pixel a 32-bit store (little-endian machines): the common case of
 * photos (most of a decode's time after the inflate and the row filters went to the general per-channel
 * loop, which big-endian machines keep).
 */
function rgb8ToRgba(samples: Uint8Array, out: Uint8ClampedArray): void {
  const n = out.length >> 2;
  const pixels = new Uint32Array(out.buffer, out.byteOffset, n);
  for (let i = 0, s = 0; i < n; i++, s += 3) pixels[i] = (samples[s]! | (samples[s + 1]! << 8) | (samples[s + 2]! << 16) | 0xff000000) >>> 0;
}

/** Greyscale, grey + alpha, RGB or RGBA samples -> RGBA8 (a tRNS key colour becomes alpha 0). */
function truecolourToRgba(parts: PngParts, samples: Uint8Array | Uint16Array): DecodedPngImage {
  const { width, height, depth, channels, colourType } = parts.header;
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  const to8 = (v: number): number => (depth === 16 ? Math.round(v / 257) : depth === 8 ? v : Math.round((v * 255) / ((1 << depth) - 1)));
  const trns = parts.transparency;
  const key = trns && trns.length >= channels * 2 ? Array.from({ length: channels }, (_, c) => (trns[c * 2]! << 8) | trns[c * 2 + 1]!) : undefined;
  const name = COLOUR_TYPES[colourType]!.name;
  if (channels === 4 && depth === 8) {
    out.set(samples);
  } else if (channels === 3 && depth === 8 && !key && LITTLE_ENDIAN) {
    rgb8ToRgba(samples as Uint8Array, out);
  } else if (channels === 1) {
    for (let i = 0; i < n; i++) {
      const raw = samples[i]!;
      const v = to8(raw);
      out[i * 4] = v;
      out[i * 4 + 1] = v;
      out[i * 4 + 2] = v;
      out[i * 4 + 3] = key && raw === key[0] ? 0 : 255;
    }
  } else if (channels === 2) {
    for (let i = 0; i < n; i++) {
      const v = to8(samples[i * 2]!);
      out[i * 4] = v;
      out[i * 4 + 1] = v;
      out[i * 4 + 2] = v;
      out[i * 4 + 3] = to8(samples[i * 2 + 1]!);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const s = i * channels;
      out[i * 4] = to8(samples[s]!);
      out[i * 4 + 1] = to8(samples[s + 1]!);
      out[i * 4 + 2] = to8(samples[s + 2]!);
      if (channels === 4) out[i * 4 + 3] = to8(samples[s + 3]!);
      else out[i * 4 + 3] = key && samples[s] === key[0] && samples[s + 1] === key[1] && samples[s + 2] === key[2] ? 0 : 255;
    }
  }
  return { data: out, width, height, bitDepth: depth, colourType: name };
}

/** The bytes of a PNG file as a Uint8Array; a TypeError (code INVALID_IMAGE) for anything else. */
function pngBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  const input = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(input instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array or ArrayBuffer of PNG bytes', bytes, 'INVALID_IMAGE');
  if (input.length < 8 || SIGNATURE.some((b, i) => input[i] !== b)) throw typeError('bytes', 'PNG data (the PNG signature is missing)', bytes, 'INVALID_IMAGE');
  return input;
}

/**
 * Decodes a PNG (any colour type, bit depth and interlacing) to RGBA8; indexed images also give palette
 * and labels. Throws a `TypeError` for bytes that are not a PNG and an error with code `INVALID_IMAGE`
 * for a broken one (truncated, bad zlib data, an unknown filter or colour type). Chunk CRCs are not checked.
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: PngDecodeOptions = {}): DecodedPngImage {
  const input = pngBytes(bytes);
  const o = checkOptions('options', options, ['inflate']);
  if (o.inflate !== undefined && typeof o.inflate !== 'function') throw typeError('options.inflate', 'a function (data, size) => bytes', o.inflate);
  const parts = readParts(input);
  const samples = readSamples(parts, (o.inflate as ZlibInflate | undefined) ?? fflateInflate);
  return parts.header.colourType === 3 ? indexedToRgba(parts, samples as Uint8Array) : truecolourToRgba(parts, samples);
}

/**
 * {@link decodePng} with a decompressor that runs off the calling thread (in Node, `zlibInflateStream`):
 * the rows of a non-interlaced image are unfiltered while the rest of it still inflates. The same pixels
 * and errors as decodePng.
 */
export async function decodePngAsync(bytes: Uint8Array | ArrayBuffer, options: { inflate: ZlibInflateStream }): Promise<DecodedPngImage> {
  const input = pngBytes(bytes);
  const o = checkOptions('options', options, ['inflate']);
  if (typeof o.inflate !== 'function') throw typeError('options.inflate', 'a function (data, out, progress) => a promise of the bytes filled', o.inflate);
  const parts = readParts(input);
  if (widensWhileStreaming(parts)) return streamedRgba(parts, o.inflate as ZlibInflateStream);
  const samples = await streamedSamples(parts, o.inflate as ZlibInflateStream);
  return parts.header.colourType === 3 ? indexedToRgba(parts, samples as Uint8Array) : truecolourToRgba(parts, samples);
}

/** Whether {@link streamedRgba} decodes this image: 8-bit RGB (no tRNS key, a little-endian machine) or RGBA, not interlaced. */
function widensWhileStreaming(parts: PngParts): boolean {
  const { header } = parts;
  if (header.interlaced || header.depth !== 8) return false;
  return header.colourType === 6 || (header.colourType === 2 && !parts.transparency && LITTLE_ENDIAN);
}

/**
 * Inflates the image data through `inflate` into a buffer of its size, handing each run of complete rows
 * (`stride` bytes and the filter byte each) to `rows(raw, from, to)` as it arrives; resolves to the buffer once
 * every row has been handed over. An error thrown by `rows` stops the handing and is thrown at the end,
 * after the inflate's own errors (a truncated file says so, whatever its rows held).
 */
async function inflateRows(parts: PngParts, inflate: ZlibInflateStream, stride: number, rows?: (raw: Uint8Array, from: number, to: number) => void): Promise<Uint8Array> {
  const { height } = parts.header;
  const size = filteredSize(parts.header);
  const raw = new Uint8Array(size);
  let done = 0;
  let failure: unknown;
  const advance = (filled: number): void => {
    const complete = Math.min(height, Math.floor(filled / (stride + 1)));
    if (!rows || failure !== undefined || complete <= done) return;
    try {
      rows(raw, done, complete);
      done = complete;
    } catch (error) {
      failure = error;
    }
  };
  let filled: number;
  try {
    filled = await inflate(parts.compressed, raw, advance);
  } catch (error) {
    throw inflateError(error);
  }
  checkInflated(filled, size);
  advance(filled);
  if (failure !== undefined) throw failure;
  return raw;
}

/**
 * 8-bit RGB or RGBA through a streaming inflate, each row unfiltered straight into the RGBA output as it
 * arrives (RGBA rows are the output's rows): no separate buffer of unfiltered rows. The same pixels as
 * truecolourToRgba(readSamples()).
 */
async function streamedRgba(parts: PngParts, inflate: ZlibInflateStream): Promise<DecodedPngImage> {
  const { header } = parts;
  const { width, height, channels } = header;
  const stride = rowBytes(header, width);
  const bpp = filterDistance(header);
  const data = new Uint8ClampedArray(width * height * 4);
  const pixels = new Uint32Array(data.buffer, data.byteOffset, width * height);
  // Bytes that wrap, as unfiltering adds modulo 256 (the clamped array would saturate).
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const rows = (raw: Uint8Array, from: number, to: number): void =>
    channels === 3 ? unfilterRgbToRgba(raw, width, pixels, from, to) : unfilterRows(raw, 0, stride, bpp, bytes, from, to);
  await inflateRows(parts, inflate, stride, rows);
  return { data, width, height, bitDepth: 8, colourType: COLOUR_TYPES[header.colourType]!.name };
}

/** readSamples through a streaming inflate: a non-interlaced image's rows unfiltered as they arrive. */
async function streamedSamples(parts: PngParts, inflate: ZlibInflateStream): Promise<Uint8Array | Uint16Array> {
  const { header } = parts;
  const stride = rowBytes(header, header.width);
  if (header.interlaced) return samplesOf(header, await inflateRows(parts, inflate, stride));
  const out = new Uint8Array(stride * header.height);
  const bpp = filterDistance(header);
  await inflateRows(parts, inflate, stride, (raw, from, to) => unfilterRows(raw, 0, stride, bpp, out, from, to));
  return toSamples(out, header, header.width, header.height);
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
 * PNG sizes before and after quantization, all encoded by this module with the same zlib level and compressor, so that
 * they compare: the original as truecolour, the result as PNG-8 and as truecolour. (The size of the file
 * the original came from, say a JPEG, is not known here.) Synchronous: for very large images in a browser,
 * call it from a worker.
 */
export function pngSizes(original: RgbaImage, result: IndexedResultLike, options: PngEncodeOptions = {}): PngSizes {
  const source = checkImage('original', original);
  if (typeof result !== 'object' || result === null) throw typeError('result', 'a quantization result', result);
  const compression = checkCompression(options);
  const palette = checkPalette('result.palette', result.palette);
  if (!(result.labels instanceof Uint8Array)) throw typeError('result.labels', 'a Uint8Array of palette indices', result.labels);
  if (result.width !== source.width || result.height !== source.height) {
    throw rangeError('result', `the original's size ${source.width}x${source.height}`, `${String(result.width)}x${String(result.height)}`);
  }
  const quantized = result.image ?? renderOpaque(palette, result.labels);
  const withAlpha = indexedOf({ ...result, image: quantized });
  const alphaKept = withAlpha !== undefined;
  const indexedPng = encodeIndexedPng(withAlpha ?? { palette, labels: result.labels, width: result.width, height: result.height }, compression);
  return {
    originalPngBytes: encodePng(source, compression).length,
    indexedPngBytes: indexedPng.length,
    rgbaPngBytes: encodePng({ data: quantized, width: result.width, height: result.height }, compression).length,
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
