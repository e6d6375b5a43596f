// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.js into diffusion-wasm.ts (never by tsc).
// Error diffusion of sRGB images (diffusion.ts: diffusionLabels, rowSmoothness; palette-grid.ts: nearestFrom,
// search, makeList) over arrays laid out in this module's memory by diffusion-native.ts: the same
// operations in the same order as the JS, so the labels are identical. The lists' pool is the last array:
// it grows with the memory.

/** As GRID in palette-grid.ts. */
const GRID: i32 = 64;
/** As TEXTURE_WEIGHT in diffusion.ts. */
const TEXTURE_WEIGHT: f64 = 1.5;

// The arrays (byte addresses), set by `layout`.
let points: usize = 0; // f64 x 3 per entry
let gap2: usize = 0; // f64 per entry
let near: usize = 0; // f64 x GRID * k, per axis one after another
let far: usize = 0;
let starts: usize = 0; // i32 per cell
let lengths: usize = 0; // u16 per cell
let pixels: usize = 0; // u32 per pixel
let nearest: usize = 0; // u8 per pixel
let labels: usize = 0; // u8 per pixel
let here: usize = 0; // f64 x 3 x (width + 2)
let next: usize = 0;
let vertical: usize = 0; // i32 per column
let smoothness: usize = 0; // f64 per column
let pool: usize = 0; // u8, to the end of memory
let used: usize = 0;
let k: i32 = 0;

// The grid's box and scales.
let lo0: f64 = 0, lo1: f64 = 0, lo2: f64 = 0, hi0: f64 = 0, hi1: f64 = 0, hi2: f64 = 0;
let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0;

/** The first free byte of memory: the layout starts there. */
export function heapBase(): usize {
  return __heap_base;
}

export function layout(pointsAt: usize, gap2At: usize, nearAt: usize, farAt: usize, startsAt: usize, lengthsAt: usize,
  pixelsAt: usize, nearestAt: usize, labelsAt: usize, hereAt: usize, nextAt: usize, verticalAt: usize,
  smoothnessAt: usize, poolAt: usize, entries: i32): void {
  points = pointsAt; gap2 = gap2At; near = nearAt; far = farAt; starts = startsAt; lengths = lengthsAt;
  pixels = pixelsAt; nearest = nearestAt; labels = labelsAt; here = hereAt; next = nextAt; vertical = verticalAt;
  smoothness = smoothnessAt; pool = poolAt; used = 0; k = entries;
}

export function grid(l0: f64, h0: f64, l1: f64, h1: f64, l2: f64, h2: f64, c0: f64, c1: f64, c2: f64): void {
  lo0 = l0; hi0 = h0; lo1 = l1; hi1 = h1; lo2 = l2; hi2 = h2; s0 = c0; s1 = c1; s2 = c2;
}

@inline function f64At(base: usize, i: usize): f64 {
  return load<f64>(base + (i << 3));
}

@inline function pixel(i: usize): u32 {
  return load<u32>(pixels + (i << 2));
}

@inline function byteDifference(a: u32, b: u32): i32 {
  return abs<i32>(<i32>(a & 255) - <i32>(b & 255)) + abs<i32>(<i32>((a >>> 8) & 255) - <i32>((b >>> 8) & 255)) +
    abs<i32>(<i32>((a >>> 16) & 255) - <i32>((b >>> 16) & 255)) + abs<i32>(<i32>(a >>> 24) - <i32>(b >>> 24));
}

