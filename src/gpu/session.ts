/**
 * WebGPU backend: packed RGBA8 pixels live on the GPU in chunks (each within the storage-binding limit).
 * By default their distinct colours are counted on the GPU once, and every Lloyd iteration is one
 * weighted assignment dispatch over those colours (indirect: the GPU knows how many) plus one reduction
 * dispatch; otherwise one assignment dispatch per chunk of pixels. Several iterations are encoded per
 * submit, convergence is decided on the GPU, and the host reads back a few bytes per batch (the done flag,
 * each iteration's inertia and shift, the number of colours).
 */
import { QuantizerError } from '../errors.js';
import type { CentroidState, FitSession, IterationStats } from '../kmeans/session.js';
import { labelError, outputMetrics } from '../metrics.js';
import type { GpuIterationInput } from '../options.js';
import { packedPalette } from '../output.js';
import type { GpuRunStats } from '../result.js';
import {
  COLOUR_TABLE_ENTRIES,
  CONTROL_WORDS,
  ERROR_SCALE,
  HISTOGRAM_INFO_WORDS,
  HISTOGRAM_MAX_PIXELS,
  MAX_BATCH,
  MAX_K,
  PIXELS_PER_WORKGROUP,
  SUM_WORDS_PER_CLUSTER,
} from './constants.js';
import { GpuRunError, type GpuContext } from './context.js';
import { ASSIGN, ASSIGN_COLOURS, COUNT_COLOURS, GATHER_COLOURS, REDUCE, RENDER } from './kernels.js';

// GPUBufferUsage / GPUMapMode values, spelled out so that no WebGPU globals are needed (Node).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const INDIRECT = 0x100;
const MAP_MODE_READ = 0x1;

interface Chunk {
  /** First pixel of the chunk in the image. */
  offset: number;
  count: number;
  /** Pixel count rounded up to whole workgroups. */
  padded: number;
  pixels: GPUBuffer;
  labels: GPUBuffer;
  /** Holds the chunk's pixel count. */
  uniform: GPUBuffer;
  bindGroup: GPUBindGroup;
  /** Bind group of the painting kernel (render.wgsl), made at the first paint. */
  paint: GPUBindGroup | undefined;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Options of {@link createWebGpuSession}. */
export interface WebGpuSessionOptions {
  /**
   * `'colours'`: count the fitted pixels' distinct colours on the GPU once and iterate on them, each
   * weighted by its pixel count (falls back to `'pixels'` past HISTOGRAM_MAX_PIXELS fitted pixels, or where
   * the device can't bind the 64 MiB colour table); `'pixels'`: read every fitted pixel each iteration.
   */
  iterateOn: GpuIterationInput;
}

/** Whether the colour-histogram path can run for this many fitted pixels on this device. */
function histogramFits(ctx: GpuContext, pixels: number): boolean {
  const tableBytes = COLOUR_TABLE_ENTRIES * 4;
  const { limits } = ctx.device;
  return pixels <= HISTOGRAM_MAX_PIXELS && limits.maxStorageBufferBindingSize >= tableBytes && limits.maxBufferSize >= tableBytes;
}

async function guarded<T>(ctx: GpuContext, what: string, work: () => Promise<T>): Promise<T> {
  ctx.checkAlive();
  const { device } = ctx;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = await work();
  } catch (error) {
    ctx.checkAlive();
    // The library's own typed errors (a misuse, a bind group named wrongly) are no GPU failure to fall back from.
    if (error instanceof QuantizerError) throw error;
    throw new GpuRunError(`${what} failed: ${(error as Error).message}`);
  } finally {
    const [validation, memory] = await Promise.all([device.popErrorScope(), device.popErrorScope()]).catch(() => [null, null]);
    const error = validation ?? memory;
    if (error) throw new GpuRunError(`${what}: ${error.message}`);
  }
  ctx.checkAlive();
  return value;
}

/** Counters of one session. */
interface Counters {
  submits: number;
  readbacks: number;
  bytesRead: number;
  timestampNs: number;
  timed: boolean;
}

