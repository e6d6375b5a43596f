/**
 * Where the one readback of a frame holds what: the control words, the pass timestamps, the iterations'
 * history, the counts and the packed palette (a few hundred bytes up to 2.6 KB at k = 256), then the
 * labels and the image only when they were asked for. Computed per call; read back by `decode()`.
 */
import type { FrameReadback } from '../frame.js';
import { CONTROL_WORDS } from './constants.js';

/** One region of the readback: byte offset and size (multiples of 8 and of 4). */
export interface Region {
  offset: number;
  size: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export class FrameStatusLayout {
  readonly control: Region;
  readonly timestamps: Region | undefined;
  readonly history: Region;
  readonly counts: Region;
  readonly palette: Region;
  readonly labels: Region | undefined;
  readonly image: Region | undefined;
  /** Bytes of the whole readback. */
  readonly bytes: number;
  /** Of those, the labels' and the image's. */
  readonly imageBytes: number;

  constructor(k: number, iterations: number, pixels: number, timed: boolean, read: ReadonlySet<FrameReadback>) {
    let at = 0;
    const next = (size: number): Region => {
      const region = { offset: at, size };
      at = align8(at + size);
      return region;
    };
    this.control = next(CONTROL_WORDS * 4);
    this.timestamps = timed ? next(16) : undefined;
    this.history = next(iterations * 8);
    this.counts = next(k * 4);
    this.palette = next(k * 4);
    this.labels = read.has('labels') ? next(Math.ceil(pixels / 4) * 4) : undefined;
    this.image = read.has('image') ? next(pixels * 4) : undefined;
    this.bytes = at;
    this.imageBytes = (this.labels?.size ?? 0) + (this.image?.size ?? 0);
  }
}

/** What a frame's readback says. */
export interface FrameStatus {
  done: boolean;
  iterations: number;
  emptyClusters: number;
  inertia: number;
  palette: Uint8Array;
  counts: Uint32Array;
  gpuNs: number | null;
  labels?: Uint8Array;
  image?: Uint8ClampedArray<ArrayBuffer>;
}

/** Decodes a frame's readback (`pixels`: the frame's pixel count). */
export function decodeStatus(data: ArrayBuffer, layout: FrameStatusLayout, k: number, pixels: number): FrameStatus {
  const control = new Uint32Array(data, layout.control.offset, CONTROL_WORDS);
  const iterations = control[1]!;
  const history = new Float32Array(data, layout.history.offset, layout.history.size / 4);
  const packed = new Uint32Array(data, layout.palette.offset, k);
  const palette = new Uint8Array(k * 3);
  for (let j = 0; j < k; j++) palette.set([packed[j]! & 255, (packed[j]! >>> 8) & 255, (packed[j]! >>> 16) & 255], j * 3);
  let gpuNs: number | null = null;
  if (layout.timestamps) {
    const [begin, end] = new BigUint64Array(data, layout.timestamps.offset, 2);
    gpuNs = begin !== undefined && end !== undefined && end >= begin ? Number(end - begin) : null;
  }
  const status: FrameStatus = {
    done: control[0] !== 0,
    iterations,
    emptyClusters: control[2]!,
    inertia: iterations > 0 ? history[(iterations - 1) * 2]! : 0,
    palette,
    counts: new Uint32Array(data.slice(layout.counts.offset, layout.counts.offset + k * 4)),
    gpuNs,
  };
  if (layout.labels) status.labels = new Uint8Array(data.slice(layout.labels.offset, layout.labels.offset + pixels));
  if (layout.image) status.image = new Uint8ClampedArray(data.slice(layout.image.offset, layout.image.offset + pixels * 4));
  return status;
}
