/**
 * Node-only helpers: read an image file into RGBA bytes (PNG and JPEG; WebP, AVIF, TIFF and GIF too when
 * the optional dependency sharp is installed: src/sharp-decode.ts), write RGBA bytes as a PNG file, write any
 * bytes to a file, and check output paths and directories before long work. Used by the CLI and exported
 * (dist/node.js) for other Node users. Nothing here is imported by the browser entry. Errors are typed
 * (src/errors.ts) and name the path: code `IO` when a file can't be read or written, `UNSUPPORTED_FORMAT`
 * when it is an image of a format this does not decode (GIF, WebP, AVIF, ... without sharp; HEIF, BMP,
 * JPEG XL always: told by magic bytes), and `INVALID_IMAGE` when its bytes are no image this reads.
 *
 * PNG files go through the library's own codec (src/analysis/png.ts) with node:zlib as its compressor
 * ({@link zlibDeflate}, {@link zlibInflate}), several times faster than the browser-safe fflate default;
 * see bench/README.md, "PNG codecs".
 *
 * @module kmeans-quantizer/node
 */
import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { constants, createInflate, deflateSync, inflateSync } from 'node:zlib';
import { decodePng, decodePngAsync, encodePng, resultToIndexedPng, resultToIndexedPngAsync, type IndexedResultLike, type ZlibDeflate, type ZlibInflate, type ZlibInflateStream } from './analysis/png.js';
import { parallelZlibDeflate } from './parallel-deflate.js';
import { readPalette, type PaletteFileFormat } from './analysis/palette-import.js';
import { QuantizerError, QuantizerRangeError } from './errors.js';
import { decodeWithSharp, loadSharp, SHARP_FORMATS } from './sharp-decode.js';

