/**
 * The frame path: a frame that stays on the GPU from its source to its output. Per call, one
 * `copyExternalImageToTexture` (none for a texture source), one submit of one compute pass and one small
 * readback:
 *
 *   unpack the texels into packed pixels (unpack-texture.wgsl)
 *   -> cold: k-means++ on a sample of the frame (seed.wgsl); warm: the previous frame's centroids, kept
 *      in a GPU buffer; or `init` colours, written by the host
 *   -> maxIterations x (assign + reduce), each assignment an indirect dispatch that frame-gate.wgsl sets to
 *      nothing once the loop has converged (assign.wgsl, reduce.wgsl)
 *   -> the byte palette (palette.wgsl), every pixel labelled by it (assign.wgsl, label mode), painted into
 *      the output texture (paint-texture.wgsl), which is copied to the target canvas or texture
 *   -> read back: control words, history, counts, palette (and the labels and image only when asked;
 *      the image painted over the pixels by render.wgsl).
 *
 * Its buffers are the context's pool (keys "frame ..."); its two textures are its own, freed by destroy().
 */
import type { FrameResult, FrameSource, ResolvedFrameOptions } from '../frame.js';
import { isGpuTexture } from '../frame.js';
import { QuantizerError, rangeError } from '../errors.js';
import { CONTROL_WORDS, FRAME_WORKGROUP_SIZE, MAX_BATCH, MAX_K, MAX_WORKGROUPS_PER_DISPATCH, PIXELS_PER_WORKGROUP, SUM_WORDS_PER_CLUSTER } from './constants.js';
import type { GpuContext } from './context.js';
import { checkSourceTexture, prepareTarget, readableFrame, sourceSize, type FrameSize } from './frame-io.js';
import { decodeStatus, FrameStatusLayout } from './frame-status.js';
import { ASSIGN, FRAME_GATE, PAINT_TEXTURE, PALETTE, REDUCE, RENDER, SEED, UNPACK_TEXTURE } from './kernels.js';
import { CountedQueue, guarded } from './queue.js';
import { centroidWords } from './session.js';
import { COPY_DST, COPY_SRC, INDIRECT, MAP_READ, QUERY_RESOLVE, RENDER_ATTACHMENT, STORAGE, STORAGE_BINDING, TEXTURE_BINDING, TEXTURE_COPY_DST, TEXTURE_COPY_SRC, UNIFORM } from './usage.js';
import { now } from '../yield.js';


/** The pooled buffers of a frame of `pixels` pixels. */
interface FrameBuffers {
  pixels: GPUBuffer;
  labels: GPUBuffer;
  frame: GPUBuffer;
  centroids: GPUBuffer;
  points: GPUBuffer;
  palette: GPUBuffer;
  sums: GPUBuffer;
  counts: GPUBuffer;
  control: GPUBuffer;
  history: GPUBuffer;
  params: GPUBuffer;
  seeding: GPUBuffer;
  /** The assignment's indirect dispatch: x, y, z, then the full workgroup count (see frame-gate.wgsl). */
  gate: GPUBuffer;
  timestamps: GPUBuffer | undefined;
  staging: GPUBuffer;
}

function frameBuffers(ctx: GpuContext, pixels: number, layout: FrameStatusLayout): FrameBuffers {
  const padded = Math.ceil(pixels / PIXELS_PER_WORKGROUP) * PIXELS_PER_WORKGROUP;
  const b = (name: string, size: number, usage: number): GPUBuffer => ctx.buffer(`frame ${name}`, size, usage);
  return {
    pixels: b('pixels', padded * 4, STORAGE | COPY_SRC),
    labels: b('labels', padded, STORAGE | COPY_SRC),
    frame: b('uniform', 16, UNIFORM | COPY_DST),
    centroids: b('centroids', MAX_K * 16, STORAGE | COPY_DST),
    points: b('palette points', MAX_K * 16, STORAGE),
    palette: b('palette', MAX_K * 4, STORAGE | COPY_SRC),
    sums: b('sums', (MAX_K * SUM_WORDS_PER_CLUSTER + 2) * 4, STORAGE | COPY_DST),
    counts: b('counts', MAX_K * 4, STORAGE | COPY_SRC),
    control: b('control', CONTROL_WORDS * 4, STORAGE | COPY_DST | COPY_SRC),
    history: b('history', MAX_BATCH * 8, STORAGE | COPY_SRC),
    params: b('reduce params', 16, UNIFORM | COPY_DST),
    seeding: b('seeding', 16, UNIFORM | COPY_DST),
    gate: b('gate', 16, STORAGE | INDIRECT | COPY_DST),
    timestamps: layout.timestamps ? b('timestamp resolve', 16, QUERY_RESOLVE | COPY_SRC) : undefined,
    staging: b('staging', layout.bytes, MAP_READ | COPY_DST),
  };
}

/** The most pixels one frame takes: one storage binding, one dispatch. */
function maxFramePixels(device: GPUDevice): number {
  return Math.min(Math.floor(device.limits.maxStorageBufferBindingSize / 4), MAX_WORKGROUPS_PER_DISPATCH * PIXELS_PER_WORKGROUP);
}

