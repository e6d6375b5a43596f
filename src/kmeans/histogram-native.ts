/**
 * The Morton-order colour count of small images in WebAssembly (histogram.as.ts), in a new instance per call
 * (its memory freed with it): the same colours, order and counts as mortonHistogram's JS; null where
 * WebAssembly is unavailable or its memory cannot grow, and the JS counts instead.
 */
import { growTo, InlinedModule, Layout } from '../wasm.js';
import { HISTOGRAM_WASM } from './histogram-wasm.js';

interface HistogramExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layout(pixels: number, keys: number, scratch: number, digits: number, colours: number, weights: number): void;
  countMorton(n: number): number;
}

const histogramModule = new InlinedModule(HISTOGRAM_WASM);

/** The distinct colours of `pixels` (alpha ignored) in Morton order, with their pixel counts; or null. */
export function mortonCountNative(pixels: Uint32Array): { colours: Uint32Array; weights: Float64Array } | null {
  const exports = histogramModule.instantiate<HistogramExports>();
  if (!exports) return null;
  const n = pixels.length;
  const layout = new Layout(exports.heapBase(), [
    ['weights', Float64Array, n], ['pixels', Uint32Array, n], ['keys', Uint32Array, n], ['scratch', Uint32Array, n],
    ['digits', Uint32Array, 8192], ['colours', Uint32Array, n],
  ]);
  const memory = exports.memory;
  if (!growTo(memory, layout.end)) return null;
  layout.copyIn(memory, 'pixels', pixels);
  const a = (name: string) => layout.address(name);
  exports.layout(a('pixels'), a('keys'), a('scratch'), a('digits'), a('colours'), a('weights'));
  const m = exports.countMorton(n);
  return { colours: layout.view<Uint32Array>(memory, 'colours', m).slice(), weights: layout.view<Float64Array>(memory, 'weights', m).slice() };
}
