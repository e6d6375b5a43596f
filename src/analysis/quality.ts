/**
 * Quality of a quantized image against its original: MSE and PSNR over R, G, B; SSIM on luma; CIEDE2000
 * colour differences (mean and 95th percentile) and a heat map of them. Alpha is not compared.
 *
 * SSIM follows Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image quality assessment: from
 * error visibility to structural similarity", IEEE TIP 13(4), 2004: luma Y' = 0.299 R + 0.587 G + 0.114 B
 * (BT.601, on the gamma-encoded values, 0..255), an 11 x 11 Gaussian window with sigma 1.5 (normalised to
 * sum 1), K1 = 0.01, K2 = 0.03, L = 255, and the mean of the SSIM map over the windows that fit inside the
 * image (no padding, as the paper's reference code). Images smaller than 11 pixels on a side use the
 * largest odd window that fits, with sigma scaled alike. The percentile is nearest-rank: the smallest
 * difference that at least 95 % of pixels do not exceed.
 */
import { psnrFromMse } from '../metrics.js';
import { deltaE2000, srgbToLabInto } from './colour.js';
import { checkImage, checkNumber, hashTableBits, checkOptions, checkRunOptions, rangeError, startWork, type AnalysisRunOptions, type RgbaImage, type Work } from './common.js';

export interface QualityOptions extends AnalysisRunOptions {
  /** The CIEDE2000 difference drawn at the top of the heat-map ramp (larger ones saturate): a number > 0. @default 20 */
  heatmapMax?: number;
}

export interface QualityReport {
  width: number;
  height: number;
  /** Mean squared error per channel (R, G, B) in 0..255 units. */
  mse: number;
  /** PSNR in dB (Infinity for identical images). */
  psnr: number;
  /** Mean SSIM of luma, in -1..1 (1 for identical images). */
  ssim: number;
  /** CIEDE2000 differences per pixel: mean, 95th percentile (nearest rank) and maximum. */
  deltaE: { mean: number; p95: number; max: number };
  /**
   * RGBA heat map of the per-pixel CIEDE2000 difference: 0 is near black, `heatmapMax` and above the
   * brightest colour of a dark-blue, purple, red, orange, pale-yellow ramp; opaque.
   */
  heatmap: Uint8ClampedArray;
  heatmapMax: number;
}

// ------------------------------------------------------------------------------------------------
// SSIM, one row at a time (memory grows with the width, not the image)
// ------------------------------------------------------------------------------------------------

const K1 = 0.01;
const K2 = 0.03;
const C1 = (K1 * 255) ** 2;
const C2 = (K2 * 255) ** 2;

function gaussianWindow(size: number): Float64Array {
  const sigma = (1.5 * size) / 11;
  const radius = (size - 1) / 2;
  const weights = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    weights[i] = Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma));
    sum += weights[i]!;
  }
  for (let i = 0; i < size; i++) weights[i] = weights[i]! / sum;
  return weights;
}

function lumaRow(data: Uint8Array | Uint8ClampedArray, y: number, width: number, out: Float64Array): void {
  const row = y * width * 4;
  for (let x = 0; x < width; x++) {
    const s = row + x * 4;
    out[x] = 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!;
  }
}