/** How a frame starts: from the previous frame's centroids, from given colours, or seeded on the GPU. */
type Start = 'warm' | 'init' | 'seed';

export class FramePipeline {
  /** k of the centroids the GPU buffer holds from the previous frame; 0 when there are none to start from. */
  private warmK = 0;
  private input: GPUTexture | undefined;
  private output: GPUTexture | undefined;
  private destroyed = false;

  constructor(private readonly ctx: GpuContext) {}

  /** Quantizes one frame (see the module comment). */
  async run(source: FrameSource, o: ResolvedFrameOptions): Promise<FrameResult> {
    const started = now();
    if (this.destroyed) throw new QuantizerError('INVALID_STATE', 'this frame pipeline was destroyed');
    const size = sourceSize(source);
    const pixels = size.width * size.height;
    const limit = maxFramePixels(this.ctx.device);
    if (pixels > limit) throw rangeError('frame', `at most ${limit} pixels (one storage binding and one dispatch)`, `${size.width}x${size.height}`);
    if (isGpuTexture(source)) checkSourceTexture(source);
    const target = o.target ? prepareTarget(this.ctx.device, o.target, size) : undefined;
    const start: Start = o.init ? 'init' : this.warmK === o.k && !o.restart ? 'warm' : 'seed';
    const layout = new FrameStatusLayout(o.k, o.maxIterations, pixels, this.ctx.timestamps, o.read);
    const queue = new CountedQueue(this.ctx.device);
    let hostMs = now() - started;
    let copied = false;
    let data: ArrayBuffer;
    try {
      data = await guarded(this.ctx, 'quantizing a frame', async () => {
        const t = now();
        const buffers = frameBuffers(this.ctx, pixels, layout);
        const { view, copied: didCopy } = readableFrame(this.ctx.device, source, () => this.inputTexture(size), size);
        copied = didCopy;
        this.writeUniforms(buffers, size, o, start);
        const encoder = this.ctx.device.createCommandEncoder({ label: 'frame' });
        this.encodeFrame(encoder, buffers, view, size, o, start, layout);
        this.encodeReadback(encoder, buffers, layout, pixels);
        if (target) encoder.copyTextureToTexture({ texture: this.output! }, { texture: target() }, [size.width, size.height]);
        queue.submit(encoder);
        this.warmK = o.k;
        hostMs += now() - t;
        return queue.read(buffers.staging, layout.bytes);
      }, o.signal);
    } catch (error) {
      this.warmK = 0;
      throw error;
    }
    const t = now();
    const status = decodeStatus(data, layout, o.k, pixels);
    hostMs += now() - t;
    return {
      width: size.width,
      height: size.height,
      k: o.k,
      palette: status.palette,
      counts: status.counts,
      iterations: status.iterations,
      converged: status.done,
      inertia: status.inertia,
      emptyClusters: status.emptyClusters,
      adapter: this.ctx.adapter,
      warm: start === 'warm',
      texture: this.output!,
      ...(status.labels ? { labels: status.labels } : {}),
      ...(status.image ? { image: status.image } : {}),
      stats: {
        submits: queue.submits,
        externalCopies: copied ? 1 : 0,
        readbacks: queue.readbacks,
        bytesRead: queue.bytesRead,
        imageBytesRead: layout.imageBytes,
        hostMs,
        gpuMs: status.gpuNs === null ? null : status.gpuNs / 1e6,
      },
    };
  }

  /** The texture a copied source lands in, and the output texture, both of the frame's size (remade when it changes). */
  private inputTexture(size: FrameSize): GPUTexture {
    this.input = this.sized(this.input, size, 'frame input', TEXTURE_BINDING | TEXTURE_COPY_DST | RENDER_ATTACHMENT);
    return this.input;
  }

  private sized(texture: GPUTexture | undefined, size: FrameSize, label: string, usage: number): GPUTexture {
    if (texture && texture.width === size.width && texture.height === size.height) return texture;
    texture?.destroy();
    return this.ctx.device.createTexture({ label, size: [size.width, size.height], format: 'rgba8unorm', usage });
  }

  /** The frame's uniforms, and the start: the given colours, or the seeding's uniform. */
  private writeUniforms(b: FrameBuffers, size: FrameSize, o: ResolvedFrameOptions, start: Start): void {
    const { queue } = this.ctx.device;
    const pixels = size.width * size.height;
    queue.writeBuffer(b.frame, 0, new Uint32Array([pixels, 0, size.width, size.height]));
    const groups = Math.ceil(pixels / PIXELS_PER_WORKGROUP);
    queue.writeBuffer(b.gate, 0, new Uint32Array([groups, 1, 1, groups]));
    const params = new ArrayBuffer(16);
    new Float32Array(params, 0, 1)[0] = o.tolerance;
    queue.writeBuffer(b.params, 0, params);
    if (start === 'init') queue.writeBuffer(b.centroids, 0, centroidWords(o.init!));
    if (start === 'seed') queue.writeBuffer(b.seeding, 0, new Uint32Array([pixels, o.seed >>> 0, 0, 0]));
  }

