/**
 * The properties of a result, each a named check: a resolved call's palette, labels, image and metrics
 * are checked against the image as the caller handed it in (a copy taken before the call). Every check
 * returns violations ({ check, detail }) rather than throwing, so that a campaign can count them.
 */
import type { RawImage } from './images.js';

export interface Violation {
  check: string;
  detail: string;
}

/** One distinct RGB colour of an image: how many pixels have it. */
type Histogram = Map<number, number>;

function rgbAt(data: ArrayLike<number>, i: number): number {
  return data[i * 4]! | (data[i * 4 + 1]! << 8) | (data[i * 4 + 2]! << 16);
}

export function histogram(images: readonly RawImage[]): Histogram {
  const counts: Histogram = new Map();
  for (const { data } of images) {
    for (let i = 0; i < data.length / 4; i++) {
      const c = rgbAt(data, i);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  return counts;
}

function d2(colour: number, table: ArrayLike<number>, j: number): number {
  const dr = (colour & 255) - table[j * 3]!;
  const dg = ((colour >>> 8) & 255) - table[j * 3 + 1]!;
  const db = ((colour >>> 16) & 255) - table[j * 3 + 2]!;
  return dr * dr + dg * dg + db * db;
}

/** The index of the nearest colour of `table` (RGB triples), the lowest on ties, and its squared distance. */
export function nearest(colour: number, table: ArrayLike<number>): { index: number; d2: number } {
  let index = 0;
  let best = Infinity;
  for (let j = 0; j < table.length / 3; j++) {
    const d = d2(colour, table, j);
    if (d < best) {
      best = d;
      index = j;
    }
  }
  return { index, d2: best };
}

const v = (check: string, detail: string): Violation => ({ check, detail });

/**
 * A palette and its centroids: lengths, finite values in 0..255, bytes rounded from the centroids, and
 * (with `distinct`) no colour twice. A Lloyd fit stopped by maxIterations before converging is exempt from
 * the last: its centroids are a snapshot mid-run, and two of them may round to the same bytes.
 */
export function checkPalette(palette: Uint8Array, centroids: Float64Array, paletteSize: number, where: string, distinct = true): Violation[] {
  const out: Violation[] = [];
  if (!(palette instanceof Uint8Array) || palette.length !== paletteSize * 3 || paletteSize < 1 || paletteSize > 256) {
    return [v('shape', `${where}: palette of ${palette?.length} bytes for paletteSize ${paletteSize}`)];
  }
  if (!(centroids instanceof Float64Array) || centroids.length !== palette.length) {
    return [v('shape', `${where}: ${centroids?.length} centroid values for ${palette.length} palette bytes`)];
  }
  const bad = centroids.findIndex((c) => !Number.isFinite(c) || c < 0 || c > 255);
  if (bad >= 0) out.push(v('finite', `${where}: centroids[${bad}] = ${centroids[bad]}`));
  const off = centroids.findIndex((c, i) => Math.abs(c - palette[i]!) > 0.5);
  if (bad < 0 && off >= 0) out.push(v('palette-rounding', `${where}: palette[${off}] = ${palette[off]} for centroid ${centroids[off]}`));
  const seen = new Map<number, number>();
  for (let j = 0; distinct && j < paletteSize; j++) {
    const c = rgbAt([...palette.subarray(j * 3, j * 3 + 3), 0], 0);
    if (seen.has(c)) {
      out.push(v('palette-duplicates', `${where}: palette colours ${seen.get(c)} and ${j} are both ${palette.subarray(j * 3, j * 3 + 3).join(',')}`));
      break;
    }
    seen.set(c, j);
  }
  return out;
}

/** paletteSize = min(k, distinct colours); at most k distinct: exactPalette and exactly those colours. */
export function checkPaletteSize(fit: { paletteSize: number; exactPalette: boolean; palette: Uint8Array; k: number }, k: number, colours: Histogram, where: string): Violation[] {
  const out: Violation[] = [];
  const want = Math.min(k, colours.size);
  if (fit.k !== k) out.push(v('result-fields', `${where}: k = ${fit.k}, asked ${k}`));
  if (fit.paletteSize < want) out.push(v('palette-short', `${where}: paletteSize ${fit.paletteSize} < min(k = ${k}, ${colours.size} distinct colours)`));
  if (fit.paletteSize > want) out.push(v('palette-long', `${where}: paletteSize ${fit.paletteSize} > min(k = ${k}, ${colours.size} distinct colours)`));
  const exact = colours.size <= k;
  if (fit.exactPalette !== exact) out.push(v('exact-palette', `${where}: exactPalette ${fit.exactPalette} with ${colours.size} distinct colours, k = ${k}`));
  if (exact && fit.paletteSize === colours.size) {
    for (let j = 0; j < fit.paletteSize; j++) {
      if (!colours.has(rgbAt([...fit.palette.subarray(j * 3, j * 3 + 3), 0], 0))) {
        out.push(v('exact-palette', `${where}: palette colour ${j} is not a colour of the image`));
        break;
      }
    }
  }
  return out;
}

/** Labels: one per pixel, each < paletteSize and the pixel's nearest palette colour (lowest index on ties). */
export function checkLabels(image: RawImage, labels: Uint8Array, palette: Uint8Array, where: string): Violation[] {
  const n = image.width * image.height;
  if (!(labels instanceof Uint8Array) || labels.length !== n) return [v('shape', `${where}: ${labels?.length} labels for ${n} pixels`)];
  const size = palette.length / 3;
  const expected = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (labels[i]! >= size) return [v('labels-range', `${where}: labels[${i}] = ${labels[i]} >= paletteSize ${size}`)];
    const c = rgbAt(image.data, i);
    let want = expected.get(c);
    if (want === undefined) expected.set(c, (want = nearest(c, palette).index));
    if (labels[i] !== want) {
      const rgb = [c & 255, (c >>> 8) & 255, c >>> 16].join(',');
      return [v('labels-nearest', `${where}: pixel ${i} (${rgb}) labelled ${labels[i]}, nearest palette colour is ${want}`)];
    }
  }
  return [];
}

/** The output image: w*h*4 bytes, each pixel its label's palette colour with the input's alpha. */
export function checkPainted(image: RawImage, labels: Uint8Array, palette: Uint8Array, out: Uint8ClampedArray, where: string): Violation[] {
  const n = image.width * image.height;
  if (!(out instanceof Uint8ClampedArray) || out.length !== n * 4) return [v('shape', `${where}: output image of ${out?.length} bytes, want ${n * 4}`)];
  for (let i = 0; i < n; i++) {
    const j = labels[i]! * 3;
    if (out[i * 4] !== palette[j] || out[i * 4 + 1] !== palette[j + 1] || out[i * 4 + 2] !== palette[j + 2]) {
      return [v('image-painted', `${where}: output pixel ${i} is not palette colour ${labels[i]}`)];
    }
    if (out[i * 4 + 3] !== image.data[i * 4 + 3]) return [v('image-alpha', `${where}: output alpha ${out[i * 4 + 3]} at pixel ${i}, input ${image.data[i * 4 + 3]}`)];
  }
  return [];
}

/** mse (palette bytes, per channel), psnr from it, inertia (nearest float centroid): finite and as defined. */
export function checkMetrics(image: RawImage, labels: Uint8Array, palette: Uint8Array, centroids: Float64Array, m: { mse: number; psnr: number; inertia: number }, where: string): Violation[] {
  const out: Violation[] = [];
  if (![m.mse, m.inertia].every(Number.isFinite) || Number.isNaN(m.psnr)) return [v('finite', `${where}: mse ${m.mse}, inertia ${m.inertia}, psnr ${m.psnr}`)];
  const n = image.width * image.height;
  let sse = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const c = rgbAt(image.data, i);
    sse += d2(c, palette, labels[i]!);
    sumSq += d2(c, [0, 0, 0], 0);
  }
  const mse = sse / (3 * n);
  if (Math.abs(m.mse - mse) > 1e-9 * Math.max(1, mse)) out.push(v('metrics-mse', `${where}: mse ${m.mse}, recomputed ${mse}`));
  const psnr = mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  if (!(m.psnr === psnr || Math.abs(m.psnr - psnr) < 1e-9)) out.push(v('metrics-psnr', `${where}: psnr ${m.psnr}, from mse ${psnr}`));
  let inertia = 0;
  for (const [c, count] of histogram([image])) inertia += count * nearest(c, centroids).d2;
  if (Math.abs(m.inertia - inertia) > 1e-9 * sumSq + 1e-6) out.push(v('metrics-inertia', `${where}: inertia ${m.inertia}, recomputed ${inertia}`));
  return out;
}

export interface ProgressRecord {
  iteration: number;
  attempt: number;
  inertia: number;
  shift: number;
}

/** Progress events: 1-based increasing iterations within an attempt, attempts in order, finite non-negative numbers. */
export function checkProgress(events: readonly ProgressRecord[], attempts: number, where: string): Violation[] {
  let last = { attempt: 1, iteration: 0 };
  for (const e of events) {
    if (![e.inertia, e.shift].every((x) => Number.isFinite(x) && x >= 0)) return [v('progress', `${where}: event ${JSON.stringify(e)}`)];
    const next = e.attempt === last.attempt ? e.iteration === last.iteration + 1 : e.attempt > last.attempt && e.iteration === 1;
    if (!next || e.attempt > attempts) return [v('progress', `${where}: event ${JSON.stringify(e)} after ${JSON.stringify(last)}`)];
    last = e;
  }
  return [];
}
