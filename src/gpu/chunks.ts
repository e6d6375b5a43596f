/**
 * The image's pixels on the GPU, in chunks that each fit one storage binding and one dispatch: per chunk
 * its pixels, its labels (four 8-bit labels per u32) and a uniform with its pixel count and first pixel.
 */
import { PIXELS_PER_WORKGROUP } from './constants.js';
import type { GpuContext } from './context.js';
import { ASSIGN } from './kernels.js';
import { COPY_DST, COPY_SRC, STORAGE, UNIFORM } from './usage.js';

export interface Chunk {
  /** First pixel of the chunk in the image. */
  offset: number;
  count: number;
  /** Pixel count rounded up to whole workgroups. */
  padded: number;
  pixels: GPUBuffer;
  labels: GPUBuffer;
  /** Holds the chunk's pixel count, then its first pixel's index in the image (for ordered dithering). */
  uniform: GPUBuffer;
  /** Bind group of the assignment kernel (assign.wgsl). */
  bindGroup: GPUBindGroup;
  /** Bind group of the painting kernel (render.wgsl), made at the first paint. */
  paint: GPUBindGroup | undefined;
}

/** The session's buffers every chunk's assignment binds. */
export interface AssignTargets {
  centroids: GPUBuffer;
  sums: GPUBuffer;
  control: GPUBuffer;
}

/** Uploads `pixels` into pooled chunk buffers named after `name` (queued writes, no submit). */
export function uploadChunks(ctx: GpuContext, name: string, pixels: Uint32Array, targets: AssignTargets): Chunk[] {
  const { device } = ctx;
  const chunks: Chunk[] = [];
  for (let offset = 0, c = 0; offset < pixels.length; offset += ctx.chunkPixels, c++) {
    const count = Math.min(ctx.chunkPixels, pixels.length - offset);
    const padded = Math.ceil(count / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
    // COPY_SRC: the output image is painted over the pixels of the image's chunks and copied out.
    const pixelBuffer = ctx.buffer(`${name} pixels ${c}`, padded * 4, STORAGE | COPY_DST | COPY_SRC);
    device.queue.writeBuffer(pixelBuffer, 0, pixels as Uint32Array<ArrayBuffer>, offset, count);
    const labels = ctx.buffer(`${name} labels ${c}`, padded, STORAGE | COPY_SRC);
    const uniform = ctx.buffer(`${name} chunk ${c}`, 16, UNIFORM | COPY_DST);
    device.queue.writeBuffer(uniform, 0, new Uint32Array([count, offset, 0, 0]));
    const bindGroup = ctx.bind(ASSIGN, `${name} chunk ${c}`, { pixels: pixelBuffer, centroids: targets.centroids, sums: targets.sums, labels, control: targets.control, chunk: uniform });
    chunks.push({ offset, count, padded, pixels: pixelBuffer, labels, uniform, bindGroup, paint: undefined });
  }
  return chunks;
}

/** Records one assignment dispatch per chunk with `pipeline` (an assign.wgsl variant). */
export function dispatchChunks(pass: GPUComputePassEncoder, chunks: readonly Chunk[], pipeline: GPUComputePipeline): void {
  pass.setPipeline(pipeline);
  for (const chunk of chunks) {
    pass.setBindGroup(0, chunk.bindGroup);
    pass.dispatchWorkgroups(chunk.padded / PIXELS_PER_WORKGROUP);
  }
}

/** Workgroups of one assignment pass over `chunks`. */
export function workgroups(chunks: readonly Chunk[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.padded / PIXELS_PER_WORKGROUP, 0);
}
