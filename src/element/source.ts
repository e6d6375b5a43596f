/**
 * Turns whatever the element was given (a URL, ImageData, a bitmap, a Blob, an <img>, ...) into ImageData:
 * the pixels the quantizer reads and the "original" views draw. Live sources (a <video>, a MediaStream)
 * are handled frame by frame in video.ts.
 */
import { errorMessage, isAbortError, QuantizerError, QuantizerRangeError, QuantizerTypeError } from '../errors.js';
import type { RawImage } from '../image.js';

/** Still images the element accepts through its `image` property. */
export type StillImageSource =
  | ImageData
  | RawImage
  | ImageBitmap
  | Blob
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas;

/** Live sources: quantized frame after frame. */
export type LiveImageSource = HTMLVideoElement | MediaStream;

/** Everything the element's `image` property accepts. */
export type ElementImageSource = StillImageSource | LiveImageSource;

type Drawable = ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | HTMLVideoElement;

/** Options that keep the bytes as stored in the file (the same decoding the library's tests use). */
const BITMAP_OPTIONS: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

export function isLiveSource(source: unknown): source is LiveImageSource {
  return (
    (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) ||
    (typeof MediaStream !== 'undefined' && source instanceof MediaStream)
  );
}

/** A reusable 2D context for reading pixels back. */
export class PixelReader {
  private canvas: OffscreenCanvas | HTMLCanvasElement | undefined;
  private ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | undefined;

  /** Draws `source` at its natural size and returns its pixels. */
  read(source: Drawable, width: number, height: number): ImageData {
    if (!(width > 0 && height > 0)) {
      throw new QuantizerRangeError('INVALID_IMAGE', `the image is empty (${width}x${height})`, 'image');
    }
    if (!this.canvas || !this.ctx) {
      this.canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
      const ctx = this.canvas.getContext('2d', { willReadFrequently: true }) as
        | OffscreenCanvasRenderingContext2D
        | CanvasRenderingContext2D
        | null;
      if (!ctx) throw new QuantizerError('INVALID_IMAGE', 'could not create a 2D canvas context to read the image');
      this.ctx = ctx;
    }
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    } else {
      this.ctx.clearRect(0, 0, width, height);
    }
    this.ctx.drawImage(source, 0, 0, width, height);
    try {
      return this.ctx.getImageData(0, 0, width, height);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'SecurityError') {
        throw new QuantizerError('IO', 'the image is cross-origin without CORS, so its pixels cannot be read', { cause: error });
      }
      throw error;
    }
  }
}

/**
 * Decodes an image file to its RGBA pixels as stored (no colour-space conversion, no premultiplication):
 * through `createImageBitmap`, else an `<img>` (SVG). `label` names the file in the error, quoted if a name.
 */
export async function decodeBlob(blob: Blob, label: string, reader = new PixelReader()): Promise<ImageData> {
  let bitmap: ImageBitmap | undefined;
  try {
    bitmap = await createImageBitmap(blob, BITMAP_OPTIONS);
  } catch {
    // Some formats (SVG) only decode through an <img>.
    const url = URL.createObjectURL(blob);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return reader.read(img, img.naturalWidth, img.naturalHeight);
    } catch (error) {
      throw new QuantizerError('INVALID_IMAGE', `could not decode ${label} as an image`, { cause: error });
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  try {
    return reader.read(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Fetches and decodes an image URL (relative URLs resolve against the document). */
/**
 * Why a fetch() rejected, in words: browsers say only "Failed to fetch" for a network error and for a
 * cross-origin response without CORS headers alike, so the origin tells which to suspect.
 */
function whyFetchFailed(src: string, error: unknown): string {
  let crossOrigin = false;
  try {
    const base = globalThis.location?.href;
    crossOrigin = base !== undefined && new URL(src, base).origin !== new URL(base).origin;
  } catch {
    return `${errorMessage(error)} (the address is not a valid URL)`;
  }
  const cause = crossOrigin
    ? 'the image is on another origin, and its server does not allow this page to read it (no CORS header Access-Control-Allow-Origin), or the network failed'
    : 'the network request failed (offline, or the server did not answer)';
  return `${cause} (${errorMessage(error)})`;
}

export async function loadUrl(src: string, signal: AbortSignal, reader = new PixelReader()): Promise<ImageData> {
  let response: Response;
  try {
    response = await fetch(src, { signal });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new QuantizerError('IO', `could not load "${src}": ${whyFetchFailed(src, error)}`, { cause: error });
  }
  if (!response.ok) {
    throw new QuantizerError('IO', `could not load "${src}": HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const blob = await response.blob();
  signal.throwIfAborted();
  return decodeBlob(blob, `"${src}"`, reader);
}

/** Reads a still source's pixels. ImageData is used as it is (never written). */
export async function loadStill(source: StillImageSource, reader = new PixelReader()): Promise<ImageData> {
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) return source;
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return decodeBlob(source, typeof File !== 'undefined' && source instanceof File ? `"${source.name}"` : 'the Blob', reader);
  }
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    if (!source.complete || source.naturalWidth === 0) {
      try {
        await source.decode();
      } catch (error) {
        throw new QuantizerError('IO', `could not load the <img> "${source.currentSrc || source.src}"`, { cause: error });
      }
    }
    return reader.read(source, source.naturalWidth, source.naturalHeight);
  }
  if (
    (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap) ||
    (typeof HTMLCanvasElement !== 'undefined' && source instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && source instanceof OffscreenCanvas)
  ) {
    return reader.read(source, source.width, source.height);
  }
  if (typeof source === 'object' && source !== null && 'data' in source && 'width' in source && 'height' in source) {
    const { data, width, height } = source;
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
      throw new QuantizerTypeError('INVALID_IMAGE', 'image.data must be a Uint8Array or Uint8ClampedArray of RGBA bytes', 'image.data');
    }
    if (data.length !== width * height * 4 || width * height === 0) {
      throw new QuantizerRangeError('INVALID_IMAGE', `image data length must be width*height*4 = ${width * height * 4}, got ${data.length}`, 'image.data');
    }
    const bytes = new Uint8ClampedArray(data.length);
    bytes.set(data);
    return new ImageData(bytes, width, height);
  }
  throw new QuantizerTypeError(
    'INVALID_IMAGE',
    'unsupported image; use ImageData, ImageBitmap, a Blob/File, <img>, <canvas>, <video> or a MediaStream',
    'image',
  );
}