/** Mean SSIM of the luma of two same-size images. */
async function meanSsim(a: RgbaImage, b: RgbaImage, work?: Work, workOffset = 0): Promise<number> {
  const { width, height } = a;
  let size = Math.min(11, width, height);
  if (size % 2 === 0) size--;
  const g = gaussianWindow(size);
  const validW = width - size + 1;
  const validH = height - size + 1;
  // Ring buffer of horizontally filtered rows: mean a, mean b, mean a^2, mean b^2, mean ab.
  const rows = Array.from({ length: 5 }, () => new Float64Array(size * validW));
  const [ma, mb, maa, mbb, mab] = rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const la = new Float64Array(width);
  const lb = new Float64Array(width);
  let sum = 0;
  for (let y = 0; y < height; y++) {
    lumaRow(a.data, y, width, la);
    lumaRow(b.data, y, width, lb);
    const slot = (y % size) * validW;
    for (let x = 0; x < validW; x++) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let t = 0; t < size; t++) {
        const w = g[t]!;
        const va = la[x + t]!;
        const vb = lb[x + t]!;
        sa += w * va;
        sb += w * vb;
        saa += w * va * va;
        sbb += w * vb * vb;
        sab += w * va * vb;
      }
      ma[slot + x] = sa;
      mb[slot + x] = sb;
      maa[slot + x] = saa;
      mbb[slot + x] = sbb;
      mab[slot + x] = sab;
    }
    if (y >= size - 1) {
      const top = y - size + 1;
      for (let x = 0; x < validW; x++) {
        let ua = 0;
        let ub = 0;
        let uaa = 0;
        let ubb = 0;
        let uab = 0;
        for (let t = 0; t < size; t++) {
          const w = g[t]!;
          const at = ((top + t) % size) * validW + x;
          ua += w * ma[at]!;
          ub += w * mb[at]!;
          uaa += w * maa[at]!;
          ubb += w * mbb[at]!;
          uab += w * mab[at]!;
        }
        const varA = uaa - ua * ua;
        const varB = ubb - ub * ub;
        const cov = uab - ua * ub;
        sum += ((2 * ua * ub + C1) * (2 * cov + C2)) / ((ua * ua + ub * ub + C1) * (varA + varB + C2));
      }
    }
    if (work) await work.step(workOffset + y + 1);
  }
  return sum / (validW * validH);
}

/** Mean SSIM of the luma of two same-size RGBA images (see the module comment for the parameters). */
export async function ssim(original: RgbaImage, quantized: RgbaImage, options: AnalysisRunOptions = {}): Promise<number> {
  const a = checkImage('original', original);
  const b = checkImage('quantized', quantized);
  sameSize(a, b);
  const run = checkRunOptions('options', checkOptions('options', options, ['signal', 'onProgress']));
  const work = startWork('ssim', a.height, run);
  const value = await meanSsim(a, b, work);
  work.finish();
  return value;
}

function sameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw rangeError('quantized', `the original's size ${a.width}x${a.height}`, `${b.width}x${b.height}`);
  }
}

// ------------------------------------------------------------------------------------------------
// CIEDE2000 per pixel, memoised per (original colour, quantized colour) pair
// ------------------------------------------------------------------------------------------------

class PairMemo {
  private readonly first: Int32Array;
  private readonly second: Int32Array;
  private readonly values: Float32Array;
  private readonly bits: number;
  private readonly mask: number;
  private filled = 0;
  private readonly lab = new Float64Array(6);

  constructor(pixels: number) {
    const bits = hashTableBits(pixels, 21);
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.first = new Int32Array(1 << bits).fill(-1);
    this.second = new Int32Array(1 << bits);
    this.values = new Float32Array(1 << bits);
  }

  /** CIEDE2000 between packed colours p and q (r | g << 8 | b << 16). */
  difference(p: number, q: number): number {
    if (p === q) return 0;
    let slot = (Math.imul(p, 0x9e3779b1) ^ Math.imul(q, 0x85ebca6b)) >>> (32 - this.bits);
    for (;;) {
      const key = this.first[slot]!;
      if (key === -1) break;
      if (key === p && this.second[slot] === q) return this.values[slot]!;
      slot = (slot + 1) & this.mask;
    }
    const lab = this.lab;
    srgbToLabInto(p & 255, (p >>> 8) & 255, (p >>> 16) & 255, lab, 0);
    srgbToLabInto(q & 255, (q >>> 8) & 255, (q >>> 16) & 255, lab, 3);
    const d = deltaE2000(lab[0]!, lab[1]!, lab[2]!, lab[3]!, lab[4]!, lab[5]!);
    if (this.filled * 2 < this.first.length) {
      this.first[slot] = p;
      this.second[slot] = q;
      this.values[slot] = d;
      this.filled++;
    }
    return d;
  }
}

/**
 * Nearest-rank percentile (q in (0, 1]) of non-negative values, in O(n): exact zeros (pixels the palette
 * hits exactly, often most of them) are counted apart; the positive values go into a histogram, and only
 * the bin that holds the rank is sorted.
 */
