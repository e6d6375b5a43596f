/**
 * Distinct colours and their pixel counts: k-means on an image is k-means on this weighted set, which is
 * usually far smaller than the pixel count (a photo of 8 MP has some 100 K to 500 K distinct colours).
 */
import { colourTables } from './colour-tables.js';
import { mortonCountNative } from './histogram-native.js';
import { colourOfKey, mortonKeyOfPacked, sortKeysOnly24 } from './morton.js';
import { packedPalette } from '../output.js';
import type { Random } from './random.js';

/** Distinct RGB colours (packed r | g << 8 | b << 16, alpha dropped) with how many pixels have each. */
export interface ColourHistogram {
  colours: Uint32Array;
  weights: Float64Array;
  /**
   * Each pixel's position in `colours` (small images, when asked for): labelling reads it in pixel order.
   * Large images are labelled through a table from colour to label instead.
   */
  index?: Uint32Array;
}

/** At and above this many pixels a dense 2^24 table (16 MiB) is cheaper than hashing. */
const DENSE_THRESHOLD = 1 << 19;

/** 24-bit colours in ascending order. */
function sortedColours(colours: Uint32Array): Uint32Array {
  const m = colours.length;
  const out = Uint32Array.from(colours);
  sortKeysOnly24(out, new Uint32Array(m));
  return out;
}

/**
 * Counts through a table from colour to count (colour-tables.ts), then reads the counts of the colours met,
 * in ascending order. The table holds a byte a colour (a quarter of the fresh pages to touch of 32-bit
 * counts: bench/README.md, "Decode, summary and colour table"); a count that would pass 255 goes back to 1
 * and leaves 255 in `spill`, which the few colours that common add back at the end. `native: false` keeps
 * the tables in JS.
 */
function denseHistogram(pixels: Uint32Array, native: boolean): ColourHistogram {
  const tables = colourTables(native);
  const { seen, spill } = tables.count(pixels);
  // In ascending order, the reads (and clears) of the table walk it forwards instead of at random.
  const colours = sortedColours(seen);
  const weights = new Float64Array(colours.length);
  tables.readCounts(colours, weights);
  if (spill) for (const [c, extra] of spill) weights[positionOf(colours, c)]! += extra;
  return { colours, weights };
}