async function readBuffer(staging: GPUBuffer, bytes: number, counters: Counters): Promise<ArrayBuffer> {
  counters.readbacks++;
  counters.bytesRead += bytes;
  await staging.mapAsync(MAP_MODE_READ, 0, bytes);
  const copy = staging.getMappedRange(0, bytes).slice(0);
  staging.unmap();
  return copy;
}

/** Centroids (RGB triples, floats or bytes) as the shaders read them: one vec4<f32> each. */
function centroidWords(c: Float64Array | Uint8Array): Float32Array<ArrayBuffer> {
  const k = c.length / 3;
  const data = new Float32Array(k * 4);
  for (let j = 0; j < k; j++) data.set([c[j * 3]!, c[j * 3 + 1]!, c[j * 3 + 2]!, 0], j * 4);
  return data;
}

/** The colour histogram of the fitted pixels, on the GPU. */
interface GpuHistogram {
  /** [distinct colours, indirect dispatch x, y, z]. */
  info: GPUBuffer;
  /** Bind group of the weighted assignment (assign-colours.wgsl). */
  bindGroup: GPUBindGroup;
}

/**
 * Counts the distinct colours of the uploaded chunks in the 2^24-entry colour table, lists them with their
 * weights, and leaves the table cleared; one submit, nothing read back.
 */
