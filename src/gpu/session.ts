/**
 * WebGPU backend: packed RGBA8 pixels live on the GPU in chunks (each within the storage-binding limit);
 * every Lloyd iteration is one assignment dispatch per chunk plus one reduction dispatch, several
 * iterations are encoded per submit, convergence is decided on the GPU, and the host reads back a few
 * bytes per batch (the done flag and each iteration's inertia and shift).
 */
import type { CentroidState, FitSession, IterationStats } from '../kmeans/session.js';
import { measureErrors, outputMetrics, paletteError } from '../metrics.js';
import type { GpuRunStats } from '../result.js';
import { CONTROL_WORDS, MAX_BATCH, MAX_K, PIXELS_PER_WORKGROUP, SUM_WORDS_PER_CLUSTER } from './constants.js';
import { GpuRunError, type GpuContext } from './context.js';

// GPUBufferUsage / GPUMapMode values, spelled out so that no WebGPU globals are needed (Node).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const MAP_MODE_READ = 0x1;

interface Chunk {
  /** First pixel of the chunk in the image. */
  offset: number;
  count: number;
  /** Pixel count rounded up to whole workgroups. */
  padded: number;
  pixels: GPUBuffer;
  labels: GPUBuffer;
  bindGroup: GPUBindGroup;
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

/** Uploads `fit` (and `all`, when it differs) and returns a session over them. */
export async function createWebGpuSession(ctx: GpuContext, fit: Uint32Array, all: Uint32Array): Promise<FitSession> {
  const { device } = ctx;
  const centroids = ctx.buffer('centroids', MAX_K * 16, STORAGE | COPY_DST | COPY_SRC);
  const sums = ctx.buffer('sums', (MAX_K * SUM_WORDS_PER_CLUSTER + 2) * 4, STORAGE | COPY_DST);
  const counts = ctx.buffer('counts', MAX_K * 4, STORAGE | COPY_SRC);
  const control = ctx.buffer('control', CONTROL_WORDS * 4, STORAGE | COPY_DST | COPY_SRC);
  const history = ctx.buffer('history', MAX_BATCH * 8, STORAGE | COPY_SRC);
  const params = ctx.buffer('reduce params', 16, UNIFORM | COPY_DST);
  // Status staging: control words, then (when timed) two u64 timestamps, then the batch's history.
  const statusStaging = ctx.buffer('status staging', CONTROL_WORDS * 4 + 16 + MAX_BATCH * 8, MAP_READ | COPY_DST);
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
      const pixelBuffer = ctx.buffer(`${name} pixels ${c}`, padded * 4, STORAGE | COPY_DST);
      device.queue.writeBuffer(pixelBuffer, 0, pixels as Uint32Array<ArrayBuffer>, offset, count);
      const labels = ctx.buffer(`${name} labels ${c}`, padded, STORAGE | COPY_SRC);
      const uniform = ctx.buffer(`${name} chunk ${c}`, 16, UNIFORM | COPY_DST);
      device.queue.writeBuffer(uniform, 0, new Uint32Array([count, 0, 0, 0]));
      const bindGroup = device.createBindGroup({
        label: `${name} chunk ${c}`,
        layout: ctx.assignLayout,
        entries: [pixelBuffer, centroids, sums, labels, control, uniform].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      chunks.push({ offset, count, padded, pixels: pixelBuffer, labels, bindGroup });
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
  const reduceBindGroup = device.createBindGroup({
    label: 'reduce',
    layout: ctx.reduceLayout,
    entries: [sums, centroids, counts, control, history, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  // Two label sets side by side: by float centroid, then by palette colour.
  const labelStride = Math.ceil(all.length / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
  const labelStaging = ctx.buffer('labels staging', labelStride * 2, MAP_READ | COPY_DST);
  const paletteCentroids = ctx.buffer('palette centroids', MAX_K * 16, COPY_SRC | COPY_DST);
  const centroidBackup = ctx.buffer('centroid backup', MAX_K * 16, COPY_SRC | COPY_DST);

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
      hostCentroids = null;
      const status = await guarded(ctx, 'Lloyd iterations', async () => {
        device.queue.writeBuffer(control, 0, new Uint32Array(CONTROL_WORDS));
        device.queue.writeBuffer(params, 0, new Float32Array([tolerance, 0, 0, 0]));
        const assign = ctx.assignPipeline(k, true);
        const reduce = ctx.reducePipeline(k);
        const encoder = device.createCommandEncoder({ label: 'Lloyd batch' });
        const pass = encoder.beginComputePass({
          label: `${count} Lloyd iterations`,
          ...(timestampResolve ? { timestampWrites: { querySet: ctx.querySet(), beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {}),
        });
        for (let t = 0; t < count; t++) {
          dispatchAssign(pass, fitChunks, assign);
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
        submit(encoder.finish());
        return readBuffer(statusStaging, CONTROL_WORDS * 4 + timestampBytes + count * 8, counters);
      });
      const words = new Uint32Array(status, 0, CONTROL_WORDS);
      if (timestampResolve) {
        const [begin, end] = new BigUint64Array(status, CONTROL_WORDS * 4, 2);
        if (begin !== undefined && end !== undefined && end > begin) counters.timestampNs += Number(end - begin);
      }
      const records = new Float32Array(status, CONTROL_WORDS * 4 + timestampBytes);
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
    async labelAll(palette) {
      const n = all.length;
      const floats = hostCentroids ?? (await session.state()).centroids;
      const label = (encoder: GPUCommandEncoder, what: string, into: number): void => {
        const pass = encoder.beginComputePass({ label: what });
        dispatchAssign(pass, allChunks, ctx.assignPipeline(k, false));
        pass.end();
        for (const chunk of allChunks) encoder.copyBufferToBuffer(chunk.labels, 0, labelStaging, into + chunk.offset, chunk.padded);
      };
      const data = await guarded(ctx, 'final assignment', async () => {
        // Nearest float centroid of every pixel (for the k-means objective), then nearest palette colour
        // (the labels returned, as on the CPU: integer colours and byte centroids make every distance exact
        // in f32, so both backends give the same labels for the same palette). One submit: the palette is
        // copied over the centroids between the passes, and the centroids put back after them.
        device.queue.writeBuffer(paletteCentroids, 0, centroidWords(palette));
        const encoder = device.createCommandEncoder({ label: 'final assignment' });
        label(encoder, 'label every pixel by centroid', 0);
        encoder.copyBufferToBuffer(centroids, 0, centroidBackup, 0, k * 16);
        encoder.copyBufferToBuffer(paletteCentroids, 0, centroids, 0, k * 16);
        label(encoder, 'label every pixel by palette colour', labelStride);
        encoder.copyBufferToBuffer(centroidBackup, 0, centroids, 0, k * 16);
        submit(encoder.finish());
        return readBuffer(labelStaging, labelStride * 2, counters);
      });
      const byCentroid = new Uint8Array(data, 0, n);
      const labels = new Uint8Array(data, labelStride, n);
      const inertia = measureErrors(all, byCentroid, floats, palette).inertia;
      return { labels, metrics: outputMetrics(inertia, paletteError(all, labels, palette), n) };
    },
    gpuStats() {
      const stats: GpuRunStats = {
        submits: counters.submits,
        readbacks: counters.readbacks,
        bytesRead: counters.bytesRead,
        dispatchesPerIteration: fitChunks.length + 1,
        bytesPerIteration: fit.length * 4 + fitChunks.length * k * 16 + k * SUM_WORDS_PER_CLUSTER * 4 * 2,
      };
      if (counters.timed) stats.timestampMs = counters.timestampNs / 1e6;
      return stats;
    },
    destroy() {
      // Buffers are pooled by the context (reused for the next frame) and freed by its destroy().
    },
  };
  return session;
}
