/**
 * Nearest palette colour of points that are not pixels (a pixel plus a dithering offset or a diffused
 * error), fast at any k: the colour space's box is cut into GRID^3 cells, and each cell keeps, in palette
 * order, the palette entries that can be the nearest of some point inside it (an entry whose smallest
 * distance to the cell is at most the smallest largest distance of any entry to it). A search scans only
 * its cell's list, so it returns exactly what a full scan would, the lowest index on ties. Lists are made
 * on first use.
 */

/** Cells per axis. */
export const GRID = 64;

/** One table per axis. */
type Slabs = [Float64Array, Float64Array, Float64Array];

/** The palette's points and the box its searches clamp to. */
export class PaletteGrid {
  readonly k: number;
  /** Lower corner of the box and its upper corner, per axis. */
  private readonly lo0: number;
  private readonly lo1: number;
  private readonly lo2: number;
  private readonly hi0: number;
  private readonly hi1: number;
  private readonly hi2: number;
  /** Cells per unit, per axis. */
  private readonly s0: number;
  private readonly s1: number;
  private readonly s2: number;
  /** Per cell: where its list starts in `pool`, or -1 before it is made. */
  private readonly starts: Int32Array;
  /** Per cell: its list's length. */
  private readonly lengths: Uint16Array;
  private pool: Uint8Array;
  private used = 0;
  /** Per entry: the squared distance to its nearest other entry (Infinity for one colour). */
  private readonly gap2: Float64Array;
  /** See slabDistances(). */
  private readonly near: Slabs;
  private readonly far: Slabs;