async function buildColourHistogram(
  ctx: GpuContext,
  chunks: Chunk[],
  pixels: number,
  centroids: GPUBuffer,
  sums: GPUBuffer,
  control: GPUBuffer,
  counters: Counters,
): Promise<GpuHistogram> {
  const { device } = ctx;
  const capacity = Math.min(pixels, COLOUR_TABLE_ENTRIES);
  const padded = Math.ceil(capacity / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
  return guarded(ctx, 'counting colours', async () => {
    const table = ctx.buffer('colour table', COLOUR_TABLE_ENTRIES * 4, STORAGE | COPY_DST);
    const colours = ctx.buffer('colour list', padded * 4, STORAGE);
    const weights = ctx.buffer('colour weights', padded * 4, STORAGE);
    const info = ctx.buffer('colour info', HISTOGRAM_INFO_WORDS * 4, STORAGE | INDIRECT | COPY_DST | COPY_SRC);
    device.queue.writeBuffer(info, 0, new Uint32Array(HISTOGRAM_INFO_WORDS));
    const encoder = device.createCommandEncoder({ label: 'colour histogram' });
    // A table left dirty by a build that did not finish (a new buffer starts as zeros).
    if (!ctx.colourTableClean) encoder.clearBuffer(table);
    ctx.colourTableClean = false;
    const pass = encoder.beginComputePass({ label: 'count colours, gather weights' });
    pass.setPipeline(ctx.pipeline(COUNT_COLOURS, {}));
    for (const chunk of chunks) {
      pass.setBindGroup(0, ctx.bind(COUNT_COLOURS, 'count colours', { pixels: chunk.pixels, table, colours, info, chunk: chunk.uniform }));
      pass.dispatchWorkgroups(chunk.padded / PIXELS_PER_WORKGROUP);
    }
    pass.setPipeline(ctx.pipeline(GATHER_COLOURS, {}));
    pass.setBindGroup(0, ctx.bind(GATHER_COLOURS, 'gather colours', { table, colours, weights, info }));
    pass.dispatchWorkgroups(padded / PIXELS_PER_WORKGROUP);
    pass.end();
    device.queue.submit([encoder.finish()]);
    counters.submits++;
    const bindGroup = ctx.bind(ASSIGN_COLOURS, 'assign colours', { colours, weights, centroids, sums, control, info });
    return { info, bindGroup };
  });
}

/**
 * Uploads `fit` (and `all`, when it differs), counts the distinct colours of `fit` when iterating on them,
 * and returns a session over them.
 */
export async function createWebGpuSession(ctx: GpuContext, fit: Uint32Array, all: Uint32Array, options: WebGpuSessionOptions): Promise<FitSession> {
  const { device } = ctx;
  const iterateOn: GpuIterationInput = options.iterateOn === 'colours' && histogramFits(ctx, fit.length) ? 'colours' : 'pixels';
  const centroids = ctx.buffer('centroids', MAX_K * 16, STORAGE | COPY_DST | COPY_SRC);
  const sums = ctx.buffer('sums', (MAX_K * SUM_WORDS_PER_CLUSTER + 2) * 4, STORAGE | COPY_DST | COPY_SRC);
  const counts = ctx.buffer('counts', MAX_K * 4, STORAGE | COPY_SRC);
  const control = ctx.buffer('control', CONTROL_WORDS * 4, STORAGE | COPY_DST | COPY_SRC);
  const history = ctx.buffer('history', MAX_BATCH * 8, STORAGE | COPY_SRC);
  const params = ctx.buffer('reduce params', 16, UNIFORM | COPY_DST);
  // Status staging: control words, then (when timed) two u64 timestamps, then the batch's history, then (the
  // first batch of colour iterations) the number of distinct colours.
  const statusStaging = ctx.buffer('status staging', CONTROL_WORDS * 4 + 16 + MAX_BATCH * 8 + 4, MAP_READ | COPY_DST);
  const stateStaging = ctx.buffer('state staging', MAX_K * 16 + MAX_K * 4, MAP_READ | COPY_DST);
  const counters: Counters = { submits: 0, readbacks: 0, bytesRead: 0, timestampNs: 0, timed: ctx.timestamps };
  const timestampBytes = counters.timed ? 16 : 0;
  const QUERY_RESOLVE = 0x200;
  const timestampResolve = counters.timed ? ctx.buffer('timestamp resolve', 16, QUERY_RESOLVE | COPY_SRC) : undefined;
  const submit = (buffer: GPUCommandBuffer): void => {
    device.queue.submit([buffer]);
    counters.submits++;
  };

  const upload = (name: string, pixels: Uint32Array): Chunk[] => {
    const chunks: Chunk[] = [];
    for (let offset = 0, c = 0; offset < pixels.length; offset += ctx.chunkPixels, c++) {
      const count = Math.min(ctx.chunkPixels, pixels.length - offset);
      const padded = Math.ceil(count / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
      // COPY_SRC: the output image is painted over the pixels of the image's chunks and copied out.
      const pixelBuffer = ctx.buffer(`${name} pixels ${c}`, padded * 4, STORAGE | COPY_DST | COPY_SRC);
      device.queue.writeBuffer(pixelBuffer, 0, pixels as Uint32Array<ArrayBuffer>, offset, count);
      const labels = ctx.buffer(`${name} labels ${c}`, padded, STORAGE | COPY_SRC);
      const uniform = ctx.buffer(`${name} chunk ${c}`, 16, UNIFORM | COPY_DST);
      device.queue.writeBuffer(uniform, 0, new Uint32Array([count, 0, 0, 0]));
      const bindGroup = ctx.bind(ASSIGN, `${name} chunk ${c}`, { pixels: pixelBuffer, centroids, sums, labels, control, chunk: uniform });
      chunks.push({ offset, count, padded, pixels: pixelBuffer, labels, uniform, bindGroup, paint: undefined });
    }
    return chunks;
  };

  let fitChunks: Chunk[] = [];
  let allChunks: Chunk[] = [];
  await guarded(ctx, 'uploading the image', async () => {
    fitChunks = upload('fit', fit);
    allChunks = fit === all ? fitChunks : upload('all', all);
    device.queue.writeBuffer(sums, 0, new Uint32Array(sums.size / 4));
  });
  const reduceBindGroup = ctx.bind(REDUCE, 'reduce', { sums, centroids, counts, control, history, params });
  const labelStride = Math.ceil(all.length / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
  const paletteCentroids = ctx.buffer('palette centroids', MAX_K * 16, COPY_SRC | COPY_DST);
  const centroidBackup = ctx.buffer('centroid backup', MAX_K * 16, COPY_SRC | COPY_DST);

  const fitWorkgroups = fitChunks.reduce((sum, chunk) => sum + chunk.padded / PIXELS_PER_WORKGROUP, 0);
  /** The distinct colours of `fit` and their weights, when the iterations run on them. */
  const histogram = iterateOn === 'colours' ? await buildColourHistogram(ctx, fitChunks, fit.length, centroids, sums, control, counters) : undefined;
  /** Whether the final errors can be measured on the histogram: it then counts every pixel of the image. */
  const errorsOnColours = histogram !== undefined && fit === all;
  // The final readback: the output image (4 bytes a pixel, first, so that the result's image starts its
  // buffer), the labels, then either their errors (two 64-bit sums) or a second label set (by float
  // centroid).
  const imageBytes = labelStride * 4;
  const labelStaging = errorsOnColours
    ? ctx.buffer('image, labels and errors staging', imageBytes + labelStride + 16, MAP_READ | COPY_DST)
    : ctx.buffer('image and two label sets staging', imageBytes + labelStride * 2, MAP_READ | COPY_DST);
  /** The palette as the painting kernel reads it: one packed r | g << 8 | b << 16 per colour. */
  const paletteColours = ctx.buffer('palette colours', MAX_K * 4, STORAGE | COPY_DST);
  /** Distinct colours of `fit`, once a batch has read the count back. */
  let distinctColours: number | undefined;
  /** Whether labelAll() has painted the output image over the uploaded pixels. */
  let paintedOver = false;

  let k = 0;
  /** The GPU's centroids as the host last knew them (set, or read back); null once iterations moved them. */
  let hostCentroids: Float64Array | null = null;
  const dispatchAssign = (pass: GPUComputePassEncoder, chunks: Chunk[], pipeline: GPUComputePipeline): void => {
    pass.setPipeline(pipeline);
    for (const chunk of chunks) {
      pass.setBindGroup(0, chunk.bindGroup);
      pass.dispatchWorkgroups(chunk.padded / PIXELS_PER_WORKGROUP);
    }
  };

  const session: FitSession = {
    backend: 'webgpu',
    threads: 0,
    batchSize: (done) => Math.min(MAX_BATCH, 4 << Math.min(3, Math.floor(done / 8))),
    async setCentroids(c) {
      k = c.length / 3;
      hostCentroids = Float64Array.from(c);
      await guarded(ctx, 'setting centroids', async () => {
        device.queue.writeBuffer(centroids, 0, centroidWords(c));
        device.queue.writeBuffer(sums, 0, new Uint32Array(sums.size / 4));
      });
    },
    async iterate(count, tolerance): Promise<IterationStats[]> {
      if (paintedOver) throw new Error('kmeans-quantizer: this WebGPU session already labelled and painted its image');
      hostCentroids = null;
      // The first batch also reads back how many colours the histogram holds.
      const countPending = histogram !== undefined && distinctColours === undefined;
      const status = await guarded(ctx, 'Lloyd iterations', async () => {
        device.queue.writeBuffer(control, 0, new Uint32Array(CONTROL_WORDS));
        device.queue.writeBuffer(params, 0, new Float32Array([tolerance, 0, 0, 0]));
        const assign = histogram ? undefined : ctx.pipeline(ASSIGN, { k, accumulate: true });
        const assignColours = histogram ? ctx.pipeline(ASSIGN_COLOURS, { k }) : undefined;
        const reduce = ctx.pipeline(REDUCE, { k });
        const encoder = device.createCommandEncoder({ label: 'Lloyd batch' });
        const pass = encoder.beginComputePass({
          label: `${count} Lloyd iterations`,
          ...(timestampResolve ? { timestampWrites: { querySet: ctx.querySet(), beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {}),
        });
        for (let t = 0; t < count; t++) {
          if (histogram) {
            pass.setPipeline(assignColours!);
            pass.setBindGroup(0, histogram.bindGroup);
            pass.dispatchWorkgroupsIndirect(histogram.info, 4);
          } else {
            dispatchAssign(pass, fitChunks, assign!);
          }
          pass.setPipeline(reduce);
          pass.setBindGroup(0, reduceBindGroup);
          pass.dispatchWorkgroups(1);
        }
        pass.end();
        encoder.copyBufferToBuffer(control, 0, statusStaging, 0, CONTROL_WORDS * 4);
        if (timestampResolve) {
          encoder.resolveQuerySet(ctx.querySet(), 0, 2, timestampResolve, 0);
          encoder.copyBufferToBuffer(timestampResolve, 0, statusStaging, CONTROL_WORDS * 4, 16);
        }
        encoder.copyBufferToBuffer(history, 0, statusStaging, CONTROL_WORDS * 4 + timestampBytes, count * 8);
        const tail = CONTROL_WORDS * 4 + timestampBytes + count * 8;
        if (countPending) encoder.copyBufferToBuffer(histogram.info, 0, statusStaging, tail, 4);
        submit(encoder.finish());
        return readBuffer(statusStaging, tail + (countPending ? 4 : 0), counters);
      });
      const words = new Uint32Array(status, 0, CONTROL_WORDS);
      if (timestampResolve) {
        const [begin, end] = new BigUint64Array(status, CONTROL_WORDS * 4, 2);
        if (begin !== undefined && end !== undefined && end > begin) counters.timestampNs += Number(end - begin);
      }
      const records = new Float32Array(status, CONTROL_WORDS * 4 + timestampBytes, count * 2);
      if (countPending) {
        distinctColours = new Uint32Array(status, CONTROL_WORDS * 4 + timestampBytes + count * 8, 1)[0];
        // Queue order: the histogram build finished, and left the colour table cleared behind it.
        ctx.colourTableClean = true;
      }
      const stats: IterationStats[] = [];
      for (let t = 0; t < words[1]!; t++) stats.push({ inertia: records[t * 2]!, shift: records[t * 2 + 1]! });
      return stats;
    },
    async state(): Promise<CentroidState> {
      const data = await guarded(ctx, 'reading centroids', async () => {
        const encoder = device.createCommandEncoder({ label: 'read centroids' });
        encoder.copyBufferToBuffer(centroids, 0, stateStaging, 0, k * 16);
        encoder.copyBufferToBuffer(counts, 0, stateStaging, MAX_K * 16, k * 4);
        submit(encoder.finish());
        return readBuffer(stateStaging, MAX_K * 16 + k * 4, counters);
      });
      const raw = new Float32Array(data, 0, k * 4);
      const out = new Float64Array(k * 3);
      for (let j = 0; j < k; j++) out.set([raw[j * 4]!, raw[j * 4 + 1]!, raw[j * 4 + 2]!], j * 3);
      hostCentroids = out;
      return { centroids: Float64Array.from(out), counts: Float64Array.from(new Uint32Array(data, MAX_K * 16, k)) };
    },
    async labelAll(fitted) {
      const { palette } = fitted;
      if (hostCentroids === null || !sameValues(fitted.centroids, hostCentroids)) await session.setCentroids(fitted.centroids);
      // The painting below writes over the uploaded pixels: this is the session's last pass over them.
      if (paintedOver) throw new Error('kmeans-quantizer: a WebGPU session labels its image once (its pixels were painted over)');
      paintedOver = true;
      const n = all.length;
      const label = (encoder: GPUCommandEncoder, what: string, into: number): void => {
        const pass = encoder.beginComputePass({ label: what });
        dispatchAssign(pass, allChunks, ctx.pipeline(ASSIGN, { k, accumulate: false }));
        pass.end();
        for (const chunk of allChunks) encoder.copyBufferToBuffer(chunk.labels, 0, labelStaging, into + chunk.offset, chunk.padded);
      };
      // After the palette labels: each pixel painted its label's palette colour, over the uploaded pixels
      // (nothing reads them after this pass), and copied to the front of the staging buffer.
      const paint = (encoder: GPUCommandEncoder): void => {
        const pass = encoder.beginComputePass({ label: 'paint the output image' });
        pass.setPipeline(ctx.pipeline(RENDER, {}));
        for (const chunk of allChunks) {
          chunk.paint ??= ctx.bind(RENDER, 'paint', { pixels: chunk.pixels, labels: chunk.labels, palette: paletteColours, chunk: chunk.uniform });
          pass.setBindGroup(0, chunk.paint);
          pass.dispatchWorkgroups(chunk.padded / PIXELS_PER_WORKGROUP);
        }
        pass.end();
        for (const chunk of allChunks) encoder.copyBufferToBuffer(chunk.pixels, 0, labelStaging, chunk.offset * 4, chunk.padded * 4);
      };
      // The errors come from the colour histogram when it counts every pixel of the image: one weighted
      // pass each (by float centroid: the k-means objective; by palette colour: the output image's error,
      // exact since both are integers), then every pixel is labelled once, by palette colour; nothing is
      // measured on the host. Otherwise every pixel is labelled twice, by nearest float centroid (for the
      // objective, measured on the host) and by nearest palette colour (the labels returned, as on the
      // CPU: integer colours and byte centroids make every distance exact in f32, so both backends give
      // the same labels for the same palette). One submit either way.
      const onColours = errorsOnColours ? histogram : undefined;
      const floats = onColours ? undefined : (hostCentroids ?? (await session.state()).centroids);
      const paletteLabelsAt = onColours ? imageBytes : imageBytes + labelStride;
      const errorsAt = imageBytes + labelStride;
      const data = await guarded(ctx, 'final assignment', async () => {
        device.queue.writeBuffer(paletteCentroids, 0, centroidWords(palette));
        device.queue.writeBuffer(paletteColours, 0, packedPalette(palette));
        const encoder = device.createCommandEncoder({ label: 'final assignment' });
        const measure = (what: string, into: number): void => {
          const pass = encoder.beginComputePass({ label: what });
          pass.setPipeline(ctx.pipeline(ASSIGN_COLOURS, { k }));
          pass.setBindGroup(0, onColours!.bindGroup);
          pass.dispatchWorkgroupsIndirect(onColours!.info, 4);
          pass.end();
          encoder.copyBufferToBuffer(sums, k * SUM_WORDS_PER_CLUSTER * 4, labelStaging, into, 8);
          encoder.clearBuffer(sums);
        };
        if (onColours) {
          device.queue.writeBuffer(control, 0, new Uint32Array(CONTROL_WORDS));
          encoder.clearBuffer(sums);
          measure('error of the colours by centroid', errorsAt);
        } else {
          label(encoder, 'label every pixel by centroid', imageBytes);
        }
        // The palette in place of the centroids; the session goes on holding its float centroids after.
        encoder.copyBufferToBuffer(centroids, 0, centroidBackup, 0, k * 16);
        encoder.copyBufferToBuffer(paletteCentroids, 0, centroids, 0, k * 16);
        if (onColours) measure('error of the colours by palette colour', errorsAt + 8);
        label(encoder, 'label every pixel by palette colour', paletteLabelsAt);
        encoder.copyBufferToBuffer(centroidBackup, 0, centroids, 0, k * 16);
        paint(encoder);
        submit(encoder.finish());
        return readBuffer(labelStaging, onColours ? errorsAt + 16 : imageBytes + labelStride * 2, counters);
      });
      // The image is a view of the front of the readback; the labels get their own copy, so that neither
      // shares a buffer with the other (transferring one never detaches the other).
      const image = new Uint8ClampedArray(data, 0, n * 4);
      const labels = new Uint8Array(data.slice(paletteLabelsAt, paletteLabelsAt + n));
      if (onColours) {
        const errors = new Uint32Array(data, errorsAt, 4);
        const sum64 = (lo: number, hi: number): number => (lo + hi * 2 ** 32) / ERROR_SCALE;
        return { labels, image, metrics: outputMetrics(sum64(errors[0]!, errors[1]!), sum64(errors[2]!, errors[3]!), n) };
      }
      const byCentroid = new Uint8Array(data, imageBytes, n);
      return { labels, image, metrics: outputMetrics(labelError(all, byCentroid, floats!), labelError(all, labels, palette), n) };
    },
    gpuStats() {
      const reduceBytes = k * SUM_WORDS_PER_CLUSTER * 4 * 2;
      const stats: GpuRunStats = {
        submits: counters.submits,
        readbacks: counters.readbacks,
        bytesRead: counters.bytesRead,
        iterateOn,
        dispatchesPerIteration: histogram ? 2 : fitChunks.length + 1,
        // Colours: 8 bytes each (colour, weight); pixels: 4 bytes each; and the centroids once per workgroup.
        bytesPerIteration: histogram
          ? (distinctColours ?? 0) * 8 + Math.ceil((distinctColours ?? 0) / PIXELS_PER_WORKGROUP) * k * 16 + reduceBytes
          : fit.length * 4 + fitWorkgroups * k * 16 + reduceBytes,
      };
      if (distinctColours !== undefined) stats.distinctColours = distinctColours;
      if (counters.timed) stats.timestampMs = counters.timestampNs / 1e6;
      return stats;
    },
    destroy() {
      // Buffers are pooled by the context (reused for the next frame) and freed by its destroy().
    },
  };
  return session;
}
