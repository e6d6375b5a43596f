/**
 * The properties of results for images with transparency (RGBA palettes, `paletteAlpha`), computed here
 * independently of the library: the palette's size against the distinct RGBA colours (alpha 0 counted as
 * one colour), each label the pixel's nearest entry in the documented metric (the mean squared error
 * composited over black and over white; premultiplied OKLab with alpha for colorSpace 'oklab'), the
 * output painted with the entry's colour and alpha, and mse / psnr as that composited mean.
 */
import { srgbToOklab } from '../../src/colour-space.js';
import type { RawImage } from './images.js';
import type { Violation } from './oracle.js';

const v = (check: string, detail: string): Violation => ({ check, detail });

/** Whether any pixel of the images has alpha below 255. */
export function anyTransparency(images: readonly RawImage[]): boolean {
  return images.some(({ data }) => {
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return true;
    return false;
  });
}

/** Distinct RGBA colours (alpha 0 collapsed to one) with their counts. */
export function rgbaHistogram(images: readonly RawImage[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { data } of images) {
    for (let i = 0; i < data.length; i += 4) {
      const c = data[i + 3] === 0 ? 0 : (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  return counts;
}

/** The composited error (summed over RGB, mean of black and white backgrounds) of two straight RGBA colours. */
function composite(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    const dp = (a[i + c]! * a[i + 3]!) / 255 - (b[j + c]! * b[j + 3]!) / 255;
    const da = a[i + 3]! - b[j + 3]!;
    sum += (dp * dp + (dp - da) * (dp - da)) / 2;
  }
  return sum;
}

const lab = new Float64Array(6);
function premultipliedOklab(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  srgbToOklab(a[i]!, a[i + 1]!, a[i + 2]!, lab, 0);
  srgbToOklab(b[j]!, b[j + 1]!, b[j + 2]!, lab, 3);
  let d = (a[i + 3]! - b[j + 3]!) ** 2;
  for (let c = 0; c < 3; c++) d += ((lab[c]! * a[i + 3]!) / 255 - (lab[3 + c]! * b[j + 3]!) / 255) ** 2;
  return d;
}

/** paletteSize = min(k, distinct RGBA colours); exactPalette exactly when they are at most k. */
export function checkAlphaPaletteSize(fit: { paletteSize: number; exactPalette: boolean; k: number; paletteAlpha?: Uint8Array }, k: number, colours: Map<number, number>, where: string): Violation[] {
  const out: Violation[] = [];
  if (!(fit.paletteAlpha instanceof Uint8Array) || fit.paletteAlpha.length !== fit.paletteSize) return [v('alpha-palette', `${where}: paletteAlpha ${fit.paletteAlpha?.length} for paletteSize ${fit.paletteSize}`)];
  const want = Math.min(k, colours.size);
  if (fit.paletteSize !== want) out.push(v('palette-long', `${where}: paletteSize ${fit.paletteSize}, min(k = ${k}, ${colours.size} RGBA colours) = ${want}`));
  if (fit.exactPalette !== colours.size <= k) out.push(v('exact-palette', `${where}: exactPalette ${fit.exactPalette} with ${colours.size} RGBA colours, k = ${k}`));
  return out;
}

/** Labels nearest (ties within rounding), the output painted with entry colour and alpha, mse and psnr composited. */
export function checkAlphaApplied(r: { labels: Uint8Array; image: Uint8ClampedArray; palette: Uint8Array; paletteAlpha?: Uint8Array; mse: number; psnr: number; inertia: number; colorSpace: string }, image: RawImage, where: string): Violation[] {
  const alpha = r.paletteAlpha!;
  const k = alpha.length;
  const entries = new Uint8Array(k * 4);
  for (let j = 0; j < k; j++) entries.set([r.palette[j * 3]!, r.palette[j * 3 + 1]!, r.palette[j * 3 + 2]!, alpha[j]!], j * 4);
  const distance = r.colorSpace === 'oklab' ? premultipliedOklab : composite;
  const n = image.width * image.height;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const label = r.labels[i]!;
    if (label >= k) return [v('labels-range', `${where}: labels[${i}] = ${label} >= ${k}`)];
    const got = distance(image.data, i * 4, entries, label * 4);
    for (let j = 0; j < k; j++) {
      const d = distance(image.data, i * 4, entries, j * 4);
      if (d < got - 1e-9 * Math.max(1, got)) return [v('labels-nearest', `${where}: pixel ${i} labelled ${label} (${got}), entry ${j} is nearer (${d})`)];
    }
    for (let c = 0; c < 4; c++) if (r.image[i * 4 + c] !== entries[label * 4 + c]) return [v('image-painted', `${where}: output pixel ${i} is not RGBA entry ${label}`)];
    sse += composite(image.data, i * 4, entries, label * 4);
  }
  const mse = sse / (3 * n);
  const out: Violation[] = [];
  if (!(Math.abs(r.mse - mse) <= 1e-9 * Math.max(1, mse))) out.push(v('metrics-mse', `${where}: mse ${r.mse}, composited ${mse}`));
  const psnr = mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  if (!(r.psnr === psnr || Math.abs(r.psnr - psnr) < 1e-6)) out.push(v('metrics-psnr', `${where}: psnr ${r.psnr}, from mse ${psnr}`));
  if (!(Number.isFinite(r.inertia) && r.inertia >= 0)) out.push(v('finite', `${where}: inertia ${r.inertia}`));
  return out;
}
