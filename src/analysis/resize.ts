/**
 * Resampling before quantizing (seed notebook 000 resizes to 512 x 512 first), in plain TypeScript.
 *
 * Separable convolution: rows are resampled horizontally into a float buffer, then columns vertically.
 * When shrinking, the filter is stretched by the scale factor so that every source pixel contributes
 * (area-correct, no aliasing), as Pillow's `resize` does. Kernels are cut at the image edges and their
 * weights renormalised, so a constant image stays constant. Filtering happens on the gamma-encoded sRGB
 * values, as in Pillow and OpenCV, so results compare with the notebooks' pipelines (resampling in linear
 * light would keep the brightness of fine high-contrast detail better, but differs from what they do).
 * Colour is filtered premultiplied by alpha, so transparent pixels do not bleed their colour into
 * neighbours; opaque images skip that step.
 */
import { checkChoice, checkDimension, checkImage, checkOptions, checkRunOptions, rangeError, startWork, type AnalysisRunOptions, type RgbaImage } from './common.js';

export type ResizeFilter = 'lanczos3' | 'bicubic' | 'bilinear' | 'box' | 'nearest';

export interface ResizeOptions extends AnalysisRunOptions {
  /**
   * `'lanczos3'` (sinc windowed by sinc, radius 3: sharpest), `'bicubic'` (Keys' cubic with a = -0.5, as
   * Pillow's BICUBIC), `'bilinear'` (triangle), `'box'` (area average when shrinking), `'nearest'` (pixel
   * replication, no filtering). @default 'lanczos3'
   */
  filter?: ResizeFilter;
}

export interface ResizedImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

