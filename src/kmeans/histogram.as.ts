// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.js into histogram-wasm.ts (never by tsc).
// The Morton-order colour count of histogram.ts (mortonHistogram) over pixels laid out in this module's
// memory by histogram-native.ts: each pixel's key, the keys sorted (two 12-bit counting passes, as
// sortKeysOnly24 of morton.ts), and the runs of equal keys read off as colours and counts. The same
// colours, in the same order, with the same counts as the JS.

import { compact, digitStarts, mortonKey } from './morton.as';

let pixels: usize = 0; // u32 per pixel
let keys: usize = 0; // u32 per pixel
let scratch: usize = 0; // u32 per pixel
let digits: usize = 0; // u32 x 8192
let colours: usize = 0; // u32 per distinct colour
let weights: usize = 0; // f64 per distinct colour

/** The first free byte of memory: the layout starts there. */
export function heapBase(): usize {
  return __heap_base;
}

export function layout(pixelsAt: usize, keysAt: usize, scratchAt: usize, digitsAt: usize, coloursAt: usize, weightsAt: usize): void {
  pixels = pixelsAt; keys = keysAt; scratch = scratchAt; digits = digitsAt; colours = coloursAt; weights = weightsAt;
}

@inline function at(base: usize, i: usize): usize {
  return base + (i << 2);
}

/** sortKeysOnly24 of morton.ts over the n keys. */
function sortKeys(n: usize): void {
  digitStarts(keys, n, digits);
  for (let i: usize = 0; i < n; i++) {
    const k = load<u32>(at(keys, i));
    const s = at(digits, <usize>(k & 4095));
    const to = load<u32>(s);
    store<u32>(s, to + 1);
    store<u32>(at(scratch, <usize>to), k);
  }
  for (let p: usize = 0; p < n; p++) {
    const k = load<u32>(at(scratch, p));
    const s = at(digits, <usize>(4096 + (k >>> 12)));
    const to = load<u32>(s);
    store<u32>(s, to + 1);
    store<u32>(at(keys, <usize>to), k);
  }
}

/** Counts the n pixels' colours in Morton order into `colours` and `weights`; returns how many there are. */
export function countMorton(n: usize): u32 {
  for (let i: usize = 0; i < n; i++) {
    const c = load<u32>(at(pixels, i));
    store<u32>(at(keys, i), mortonKey(c & 255, (c >>> 8) & 255, (c >>> 16) & 255));
  }
  sortKeys(n);
  let j: isize = -1;
  for (let p: usize = 0; p < n; p++) {
    const k = load<u32>(at(keys, p));
    if (p == 0 || k != load<u32>(at(keys, p - 1))) {
      j++;
      store<u32>(at(colours, <usize>j), compact(k >>> 2) | (compact(k >>> 1) << 8) | (compact(k) << 16));
      store<f64>(weights + (<usize>j << 3), 0);
    }
    const w = weights + (<usize>j << 3);
    store<f64>(w, load<f64>(w) + 1);
  }
  return <u32>(j + 1);
}
