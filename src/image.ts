/**
 * Input normalisation: every accepted input becomes packed RGBA8 pixels (one little-endian u32 per pixel:
 * r | g << 8 | b << 16 | a << 24) plus its size. Validation happens here, before any work; a bad input is
 * a `TypeError` or `RangeError` with code `INVALID_IMAGE` (src/errors.ts).
 */
import { describeValue, QuantizerRangeError, QuantizerTypeError } from './errors.js';

const invalidType = (message: string, argument: string): QuantizerTypeError => new QuantizerTypeError('INVALID_IMAGE', message, argument);
const invalidRange = (message: string, argument: string): QuantizerRangeError => new QuantizerRangeError('INVALID_IMAGE', message, argument);

/** Raw RGBA8 pixels, row by row, 4 bytes a pixel (the shape of `ImageData`). */
export interface RawImage {
  /** `width * height * 4` bytes: R, G, B, A of each pixel, rows top to bottom. */
  data: Uint8Array | Uint8ClampedArray;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** Browser image sources, drawn through a 2D canvas to read their pixels. */
export type BrowserImageSource =
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | VideoFrame
  | HTMLVideoElement;

/** Everything `quantize()` accepts. */
export type QuantizeInput = RawImage | ImageData | BrowserImageSource;

/** Normalised pixels. `pixels` may share memory with the caller's data; it is never written. */
export interface Pixels {
  pixels: Uint32Array;
  width: number;
  height: number;
}

function checkSize(width: unknown, height: unknown): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw invalidType(`image ${name} must be a non-negative integer, got ${describeValue(v)}`, name);
    }
  }
  if ((width as number) * (height as number) === 0) {
    throw invalidRange(`the image is empty (${String(width)}x${String(height)})`, 'input');
  }
}

/** Views (or, when unaligned, copies) RGBA8 bytes as packed u32 pixels after checking their length. */
export function packRgba(data: Uint8Array | Uint8ClampedArray, width: number, height: number): Pixels {
  checkSize(width, height);
  const n = width * height;
  if (data.length !== n * 4) {
    throw invalidRange(`image data length must be width*height*4 = ${n * 4}, got ${data.length}`, 'data');
  }
  const pixels =
    data.byteOffset % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, n)
      : new Uint32Array(new Uint8Array(data).buffer, 0, n);
  return { pixels, width, height };
}

function isRaw(input: object): input is RawImage {
  return 'data' in input && 'width' in input && 'height' in input;
}

function sourceSize(source: BrowserImageSource): [number, number] {
  if (typeof VideoFrame !== 'undefined' && source instanceof VideoFrame) return [source.displayWidth, source.displayHeight];
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  const s = source as { width: number; height: number };
  return [s.width, s.height];
}

/** Reads the pixels of a browser image source through an OffscreenCanvas (or a canvas element). */
export function readSourcePixels(source: BrowserImageSource): Pixels {
  const [width, height] = sourceSize(source);
  checkSize(width, height);
  let ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (typeof OffscreenCanvas !== 'undefined') {
    ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  } else if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  } else {
    throw invalidType('this input needs a 2D canvas, which this environment lacks', 'input');
  }
  if (!ctx) throw invalidType('could not create a 2D canvas context to read the image', 'input');
  ctx.drawImage(source as CanvasImageSource, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height).data;
  return packRgba(data, width, height);
}

/** Normalises any accepted input; throws `TypeError`/`RangeError` (code `INVALID_IMAGE`) for anything else. */
export function toPixels(input: QuantizeInput): Pixels {
  if (typeof input !== 'object' || input === null) {
    throw invalidType(`input must be an image (ImageData, {data, width, height}, ...), got ${describeValue(input)}`, 'input');
  }
  if (isRaw(input)) {
    const { data, width, height } = input;
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
      throw invalidType(`input.data must be a Uint8Array or Uint8ClampedArray of RGBA bytes, got ${describeValue(data)}`, 'input.data');
    }
    return packRgba(data, width, height);
  }
  const looksDrawable =
    (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) ||
    (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) ||
    (typeof HTMLCanvasElement !== 'undefined' && input instanceof HTMLCanvasElement) ||
    (typeof HTMLVideoElement !== 'undefined' && input instanceof HTMLVideoElement) ||
    (typeof OffscreenCanvas !== 'undefined' && input instanceof OffscreenCanvas) ||
    (typeof VideoFrame !== 'undefined' && input instanceof VideoFrame);
  if (!looksDrawable) {
    throw invalidType('unsupported input; pass ImageData, {data, width, height} or a browser image source', 'input');
  }
  return readSourcePixels(input as BrowserImageSource);
}