interface Kernel {
  radius: number;
  weight(x: number): number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

const KERNELS: Record<Exclude<ResizeFilter, 'nearest'>, Kernel> = {
  lanczos3: { radius: 3, weight: (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  bicubic: {
    radius: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
      return 0;
    },
  },
  bilinear: { radius: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  // Half-open [-0.5, 0.5): a source pixel on the boundary of two output pixels counts once.
  box: { radius: 0.5, weight: (x) => (x >= -0.5 && x < 0.5 ? 1 : 0) },
};

/** For every output coordinate: the first source index and the normalised weights of its taps. */
interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** `stride` weights per output coordinate. */
  weights: Float64Array;
  stride: number;
}

function buildTaps(sourceSize: number, targetSize: number, filter: ResizeFilter): Taps {
  const scale = sourceSize / targetSize;
  if (filter === 'nearest') {
    const first = new Int32Array(targetSize);
    for (let x = 0; x < targetSize; x++) first[x] = Math.min(sourceSize - 1, Math.floor((x + 0.5) * scale));
    return { first, count: new Int32Array(targetSize).fill(1), weights: new Float64Array(targetSize).fill(1), stride: 1 };
  }
  const kernel = KERNELS[filter];
  const stretch = Math.max(scale, 1);
  const support = kernel.radius * stretch;
  const stride = Math.ceil(2 * support) + 3;
  const first = new Int32Array(targetSize);
  const count = new Int32Array(targetSize);
  const weights = new Float64Array(targetSize * stride);
  for (let x = 0; x < targetSize; x++) {
    // Pixel centres: output x sits at source coordinate (x + 0.5) * scale, source pixel i at i + 0.5.
    const centre = (x + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(sourceSize - 1, Math.ceil(centre + support));
    let sum = 0;
    let taps = 0;
    let start = -1;
    for (let i = lo; i <= hi && taps < stride; i++) {
      const w = kernel.weight((i + 0.5 - centre) / stretch);
      if (w === 0 && start < 0) continue;
      if (start < 0) start = i;
      weights[x * stride + taps] = w;
      taps++;
      sum += w;
    }
    // Trailing zero weights are harmless; an all-zero kernel (impossible for these filters) would fall back to the nearest pixel.
    if (start < 0 || sum === 0) {
      first[x] = Math.min(sourceSize - 1, Math.floor(centre));
      count[x] = 1;
      weights[x * stride] = 1;
      continue;
    }
    first[x] = start;
    count[x] = taps;
    for (let t = 0; t < taps; t++) weights[x * stride + t] = weights[x * stride + t]! / sum;
  }
  return { first, count, weights, stride };
}

/** What both passes of a resize share: the taps along the pass, and whether the image is all opaque. */
interface ResizePass {
  taps: Taps;
  /** No alpha to premultiply by (and every output alpha 255). */
  opaque: boolean;
  /** The intermediate image: input rows resampled to the output width, RGBA floats, premultiplied. */
  middle: Float32Array;
  outWidth: number;
}

/** Row `y` of the horizontal pass: the input row through the taps, into `middle`. */
function resampleRow(pass: ResizePass, data: Uint8Array | Uint8ClampedArray, inWidth: number, y: number): void {
  const { taps: h, opaque, middle, outWidth } = pass;
  const row = y * inWidth * 4;
  const to = y * outWidth * 4;
  for (let x = 0; x < outWidth; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    const taps = h.count[x]!;
    const base = x * h.stride;
    let s = row + h.first[x]! * 4;
    for (let t = 0; t < taps; t++, s += 4) {
      const w = h.weights[base + t]!;
      const alpha = data[s + 3]!;
      const f = opaque ? w : (w * alpha) / 255;
      r += f * data[s]!;
      g += f * data[s + 1]!;
      b += f * data[s + 2]!;
      a += w * alpha;
    }
    const o4 = to + x * 4;
    middle[o4] = r;
    middle[o4 + 1] = g;
    middle[o4 + 2] = b;
    middle[o4 + 3] = a;
  }
}

/** Output row `y` of the vertical pass: the columns of `middle` through the taps, into `out` as bytes. */
function resampleColumnsAt(pass: ResizePass, y: number, out: Uint8ClampedArray): void {
  const { taps: v, opaque, middle, outWidth } = pass;
  const taps = v.count[y]!;
  const base = y * v.stride;
  const first = v.first[y]!;
  for (let x = 0; x < outWidth; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let t = 0; t < taps; t++) {
      const w = v.weights[base + t]!;
      const s = ((first + t) * outWidth + x) * 4;
      r += w * middle[s]!;
      g += w * middle[s + 1]!;
      b += w * middle[s + 2]!;
      a += w * middle[s + 3]!;
    }
    const o4 = (y * outWidth + x) * 4;
    if (opaque) {
      out[o4] = r;
      out[o4 + 1] = g;
      out[o4 + 2] = b;
      out[o4 + 3] = 255;
    } else {
      // Uint8ClampedArray rounds half to even and clamps.
      const alpha = Math.min(255, Math.max(0, a));
      const scale = alpha > 0 ? 255 / alpha : 0;
      out[o4] = r * scale;
      out[o4 + 1] = g * scale;
      out[o4 + 2] = b * scale;
      out[o4 + 3] = alpha;
    }
  }
}

/**
 * Resizes an RGBA image to `width` x `height` with a separable filter (see {@link ResizeOptions.filter}).
 * Rejects with `TypeError`/`RangeError` naming the bad argument, with an `AbortError` when `signal` fires.
 */
export async function resizeImage(image: RgbaImage, width: number, height: number, options: ResizeOptions = {}): Promise<ResizedImage> {
  const source = checkImage('image', image);
  const outWidth = checkDimension('width', width, 65535 * 4);
  const outHeight = checkDimension('height', height, 65535 * 4);
  if (outWidth * outHeight > 2 ** 28) throw rangeError('width*height', 'at most 2^28 pixels', outWidth * outHeight);
  const o = checkOptions('options', options, ['filter', 'signal', 'onProgress']);
  const filter = checkChoice('options.filter', o.filter ?? 'lanczos3', ['lanczos3', 'bicubic', 'bilinear', 'box', 'nearest'] as const);
  const run = checkRunOptions('options', o);
  const { data, width: inWidth, height: inHeight } = source;
  const work = startWork('resize', inHeight + outHeight, run);

  let opaque = true;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      opaque = false;
      break;
    }
  }

  // Horizontal pass: inHeight rows of outWidth pixels, premultiplied when the image has alpha.
  const middle = new Float32Array(inHeight * outWidth * 4);
  const horizontal: ResizePass = { taps: buildTaps(inWidth, outWidth, filter), opaque, middle, outWidth };
  for (let y = 0; y < inHeight; y++) {
    resampleRow(horizontal, data, inWidth, y);
    await work.step(y + 1);
  }

  // Vertical pass into bytes, un-premultiplying.
  const vertical: ResizePass = { taps: buildTaps(inHeight, outHeight, filter), opaque, middle, outWidth };
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  for (let y = 0; y < outHeight; y++) {
    resampleColumnsAt(vertical, y, out);
    await work.step(inHeight + y + 1);
  }
  work.finish();
  return { data: out, width: outWidth, height: outHeight };
}