/** The index of `value` in ascending `sorted`, which holds it. */
function positionOf(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Open addressing over (colour + 1, id) pairs side by side (one cache line per probe), grown to stay at most
 * half full; a run of equal pixels (common in photos) skips the lookup.
 */
function hashedHistogram(pixels: Uint32Array, { pixelIndex }: { pixelIndex: boolean }): ColourHistogram {
  const n = pixels.length;
  let bits = 12;
  let table: Int32Array = new Int32Array(2 << bits);
  let firstColours: Uint32Array = new Uint32Array(1 << 12);
  let counts: Uint32Array = new Uint32Array(1 << 12);
  const index = pixelIndex ? new Uint32Array(n) : undefined;
  let m = 0;
  let last = -1;
  let lastId = 0;
  for (let i = 0; i < n; i++) {
    const c = pixels[i]! & 0xffffff;
    if (c !== last) {
      let slot = Math.imul(c, 0x9e3779b1) >>> (32 - bits);
      let key = table[slot * 2]!;
      while (key !== c + 1 && key !== 0) {
        slot = (slot + 1) & ((1 << bits) - 1);
        key = table[slot * 2]!;
      }
      if (key === 0) {
        lastId = m++;
        table[slot * 2] = c + 1;
        table[slot * 2 + 1] = lastId;
        if (lastId === firstColours.length) {
          firstColours = grownCopy(firstColours, new Uint32Array(lastId * 2));
          counts = grownCopy(counts, new Uint32Array(lastId * 2));
        }
        firstColours[lastId] = c;
        if (m * 2 > 1 << bits) {
          bits++;
          table = rehashed(firstColours, m, bits);
        }
      } else {
        lastId = table[slot * 2 + 1]!;
      }
      last = c;
    }
    counts[lastId]!++;
    if (index) index[i] = lastId;
  }
  const result: ColourHistogram = { colours: firstColours.slice(0, m), weights: Float64Array.from(counts.subarray(0, m)) };
  if (index) result.index = index;
  return result;
}

function grownCopy(from: Uint32Array, to: Uint32Array): Uint32Array {
  to.set(from);
  return to;
}

/** A table of 2^bits slots holding the first m colours (id = position). */
function rehashed(colours: Uint32Array, m: number, bits: number): Int32Array {
  const table = new Int32Array(2 << bits);
  const mask = (1 << bits) - 1;
  for (let id = 0; id < m; id++) {
    const c = colours[id]!;
    let slot = Math.imul(c, 0x9e3779b1) >>> (32 - bits);
    while (table[slot * 2] !== 0) slot = (slot + 1) & mask;
    table[slot * 2] = c + 1;
    table[slot * 2 + 1] = id;
  }
  return table;
}

/** Scratch of the Morton-order count, kept between calls and grown as needed. */
let mortonScratch = new Uint32Array(0);

/**
 * Counts by sorting the pixels' Morton keys (two 12-bit counting passes), then reading off runs of equal
 * keys: faster than hashing, and the colours come out in Morton order, ready for the colour tree (which
 * then skips its own sort). No pixel positions are carried (that doubled the sort's traffic): such a
 * histogram labels its pixels through a table from colour to label. Counted in WebAssembly where it can be
 * (histogram-native.ts: the same colours and counts); `native: false` keeps it in JS.
 */
function mortonHistogram(pixels: Uint32Array, native: boolean): ColourHistogram {
  const counted = native ? mortonCountNative(pixels) : null;
  if (counted) return counted;
  const n = pixels.length;
  if (mortonScratch.length < n * 2) mortonScratch = new Uint32Array(n * 2);
  const keys = mortonScratch.subarray(0, n);
  for (let i = 0; i < n; i++) keys[i] = mortonKeyOfPacked(pixels[i]!);
  sortKeysOnly24(keys, mortonScratch.subarray(n, n * 2));
  let m = 0;
  for (let p = 0; p < n; p++) if (p === 0 || keys[p] !== keys[p - 1]) m++;
  const colours = new Uint32Array(m);
  const weights = new Float64Array(m);
  let j = -1;
  // The colour comes back from its key: no read of the pixel at a scattered position.
  for (let p = 0; p < n; p++) {
    if (p === 0 || keys[p] !== keys[p - 1]) colours[++j] = colourOfKey(keys[p]!);
    weights[j]!++;
  }
  return { colours, weights };
}

/** How {@link buildHistogram} lists the colours. */
export interface HistogramOptions {
  /**
   * Small images (below the dense table's threshold) also get `index`, each pixel's position in
   * `colours` (see `labelAndPaint`). Ignored with `mortonOrder`. @default false
   */
  pixelIndex?: boolean;
  /** Small images list their colours in Morton order (ready for the colour tree). @default false */
  mortonOrder?: boolean;
  /** Whether the count may run in WebAssembly (the same histogram). @default true */
  native?: boolean;
}

/**
 * Builds the weighted set of distinct colours. Large images count through a dense table and list the
 * colours in ascending order whatever the options; the order of the colours depends on the method.
 */
export function buildHistogram(pixels: Uint32Array, { pixelIndex = false, mortonOrder = false, native = true }: HistogramOptions = {}): ColourHistogram {
  if (pixels.length >= DENSE_THRESHOLD) return denseHistogram(pixels, native);
  if (mortonOrder) return mortonHistogram(pixels, native);
  return hashedHistogram(pixels, { pixelIndex });
}

/**
 * The distinct colours of the image when there are at most `limit` of them, else `null`. Photos bail out
 * after a few pixels, so this check costs almost nothing on them.
 */
export function distinctColoursUpTo(pixels: Uint32Array, limit: number): Uint32Array | null {
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i++) {
    const c = pixels[i]! & 0xffffff;
    if (!seen.has(c)) {
      seen.add(c);
      if (seen.size > limit) return null;
    }
  }
  return Uint32Array.from(seen);
}