  /** The frame's one compute pass (timed where the adapter offers timestamp queries). */
  private encodeFrame(encoder: GPUCommandEncoder, b: FrameBuffers, view: GPUTextureView, size: FrameSize, o: ResolvedFrameOptions, start: Start, layout: FrameStatusLayout): void {
    const { ctx } = this;
    const { k } = o;
    this.output = this.sized(this.output, size, 'frame output', STORAGE_BINDING | TEXTURE_BINDING | TEXTURE_COPY_SRC);
    const workgroups = Math.ceil((size.width * size.height) / FRAME_WORKGROUP_SIZE);
    encoder.clearBuffer(b.control);
    encoder.clearBuffer(b.sums);
    const timed = layout.timestamps ? { querySet: ctx.querySet(), beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined;
    const pass = encoder.beginComputePass({ label: 'frame', ...(timed ? { timestampWrites: timed } : {}) });
    const dispatch = (pipeline: GPUComputePipeline, group: GPUBindGroup, count: number): void => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(count);
    };
    dispatch(ctx.pipeline(UNPACK_TEXTURE, {}), ctx.bind(UNPACK_TEXTURE, 'frame unpack', { source: view, pixels: b.pixels, frame: b.frame }), workgroups);
    if (start === 'seed') dispatch(ctx.pipeline(SEED, { k }), ctx.bind(SEED, 'frame seed', { pixels: b.pixels, centroids: b.centroids, seeding: b.seeding }), 1);
    const assignOn = (centroids: GPUBuffer): GPUBindGroup =>
      ctx.bind(ASSIGN, 'frame assign', { pixels: b.pixels, centroids, sums: b.sums, labels: b.labels, control: b.control, chunk: b.frame });
    const byCentroid = assignOn(b.centroids);
    const reduce = ctx.bind(REDUCE, 'frame reduce', { sums: b.sums, centroids: b.centroids, counts: b.counts, control: b.control, history: b.history, params: b.params });
    const assignPipeline = ctx.pipeline(ASSIGN, { k, accumulate: true });
    const reducePipeline = ctx.pipeline(REDUCE, { k });
    const assignGroups = Math.ceil((size.width * size.height) / PIXELS_PER_WORKGROUP);
    // Each iteration's assignment is dispatched indirectly, gated: after convergence it launches nothing.
    const gatePipeline = ctx.pipeline(FRAME_GATE, {});
    const gate = ctx.bind(FRAME_GATE, 'frame gate', { control: b.control, args: b.gate });
    for (let t = 0; t < o.maxIterations; t++) {
      if (t > 0) dispatch(gatePipeline, gate, 1);
      pass.setPipeline(assignPipeline);
      pass.setBindGroup(0, byCentroid);
      pass.dispatchWorkgroupsIndirect(b.gate, 0);
      dispatch(reducePipeline, reduce, 1);
    }
    dispatch(ctx.pipeline(PALETTE, { k }), ctx.bind(PALETTE, 'frame palette', { centroids: b.centroids, points: b.points, palette: b.palette }), 1);
    dispatch(ctx.pipeline(ASSIGN, { k, accumulate: false }), assignOn(b.points), assignGroups);
    const paint = ctx.bind(PAINT_TEXTURE, 'frame paint', { labels: b.labels, palette: b.palette, pixels: b.pixels, output: this.output.createView(), frame: b.frame });
    dispatch(ctx.pipeline(PAINT_TEXTURE, {}), paint, workgroups);
    if (o.read.has('image')) dispatch(ctx.pipeline(RENDER, {}), ctx.bind(RENDER, 'frame image', { pixels: b.pixels, labels: b.labels, palette: b.palette, chunk: b.frame }), assignGroups);
    pass.end();
  }

  /** Copies the frame's status (and what was asked for) into the staging buffer. */
  private encodeReadback(encoder: GPUCommandEncoder, b: FrameBuffers, layout: FrameStatusLayout, pixels: number): void {
    const copy = (from: GPUBuffer, region: { offset: number; size: number }): void => encoder.copyBufferToBuffer(from, 0, b.staging, region.offset, region.size);
    copy(b.control, layout.control);
    if (layout.timestamps && b.timestamps) {
      encoder.resolveQuerySet(this.ctx.querySet(), 0, 2, b.timestamps, 0);
      copy(b.timestamps, layout.timestamps);
    }
    copy(b.history, layout.history);
    copy(b.counts, layout.counts);
    copy(b.palette, layout.palette);
    if (layout.labels) copy(b.labels, layout.labels);
    if (layout.image) copy(b.pixels, { offset: layout.image.offset, size: pixels * 4 });
  }

  /** Frees the pipeline's textures (its buffers are the context's pool). */
  destroy(): void {
    this.destroyed = true;
    this.input?.destroy();
    this.output?.destroy();
    this.input = undefined;
    this.output = undefined;
  }
}
