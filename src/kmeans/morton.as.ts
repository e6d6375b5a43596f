// AssemblyScript, imported by the modules that need Morton keys (filtering-tree.as.ts, histogram.as.ts):
// morton.ts's keys, computed with bit tricks instead of its tables (the same keys), and the digit counts
// both modules' sorts start from.

/** The 8 bits of v spread to every third bit (SPREAD of morton.ts). */
@inline export function spread(v: u32): u32 {
  let x = v & 0xff;
  x = (x | (x << 8)) & 0x0300f00f;
  x = (x | (x << 4)) & 0x030c30c3;
  x = (x | (x << 2)) & 0x09249249;
  return x;
}

/** Every third bit of x from bit 0, packed: the inverse of `spread`. */
@inline export function compact(x: u32): u32 {
  x &= 0x09249249;
  x = (x | (x >>> 2)) & 0x030c30c3;
  x = (x | (x >>> 4)) & 0x0300f00f;
  x = (x | (x >>> 8)) & 0x000000ff;
  return x;
}

/** The 24-bit key of the colour (r, g, b) (mortonKey of morton.ts). */
@inline export function mortonKey(r: u32, g: u32, b: u32): u32 {
  return (spread(r) << 2) | (spread(g) << 1) | spread(b);
}

/**
 * digitStarts of morton.ts: both 12-bit digits of the n 24-bit keys at `keys` counted in one pass, and
 * turned into each bucket's first position, into the 4096 + 4096 u32 at `digits`.
 */
export function digitStarts(keys: usize, n: usize, digits: usize): void {
  memory.fill(digits, 0, 8192 << 2);
  for (let i: usize = 0; i < n; i++) {
    const k = load<u32>(keys + (i << 2));
    const lo = digits + (<usize>(k & 4095) << 2);
    store<u32>(lo, load<u32>(lo) + 1);
    const hi = digits + (<usize>(4096 + (k >>> 12)) << 2);
    store<u32>(hi, load<u32>(hi) + 1);
  }
  let low: u32 = 0;
  let high: u32 = 0;
  for (let d: usize = 0; d < 4096; d++) {
    const l = digits + (d << 2);
    const lc = load<u32>(l);
    store<u32>(l, low);
    low += lc;
    const h = digits + ((4096 + d) << 2);
    const hc = load<u32>(h);
    store<u32>(h, high);
    high += hc;
  }
}
