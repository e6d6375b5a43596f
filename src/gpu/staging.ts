/**
 * Where each thing the host reads back lies in the session's staging buffers, computed once per session:
 * the status of a batch of iterations (control words, timestamps, history, colour count), the centroid
 * state, and the final readback (image, labels, then the errors or a second label set). Every readback
 * maps a prefix of its buffer: a region's offset is also its offset in the bytes read.
 */
import { CONTROL_WORDS, MAX_BATCH, MAX_K } from './constants.js';

/** A byte range of a staging buffer. */
export interface Region {
  readonly offset: number;
  readonly size: number;
}

/** Where `region` ends; `otherwise` when there is no such region. */
const end = (region: Region | undefined, otherwise = 0): number => (region ? region.offset + region.size : otherwise);

/** A batch of iterations: the regions it fills, and how many bytes it reads back. */
export interface StatusBatch {
  /** One (inertia, shift) pair of f32 per iteration asked for. */
  readonly history: Region;
  /** The number of distinct colours (one u32), when this batch reads it. */
  readonly colourCount: Region | undefined;
  readonly bytes: number;
}

/** The status staging buffer: control words, the pass timestamps (when timed), the history, the colour count. */
export class StatusLayout {
  /** [done, iterations recorded, empty clusters, pad]. */
  readonly control: Region = { offset: 0, size: CONTROL_WORDS * 4 };
  /** Two u64 timestamps (pass begin, pass end), when the passes are timed. */
  readonly timestamps: Region | undefined;
  /** Where the history starts; its size is the longest batch's. */
  readonly history: Region;
  /** The staging buffer's size: the longest batch, with the colour count. */
  readonly bytes: number;

  constructor(timed: boolean) {
    this.timestamps = timed ? { offset: end(this.control), size: 16 } : undefined;
    this.history = { offset: end(this.timestamps, end(this.control)), size: MAX_BATCH * 8 };
    this.bytes = this.batch(MAX_BATCH, true).bytes;
  }

  /** A batch of `iterations`: its history entries, then (when it reads it) the colour count, read as one prefix. */
  batch(iterations: number, withColourCount: boolean): StatusBatch {
    const history = { offset: this.history.offset, size: iterations * 8 };
    const colourCount = withColourCount ? { offset: end(history), size: 4 } : undefined;
    return { history, colourCount, bytes: end(colourCount, end(history)) };
  }
}

/** The centroid-state staging buffer: room for MAX_K centroids (vec4<f32>), then MAX_K counts (u32). */
export class StateLayout {
  readonly centroids: Region = { offset: 0, size: MAX_K * 16 };
  readonly counts: Region = { offset: end(this.centroids), size: MAX_K * 4 };
  readonly bytes = end(this.counts);

  /** What a read of `k` centroids fills: the first k of each, read as one prefix. */
  read(k: number): { centroids: Region; counts: Region; bytes: number } {
    const counts = { offset: this.counts.offset, size: k * 4 };
    return { centroids: { offset: this.centroids.offset, size: k * 16 }, counts, bytes: end(counts) };
  }
}

/**
 * The final readback: the output image (4 bytes a pixel, first, so that the result's image starts its
 * buffer), the palette labels, then either their errors measured on the colour histogram (two 64-bit
 * sums: by float centroid, by palette colour) or the labels by float centroid (the errors measured on
 * the host). Labels are one byte a pixel, each label set padded to whole workgroups (`labelStride`).
 */
export class FinalLayout {
  /** The pooled staging buffer's name (one per shape). */
  readonly label: string;
  readonly image: Region;
  /** Labels by nearest centroid, when the errors are measured on the host. */
  readonly centroidLabels: Region | undefined;
  /** Labels by nearest palette colour: the labels returned. */
  readonly labels: Region;
  /**
   * The errors (u64 by centroid, u64 by palette colour, in ERROR_SCALE steps), when measured on the GPU.
   * OKLab sessions always measure the first (the objective, in OKLab) there and leave the second unused:
   * the palette's sRGB error is the host's, from the labels.
   */
  readonly errors: Region | undefined;
  readonly bytes: number;

  constructor(labelStride: number, errorsOnColours: boolean) {
    this.label = errorsOnColours ? 'image, labels and errors staging' : 'image and two label sets staging';
    this.image = { offset: 0, size: labelStride * 4 };
    this.centroidLabels = errorsOnColours ? undefined : { offset: end(this.image), size: labelStride };
    this.labels = { offset: end(this.centroidLabels, end(this.image)), size: labelStride };
    this.errors = errorsOnColours ? { offset: end(this.labels), size: 16 } : undefined;
    this.bytes = end(this.errors, end(this.labels));
  }
}