/** The distinct values of two ascending arrays (`a` without repeats), in ascending order. */
function mergeUnique(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== v) out[n++] = v;
  }
  return out.slice(0, n);
}

/** `size` distinct pixel indices in [0, n), drawn without replacement, in ascending order. */
export function sampleIndices(n: number, size: number, random: Random): Uint32Array {
  if (size >= n) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  if (size * 16 < n) {
    // Sparse: draw, sort, and redraw the few duplicates; no pass over all n pixels. Each redraw is sorted on
    // its own and merged into the picks so far (the first sort is the only large one).
    let picked: Uint32Array = new Uint32Array(0);
    while (picked.length < size) {
      const draw = new Uint32Array(size - picked.length);
      for (let i = 0; i < draw.length; i++) draw[i] = random.int(n);
      draw.sort();
      picked = mergeUnique(picked, draw);
    }
    return picked;
  }
  const taken = new Uint8Array(n);
  let picked = 0;
  if (size <= n / 2) {
    while (picked < size) {
      const i = random.int(n);
      if (taken[i] === 0) {
        taken[i] = 1;
        picked++;
      }
    }
  } else {
    // Drop n - size pixels instead, so that dense samples never spin on rejections.
    taken.fill(1);
    picked = n;
    while (picked > size) {
      const i = random.int(n);
      if (taken[i] === 1) {
        taken[i] = 0;
        picked--;
      }
    }
  }
  const out = new Uint32Array(size);
  for (let i = 0, j = 0; i < n; i++) if (taken[i] === 1) out[j++] = i;
  return out;
}

/** The pixels at the given indices. */
export function gather(pixels: Uint32Array, indices: Uint32Array): Uint32Array {
  const out = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = pixels[indices[i]!]!;
  return out;
}

/** Unpacks packed colours into interleaved float RGB triples. */
export function unpackColours(colours: Uint32Array): Float64Array {
  const out = new Float64Array(colours.length * 3);
  for (let i = 0; i < colours.length; i++) {
    const c = colours[i]!;
    out[i * 3] = c & 255;
    out[i * 3 + 1] = (c >>> 8) & 255;
    out[i * 3 + 2] = (c >>> 16) & 255;
  }
  return out;
}

/**
 * Each pixel's label, from the labels of the histogram's colours (of these pixels), and the output image
 * painted in the same pass: each pixel its label's palette colour, with its own alpha (one read of the
 * pixels instead of two, which is faster on large images: bench/README.md, "Measurements behind the
 * constants"). Histograms without `index` label through the colour tables' label table (colour-tables.ts);
 * `native: false` keeps it in JS.
 */
export function labelAndPaint(
  pixels: Uint32Array,
  histogram: ColourHistogram,
  colourLabels: Uint8Array,
  palette: Uint8Array,
  { native = true }: { native?: boolean } = {},
): { labels: Uint8Array; image: Uint8ClampedArray<ArrayBuffer> } {
  const n = pixels.length;
  const labels = new Uint8Array(n);
  const out = new Uint32Array(n);
  const lut = packedPalette(palette);
  const index = histogram.index;
  if (index) {
    for (let i = 0; i < n; i++) {
      const label = colourLabels[index[i]!]!;
      labels[i] = label;
      out[i] = (lut[label]! | (pixels[i]! & 0xff000000)) >>> 0;
    }
    return { labels, image: new Uint8ClampedArray(out.buffer) };
  }
  colourTables(native).labelAndPaint(pixels, histogram.colours, colourLabels, lut, labels, out);
  return { labels, image: new Uint8ClampedArray(out.buffer) };
}