function percentile(values: Float32Array, q: number, max: number): number {
  const n = values.length;
  const rank = Math.max(1, Math.ceil(q * n));
  if (max === 0) return 0;
  const bins = 4096;
  const scale = bins / max;
  const binOf = (v: number): number => Math.min(bins - 1, Math.floor(v * scale));
  const counts = new Uint32Array(bins);
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === 0) zeros++;
    else counts[binOf(v)]!++;
  }
  if (rank <= zeros) return 0;
  let below = zeros;
  let bin = 0;
  while (below + counts[bin]! < rank) below += counts[bin++]!;
  const inBin: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== 0 && binOf(v) === bin) inBin.push(v);
  }
  inBin.sort((x, y) => x - y);
  return inBin[rank - below - 1]!;
}

// My own ramp: dark blue, purple, red, orange, pale yellow, evenly spaced.
const RAMP_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [12, 7, 36],
  [88, 28, 124],
  [190, 55, 82],
  [246, 140, 40],
  [252, 246, 170],
];

function rampTable(): Uint8Array {
  const table = new Uint8Array(256 * 3);
  const segments = RAMP_STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * segments;
    const s = Math.min(segments - 1, Math.floor(t));
    const f = t - s;
    const from = RAMP_STOPS[s]!;
    const to = RAMP_STOPS[s + 1]!;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * f);
  }
  return table;
}

/**
 * Compares a quantized image with its original (both RGBA `{ data, width, height }`, or quantization
 * results, of one size). Rejects with `TypeError`/`RangeError` naming the bad argument, with an
 * `AbortError` when `signal` fires.
 */
export async function qualityReport(original: RgbaImage, quantized: RgbaImage, options: QualityOptions = {}): Promise<QualityReport> {
  const a = checkImage('original', original);
  const b = checkImage('quantized', quantized);
  sameSize(a, b);
  const o = checkOptions('options', options, ['heatmapMax', 'signal', 'onProgress']);
  const heatmapMax = checkNumber('options.heatmapMax', o.heatmapMax ?? 20, 0, 1000);
  if (heatmapMax === 0) throw rangeError('options.heatmapMax', 'a number > 0', heatmapMax);
  const run = checkRunOptions('options', o);
  const { width, height } = a;
  const n = width * height;
  const work = startWork('quality', 2 * height, run);

  // Pass 1: squared error, CIEDE2000 per pixel, heat map.
  const differences = new Float32Array(n);
  const heatmap = new Uint8ClampedArray(n * 4);
  const ramp = rampTable();
  const memo = new PairMemo(n);
  let sse = 0;
  let deSum = 0;
  let deMax = 0;
  for (let y = 0; y < height; y++) {
    for (let i = y * width, end = i + width; i < end; i++) {
      const s = i * 4;
      const r1 = a.data[s]!;
      const g1 = a.data[s + 1]!;
      const b1 = a.data[s + 2]!;
      const r2 = b.data[s]!;
      const g2 = b.data[s + 1]!;
      const b2 = b.data[s + 2]!;
      sse += (r1 - r2) ** 2 + (g1 - g2) ** 2 + (b1 - b2) ** 2;
      const d = memo.difference(r1 | (g1 << 8) | (b1 << 16), r2 | (g2 << 8) | (b2 << 16));
      differences[i] = d;
      deSum += d;
      if (d > deMax) deMax = d;
      const level = Math.min(255, Math.round((d / heatmapMax) * 255)) * 3;
      heatmap[s] = ramp[level]!;
      heatmap[s + 1] = ramp[level + 1]!;
      heatmap[s + 2] = ramp[level + 2]!;
      heatmap[s + 3] = 255;
    }
    await work.step(y + 1);
  }

  // Pass 2: SSIM.
  const ssimValue = await meanSsim(a, b, work, height);
  work.finish();
  const mse = sse / (3 * n);
  return {
    width,
    height,
    mse,
    psnr: psnrFromMse(mse),
    ssim: ssimValue,
    deltaE: { mean: deSum / n, p95: percentile(differences, 0.95, deMax), max: deMax },
    heatmap,
    heatmapMax,
  };
}