/** RGBA8 pixels, row by row, 4 bytes a pixel (the shape `quantize()` accepts). */
export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** jpeg-js, loaded on the first JPEG decoded without sharp (a PNG run never loads it: ~7 ms of a CLI start). */
let jpegJs: typeof import('jpeg-js') | undefined;
function jpegDecoder(): typeof import('jpeg-js') {
  jpegJs ??= createRequire(import.meta.url)('jpeg-js') as typeof import('jpeg-js');
  return jpegJs;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** The image format of `bytes`, told by its magic bytes (never by a file name). */
export function detectFormat(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  const startsWith = (magic: number[]): boolean => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
  if (startsWith(PNG_MAGIC)) return 'png';
  if (startsWith(JPEG_MAGIC)) return 'jpeg';
  return undefined;
}

/** Whether `bytes` hold the Latin-1 text `text` at `at`. */
function textAt(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The ISO-BMFF (HEIF) brands of an image file: its `ftyp` box's major and compatible brands. */
function ftypBrands(bytes: Uint8Array): string[] {
  if (!textAt(bytes, 4, 'ftyp') || bytes.length < 16) return [];
  const size = Math.min(bytes.length, ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
  const brands: string[] = [];
  for (let at = 8; at + 4 <= size; at += at === 8 ? 8 : 4) brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  return brands;
}

/**
 * The name of an image format that `bytes` are in (told by magic bytes) and that {@link readImage} does not
 * decode: GIF, WebP, AVIF, HEIF, TIFF, BMP or JPEG XL; undefined for PNG, JPEG and what is no known image.
 */
export function unsupportedFormat(bytes: Uint8Array): string | undefined {
  if (textAt(bytes, 0, 'GIF87a') || textAt(bytes, 0, 'GIF89a')) return 'GIF';
  if (textAt(bytes, 0, 'RIFF') && textAt(bytes, 8, 'WEBP')) return 'WebP';
  const brands = ftypBrands(bytes);
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'AVIF';
  if (brands.some((b) => ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(b))) return 'HEIF';
  if (textAt(bytes, 0, 'II*\0') || textAt(bytes, 0, 'MM\0*')) return 'TIFF';
  // BMP: "BM", then (at 14) the size of a known DIB header, so that text starting "BM" is not taken for one.
  if (textAt(bytes, 0, 'BM') && bytes.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(bytes[14]! | (bytes[15]! << 8)) && bytes[16] === 0 && bytes[17] === 0) return 'BMP';
  if ((bytes[0] === 0xff && bytes[1] === 0x0a) || textAt(bytes, 4, 'JXL \r\n\x87\n')) return 'JPEG XL';
  return undefined;
}

/** node:zlib's zlib compressor, for the `deflate` option of the PNG encoders (`encodePng`, `resultToIndexedPng`, ...). */
export const zlibDeflate: ZlibDeflate = (data, level) => bytesOf(deflateSync(data, { level }));

/** node:zlib's zlib decompressor, for the `inflate` option of `decodePng`. */
export const zlibInflate: ZlibInflate = (data) => bytesOf(inflateSync(data));

/** Output pieces of {@link zlibInflateStream}: large, so that the thread pool is asked a few dozen times, not thousands. */
const INFLATE_CHUNK = 1 << 20;

/**
 * node:zlib's decompressor for `decodePngAsync`: inflates in libuv's thread pool, a megabyte at a time,
 * and reports each piece from a task of its own (setImmediate), so the decoder unfilters rows while the
 * next piece inflates.
 */
export const zlibInflateStream: ZlibInflateStream = (data, out, progress) =>
  new Promise((resolve, reject) => {
    const inflater = createInflate({ chunkSize: INFLATE_CHUNK });
    let filled = 0;
    let reported = 0;
    const report = (): void => {
      if (filled > reported) progress((reported = filled));
    };
    inflater.on('data', (chunk: Buffer) => {
      const room = out.length - filled;
      if (room <= 0) return;
      out.set(chunk.length > room ? chunk.subarray(0, room) : chunk, filled);
      filled += Math.min(chunk.length, room);
      setImmediate(report);
    });
    inflater.on('error', reject);
    inflater.on('end', () => setImmediate(() => resolve(filled)));
    inflater.end(data);
  });

/**
 * What {@link writePng} compresses with: node:zlib's run-length strategy at level 9, as pngjs (the
 * encoder used before) did: files of the same size, written several times faster than with the default
 * strategy (bench/README.md, "PNG codecs").
 */
const rleDeflate: ZlibDeflate = (data, level) => bytesOf(deflateSync(data, { level, strategy: constants.Z_RLE }));

function bytesOf(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const ioError = (message: string, cause: unknown): QuantizerError => new QuantizerError('IO', message, { cause });

/** Why a file operation failed, in words (`error.message` for an unknown code). */
function reason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'a parent is not a directory',
    EROFS: 'read-only file system',
    EEXIST: 'the file exists',
    ENOSPC: 'no space left on device',
  };
  if (typeof code === 'string' && known[code]) return known[code];
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads an image file (its format told by its magic bytes) into RGBA8 bytes, as {@link decodeImageAsync}
 * decodes them. 16-bit PNGs are scaled to 8 bits, palette/grey PNGs expanded, JPEGs get alpha 255.
 * Throws a `QuantizerError` with code `IO` when the file can't be read, `UNSUPPORTED_FORMAT` when it is
 * an image of a format not decoded here (GIF, WebP, ... without sharp), and `INVALID_IMAGE` when it is
 * no image or doesn't decode.
 */
export async function readImage(path: string): Promise<RgbaImage> {
  return (await readImageFile(path)).image;
}

/** {@link readImage}, with the size of the file read (its bytes, for callers that report it: no second stat). */
export async function readImageFile(path: string): Promise<{ image: RgbaImage; fileBytes: number }> {
  const bytes = await fileBytes(path);
  return { image: await decodeImageAsync(bytes, JSON.stringify(path)), fileBytes: bytes.length };
}

/** The bytes of the file at `path`; a `QuantizerError` with code `IO` naming it (after `flag`, when given) if it can't be read. */
async function fileBytes(path: string, flag?: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    throw ioError(`${flag ? `${flag}: ` : ''}cannot read ${JSON.stringify(path)}: ${reason(error)}`, error);
  }
}

/**
 * Decodes the bytes of an image file into RGBA8 as {@link readImage} does, `source` naming them in
 * messages (a quoted path, or `stdin`): PNG through the library's own codec; JPEG, and WebP, AVIF, TIFF
 * and GIF (the first frame), through sharp when that optional dependency is installed (src/sharp-decode.ts),
 * else JPEG through jpeg-js and the others refused with `UNSUPPORTED_FORMAT` naming the format.
 */
export async function decodeImageAsync(bytes: Uint8Array, source: string): Promise<RgbaImage> {
  const detected = detectFormat(bytes);
  if (detected === 'png') return decodePngFile(bytes, source);
  const format = detected === 'jpeg' ? 'JPEG' : detected ? undefined : unsupportedFormat(bytes);
  const sharp = format && SHARP_FORMATS.has(format) ? await loadSharp() : undefined;
  if (!sharp) return decodeImage(bytes, source);
  try {
    return await decodeWithSharp(sharp, bytes);
  } catch (error) {
    throw new QuantizerError('INVALID_IMAGE', `cannot decode ${format!.toUpperCase()} ${source}: the file is truncated or corrupt (${reason(error)})`, { cause: error });
  }
}

/** A decoded PNG as the RGBA image readImage returns (its bytes as a plain Uint8Array). */
function rgbaOf(png: { data: Uint8ClampedArray; width: number; height: number }): RgbaImage {
  return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
}

/** A PNG file's RGBA8, decoded while it inflates (zlibInflateStream); errors as decodeImage's. */
async function decodePngFile(bytes: Uint8Array, source: string): Promise<RgbaImage> {
  try {
    const png = await decodePngAsync(bytes, { inflate: zlibInflateStream });
    return rgbaOf(png);
  } catch (error) {
    throw new QuantizerError('INVALID_IMAGE', `cannot decode PNG ${source}: ${reason(error)}`, { cause: error });
  }
}

/**
 * Decodes the bytes of a PNG or JPEG file (detected by its magic bytes) into RGBA8 with the pure-JS
 * decoders alone (the library's PNG codec, jpeg-js), synchronously; `source` names them in messages (a
 * quoted path, or `stdin`). {@link decodeImageAsync} also reads other formats, and JPEG faster, through sharp.
 */
export function decodeImage(bytes: Uint8Array, source: string): RgbaImage {
  const format = detectFormat(bytes);
  if (!format) {
    const other = unsupportedFormat(bytes);
    if (other) {
      const sharp = SHARP_FORMATS.has(other) ? ', or install the optional dependency sharp, which reads it' : '';
      throw new QuantizerError('UNSUPPORTED_FORMAT', `${source} is a ${other} image: ${other} input is not supported; convert it to PNG (or JPEG)${sharp}`);
    }
    throw new QuantizerError('INVALID_IMAGE', `${source} is not a PNG or JPEG file`);
  }
  try {
    if (format === 'png') {
      const png = decodePng(bytes, { inflate: zlibInflate });
      return rgbaOf(png);
    }
    const img = jpegDecoder().decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { data: img.data, width: img.width, height: img.height };
  } catch (error) {
    // jpeg-js speaks of markers and offsets: say what that means for the file, and keep its words after.
    const why = format === 'jpeg' ? `the JPEG is truncated or corrupt (${reason(error)})` : reason(error);
    throw new QuantizerError('INVALID_IMAGE', `cannot decode ${format.toUpperCase()} ${source}: ${why}`, { cause: error });
  }
}

/**
 * Reads a palette file in `format` (.gpl, .json or .png: see `readPalette`). Throws a `QuantizerError` with
 * code `IO` when the file can't be read, and readPalette's errors (`INVALID_PALETTE`, `OUT_OF_RANGE`) for
 * its content; every message names the file, after `flag` when given (the CLI's `--remap`).
 */
export async function readPaletteFile(path: string, format: PaletteFileFormat, flag?: string): Promise<Uint8Array> {
  const source = `${flag ? `${flag} ` : ''}${JSON.stringify(path)}`;
  return readPalette(await fileBytes(path, flag), format, source, { inflate: zlibInflate });
}

/**
 * Writes RGBA8 pixels as an 8-bit RGBA PNG (adaptive row filters, node:zlib). Throws a `RangeError` with
 * code `INVALID_IMAGE` when `data` isn't `width*height*4` bytes and a `QuantizerError` with code `IO` when
 * the file can't be written.
 */
export async function writePng(path: string, image: { data: Uint8Array | Uint8ClampedArray; width: number; height: number }): Promise<void> {
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new QuantizerRangeError('INVALID_IMAGE', `writePng needs width*height*4 RGBA bytes, got ${data.length} bytes for ${width}x${height}`, 'image');
  }
  await writeBytes(path, encodeRgbaPng({ data, width, height }));
}

/** The bytes of the 8-bit RGBA PNG that {@link writePng} writes (the same compression), for callers that write them themselves. */
export function encodeRgbaPng(image: { data: Uint8Array | Uint8ClampedArray; width: number; height: number }): Uint8Array {
  return encodePng(image, { channels: 'rgba', level: 9, deflate: rleDeflate });
}

/**
 * The PNG-8 of a quantization result, as `resultToIndexedPng` makes it, compressed by node:zlib at level 6
 * (about twice as fast as fflate, files within a few per cent of its size: bench/README.md, "PNG codecs").
 * The same errors as `resultToIndexedPng`.
 */
export function encodeIndexedResultPng(result: IndexedResultLike): Uint8Array {
  return resultToIndexedPng(result, { level: 6, deflate: zlibDeflate });
}

/**
 * {@link encodeIndexedResultPng} compressed off the main thread, a large image on several threads at once
 * ({@link parallelZlibDeflate}): a PNG that decodes to the same pixels, its zlib bytes a little different.
 * The CLI writes its PNG-8 files with this.
 */
export function encodeIndexedResultPngAsync(result: IndexedResultLike): Promise<Uint8Array> {
  return resultToIndexedPngAsync(result, { level: 6, deflate: parallelZlibDeflate });
}

export { parallelZlibDeflate };

/**
 * Writes `bytes` to the file at `path` (replacing it, unless `overwrite` is false: then an existing file
 * is left alone and the `IO` error's `cause` has code `EEXIST`) and resolves to the number of bytes written.
 */
export async function writeBytes(path: string, bytes: Uint8Array | string, { overwrite = true }: { overwrite?: boolean } = {}): Promise<number> {
  try {
    await writeFile(path, bytes, { flag: overwrite ? 'w' : 'wx' });
  } catch (error) {
    throw ioError(`cannot write ${JSON.stringify(path)}: ${reason(error)}`, error);
  }
  return typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
}

/** The size of a file in bytes. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw ioError(`cannot read ${JSON.stringify(path)}: ${reason(error)}`, error);
  }
}

/** The real path of `path` (links and `..` resolved), or its resolved path when it does not exist (yet). */
export async function realOrResolved(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/** Whether `output` names the file `input` (also when spelt differently, through `..` or a link). */
export async function isSameFile(input: string, output: string): Promise<boolean> {
  return (await realOrResolved(input)) === (await realOrResolved(output));
}

/**
 * Checks, before long work, that `path` can be written as a file: its directory exists and `path` is not
 * a directory. Throws a `QuantizerError` with code `IO` naming the path otherwise; writes nothing.
 */
export async function checkOutputPath(path: string): Promise<void> {
  const parent = dirname(path);
  let info;
  try {
    info = await stat(parent);
  } catch (error) {
    throw ioError(`cannot write ${JSON.stringify(path)}: directory ${JSON.stringify(parent)}: ${reason(error)}`, error);
  }
  if (!info.isDirectory()) throw new QuantizerError('IO', `cannot write ${JSON.stringify(path)}: ${JSON.stringify(parent)} is not a directory`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new QuantizerError('IO', `cannot write ${JSON.stringify(path)}: it is a directory`);
}

/** Creates the directory `path` unless it exists; its parent must exist (no intermediate directories are made). */
export async function ensureDirectory(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) {
    if (!existing.isDirectory()) throw new QuantizerError('IO', `cannot use ${JSON.stringify(path)} as a directory: it is a file`);
    return;
  }
  try {
    await mkdir(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? `its parent ${JSON.stringify(dirname(path))} does not exist` : reason(error);
    throw ioError(`cannot create directory ${JSON.stringify(path)}: ${why}`, error);
  }
}
