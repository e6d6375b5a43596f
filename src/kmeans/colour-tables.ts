/**
 * The dense colour tables of large images (histogram.ts counts and labels through them): a byte count per
 * 24-bit colour and a byte label per colour, 16 MiB each, kept per thread between calls (a k slider, video
 * frames: fresh pages cost more to touch than the counting itself). The count table is left empty after
 * each count; the label table needs no clearing, since labelling writes the entry of every colour it then
 * reads. Two implementations with the same counts and labels: WebAssembly (colour-tables-native.ts) where
 * it can run, JS (here) otherwise.
 */
import { NativeColourTables } from './colour-tables-native.js';

export interface ColourTables {
  /**
   * Counts the pixels' colours (alpha ignored) into the count table: returns the colours met, in the order
   * of their first pixel, and the colours whose count passed 255 with what passed (a count that would pass
   * 255 goes back to 1; the table holds the rest).
   */
  count(pixels: Uint32Array): { seen: Uint32Array; spill: Map<number, number> | undefined };
  /** The count table's entries of `colours` into `weights`, each entry cleared (the table is left empty). */
  readCounts(colours: Uint32Array, weights: Float64Array): void;
  /**
   * Each pixel's label (its colour's, from `colours` and `colourLabels`) into `labels`, and its palette
   * colour (`lut`: packed, alpha 0) with its own alpha into `out`.
   */
  labelAndPaint(pixels: Uint32Array, colours: Uint32Array, colourLabels: Uint8Array, lut: Uint32Array, labels: Uint8Array, out: Uint32Array): void;
}

/** The tables in JS: typed arrays, made on first use. */
class JsColourTables implements ColourTables {
  private counts: Uint8Array | undefined;
  private labels: Uint8Array | undefined;

  count(pixels: Uint32Array): { seen: Uint32Array; spill: Map<number, number> | undefined } {
    const table = (this.counts ??= new Uint8Array(1 << 24));
    let seen = new Uint32Array(1 << 16);
    let m = 0;
    let spill: Map<number, number> | undefined;
    for (let i = 0; i < pixels.length; i++) {
      const c = pixels[i]! & 0xffffff;
      const count = table[c]!;
      if (count === 0) {
        table[c] = 1;
        if (m === seen.length) {
          const grown = new Uint32Array(m * 2);
          grown.set(seen);
          seen = grown;
        }
        seen[m++] = c;
      } else if (count === 255) {
        table[c] = 1;
        spill ??= new Map();
        spill.set(c, (spill.get(c) ?? 0) + 255);
      } else {
        table[c] = count + 1;
      }
    }
    return { seen: seen.subarray(0, m), spill };
  }

  readCounts(colours: Uint32Array, weights: Float64Array): void {
    const table = (this.counts ??= new Uint8Array(1 << 24));
    for (let j = 0; j < colours.length; j++) {
      const c = colours[j]!;
      weights[j] = table[c]!;
      table[c] = 0;
    }
  }

  labelAndPaint(pixels: Uint32Array, colours: Uint32Array, colourLabels: Uint8Array, lut: Uint32Array, labels: Uint8Array, out: Uint32Array): void {
    const table = (this.labels ??= new Uint8Array(1 << 24));
    // Dense histograms list their colours in ascending order: these writes walk the table forwards.
    for (let j = 0; j < colours.length; j++) table[colours[j]!] = colourLabels[j]!;
    for (let i = 0; i < pixels.length; i++) {
      const pixel = pixels[i]!;
      const label = table[pixel & 0xffffff]!;
      labels[i] = label;
      out[i] = (lut[label]! | (pixel & 0xff000000)) >>> 0;
    }
  }
}

/** This thread's tables: undefined until first asked for; the WebAssembly ones null where they can't be made. */
let nativeTables: ColourTables | null | undefined;
let jsTables: ColourTables | undefined;

/** This thread's tables: in WebAssembly where it can run (and `native` allows), else in JS. */
export function colourTables(native = true): ColourTables {
  if (native) {
    if (nativeTables === undefined) nativeTables = NativeColourTables.create();
    if (nativeTables) return nativeTables;
  }
  return (jsTables ??= new JsColourTables());
}
