/**
 * WebGPU backend: packed RGBA8 pixels live on the GPU in chunks (each within the storage-binding limit).
 * By default their distinct colours are counted on the GPU once, and every Lloyd iteration is one
 * weighted assignment dispatch over those colours (indirect: the GPU knows how many) plus one reduction
 * dispatch; otherwise one assignment dispatch per chunk of pixels. Several iterations are encoded per
 * submit, convergence is decided on the GPU, and the host reads back a few bytes per batch (the done flag,
 * each iteration's inertia and shift, the number of colours).
 *
 * The session's parts: its pooled buffers and its staging layouts (staging.ts), made once; the chunks
 * (chunks.ts) and the colour histogram (histogram.ts) it uploads and builds; and the steps of its calls,
 * one submit each: iterate() encodes a batch of iterations and reads their status, labelAll() encodes the
 * final assignment (labels, errors, the painted image) and reads it back.
 */
import { toSpace, type ColorSpace } from '../colour-space.js';
import type { OrderedPlan } from '../dither/index.js';
import { QuantizerError } from '../errors.js';
import type { CentroidState, FitSession, FittedCentroids, IterationStats, LabelledImage } from '../kmeans/session.js';
import { sameCentroids } from '../kmeans/session.js';
import { labelError, outputMetrics } from '../metrics.js';
import type { GpuIterationInput } from '../options.js';
import { packedPalette } from '../output.js';
import type { GpuRunStats } from '../result.js';
import { dispatchChunks, uploadChunks, workgroups, type Chunk } from './chunks.js';
import { CONTROL_WORDS, ERROR_SCALE, MAX_BATCH, MAX_K, PIXELS_PER_WORKGROUP, SUM_WORDS_PER_CLUSTER } from './constants.js';
import type { GpuContext } from './context.js';
import { GpuHistogram } from './histogram.js';
import { ASSIGN, ASSIGN_COLOURS, ORDERED, REDUCE, RENDER } from './kernels.js';
import { CountedQueue, guarded } from './queue.js';
import { FinalLayout, StateLayout, StatusLayout, type StatusBatch } from './staging.js';
import { COPY_DST, COPY_SRC, MAP_READ, QUERY_RESOLVE, STORAGE, UNIFORM } from './usage.js';

/** Options of {@link createWebGpuSession}. */
export interface WebGpuSessionOptions {
  /**
   * `'colours'`: count the fitted pixels' distinct colours on the GPU once and iterate on them, each
   * weighted by its pixel count (falls back to `'pixels'` past HISTOGRAM_MAX_PIXELS fitted pixels, or where
   * the device can't bind the 64 MiB colour table); `'pixels'`: read every fitted pixel each iteration.
   */
  iterateOn: GpuIterationInput;
  /** Cancels the call: each step rejects with an AbortError as soon as it fires, also while the GPU works. */
  signal?: AbortSignal | undefined;
  /**
   * The space distances are measured in: with 'oklab' the kernels convert every colour to OKLab, the
   * session's centroids are OKLab points, and labelAll converts the sRGB centroids and palette it is given.
   * @default 'srgb'
   */
  colorSpace?: ColorSpace;
}


/** Centroids (RGB triples, floats or bytes) as the shaders read them: one vec4<f32> each. */
export function centroidWords(c: Float64Array | Uint8Array): Float32Array<ArrayBuffer> {
  const k = c.length / 3;
  const data = new Float32Array(k * 4);
  for (let j = 0; j < k; j++) data.set([c[j * 3]!, c[j * 3 + 1]!, c[j * 3 + 2]!, 0], j * 4);
  return data;
}

/** The ordered-dithering uniform: the image width, then the 64 map offsets from byte 16 (i32, 16 vec4s). */
function ditherWords(plan: OrderedPlan): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(4 + 64);
  words[0] = plan.width;
  new Int32Array(words.buffer, 16, 64).set(plan.offsets);
  return words;
}