/** rowSmoothness of diffusion.ts, for the RGB bytes. */
function rowSmoothness(width: usize, count: usize, rowStart: usize, rowLength: usize, gap: f64): void {
  let left: i32 = 0;
  for (let x: usize = 0; x < rowLength; x++) {
    const i = rowStart + x;
    const p = pixel(i) & 0x00ffffff;
    let sum: i32 = 0;
    let n: i32 = 0;
    if (x > 0) { sum += left; n++; }
    if (x + 1 < rowLength) {
      left = byteDifference(p, pixel(i + 1) & 0x00ffffff);
      sum += left;
      n++;
    }
    if (i >= width) { sum += load<i32>(vertical + (x << 2)); n++; }
    if (i + width < count) {
      const down = byteDifference(p, pixel(i + width) & 0x00ffffff);
      store<i32>(vertical + (x << 2), down);
      sum += down;
      n++;
    }
    store<f64>(smoothness + (x << 3), gap / (gap + (TEXTURE_WEIGHT * <f64>sum) / <f64>(n == 0 ? 1 : n)));
  }
}

/** makeList of palette-grid.ts: the entries that can be nearest to a point of the cell, in palette order. */
function makeList(cell: i32, cx: i32, cy: i32, cz: i32): usize {
  const a = <usize>(cx * k), b = <usize>(cy * k), c = <usize>(cz * k);
  const gk = <usize>(GRID * k);
  let bound: f64 = Infinity;
  for (let j: usize = 0; j < <usize>k; j++) {
    const dmax = f64At(far, a + j) + f64At(far, gk + b + j) + f64At(far, 2 * gk + c + j);
    if (dmax < bound) bound = dmax;
  }
  const limit = bound * (1 + 1e-9) + 1e-9;
  const end = pool + used + <usize>k;
  const size = <usize>memory.size() << 16;
  if (end > size) memory.grow(<i32>((end - size + 0xffff) >>> 16));
  const start = used;
  for (let j: usize = 0; j < <usize>k; j++) {
    if (f64At(near, a + j) + f64At(near, gk + b + j) + f64At(near, 2 * gk + c + j) <= limit) store<u8>(pool + used++, <u8>j);
  }
  store<i32>(starts + (<usize>cell << 2), <i32>start);
  store<u16>(lengths + (<usize>cell << 1), <u16>(used - start));
  return start;
}

/** search of palette-grid.ts: the nearest entry of a point inside the box. */
function search(x: f64, y: f64, z: f64): u32 {
  const cx = min<i32>(GRID - 1, <i32>((x - lo0) * s0));
  const cy = min<i32>(GRID - 1, <i32>((y - lo1) * s1));
  const cz = min<i32>(GRID - 1, <i32>((z - lo2) * s2));
  const cell = (cx * GRID + cy) * GRID + cz;
  let start = load<i32>(starts + (<usize>cell << 2));
  if (start < 0) start = <i32>makeList(cell, cx, cy, cz);
  const length = <usize>load<u16>(lengths + (<usize>cell << 1));
  const first = pool + <usize>start;
  if (length == 1) return <u32>load<u8>(first);
  let best = <u32>load<u8>(first);
  let bestD: f64 = Infinity;
  for (let i: usize = 0; i < length; i++) {
    const j = <u32>load<u8>(first + i);
    const o = points + <usize>j * 24;
    const d0 = x - load<f64>(o), d1 = y - load<f64>(o, 8), d2 = z - load<f64>(o, 16);
    const d = d0 * d0 + d1 * d1 + d2 * d2;
    if (d < bestD) { bestD = d; best = j; }
  }
  return best;
}

/** nearestFrom of palette-grid.ts: `guess`, then `other`, when the point is well inside its cell; else a search. */
@inline function nearestFrom(guess: u32, other: u32, x: f64, y: f64, z: f64): u32 {
  x = x < lo0 ? lo0 : x > hi0 ? hi0 : x;
  y = y < lo1 ? lo1 : y > hi1 ? hi1 : y;
  z = z < lo2 ? lo2 : z > hi2 ? hi2 : z;
  let o = points + <usize>guess * 24;
  let d0 = x - load<f64>(o), d1 = y - load<f64>(o, 8), d2 = z - load<f64>(o, 16);
  if (4 * (d0 * d0 + d1 * d1 + d2 * d2) < f64At(gap2, guess)) return guess;
  o = points + <usize>other * 24;
  d0 = x - load<f64>(o); d1 = y - load<f64>(o, 8); d2 = z - load<f64>(o, 16);
  if (4 * (d0 * d0 + d1 * d1 + d2 * d2) < f64At(gap2, other)) return other;
  return search(x, y, z);
}

