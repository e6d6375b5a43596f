/**
 * Nearest palette colour of every pixel, memoised per distinct colour (photos repeat colours a lot), for
 * the baselines. Internal to the analysis modules.
 */
import { nearestIndex } from '../kmeans/sums.js';
import { hashTableBits } from './common.js';

/** A memo of colour -> palette index: open addressing on packed RGB, filled up to half its slots. */
export class NearestMemo {
  private readonly keys: Int32Array;
  private readonly values: Uint8Array;
  private readonly mask: number;
  private readonly bits: number;
  private filled = 0;

  constructor(
    private readonly palette: Uint8Array | Float64Array,
    pixelCount: number,
  ) {
    const bits = hashTableBits(pixelCount, 22);
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.values = new Uint8Array(1 << bits);
  }

  /** The palette index nearest to the packed colour r | g << 8 | b << 16. */
  label(colour: number): number {
    let slot = Math.imul(colour, 0x9e3779b1) >>> (32 - this.bits);
    for (;;) {
      const key = this.keys[slot]!;
      if (key === colour) return this.values[slot]!;
      if (key === -1) break;
      slot = (slot + 1) & this.mask;
    }
    const label = nearestIndex(colour & 255, (colour >>> 8) & 255, (colour >>> 16) & 255, this.palette);
    if (this.filled * 2 < this.keys.length) {
      this.keys[slot] = colour;
      this.values[slot] = label;
      this.filled++;
    }
    return label;
  }
}
