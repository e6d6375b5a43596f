/**
 * Small direct-mapped caches for the dithering loops, keyed by a packed colour r | g << 8 | b << 16:
 * neighbouring pixels repeat colours, so a table of CACHE_SLOTS entries (small enough to stay in the CPU's
 * cache, unlike a memo of every colour) answers most lookups; a miss computes and replaces its slot.
 */
import { srgbToOklab } from '../colour-space.js';
import type { PaletteGrid } from './palette-grid.js';

const CACHE_BITS = 16;

/** The slot of a packed colour. */
const slotOf = (colour: number): number => Math.imul(colour, 0x9e3779b1) >>> (32 - CACHE_BITS);

/** Scaled OKLab coordinates of 8-bit colours. */
export class OklabCache {
  private readonly keys = new Int32Array(1 << CACHE_BITS).fill(-1);
  /** Three coordinates per slot. */
  readonly values = new Float64Array(3 << CACHE_BITS);

  /** Where the coordinates of the packed colour are in `values` (computed on a miss). */
  at(colour: number): number {
    const slot = slotOf(colour);
    if (this.keys[slot] !== colour) {
      this.keys[slot] = colour;
      srgbToOklab(colour & 255, (colour >>> 8) & 255, (colour >>> 16) & 255, this.values, slot * 3);
    }
    return slot * 3;
  }
}

/** The nearest palette index, in OKLab, of 8-bit colours. */
export class OklabLabelCache {
  private readonly keys = new Int32Array(1 << CACHE_BITS).fill(-1);
  private readonly labels = new Uint8Array(1 << CACHE_BITS);
  private readonly lab = new Float64Array(3);

  /** `grid`: the palette as OKLab points. */
  constructor(private readonly grid: PaletteGrid) {}

  label(colour: number): number {
    const slot = slotOf(colour);
    if (this.keys[slot] === colour) return this.labels[slot]!;
    const lab = this.lab;
    srgbToOklab(colour & 255, (colour >>> 8) & 255, (colour >>> 16) & 255, lab, 0);
    const label = this.grid.nearest(lab[0]!, lab[1]!, lab[2]!);
    this.keys[slot] = colour;
    this.labels[slot] = label;
    return label;
  }
}
