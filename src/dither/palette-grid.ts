/**
 * Nearest palette colour of points that are not pixels (a pixel plus a dithering offset or a diffused
 * error), fast at any k: the colour space's box is cut into GRID^3 cells, and each cell keeps, in palette
 * order, the palette entries that can be the nearest of some point inside it (an entry whose smallest
 * distance to the cell is at most the smallest largest distance of any entry to it). A search scans only
 * its cell's list, so it returns exactly what a full scan would, the lowest index on ties. Lists are made
 * on first use.
 */

/** Cells per axis. */
const GRID = 32;

/** The palette's points and the box its searches clamp to. */
export class PaletteGrid {
  readonly k: number;
  /** Lower corner of the box, per axis. */
  private readonly lo: Float64Array;
  /** Cells per unit, per axis. */
  private readonly scale: Float64Array;
  private readonly hi: Float64Array;
  private readonly lists: Array<Uint8Array | undefined> = new Array(GRID * GRID * GRID);

  /**
   * `points`: the palette in the search's space (RGB-like triples); `box`: [lo0, hi0, lo1, hi1, lo2, hi2]
   * the searches' points are clamped to (widened to hold the palette).
   */
  constructor(
    readonly points: Float64Array,
    box: readonly number[],
  ) {
    this.k = points.length / 3;
    this.lo = new Float64Array(3);
    this.hi = new Float64Array(3);
    this.scale = new Float64Array(3);
    for (let a = 0; a < 3; a++) {
      let lo = box[a * 2]!;
      let hi = box[a * 2 + 1]!;
      for (let j = a; j < points.length; j += 3) {
        lo = Math.min(lo, points[j]!);
        hi = Math.max(hi, points[j]!);
      }
      this.lo[a] = lo;
      this.hi[a] = hi;
      this.scale[a] = GRID / (hi - lo + 1e-9);
    }
  }

  /** `v` clamped to the box on axis `a` (points outside it are searched from its surface). */
  clampTo(a: number, v: number): number {
    const lo = this.lo[a]!;
    const hi = this.hi[a]!;
    return v < lo ? lo : v > hi ? hi : v;
  }

  /** The candidate list of the cell holding (x, y, z), all three inside the box. */
  listAt(x: number, y: number, z: number): Uint8Array {
    const cx = Math.min(GRID - 1, ((x - this.lo[0]!) * this.scale[0]!) | 0);
    const cy = Math.min(GRID - 1, ((y - this.lo[1]!) * this.scale[1]!) | 0);
    const cz = Math.min(GRID - 1, ((z - this.lo[2]!) * this.scale[2]!) | 0);
    const cell = (cx * GRID + cy) * GRID + cz;
    return this.lists[cell] ?? this.makeList(cell, cx, cy, cz);
  }

  /** Index of the palette point nearest to (x, y, z), clamped to the box; the lowest index on ties. */
  nearest(x: number, y: number, z: number): number {
    x = this.clampTo(0, x);
    y = this.clampTo(1, y);
    z = this.clampTo(2, z);
    const list = this.listAt(x, y, z);
    const p = this.points;
    let best = list[0]!;
    let bestD = Infinity;
    for (let i = 0; i < list.length; i++) {
      const j = list[i]!;
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

  /** The entries that can be nearest to a point of cell (cx, cy, cz), in palette order. */
  private makeList(cell: number, cx: number, cy: number, cz: number): Uint8Array {
    const { k, points } = this;
    const near = new Float64Array(k);
    let bound = Infinity;
    const c = [cx, cy, cz];
    for (let j = 0; j < k; j++) {
      let dmin = 0;
      let dmax = 0;
      for (let a = 0; a < 3; a++) {
        // The cell widened by a hair, for points that rounding put just outside it.
        const lo = this.lo[a]! + c[a]! / this.scale[a]! - 1e-6;
        const hi = this.lo[a]! + (c[a]! + 1) / this.scale[a]! + 1e-6;
        const v = points[j * 3 + a]!;
        const inside = v < lo ? lo - v : v > hi ? v - hi : 0;
        const far = Math.max(v - lo, hi - v);
        dmin += inside * inside;
        dmax += far * far;
      }
      near[j] = dmin;
      bound = Math.min(bound, dmax);
    }
    // A little slack: the cell bounds are rounded, and ties must stay in the list.
    const limit = bound * (1 + 1e-9) + 1e-9;
    const list: number[] = [];
    for (let j = 0; j < k; j++) if (near[j]! <= limit) list.push(j);
    const made = Uint8Array.from(list);
    this.lists[cell] = made;
    return made;
  }
}

/** The box searches in sRGB clamp to: the byte cube. */
export const SRGB_BOX: readonly number[] = [0, 255, 0, 255, 0, 255];

/** The box of the sRGB cube in scaled OKLab (L 0..255; a and b a little wider than the gamut's). */
export const OKLAB_BOX: readonly number[] = [0, 255, -62, 73, -82, 53];

/** The median distance from a palette point to its nearest other (the palette's typical gap); 0 for one colour. */
export function medianGap(points: Float64Array): number {
  const k = points.length / 3;
  if (k < 2) return 0;
  const nearest = new Float64Array(k).fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const d0 = points[a * 3]! - points[b * 3]!;
      const d1 = points[a * 3 + 1]! - points[b * 3 + 1]!;
      const d2 = points[a * 3 + 2]! - points[b * 3 + 2]!;
      const d = Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
      if (d < nearest[a]!) nearest[a] = d;
      if (d < nearest[b]!) nearest[b] = d;
    }
  }
  nearest.sort();
  return k % 2 === 1 ? nearest[(k - 1) / 2]! : (nearest[k / 2 - 1]! + nearest[k / 2]!) / 2;
}