/** A 64-bit error sum (lo, hi u32 in ERROR_SCALE steps) read back at `offset`. */
function errorAt(data: ArrayBuffer, offset: number): number {
  const [lo, hi] = new Uint32Array(data, offset, 2);
  return (lo! + hi! * 2 ** 32) / ERROR_SCALE;
}

/** Where the session's readbacks lie in its staging buffers, computed once. */
interface StagingLayout {
  status: StatusLayout;
  state: StateLayout;
  final: FinalLayout;
}

/** The reduction's uniform: the tolerance, and how many of the first centroids are fixed colours (never updated). */
function reduceParams(tolerance: number, fixed: number): ArrayBuffer {
  const params = new ArrayBuffer(16);
  new Float32Array(params, 0, 1)[0] = tolerance;
  new Uint32Array(params, 4, 1)[0] = fixed;
  return params;
}

/** The buffers a session works in: all pooled by the context (reused by the next session, freed by its destroy()). */
interface SessionBuffers {
  centroids: GPUBuffer;
  /** 64-bit sums per cluster, then the 64-bit error. */
  sums: GPUBuffer;
  counts: GPUBuffer;
  control: GPUBuffer;
  history: GPUBuffer;
  /** The reduction's uniform: [tolerance (f32), fixed centroids (u32)]. */
  params: GPUBuffer;
  /** The palette as centroids, swapped in for the final labelling, and where the float centroids wait meanwhile. */
  paletteCentroids: GPUBuffer;
  centroidBackup: GPUBuffer;
  /** The palette as the painting kernel reads it: one packed r | g << 8 | b << 16 per colour. */
  paletteColours: GPUBuffer;
  /** Where the pass timestamps resolve, when the passes are timed. */
  timestampResolve: GPUBuffer | undefined;
  statusStaging: GPUBuffer;
  stateStaging: GPUBuffer;
  finalStaging: GPUBuffer;
}

function sessionBuffers(ctx: GpuContext, layout: StagingLayout): SessionBuffers {
  const staging = (name: string, bytes: number): GPUBuffer => ctx.buffer(name, bytes, MAP_READ | COPY_DST);
  return {
    centroids: ctx.buffer('centroids', MAX_K * 16, STORAGE | COPY_DST | COPY_SRC),
    sums: ctx.buffer('sums', (MAX_K * SUM_WORDS_PER_CLUSTER + 2) * 4, STORAGE | COPY_DST | COPY_SRC),
    counts: ctx.buffer('counts', MAX_K * 4, STORAGE | COPY_SRC),
    control: ctx.buffer('control', CONTROL_WORDS * 4, STORAGE | COPY_DST | COPY_SRC),
    history: ctx.buffer('history', MAX_BATCH * 8, STORAGE | COPY_SRC),
    params: ctx.buffer('reduce params', 16, UNIFORM | COPY_DST),
    paletteCentroids: ctx.buffer('palette centroids', MAX_K * 16, COPY_SRC | COPY_DST),
    centroidBackup: ctx.buffer('centroid backup', MAX_K * 16, COPY_SRC | COPY_DST),
    paletteColours: ctx.buffer('palette colours', MAX_K * 4, STORAGE | COPY_DST),
    timestampResolve: layout.status.timestamps ? ctx.buffer('timestamp resolve', 16, QUERY_RESOLVE | COPY_SRC) : undefined,
    statusStaging: staging('status staging', layout.status.bytes),
    stateStaging: staging('state staging', layout.state.bytes),
    finalStaging: staging(layout.final.label, layout.final.bytes),
  };
}

/** What the session made itself (not pooled): let go by its destroy(). */
interface SessionObjects {
  fitChunks: Chunk[];
  allChunks: Chunk[];
  /** The distinct colours of `fit` and their weights, when the iterations run on them. */
  histogram: GpuHistogram | undefined;
  reduceBindGroup: GPUBindGroup;
}

/**
 * Uploads `fit` (and `all`, when it differs), counts the distinct colours of `fit` when iterating on them,
 * and returns a session over them.
 */