/**
 * One row of diffusionLabels of diffusion.ts for sRGB: its pixels' error-diffused labels into `labels`, the
 * errors for the next row passed on. Called once a row, in order, from the first (diffusion-native.ts), not
 * looped here: V8 runs a WebAssembly function in its baseline compiler until it returns, so a single call
 * over the whole image would never reach its optimized code. Kept whole, as the JS loop.
 */
export function diffuseRow(y: usize, width: usize, count: usize, level: f64, limit: f64, low: f64, flat: f64, flat2: f64, gap: f64): void {
  const forward = (y & 1) == 0;
  const rowStart = y * width;
  const rowLength = min<usize>(width, count - rowStart);
  rowSmoothness(width, count, rowStart, rowLength, gap);
  let previous: u32 = 0;
  let carry0: f64 = 0, carry1: f64 = 0, carry2: f64 = 0;
  let behind0: f64 = 0, behind1: f64 = 0, behind2: f64 = 0;
  let below0: f64 = 0, below1: f64 = 0, below2: f64 = 0;
  for (let n: usize = 0; n < rowLength; n++) {
    const x = forward ? n : rowLength - 1 - n;
    const i = rowStart + x;
    const p = pixel(i);
    const c0 = <f64>(p & 255), c1 = <f64>((p >>> 8) & 255), c2 = <f64>((p >>> 16) & 255);
    const guess = <u32>load<u8>(nearest + i);
    const own = points + <usize>guess * 24;
    const o0 = c0 - load<f64>(own), o1 = c1 - load<f64>(own, 8), o2 = c2 - load<f64>(own, 16);
    const d2 = o0 * o0 + o1 * o1 + o2 * o2;
    const gain = (d2 >= flat2 ? level : (level * sqrt<f64>(d2)) / flat) * f64At(smoothness, x);
    const e = (x + 1) * 3;
    const e0 = f64At(here, e) + carry0, e1 = f64At(here, e + 1) + carry1, e2 = f64At(here, e + 2) + carry2;
    const v0 = c0 + gain * (e0 > limit ? limit : e0 < low ? low : e0);
    const v1 = c1 + gain * (e1 > limit ? limit : e1 < low ? low : e1);
    const v2 = c2 + gain * (e2 > limit ? limit : e2 < low ? low : e2);
    const j = nearestFrom(guess, previous, v0, v1, v2);
    previous = j;
    store<u8>(labels + i, <u8>j);
    const q = points + <usize>j * 24;
    const q0 = v0 - load<f64>(q), q1 = v1 - load<f64>(q, 8), q2 = v2 - load<f64>(q, 16);
    carry0 = q0 * (7.0 / 16); carry1 = q1 * (7.0 / 16); carry2 = q2 * (7.0 / 16);
    const behind = forward ? e - 3 : e + 3;
    store<f64>(next + (behind << 3), behind0 + q0 * (3.0 / 16));
    store<f64>(next + ((behind + 1) << 3), behind1 + q1 * (3.0 / 16));
    store<f64>(next + ((behind + 2) << 3), behind2 + q2 * (3.0 / 16));
    behind0 = below0 + q0 * (5.0 / 16); behind1 = below1 + q1 * (5.0 / 16); behind2 = below2 + q2 * (5.0 / 16);
    below0 = q0 * (1.0 / 16); below1 = q1 * (1.0 / 16); below2 = q2 * (1.0 / 16);
  }
  const last = (forward ? rowLength : 1) * 3;
  store<f64>(next + (last << 3), behind0);
  store<f64>(next + ((last + 1) << 3), behind1);
  store<f64>(next + ((last + 2) << 3), behind2);
  const done = here;
  here = next;
  next = done;
}
