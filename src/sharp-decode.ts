/**
 * Image decoding through sharp (libvips), an optional dependency of the package: when it is installed,
 * src/node.ts decodes JPEG with it (some ten times faster than jpeg-js on an 8 MP photo) and the formats
 * the library has no decoder of its own for: WebP, AVIF, TIFF and GIF (its first frame). PNG stays on the
 * library's own codec (src/analysis/png.ts), so that every PNG decodes to the same pixels with or without
 * sharp. sharp is loaded on the first image that needs it, never for a PNG, and never when the
 * environment variable `KMEANS_QUANTIZER_NO_SHARP` is `1` (then the pure-JS decoders alone are used, as
 * when sharp is absent).
 */

/** The formats decoded through sharp when it is there, by the names src/node.ts gives them. */
export const SHARP_FORMATS: ReadonlySet<string> = new Set(['JPEG', 'WebP', 'AVIF', 'TIFF', 'GIF']);

/** The part of sharp's API used here (the package is optional: its own types may be absent at build time). */
interface SharpPipeline {
  toColourspace(space: string): SharpPipeline;
  ensureAlpha(): SharpPipeline;
  raw(options: { depth: 'uchar' }): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }>;
}
type Sharp = (input: Uint8Array, options: { pages: number; limitInputPixels: false }) => SharpPipeline;

let loading: Promise<Sharp | undefined> | undefined;

/** sharp's entry function, or undefined when it is not installed, fails to load, or is turned off. */
export function loadSharp(): Promise<Sharp | undefined> {
  if (process.env.KMEANS_QUANTIZER_NO_SHARP === '1') return Promise.resolve(undefined);
  // A name in a variable: bundlers leave the import alone, and the build does not need sharp installed.
  const name = 'sharp';
  loading ??= import(/* @vite-ignore */ name).then(
    (module: { default?: Sharp }) => module.default ?? (module as unknown as Sharp),
    () => undefined,
  );
  return loading;
}

/**
 * The RGBA8 pixels of an image file's bytes, decoded by sharp: colours converted to sRGB (CMYK and grey
 * files too), alpha 255 where the file has none, 16-bit samples brought to 8 bits, the first frame of an
 * animation. No EXIF rotation, as with jpeg-js. Rejects with sharp's error when the bytes do not decode.
 */
export async function decodeWithSharp(sharp: Sharp, bytes: Uint8Array): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes, { pages: 1, limitInputPixels: false })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4 || data.length !== info.width * info.height * 4) {
    throw new Error(`sharp gave ${info.channels} channels, ${data.length} bytes for ${info.width}x${info.height}`);
  }
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