  /**
   * `points`: the palette in the search's space (RGB-like triples); `box`: [lo0, hi0, lo1, hi1, lo2, hi2]
   * the searches' points are clamped to (widened to hold the palette).
   */
  constructor(
    readonly points: Float64Array,
    box: readonly number[],
  ) {
    this.k = points.length / 3;
    const lo = [0, 0, 0];
    const hi = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      lo[a] = box[a * 2]!;
      hi[a] = box[a * 2 + 1]!;
      for (let j = a; j < points.length; j += 3) {
        lo[a] = Math.min(lo[a]!, points[j]!);
        hi[a] = Math.max(hi[a]!, points[j]!);
      }
    }
    [this.lo0, this.lo1, this.lo2] = lo as [number, number, number];
    [this.hi0, this.hi1, this.hi2] = hi as [number, number, number];
    const scale = (a: number): number => GRID / (hi[a]! - lo[a]! + 1e-9);
    [this.s0, this.s1, this.s2] = [scale(0), scale(1), scale(2)];
    this.starts = new Int32Array(GRID * GRID * GRID).fill(-1);
    this.lengths = new Uint16Array(GRID * GRID * GRID);
    this.pool = new Uint8Array(Math.max(1024, this.k * 64));
    ({ near: this.near, far: this.far } = this.slabDistances());
    this.gap2 = nearestOther2(points);
  }

  /**
   * Index of the palette point nearest to (x, y, z), clamped to the box; the lowest index on ties. Small
   * and monomorphic, so that the dithering loops get it inlined.
   */
  nearest(x: number, y: number, z: number): number {
    x = x < this.lo0 ? this.lo0 : x > this.hi0 ? this.hi0 : x;
    y = y < this.lo1 ? this.lo1 : y > this.hi1 ? this.hi1 : y;
    z = z < this.lo2 ? this.lo2 : z > this.hi2 ? this.hi2 : z;
    return this.search(x, y, z);
  }

  /**
   * As nearest(), trying `guess` and then `other` first: a point closer to one of them than half the
   * distance to its nearest other entry has it as its only nearest entry (triangle inequality), with no
   * search. Dithered points mostly stay that close to the pixel's undithered colour (`guess`) or to the
   * colour the previous pixel took (`other`).
   */
  nearestFrom(guess: number, other: number, x: number, y: number, z: number): number {
    // The bounds read on every call, not only in the clamp's rare branches: a field first read after V8
    // optimized the dithering loop would deoptimize it, midway through an image.
    const { lo0, hi0, lo1, hi1, lo2, hi2, gap2 } = this;
    x = x < lo0 ? lo0 : x > hi0 ? hi0 : x;
    y = y < lo1 ? lo1 : y > hi1 ? hi1 : y;
    z = z < lo2 ? lo2 : z > hi2 ? hi2 : z;
    const p = this.points;
    let o = guess * 3;
    let d0 = x - p[o]!;
    let d1 = y - p[o + 1]!;
    let d2 = z - p[o + 2]!;
    if (4 * (d0 * d0 + d1 * d1 + d2 * d2) < gap2[guess]!) return guess;
    o = other * 3;
    d0 = x - p[o]!;
    d1 = y - p[o + 1]!;
    d2 = z - p[o + 2]!;
    if (4 * (d0 * d0 + d1 * d1 + d2 * d2) < gap2[other]!) return other;
    return this.search(x, y, z);
  }

  /**
   * What a search reads, for the WebAssembly diffusion (diffusion-native.ts), which searches as this class
   * does: the box and cells per unit ([lo0, hi0, lo1, hi1, lo2, hi2, s0, s1, s2]), each entry's `gap2`, and
   * the slab distances, per axis one after another (GRID * k each).
   */
  tables(): { box: number[]; gap2: Float64Array; near: Float64Array[]; far: Float64Array[] } {
    return {
      box: [this.lo0, this.hi0, this.lo1, this.hi1, this.lo2, this.hi2, this.s0, this.s1, this.s2],
      gap2: this.gap2,
      near: this.near,
      far: this.far,
    };
  }

  /** The nearest entry of a point inside the box: a scan of its cell's list. */
  private search(x: number, y: number, z: number): number {
    const cx = Math.min(GRID - 1, ((x - this.lo0) * this.s0) | 0);
    const cy = Math.min(GRID - 1, ((y - this.lo1) * this.s1) | 0);
    const cz = Math.min(GRID - 1, ((z - this.lo2) * this.s2) | 0);
    const cell = (cx * GRID + cy) * GRID + cz;
    let start = this.starts[cell]!;
    if (start < 0) start = this.makeList(cell, cx, cy, cz);
    const length = this.lengths[cell]!;
    const pool = this.pool;
    if (length === 1) return pool[start]!;
    const p = this.points;
    let best = pool[start]!;
    let bestD = Infinity;
    for (let i = start, end = start + length; i < end; i++) {
      const j = pool[i]!;
      const o = j * 3;
      const d0 = x - p[o]!;
      const d1 = y - p[o + 1]!;
      const d2 = z - p[o + 2]!;
      const d = d0 * d0 + d1 * d1 + d2 * d2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    return best;
  }

  /** Makes the list of cell (cx, cy, cz): the entries that can be nearest to a point of it, in palette order. */
  private makeList(cell: number, cx: number, cy: number, cz: number): number {
    const { k } = this;
    const [near0, near1, near2] = this.near;
    const [far0, far1, far2] = this.far;
    const a = cx * k;
    const b = cy * k;
    const c = cz * k;
    let bound = Infinity;
    for (let j = 0; j < k; j++) {
      const dmax = far0[a + j]! + far1[b + j]! + far2[c + j]!;
      if (dmax < bound) bound = dmax;
    }
    // A little slack: ties must stay in the list.
    const limit = bound * (1 + 1e-9) + 1e-9;
    if (this.used + k > this.pool.length) {
      const grown = new Uint8Array(Math.max(this.pool.length * 2, this.used + k));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    const start = this.used;
    for (let j = 0; j < k; j++) if (near0[a + j]! + near1[b + j]! + near2[c + j]! <= limit) this.pool[this.used++] = j;
    this.starts[cell] = start;
    this.lengths[cell] = this.used - start;
    return start;
  }

  /**
   * Per axis, per cell coordinate along it, per entry: the squared distance along that axis from the entry
   * to the nearest and to the farthest point of the slab (the slab widened by a hair, for points that
   * rounding put just outside it). A cell's distances are sums of three.
   */
  private slabDistances(): { near: Slabs; far: Slabs } {
    const { k, points } = this;
    const lows = [this.lo0, this.lo1, this.lo2];
    const scales = [this.s0, this.s1, this.s2];
    const near: Float64Array[] = [];
    const far: Float64Array[] = [];
    for (let a = 0; a < 3; a++) {
      const n = new Float64Array(GRID * k);
      const f = new Float64Array(GRID * k);
      for (let c = 0; c < GRID; c++) {
        const lo = lows[a]! + c / scales[a]! - 1e-6;
        const hi = lows[a]! + (c + 1) / scales[a]! + 1e-6;
        for (let j = 0; j < k; j++) {
          const v = points[j * 3 + a]!;
          const inside = v < lo ? lo - v : v > hi ? v - hi : 0;
          const out = Math.max(v - lo, hi - v);
          n[c * k + j] = inside * inside;
          f[c * k + j] = out * out;
        }
      }
      near.push(n);
      far.push(f);
    }
    return { near: near as Slabs, far: far as Slabs };
  }
}

/** The box searches in sRGB clamp to: the byte cube. */
export const SRGB_BOX: readonly number[] = [0, 255, 0, 255, 0, 255];

/** The box of the sRGB cube in scaled OKLab (L 0..255; a and b a little wider than the gamut's). */
export const OKLAB_BOX: readonly number[] = [0, 255, -62, 73, -82, 53];

/** Per point (`dims` numbers each): the squared distance to its nearest other point (Infinity when there is none). */
export function nearestOther2(points: Float64Array, dims = 3): Float64Array {
  const k = points.length / dims;
  const nearest = new Float64Array(k).fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let d = 0;
      for (let c = 0; c < dims; c++) {
        const t = points[a * dims + c]! - points[b * dims + c]!;
        d += t * t;
      }
      if (d < nearest[a]!) nearest[a] = d;
      if (d < nearest[b]!) nearest[b] = d;
    }
  }
  return nearest;
}

/** The median of the square roots of `nearest2` (nearestOther2's): the palette's typical gap; 0 for one colour. */
export function medianOf(nearest2: Float64Array): number {
  const k = nearest2.length;
  if (k < 2) return 0;
  const gaps = nearest2.map(Math.sqrt).sort();
  return k % 2 === 1 ? gaps[(k - 1) / 2]! : (gaps[k / 2 - 1]! + gaps[k / 2]!) / 2;
}

/** The median distance from a palette point to its nearest other (the palette's typical gap); 0 for one colour. */
export function medianGap(points: Float64Array): number {
  return medianOf(nearestOther2(points));
}
