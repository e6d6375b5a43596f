/**
 * The quality floor of the CLI: `--min-psnr X` (the PSNR the output must reach), `--quality min-max`
 * (pngquant's 0..100 scale, mapped to PSNR by {@link psnrOfQuality}) and `--max-colours N` (choose k: the
 * smallest k <= N that reaches the floor). A floor that cannot be reached is a {@link CliError}
 * `QUALITY_TOO_LOW` (exit code 99): nothing is written.
 *
 * The k search is a bisection over k in `low..N` (PSNR rises with k, up to k-means' noise): N first
 * (if N falls short, no smaller k will reach it), then the midpoints. One quantizer serves every k (its
 * CPU histogram is kept between calls), and each k is warm-started from the centroids of the nearest k
 * already fitted, as the sweep does (src/analysis/sweep.ts).
 */
import { createQuantizer, type QuantizeOptions, type QuantizeResult, type RgbaImage } from '../index.js';
import { formatNumber } from './format.js';
import { CliError } from './exit.js';

/** What the output must reach. */
export interface QualityFloor {
  /** The PSNR (dB) below which nothing is written (exit 99). */
  min: number;
  /** The PSNR the k search aims at: the smallest k reaching it is taken (`min` for --min-psnr). */
  target: number;
  /** The largest k of the search; undefined when k is fixed (-k, --remap) and only checked. */
  maxColours: number | undefined;
  /** The flag as given, for messages: `--min-psnr 30`, `--quality 60-80`. */
  flag: string;
}

/** pngquant-style quality (0..100) as a PSNR floor in dB: 15 + 0.3 q (0 -> 15 dB, 50 -> 30 dB, 80 -> 39 dB, 100 -> 45 dB). */
export function psnrOfQuality(quality: number): number {
  return 15 + 0.3 * quality;
}

/** One k the search fitted. */
export interface Tried {
  k: number;
  psnr: number;
}

/** The result the search chose, and every k it fitted (in the order fitted). */
export interface Chosen {
  result: QuantizeResult;
  tried: Tried[];
}

function dB(psnr: number): string {
  return `${formatNumber(psnr, 2)} dB`;
}

/** The floor not reached: what was reached, at which k, and that nothing was written. */
function floorError(floor: QualityFloor, psnr: number, k: number, source: string): CliError {
  const hint = floor.maxColours === undefined ? 'raise -k, or let --max-colours choose k' : `no k up to ${floor.maxColours} reaches it`;
  return new CliError(
    'QUALITY_TOO_LOW',
    `${source}: PSNR ${dB(psnr)} at k = ${k} is below the floor of ${dB(floor.min)} (${floor.flag}); nothing written (${hint})`,
  );
}

/** Throws {@link floorError} when a result (at a fixed k) falls short of the floor. */
export function checkFloor(floor: QualityFloor, result: QuantizeResult, source: string): void {
  if (result.psnr < floor.min) throw floorError(floor, result.psnr, result.k, source);
}

/** The centroids of the fitted k nearest to `k` (ties: the smaller k), to warm-start `k` from. */
function nearest(fitted: Map<number, QuantizeResult>, k: number): Float64Array | undefined {
  let best: number | undefined;
  for (const other of fitted.keys()) {
    if (best === undefined || Math.abs(other - k) < Math.abs(best - k) || (Math.abs(other - k) === Math.abs(best - k) && other < best)) best = other;
  }
  return best === undefined ? undefined : fitted.get(best)!.centroids;
}

/**
 * The smallest k in `low..floor.maxColours` whose result reaches `floor.target`, else the result at
 * `maxColours` when it reaches `floor.min`; else throws {@link floorError}. `low` is at least the number
 * of fixed colours. `onK` is told each k before it is fitted.
 */
export async function searchK(image: RgbaImage, options: QuantizeOptions, floor: QualityFloor, source: string, onK?: (k: number) => void): Promise<Chosen> {
  const high = floor.maxColours!;
  const { k: _k, warmStart: _w, ...engine } = options;
  const quantizer = createQuantizer(engine);
  const fitted = new Map<number, QuantizeResult>();
  const tried: Tried[] = [];
  const fit = async (k: number): Promise<QuantizeResult> => {
    onK?.(k);
    const warm = nearest(fitted, k);
    const result = await quantizer.quantize(image, { k, ...(warm ? { warmStart: warm } : {}) });
    fitted.set(k, result);
    tried.push({ k, psnr: result.psnr });
    return result;
  };
  try {
    const top = await fit(high);
    if (top.psnr < floor.target) {
      if (top.psnr < floor.min) throw floorError(floor, top.psnr, high, source);
      return { result: top, tried };
    }
    // Invariant: `hi` reaches the target; every k below `lo` was found short of it.
    let lo = Math.max(1, options.fixedColors?.length ?? 0);
    let hi = high;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const result = await fit(mid);
      if (result.psnr >= floor.target) hi = mid;
      else lo = mid + 1;
    }
    return { result: fitted.get(hi)!, tried };
  } finally {
    quantizer.destroy();
  }
}
