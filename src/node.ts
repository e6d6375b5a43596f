/**
 * Node-only helpers: read a PNG or JPEG file into RGBA bytes, write RGBA bytes as a PNG file, write any
 * bytes to a file, and check output paths and directories before long work. Used by the CLI and exported
 * (dist/node.js) for other Node users. Nothing here is imported by the browser entry. Errors are typed
 * (src/errors.ts) and name the path: code `IO` when a file can't be read or written, `INVALID_IMAGE` when
 * its bytes are no image this reads.
 *
 * PNG files go through the library's own codec (src/analysis/png.ts) with node:zlib as its compressor
 * ({@link zlibDeflate}, {@link zlibInflate}), several times faster than the browser-safe fflate default;
 * see bench/README.md, "PNG codecs".
 *
 * @module kmeans-quantizer/node
 */
import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { decodePng, encodePng, type ZlibDeflate, type ZlibInflate } from './analysis/png.js';
import { readPalette, type PaletteFileFormat } from './analysis/palette-import.js';
import { QuantizerError, QuantizerRangeError } from './errors.js';

/** RGBA8 pixels, row by row, 4 bytes a pixel (the shape `quantize()` accepts). */
export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
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

/** node:zlib's zlib compressor, for the `deflate` option of the PNG encoders (`encodePng`, `resultToIndexedPng`, ...). */
export const zlibDeflate: ZlibDeflate = (data, level) => bytesOf(deflateSync(data, { level }));

/** node:zlib's zlib decompressor, for the `inflate` option of `decodePng`. */
export const zlibInflate: ZlibInflate = (data) => bytesOf(inflateSync(data));

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
    ENOSPC: 'no space left on device',
  };
  if (typeof code === 'string' && known[code]) return known[code];
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a PNG or JPEG file (detected by its magic bytes) into RGBA8 bytes. 16-bit PNGs are scaled to 8 bits,
 * palette/grey PNGs expanded, JPEGs get alpha 255. Throws a `QuantizerError` with code `IO` when the
 * file can't be read and `INVALID_IMAGE` when it is neither format or doesn't decode.
 */
export async function readImage(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw ioError(`cannot read ${JSON.stringify(path)}: ${reason(error)}`, error);
  }
  const format = detectFormat(bytes);
  if (!format) throw new QuantizerError('INVALID_IMAGE', `${JSON.stringify(path)} is not a PNG or JPEG file`);
  try {
    if (format === 'png') {
      const png = decodePng(bytes, { inflate: zlibInflate });
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { data: img.data, width: img.width, height: img.height };
  } catch (error) {
    // jpeg-js speaks of markers and offsets: say what that means for the file, and keep its words after.
    const why = format === 'jpeg' ? `the JPEG is truncated or corrupt (${reason(error)})` : reason(error);
    throw new QuantizerError('INVALID_IMAGE', `cannot decode ${format.toUpperCase()} ${JSON.stringify(path)}: ${why}`, { cause: error });
  }
}

/**
 * Reads a palette file in `format` (.gpl, .json or .png: see `readPalette`). Throws a `QuantizerError` with
 * code `IO` when the file can't be read, and readPalette's errors (`INVALID_PALETTE`, `OUT_OF_RANGE`) for
 * its content; every message names the file, after `flag` when given (the CLI's `--remap`).
 */
export async function readPaletteFile(path: string, format: PaletteFileFormat, flag?: string): Promise<Uint8Array> {
  const source = `${flag ? `${flag} ` : ''}${JSON.stringify(path)}`;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw ioError(`${flag ? `${flag}: ` : ''}cannot read ${JSON.stringify(path)}: ${reason(error)}`, error);
  }
  return readPalette(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), format, source, { inflate: zlibInflate });
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
  await writeBytes(path, encodePng({ data, width, height }, { channels: 'rgba', level: 9, deflate: rleDeflate }));
}

/** Writes `bytes` to the file at `path` (replacing it) and resolves to the number of bytes written. */
export async function writeBytes(path: string, bytes: Uint8Array | string): Promise<number> {
  try {
    await writeFile(path, bytes);
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

/**
 * Checks, before any work, that a file can be written at `path`: its directory exists and `path` is not a
 * directory. (Permissions are left to the write itself.)
 */
/** Whether `output` names the file `input` (also when spelt differently, through `..` or a link). */
export async function isSameFile(input: string, output: string): Promise<boolean> {
  const real = async (p: string): Promise<string> => realpath(p).catch(() => resolve(p));
  return (await real(input)) === (await real(output));
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
