// AssemblyScript, imported by the modules that need Morton keys (filtering-tree.as.ts, histogram.as.ts):
// morton.ts's keys, computed with bit tricks instead of its tables (the same keys).

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
