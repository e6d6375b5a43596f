/**
 * Error diffusion of sRGB images in WebAssembly (diffusion.as.ts): the JS loop of diffusionLabels, with its
 * palette grid's searches, run over the image copied into a new instance's memory (freed with the call).
 * It takes the same steps in the same order, so the labels are identical; null where WebAssembly is
 * unavailable or its memory cannot grow, and the JS loop runs instead.
 */
import { growTo, InlinedModule, placeArrays } from '../wasm.js';
import { DIFFUSION_WASM } from './diffusion-wasm.js';
import { GRID, type PaletteGrid } from './palette-grid.js';

interface DiffusionExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layout(points: number, gap2: number, near: number, far: number, starts: number, lengths: number, pixels: number,
    nearest: number, labels: number, here: number, next: number, vertical: number, smoothness: number, pool: number, k: number): void;
  grid(lo0: number, hi0: number, lo1: number, hi1: number, lo2: number, hi2: number, s0: number, s1: number, s2: number): void;
  diffuseRow(y: number, width: number, count: number, level: number, limit: number, low: number, flat: number, flat2: number, gap: number): void;
}

const diffusionModule = new InlinedModule(DIFFUSION_WASM);

/** The loop's constants, as diffusionLabels derives them. */
export interface DiffusionConstants {
  level: number;
  limit: number;
  low: number;
  flat: number;
  flat2: number;
  gap: number;
}

/** Error-diffused labels of sRGB `pixels` against `grid`'s palette (`points`: it in sRGB), or null. */
export function diffuseNative(pixels: Uint32Array, width: number, nearestLabels: Uint8Array, points: Float64Array, grid: PaletteGrid, c: DiffusionConstants): Uint8Array | null {
  const exports = diffusionModule.instantiate<DiffusionExports>();
  if (!exports) return null;
  const k = points.length / 3;
  const n = pixels.length;
  const cells = GRID * GRID * GRID;
  const { at, end } = placeArrays(exports.heapBase(), [
    ['points', Float64Array, k * 3], ['gap2', Float64Array, k], ['near', Float64Array, 3 * GRID * k], ['far', Float64Array, 3 * GRID * k],
    ['here', Float64Array, (width + 2) * 3], ['next', Float64Array, (width + 2) * 3], ['smoothness', Float64Array, width],
    ['starts', Int32Array, cells], ['vertical', Int32Array, width], ['pixels', Uint32Array, n], ['lengths', Uint16Array, cells],
    ['nearest', Uint8Array, n], ['labels', Uint8Array, n], ['pool', Uint8Array, Math.max(1024, k * 64)],
  ]);
  if (!growTo(exports.memory, end)) return null;
  const buffer = exports.memory.buffer;
  const a = (name: string) => at.get(name)!;
  const tables = grid.tables();
  new Float64Array(buffer, a('points'), k * 3).set(points);
  new Float64Array(buffer, a('gap2'), k).set(tables.gap2);
  for (let axis = 0; axis < 3; axis++) {
    new Float64Array(buffer, a('near') + axis * GRID * k * 8, GRID * k).set(tables.near[axis]!);
    new Float64Array(buffer, a('far') + axis * GRID * k * 8, GRID * k).set(tables.far[axis]!);
  }
  new Int32Array(buffer, a('starts'), cells).fill(-1);
  new Uint32Array(buffer, a('pixels'), n).set(pixels);
  new Uint8Array(buffer, a('nearest'), n).set(nearestLabels);
  exports.layout(a('points'), a('gap2'), a('near'), a('far'), a('starts'), a('lengths'), a('pixels'), a('nearest'), a('labels'),
    a('here'), a('next'), a('vertical'), a('smoothness'), a('pool'), k);
  const [lo0, hi0, lo1, hi1, lo2, hi2, s0, s1, s2] = tables.box as [number, number, number, number, number, number, number, number, number];
  exports.grid(lo0, hi0, lo1, hi1, lo2, hi2, s0, s1, s2);
  try {
    const height = Math.ceil(n / width);
    for (let y = 0; y < height; y++) exports.diffuseRow(y, width, n, c.level, c.limit, c.low, c.flat, c.flat2, c.gap);
  } catch {
    // The lists' pool could not grow: the JS loop does the work.
    return null;
  }
  // The memory may have grown for the pool: a fresh view.
  return new Uint8Array(exports.memory.buffer, a('labels'), n).slice();
}