export async function createWebGpuSession(ctx: GpuContext, fit: Uint32Array, all: Uint32Array, options: WebGpuSessionOptions): Promise<FitSession> {
  const iterateOn: GpuIterationInput = options.iterateOn === 'colours' && GpuHistogram.fits(ctx, fit.length) ? 'colours' : 'pixels';
  const labelStride = Math.ceil(all.length / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
  // The final errors are measured on the histogram when it counts every pixel of the image; an OKLab
  // session measures its objective on the GPU in any case (see encodeFinalOklab).
  const errorsOnColours = iterateOn === 'colours' && fit === all;
  const space = options.colorSpace ?? 'srgb';
  const layout: StagingLayout = { status: new StatusLayout(ctx.timestamps), state: new StateLayout(), final: new FinalLayout(labelStride, errorsOnColours || space === 'oklab') };
  const queue = new CountedQueue(ctx.device);
  const { signal } = options;
  const { buffers, fitChunks, allChunks } = await guarded(ctx, 'uploading the image', async () => {
    const buffers = sessionBuffers(ctx, layout);
    const fitChunks = uploadChunks(ctx, 'fit', fit, buffers);
    const allChunks = fit === all ? fitChunks : uploadChunks(ctx, 'all', all, buffers);
    ctx.device.queue.writeBuffer(buffers.sums, 0, new Uint32Array(buffers.sums.size / 4));
    return { buffers, fitChunks, allChunks };
  }, signal);
  const { sums, centroids, counts, control, history, params } = buffers;
  const reduceBindGroup = ctx.bind(REDUCE, 'reduce', { sums, centroids, counts, control, history, params });
  const histogram = iterateOn === 'colours' ? await GpuHistogram.build(ctx, fitChunks, fit.length, buffers, queue, signal) : undefined;
  const made = { fitChunks, allChunks, histogram, reduceBindGroup };
  return new WebGpuSession(ctx, fit, all, { iterateOn, space }, layout, buffers, queue, signal, workgroups(fitChunks), made);
}

class WebGpuSession implements FitSession {
  readonly backend = 'webgpu' as const;
  readonly threads = 0;
  private k = 0;
  /** The GPU's centroids as the host last knew them (set, or read back); null once iterations moved them. */
  private hostCentroids: Float64Array | null = null;
  /** Whether labelAll() has painted the output image over the uploaded pixels. */
  private paintedOver = false;

  constructor(
    private readonly ctx: GpuContext,
    private readonly fit: Uint32Array,
    private readonly all: Uint32Array,
    private readonly how: { iterateOn: GpuIterationInput; space: ColorSpace },
    private readonly layout: StagingLayout,
    private readonly buffers: SessionBuffers,
    private readonly queue: CountedQueue,
    private readonly signal: AbortSignal | undefined,
    /** Workgroups of one assignment pass over the fitted pixels. */
    private readonly fitWorkgroups: number,
    /** Undefined once destroyed. */
    private made: SessionObjects | undefined,
  ) {}

  /** What the session made, while it is not destroyed. */
  private live(): SessionObjects {
    if (!this.made) throw new QuantizerError('INVALID_STATE', 'this WebGPU session was destroyed');
    return this.made;
  }

  batchSize(done: number): number {
    return Math.min(MAX_BATCH, 4 << Math.min(3, Math.floor(done / 8)));
  }

  async setCentroids(c: Float64Array): Promise<void> {
    this.live();
    this.k = c.length / 3;
    this.hostCentroids = Float64Array.from(c);
    const { centroids, sums } = this.buffers;
    await guarded(this.ctx, 'setting centroids', async () => {
      this.ctx.device.queue.writeBuffer(centroids, 0, centroidWords(c));
      this.ctx.device.queue.writeBuffer(sums, 0, new Uint32Array(sums.size / 4));
    }, this.signal);
  }

  async iterate(count: number, tolerance: number, fixed = 0): Promise<IterationStats[]> {
    const { histogram } = this.live();
    if (this.paintedOver) throw new QuantizerError('INVALID_STATE', 'this WebGPU session already labelled and painted its image');
    this.hostCentroids = null;
    // The first batch also reads back how many colours the histogram holds.
    const batch = this.layout.status.batch(count, histogram !== undefined && histogram.distinctColours === undefined);
    const { device } = this.ctx;
    const status = await guarded(this.ctx, 'Lloyd iterations', async () => {
      device.queue.writeBuffer(this.buffers.control, 0, new Uint32Array(CONTROL_WORDS));
      device.queue.writeBuffer(this.buffers.params, 0, reduceParams(tolerance, fixed));
      const encoder = device.createCommandEncoder({ label: 'Lloyd batch' });
      this.encodeIterations(encoder, count);
      this.encodeStatus(encoder, batch);
      this.queue.submit(encoder);
      return this.queue.read(this.buffers.statusStaging, batch.bytes);
    }, this.signal);
    return this.readStatus(status, batch);
  }

  /** One timed pass of `count` iterations: an assignment (of the colours, or of every chunk) and a reduction each. */
  private encodeIterations(encoder: GPUCommandEncoder, count: number): void {
    const { ctx, k } = this;
    const { histogram, fitChunks, reduceBindGroup } = this.live();
    const { space } = this.how;
    const assign = histogram ? ctx.pipeline(ASSIGN_COLOURS, { k, space }) : ctx.pipeline(ASSIGN, { k, accumulate: true, space });
    const reduce = ctx.pipeline(REDUCE, { k, space });
    const pass = encoder.beginComputePass({
      label: `${count} Lloyd iterations`,
      ...(this.buffers.timestampResolve ? { timestampWrites: { querySet: ctx.querySet(), beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {}),
    });
    for (let t = 0; t < count; t++) {
      if (histogram) histogram.dispatchAssign(pass, assign);
      else dispatchChunks(pass, fitChunks, assign);
      pass.setPipeline(reduce);
      pass.setBindGroup(0, reduceBindGroup);
      pass.dispatchWorkgroups(1);
    }
    pass.end();
  }

  /** Copies the batch's status into the status staging buffer, region by region. */
  private encodeStatus(encoder: GPUCommandEncoder, batch: StatusBatch): void {
    const { status } = this.layout;
    const { control, timestampResolve, history, statusStaging } = this.buffers;
    encoder.copyBufferToBuffer(control, 0, statusStaging, status.control.offset, status.control.size);
    if (status.timestamps && timestampResolve) {
      encoder.resolveQuerySet(this.ctx.querySet(), 0, 2, timestampResolve, 0);
      encoder.copyBufferToBuffer(timestampResolve, 0, statusStaging, status.timestamps.offset, status.timestamps.size);
    }
    encoder.copyBufferToBuffer(history, 0, statusStaging, batch.history.offset, batch.history.size);
    if (batch.colourCount) this.live().histogram!.copyCount(encoder, statusStaging, batch.colourCount.offset);
  }

  /** The iterations a batch ran, from its status readback (and the timestamps and colour count it holds). */
  private readStatus(status: ArrayBuffer, batch: StatusBatch): IterationStats[] {
    const layout = this.layout.status;
    const words = new Uint32Array(status, layout.control.offset, CONTROL_WORDS);
    if (layout.timestamps) {
      const [begin, end] = new BigUint64Array(status, layout.timestamps.offset, 2);
      if (begin !== undefined && end !== undefined && end > begin) this.queue.timestampNs += Number(end - begin);
    }
    const records = new Float32Array(status, batch.history.offset, batch.history.size / 4);
    if (batch.colourCount) this.live().histogram!.counted(new Uint32Array(status, batch.colourCount.offset, 1)[0]!);
    const stats: IterationStats[] = [];
    for (let t = 0; t < words[1]!; t++) stats.push({ inertia: records[t * 2]!, shift: records[t * 2 + 1]! });
    return stats;
  }

  async state(): Promise<CentroidState> {
    this.live();
    const { k } = this;
    const { centroids, counts, stateStaging } = this.buffers;
    const read = this.layout.state.read(k);
    const data = await guarded(this.ctx, 'reading centroids', async () => {
      const encoder = this.ctx.device.createCommandEncoder({ label: 'read centroids' });
      encoder.copyBufferToBuffer(centroids, 0, stateStaging, read.centroids.offset, read.centroids.size);
      encoder.copyBufferToBuffer(counts, 0, stateStaging, read.counts.offset, read.counts.size);
      this.queue.submit(encoder);
      return this.queue.read(stateStaging, read.bytes);
    }, this.signal);
    const raw = new Float32Array(data, read.centroids.offset, k * 4);
    const out = new Float64Array(k * 3);
    for (let j = 0; j < k; j++) out.set([raw[j * 4]!, raw[j * 4 + 1]!, raw[j * 4 + 2]!], j * 3);
    this.hostCentroids = out;
    return { centroids: Float64Array.from(out), counts: Float64Array.from(new Uint32Array(data, read.counts.offset, k)) };
  }

  async labelAll(fitted: FittedCentroids): Promise<LabelledImage> {
    this.live();
    const { palette } = fitted;
    const { space } = this.how;
    const target = space === 'srgb' ? fitted.centroids : toSpace(fitted.centroids, space);
    if (this.hostCentroids === null || !sameCentroids(target, this.hostCentroids)) await this.setCentroids(target);
    // The painting below writes over the uploaded pixels: this is the session's last pass over them.
    if (this.paintedOver) throw new QuantizerError('INVALID_STATE', 'a WebGPU session labels its image once (its pixels were painted over)');
    this.paintedOver = true;
    // The errors come from the colour histogram when it counts every pixel of the image; otherwise from
    // the labels by float centroid, on the host.
    const floats = this.layout.final.errors ? undefined : (this.hostCentroids ?? (await this.state()).centroids);
    const { device } = this.ctx;
    const data = await guarded(this.ctx, 'final assignment', async () => {
      device.queue.writeBuffer(this.buffers.paletteCentroids, 0, centroidWords(space === 'srgb' ? palette : toSpace(palette, space)));
      device.queue.writeBuffer(this.buffers.paletteColours, 0, packedPalette(palette));
      const encoder = device.createCommandEncoder({ label: 'final assignment' });
      this.encodeFinalAssignment(encoder);
      this.queue.submit(encoder);
      return this.queue.read(this.buffers.finalStaging, this.layout.final.bytes);
    }, this.signal);
    return this.readFinal(data, palette, floats);
  }

  /**
   * The final assignment with ordered dithering, one submit: the k-means objective as in labelAll() (on
   * the colour histogram, or labels by float centroid measured on the host), then one pass that labels
   * every pixel with its dithered palette colour and paints it (shaders/ordered.wgsl). The dithered
   * image's error is measured on the host from the labels read back.
   */
  async labelAllOrdered(fitted: FittedCentroids, plan: OrderedPlan): Promise<LabelledImage> {
    this.live();
    const { palette } = fitted;
    const { space } = this.how;
    const target = space === 'srgb' ? fitted.centroids : toSpace(fitted.centroids, space);
    if (this.hostCentroids === null || !sameCentroids(target, this.hostCentroids)) await this.setCentroids(target);
    if (this.paintedOver) throw new QuantizerError('INVALID_STATE', 'a WebGPU session labels its image once (its pixels were painted over)');
    this.paintedOver = true;
    const floats = this.layout.final.errors ? undefined : (this.hostCentroids ?? (await this.state()).centroids);
    const { device } = this.ctx;
    const points = this.ctx.buffer('dither points', MAX_K * 16, STORAGE | COPY_DST);
    const params = this.ctx.buffer('dither params', (4 + 64) * 4, UNIFORM | COPY_DST);
    const data = await guarded(this.ctx, 'final assignment with ordered dithering', async () => {
      device.queue.writeBuffer(this.buffers.paletteColours, 0, packedPalette(palette));
      device.queue.writeBuffer(points, 0, centroidWords(plan.points));
      device.queue.writeBuffer(params, 0, ditherWords(plan));
      const encoder = device.createCommandEncoder({ label: 'final assignment with ordered dithering' });
      this.encodeObjective(encoder);
      this.encodeOrdered(encoder, points, params, plan.space === 'oklab');
      this.queue.submit(encoder);
      return this.queue.read(this.buffers.finalStaging, this.layout.final.bytes);
    }, this.signal);
    const final = this.layout.final;
    const n = this.all.length;
    const image = new Uint8ClampedArray(data, final.image.offset, n * 4);
    const labels = new Uint8Array(data.slice(final.labels.offset, final.labels.offset + n));
    const inertia = final.errors
      ? errorAt(data, final.errors.offset)
      : labelError(this.all, new Uint8Array(data, final.centroidLabels!.offset, n), floats!);
    return { labels, image, metrics: outputMetrics(inertia, labelError(this.all, labels, palette), n) };
  }

  /** The k-means objective of the final assignment: the error by float centroid on the colours, or the labels by float centroid. */
  private encodeObjective(encoder: GPUCommandEncoder): void {
    const { errors, centroidLabels } = this.layout.final;
    if (this.how.space !== 'srgb') {
      this.encodeObjectiveOklab(encoder);
    } else if (errors) {
      this.ctx.device.queue.writeBuffer(this.buffers.control, 0, new Uint32Array(CONTROL_WORDS));
      encoder.clearBuffer(this.buffers.sums);
      this.encodeErrors(encoder, this.live().histogram!, 'error of the colours by centroid', errors.offset);
    } else {
      this.encodeLabels(encoder, 'label every pixel by centroid', centroidLabels!.offset);
    }
  }

  /** The ordered-dithering pass over every chunk (labels and painted pixels in place), copied to the final staging. */
  private encodeOrdered(encoder: GPUCommandEncoder, points: GPUBuffer, dither: GPUBuffer, oklab: boolean): void {
    const { allChunks } = this.live();
    const { paletteColours: palette, finalStaging } = this.buffers;
    const pass = encoder.beginComputePass({ label: 'ordered dithering: label and paint' });
    pass.setPipeline(this.ctx.pipeline(ORDERED, { k: this.k, oklab }));
    allChunks.forEach((chunk, c) => {
      pass.setBindGroup(0, this.ctx.bind(ORDERED, `ordered dithering ${c}`, { pixels: chunk.pixels, labels: chunk.labels, points, palette, dither, chunk: chunk.uniform }));
      pass.dispatchWorkgroups(chunk.padded / PIXELS_PER_WORKGROUP);
    });
    pass.end();
    const { image, labels } = this.layout.final;
    for (const chunk of allChunks) {
      encoder.copyBufferToBuffer(chunk.labels, 0, finalStaging, labels.offset + chunk.offset, chunk.padded);
      encoder.copyBufferToBuffer(chunk.pixels, 0, finalStaging, image.offset + chunk.offset * 4, chunk.padded * 4);
    }
  }

  /**
   * The final assignment, one submit. With the errors on the colour histogram: one weighted pass each (by
   * float centroid: the k-means objective; by palette colour: the output image's error, exact since both
   * are integers), then every pixel is labelled once, by palette colour; nothing is measured on the host.
   * Otherwise every pixel is labelled twice, by nearest float centroid (for the objective, measured on the
   * host) and by nearest palette colour (the labels returned, as on the CPU: integer colours and byte
   * centroids make every distance exact in f32, so both backends give the same labels for the same
   * palette). Then the output image is painted.
   */
  private encodeFinalAssignment(encoder: GPUCommandEncoder): void {
    if (this.how.space !== 'srgb') {
      this.encodeFinalOklab(encoder);
      return;
    }
    const { k } = this;
    const { centroids, centroidBackup, paletteCentroids, control, sums } = this.buffers;
    const { errors, centroidLabels, labels } = this.layout.final;
    const histogram = errors ? this.live().histogram! : undefined;
    if (histogram && errors) {
      this.ctx.device.queue.writeBuffer(control, 0, new Uint32Array(CONTROL_WORDS));
      encoder.clearBuffer(sums);
      this.encodeErrors(encoder, histogram, 'error of the colours by centroid', errors.offset);
    } else {
      this.encodeLabels(encoder, 'label every pixel by centroid', centroidLabels!.offset);
    }
    // The palette in place of the centroids; the session goes on holding its float centroids after.
    encoder.copyBufferToBuffer(centroids, 0, centroidBackup, 0, k * 16);
    encoder.copyBufferToBuffer(paletteCentroids, 0, centroids, 0, k * 16);
    if (histogram && errors) this.encodeErrors(encoder, histogram, 'error of the colours by palette colour', errors.offset + 8);
    this.encodeLabels(encoder, 'label every pixel by palette colour', labels.offset);
    encoder.copyBufferToBuffer(centroidBackup, 0, centroids, 0, k * 16);
    this.encodePaint(encoder);
  }

  /**
   * The final assignment of an OKLab session, one submit: the objective at the float centroids measured in
   * OKLab on the GPU (one weighted pass over the colours when the histogram counts every pixel, else one
   * accumulating pass over every pixel), then every pixel labelled by its nearest palette colour in OKLab
   * and the image painted. The palette's error is sRGB, so the host measures it from the labels.
   */
  private encodeFinalOklab(encoder: GPUCommandEncoder): void {
    const { k } = this;
    const { centroids, centroidBackup, paletteCentroids } = this.buffers;
    this.encodeObjectiveOklab(encoder);
    encoder.copyBufferToBuffer(centroids, 0, centroidBackup, 0, k * 16);
    encoder.copyBufferToBuffer(paletteCentroids, 0, centroids, 0, k * 16);
    this.encodeLabels(encoder, 'label every pixel by palette colour (OKLab)', this.layout.final.labels.offset);
    encoder.copyBufferToBuffer(centroidBackup, 0, centroids, 0, k * 16);
    this.encodePaint(encoder);
  }

  /**
   * The objective at the float centroids measured in OKLab on the GPU, into the final staging's errors:
   * one weighted pass over the colours when the histogram counts every pixel, else one accumulating pass
   * over every pixel.
   */
  private encodeObjectiveOklab(encoder: GPUCommandEncoder): void {
    const { k, how } = this;
    const { control, sums } = this.buffers;
    const { errors } = this.layout.final;
    const { histogram, allChunks } = this.live();
    this.ctx.device.queue.writeBuffer(control, 0, new Uint32Array(CONTROL_WORDS));
    encoder.clearBuffer(sums);
    if (histogram && this.fit === this.all) {
      this.encodeErrors(encoder, histogram, 'OKLab error of the colours by centroid', errors!.offset);
    } else {
      const pass = encoder.beginComputePass({ label: 'OKLab error of every pixel by centroid' });
      dispatchChunks(pass, allChunks, this.ctx.pipeline(ASSIGN, { k, accumulate: true, space: how.space }));
      pass.end();
      encoder.copyBufferToBuffer(sums, k * SUM_WORDS_PER_CLUSTER * 4, this.buffers.finalStaging, errors!.offset, 8);
      encoder.clearBuffer(sums);
    }
  }

  /** One weighted pass over the colours; its error (a u64) copied to the final staging at `into`. */
  private encodeErrors(encoder: GPUCommandEncoder, histogram: GpuHistogram, what: string, into: number): void {
    const pass = encoder.beginComputePass({ label: what });
    histogram.dispatchAssign(pass, this.ctx.pipeline(ASSIGN_COLOURS, { k: this.k, space: this.how.space }));
    pass.end();
    encoder.copyBufferToBuffer(this.buffers.sums, this.k * SUM_WORDS_PER_CLUSTER * 4, this.buffers.finalStaging, into, 8);
    encoder.clearBuffer(this.buffers.sums);
  }

  /** Labels every pixel of the image by the centroids now bound; the labels copied to the final staging at `into`. */
  private encodeLabels(encoder: GPUCommandEncoder, what: string, into: number): void {
    const { allChunks } = this.live();
    const pass = encoder.beginComputePass({ label: what });
    dispatchChunks(pass, allChunks, this.ctx.pipeline(ASSIGN, { k: this.k, accumulate: false, space: this.how.space }));
    pass.end();
    for (const chunk of allChunks) encoder.copyBufferToBuffer(chunk.labels, 0, this.buffers.finalStaging, into + chunk.offset, chunk.padded);
  }

  /**
   * After the palette labels: each pixel painted its label's palette colour, over the uploaded pixels
   * (nothing reads them after this pass), and copied to the image region of the final staging.
   */
  private encodePaint(encoder: GPUCommandEncoder): void {
    const { allChunks } = this.live();
    const { paletteColours, finalStaging } = this.buffers;
    const pass = encoder.beginComputePass({ label: 'paint the output image' });
    pass.setPipeline(this.ctx.pipeline(RENDER, {}));
    for (const chunk of allChunks) {
      chunk.paint ??= this.ctx.bind(RENDER, 'paint', { pixels: chunk.pixels, labels: chunk.labels, palette: paletteColours, chunk: chunk.uniform });
      pass.setBindGroup(0, chunk.paint);
      pass.dispatchWorkgroups(chunk.padded / PIXELS_PER_WORKGROUP);
    }
    pass.end();
    const image = this.layout.final.image.offset;
    for (const chunk of allChunks) encoder.copyBufferToBuffer(chunk.pixels, 0, finalStaging, image + chunk.offset * 4, chunk.padded * 4);
  }

  /** Labels, errors and image from the final readback; `floats` are the centroids when the errors are the host's to measure. */
  private readFinal(data: ArrayBuffer, palette: Uint8Array, floats: Float64Array | undefined): LabelledImage {
    const n = this.all.length;
    const final = this.layout.final;
    // The image is a view of the front of the readback; the labels get their own copy, so that neither
    // shares a buffer with the other (transferring one never detaches the other).
    const image = new Uint8ClampedArray(data, final.image.offset, n * 4);
    const labels = new Uint8Array(data.slice(final.labels.offset, final.labels.offset + n));
    if (final.errors) {
      const errors = new Uint32Array(data, final.errors.offset, 4);
      const sum64 = (lo: number, hi: number): number => (lo + hi * 2 ** 32) / ERROR_SCALE;
      // OKLab: the objective in OKLab from the GPU, the palette's error in sRGB from the labels.
      const paletteError = this.how.space === 'srgb' ? sum64(errors[2]!, errors[3]!) : labelError(this.all, labels, palette);
      return { labels, image, metrics: outputMetrics(sum64(errors[0]!, errors[1]!), paletteError, n) };
    }
    const byCentroid = new Uint8Array(data, final.centroidLabels!.offset, n);
    return { labels, image, metrics: outputMetrics(labelError(this.all, byCentroid, floats!), labelError(this.all, labels, palette), n) };
  }

  gpuStats(): GpuRunStats {
    const { histogram, fitChunks } = this.live();
    const { k, queue } = this;
    const distinctColours = histogram?.distinctColours;
    const reduceBytes = k * SUM_WORDS_PER_CLUSTER * 4 * 2;
    const stats: GpuRunStats = {
      submits: queue.submits,
      readbacks: queue.readbacks,
      bytesRead: queue.bytesRead,
      iterateOn: this.how.iterateOn,
      dispatchesPerIteration: histogram ? 2 : fitChunks.length + 1,
      // Colours: 8 bytes each (colour, weight); pixels: 4 bytes each; and the centroids once per workgroup.
      bytesPerIteration: histogram
        ? (distinctColours ?? 0) * 8 + Math.ceil((distinctColours ?? 0) / PIXELS_PER_WORKGROUP) * k * 16 + reduceBytes
        : this.fit.length * 4 + this.fitWorkgroups * k * 16 + reduceBytes,
    };
    if (distinctColours !== undefined) stats.distinctColours = distinctColours;
    if (this.layout.status.timestamps) stats.timestampMs = queue.timestampNs / 1e6;
    return stats;
  }

  /**
   * Lets go of what the session made itself (its chunk records, bind groups, histogram record), so that
   * later calls throw INVALID_STATE. Its buffers, the colour table among them, are the context's pool:
   * reused by the next session and freed by the context's destroy().
   */
  destroy(): void {
    this.made = undefined;
  }
}
