/**
 * The colour histogram on the GPU: the fitted pixels' distinct colours, each weighted by its pixel
 * count, counted once per session (count-colours.wgsl, then gather-colours.wgsl) so that every Lloyd
 * iteration is one weighted assignment over them (assign-colours.wgsl, an indirect dispatch: the GPU
 * knows how many colours there are).
 *
 * Two lifetimes: the ColourTable (2^24 counts, 64 MiB) is the context's, pooled and reused by every
 * session, and knows whether it is all zeros; a GpuHistogram is one session's colours, weights and count.
 */
import { COLOUR_TABLE_ENTRIES, HISTOGRAM_INFO_WORDS, HISTOGRAM_MAX_PIXELS, PIXELS_PER_WORKGROUP } from './constants.js';
import type { GpuContext } from './context.js';
import type { AssignTargets, Chunk } from './chunks.js';
import { ASSIGN_COLOURS, COUNT_COLOURS, GATHER_COLOURS } from './kernels.js';
import { guarded, type CountedQueue } from './queue.js';
import { COPY_DST, COPY_SRC, INDIRECT, STORAGE } from './usage.js';

/** The context's colour table and whether it is all zeros, as every build needs it to start. */
export class ColourTable {
  private readonly ctx: GpuContext;
  /** Each build clears what it counted once it finishes; one that did not is cleared by the next. */
  private clean = true;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
  }

  /** The table for a build recorded on `encoder`: cleared first when the last build did not finish. */
  open(encoder: GPUCommandEncoder): GPUBuffer {
    // A new buffer starts as zeros; the pool returns the same one while its size fits.
    const table = this.ctx.buffer('colour table', COLOUR_TABLE_ENTRIES * 4, STORAGE | COPY_DST);
    if (!this.clean) encoder.clearBuffer(table);
    this.clean = false;
    return table;
  }

  /** A build is known to have finished (a later readback came back): it left the table cleared behind it. */
  finished(): void {
    this.clean = true;
  }
}

/** The distinct colours of one session's fitted pixels and their weights, on the GPU. */
export class GpuHistogram {
  private readonly table: ColourTable;
  /** [distinct colours, indirect dispatch x, y, z]. */
  private readonly info: GPUBuffer;
  /** Bind group of the weighted assignment (assign-colours.wgsl). */
  private readonly bindGroup: GPUBindGroup;
  private count: number | undefined;

  private constructor(table: ColourTable, info: GPUBuffer, bindGroup: GPUBindGroup) {
    this.table = table;
    this.info = info;
    this.bindGroup = bindGroup;
  }

  /** Whether the histogram can be built for this many fitted pixels on this device. */
  static fits(ctx: GpuContext, pixels: number): boolean {
    const tableBytes = COLOUR_TABLE_ENTRIES * 4;
    const { limits } = ctx.device;
    return pixels <= HISTOGRAM_MAX_PIXELS && limits.maxStorageBufferBindingSize >= tableBytes && limits.maxBufferSize >= tableBytes;
  }

  /**
   * Counts the distinct colours of the uploaded chunks in the colour table, lists them with their
   * weights, and leaves the table cleared; one submit, nothing read back.
   */
  static build(ctx: GpuContext, chunks: readonly Chunk[], pixels: number, targets: AssignTargets, queue: CountedQueue, signal?: AbortSignal): Promise<GpuHistogram> {
    const { device } = ctx;
    const capacity = Math.min(pixels, COLOUR_TABLE_ENTRIES);
    const padded = Math.ceil(capacity / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
    return guarded(ctx, 'counting colours', async () => {
      const colours = ctx.buffer('colour list', padded * 4, STORAGE);
      const weights = ctx.buffer('colour weights', padded * 4, STORAGE);
      const info = ctx.buffer('colour info', HISTOGRAM_INFO_WORDS * 4, STORAGE | INDIRECT | COPY_DST | COPY_SRC);
      device.queue.writeBuffer(info, 0, new Uint32Array(HISTOGRAM_INFO_WORDS));
      const encoder = device.createCommandEncoder({ label: 'colour histogram' });
      const table = ctx.colourTable.open(encoder);
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
      queue.submit(encoder);
      const bindGroup = ctx.bind(ASSIGN_COLOURS, 'assign colours', { colours, weights, centroids: targets.centroids, sums: targets.sums, control: targets.control, info });
      return new GpuHistogram(ctx.colourTable, info, bindGroup);
    }, signal);
  }

  /** The number of distinct colours, once read back (see {@link copyCount}). */
  get distinctColours(): number | undefined {
    return this.count;
  }

  /** Records one weighted assignment of every colour with `pipeline` (an assign-colours.wgsl variant). */
  dispatchAssign(pass: GPUComputePassEncoder, pipeline: GPUComputePipeline): void {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroupsIndirect(this.info, 4);
  }

  /** Records a copy of the number of colours (one u32) to `staging` at `offset`; see {@link counted}. */
  copyCount(encoder: GPUCommandEncoder, staging: GPUBuffer, offset: number): void {
    encoder.copyBufferToBuffer(this.info, 0, staging, offset, 4);
  }

  /** The number of colours, read back: in queue order the build finished, and cleared the table behind it. */
  counted(count: number): void {
    this.count = count;
    this.table.finished();
  }
}
