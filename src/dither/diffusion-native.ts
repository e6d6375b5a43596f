/**
 * Error diffusion of sRGB images in WebAssembly (diffusion.as.ts): the JS loop of diffusionLabels, with its
 * palette grid's searches, run over the image copied into a new instance's memory (freed with the call).
 * It takes the same steps in the same order, so the labels are identical; null where WebAssembly is
 * unavailable or its memory cannot grow, and the JS loop runs instead.
 */
import { growTo, InlinedModule, Layout } from '../wasm.js';
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
  const layout = new Layout(exports.heapBase(), [
    ['points', Float64Array, k * 3], ['gap2', Float64Array, k], ['near', Float64Array, 3 * GRID * k], ['far', Float64Array, 3 * GRID * k],
    ['here', Float64Array, (width + 2) * 3], ['next', Float64Array, (width + 2) * 3], ['smoothness', Float64Array, width],
    ['starts', Int32Array, cells], ['vertical', Int32Array, width], ['pixels', Uint32Array, n], ['lengths', Uint16Array, cells],
    ['nearest', Uint8Array, n], ['labels', Uint8Array, n], ['pool', Uint8Array, Math.max(1024, k * 64)],
  ]);
  const memory = exports.memory;
  if (!growTo(memory, layout.end)) return null;
  const tables = grid.tables();
  layout.copyIn(memory, 'points', points);
  layout.copyIn(memory, 'gap2', tables.gap2);
  const near = layout.view<Float64Array>(memory, 'near');
  const far = layout.view<Float64Array>(memory, 'far');
  for (let axis = 0; axis < 3; axis++) {
    near.set(tables.near[axis]!, axis * GRID * k);
    far.set(tables.far[axis]!, axis * GRID * k);
  }
  layout.view<Int32Array>(memory, 'starts').fill(-1);
  layout.copyIn(memory, 'pixels', pixels);
  layout.copyIn(memory, 'nearest', nearestLabels);
  const a = (name: string) => layout.address(name);
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
  return layout.view<Uint8Array>(memory, 'labels').slice();
}
