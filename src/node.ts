/**
 * Node-only helpers: read a PNG or JPEG file into RGBA bytes and write RGBA bytes as a PNG file. Used by
 * the CLI and exported (dist/node.js) for other Node users. Nothing here is imported by the browser entry.
 */
import { readFile, writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

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

/** `error.message`, or what was thrown, without a library prefix that a caller will add again. */
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
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^kmeans-quantizer: /, '');
}

/**
 * Reads a PNG or JPEG file (detected by its magic bytes) into RGBA8 bytes. 16-bit PNGs are scaled to 8 bits,
 * palette/grey PNGs expanded, JPEGs get alpha 255. Throws an `Error` starting with `kmeans-quantizer: `
 * when the file can't be read, is neither format, or doesn't decode.
 */
export async function readImage(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`kmeans-quantizer: cannot read ${JSON.stringify(path)}: ${reason(error)}`, { cause: error });
  }
  const format = detectFormat(bytes);
  if (!format) throw new Error(`kmeans-quantizer: ${JSON.stringify(path)} is not a PNG or JPEG file`);
  try {
    if (format === 'png') {
      const png = pngjs.PNG.sync.read(bytes);
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { data: img.data, width: img.width, height: img.height };
  } catch (error) {
    throw new Error(`kmeans-quantizer: cannot decode ${format.toUpperCase()} ${JSON.stringify(path)}: ${reason(error)}`, { cause: error });
  }
}

/**
 * Writes RGBA8 pixels as an 8-bit RGBA PNG. Throws a `RangeError` when `data` isn't `width*height*4` bytes
 * and an `Error` starting with `kmeans-quantizer: ` when the file can't be written.
 */
export async function writePng(path: string, image: { data: Uint8Array | Uint8ClampedArray; width: number; height: number }): Promise<void> {
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new RangeError(`kmeans-quantizer: writePng needs width*height*4 RGBA bytes, got ${data.length} bytes for ${width}x${height}`);
  }
  const png = new pngjs.PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const encoded = pngjs.PNG.sync.write(png);
  try {
    await writeFile(path, encoded);
  } catch (error) {
    throw new Error(`kmeans-quantizer: cannot write ${JSON.stringify(path)}: ${reason(error)}`, { cause: error });
  }
}
