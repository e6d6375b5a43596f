/**
 * The GPU side of one quantizer: adapter, device, the kernels (compiled from their records in kernels.ts)
 * and their pipelines, bind groups by binding name, and pooled buffers (the colour histogram's table among
 * them). It owns what it creates and `destroy()` frees exactly that (never a device the caller handed in).
 */
import { abortError, GpuRunError } from '../errors.js';
import type { AdapterDescription } from '../result.js';
import { MAX_WORKGROUPS_PER_DISPATCH, PIXELS_PER_WORKGROUP } from './constants.js';
import { ColourTable } from './histogram.js';
import { ASSIGN, bindingEntries, REDUCE, type BindingBuffers, type Bindings, type BindingType, type Kernel } from './kernels.js';

export { GpuRunError } from '../errors.js';

export interface GpuContextOptions {
  gpu: GPU | undefined;
  device: GPUDevice | undefined;
  maxChunkPixels: number | undefined;
}

/** Why no GPU context could be made, for `fallbackReason` and `GpuUnavailableError`. */
export interface GpuUnavailable {
  reason: string;
  adapter?: AdapterDescription;
  /**
   * A device was there but is lost (the caller's, or one requestDevice() returned already lost): the CPU
   * runs the call even under `backend: 'webgpu'`, as when a device is lost mid-run.
   */
  lost?: boolean;
  /** The quantizer's own device could not be had this time: the next call requests another. */
  retry?: boolean;
}

/** How a lost device's loss reads in a reason. */
function lossText(info: GPUDeviceLostInfo): string {
  return `${info.reason}: ${info.message || 'no message'}`;
}

/** Resolves when the queue's work submitted so far is done (never rejects, also on a device that lacks the call). */
function queueDone(device: GPUDevice): Promise<void> {
  try {
    return device.queue.onSubmittedWorkDone().catch(() => undefined);
  } catch {
    return Promise.resolve();
  }
}

/**
 * The device's loss, if it is lost: a device destroyed just now reports its loss a few milliseconds
 * later, before the queue reports its work done, so this waits for the queue (at once when it is idle).
 */
async function lossOf(device: GPUDevice): Promise<GPUDeviceLostInfo | undefined> {
  let info: GPUDeviceLostInfo | undefined;
  const lost = device.lost.then((i) => {
    info = i;
  });
  await Promise.race([lost, queueDone(device)]);
  return info;
}

/** Why the CPU runs a call when the device the caller gave is lost. */
export function givenDeviceLost(info: GPUDeviceLostInfo, adapter: AdapterDescription | undefined): GpuUnavailable {
  return {
    reason: `the GPU device given to createQuantizer() was lost before this call (${lossText(info)}); it is not used again, so the CPU ran it`,
    adapter,
    lost: true,
  };
}

function describe(adapter: GPUAdapter | undefined, device: GPUDevice | undefined): AdapterDescription {
  const info = (adapter?.info ?? (device as GPUDevice & { adapterInfo?: GPUAdapterInfo } | undefined)?.adapterInfo) as
    | (GPUAdapterInfo & { isFallbackAdapter?: boolean })
    | undefined;
  const architecture = info?.architecture ?? '';
  const legacyFallback = (adapter as (GPUAdapter & { isFallbackAdapter?: boolean }) | undefined)?.isFallbackAdapter;
  return {
    vendor: info?.vendor ?? '',
    architecture,
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacyFallback) || /swiftshader|llvmpipe|lavapipe/i.test(architecture),
  };
}

/** The layout entry of one binding type: a buffer, a float texture, or a write-only rgba8unorm storage texture. */
function layoutOf(type: BindingType): Partial<GPUBindGroupLayoutEntry> {
  if (type === 'texture') return { texture: { sampleType: 'float', viewDimension: '2d' } };
  if (type === 'storage-texture') return { storageTexture: { access: 'write-only', format: 'rgba8unorm', viewDimension: '2d' } };
  return { buffer: { type } };
}

/** A kernel's module and layouts, made when the kernel is first used. */
interface Compiled {
  module: GPUShaderModule;
  layout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
}

export class GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  /** Pixels one dispatch handles at most (a multiple of PIXELS_PER_WORKGROUP). */
  readonly chunkPixels: number;
  /** Whether this context requested its device (and destroys it); false for the caller's. */
  readonly ownsDevice: boolean;
  private readonly compiled = new Map<Kernel<Bindings, never>, Compiled>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly buffers = new Map<string, GPUBuffer>();
  private lostInfo: GPUDeviceLostInfo | undefined;
  /** The pooled colour table of the GPU colour histogram, and whether it is all zeros. */
  readonly colourTable: ColourTable;
  private queries: GPUQuerySet | undefined;
  private destroyed = false;
  /** The last guarded step, settled: a step abandoned by a cancellation finishes before the next one starts. */
  private inflight: Promise<void> = Promise.resolve();

  private constructor(device: GPUDevice, adapter: AdapterDescription, ownsDevice: boolean, maxChunkPixels: number | undefined) {
    this.device = device;
    this.adapter = adapter;
    this.ownsDevice = ownsDevice;
    const bindingPixels = Math.floor(device.limits.maxStorageBufferBindingSize / 4);
    let chunk = Math.min(bindingPixels, MAX_WORKGROUPS_PER_DISPATCH * PIXELS_PER_WORKGROUP, maxChunkPixels ?? Infinity);
    chunk -= chunk % PIXELS_PER_WORKGROUP;
    this.chunkPixels = chunk;
    this.colourTable = new ColourTable(this);
    void device.lost.then((info) => {
      this.lostInfo = info;
    });
    // The Lloyd kernels every run needs: compiled now.
    this.compile(ASSIGN);
    this.compile(REDUCE);
  }

  private compile(kernel: Kernel<Bindings, never>): Compiled {
    let compiled = this.compiled.get(kernel);
    if (!compiled) {
      const { name, source, bindings } = kernel;
      const module = this.device.createShaderModule({ label: `kmeans ${name}`, code: source });
      const layout = this.device.createBindGroupLayout({
        label: `${name} layout`,
        entries: Object.values(bindings).map((type, binding) => ({
          binding,
          visibility: 4, // GPUShaderStage.COMPUTE (a number, so that no WebGPU globals are needed)
          ...layoutOf(type),
        })),
      });
      compiled = { module, layout, pipelineLayout: this.device.createPipelineLayout({ label: `${name} pipeline layout`, bindGroupLayouts: [layout] }) };
      this.compiled.set(kernel, compiled);
    }
    return compiled;
  }

  /**
   * A bind group of `kernel` (its layout made from the kernel's record) from buffers given by binding
   * name; throws when one is missing or a name is not the kernel's.
   */
  bind<B extends Bindings>(kernel: Kernel<B, never>, label: string, buffers: BindingBuffers<B>): GPUBindGroup {
    return this.device.createBindGroup({ label, layout: this.compile(kernel).layout, entries: bindingEntries(kernel, buffers) });
  }

  /** Requests adapter and device; resolves to the reason instead when WebGPU can't be had. */
  static async create(options: GpuContextOptions): Promise<GpuContext | GpuUnavailable> {
    if (options.device) {
      const adapter = describe(undefined, options.device);
      const loss = await lossOf(options.device);
      if (loss) return givenDeviceLost(loss, adapter);
      return new GpuContext(options.device, adapter, false, options.maxChunkPixels);
    }
    const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) return { reason: 'WebGPU is not available here (no navigator.gpu)' };
    let adapter: GPUAdapter | null;
    try {
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch (error) {
      return { reason: `requestAdapter() failed: ${(error as Error).message}` };
    }
    if (!adapter) return { reason: 'no WebGPU adapter was found' };
    const description = describe(adapter, undefined);
    try {
      // Timestamp queries, where offered, time the GPU passes (reported in the result's gpu stats).
      const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
      const device = await adapter.requestDevice({
        label: 'kmeans-quantizer',
        requiredFeatures,
        requiredLimits: {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
        },
      });
      const loss = await lossOf(device);
      if (loss) {
        device.destroy();
        return { reason: `requestDevice() returned a device that was already lost (${lossText(loss)})`, adapter: description, lost: true, retry: true };
      }
      return new GpuContext(device, description, true, options.maxChunkPixels);
    } catch (error) {
      return { reason: `requestDevice() failed: ${(error as Error).message}`, adapter: description, retry: true };
    }
  }

  /** Whether passes can be timed with timestamp queries. */
  get timestamps(): boolean {
    return this.device.features.has('timestamp-query');
  }

  /** A pooled query set of two timestamps (pass begin, pass end). */
  querySet(): GPUQuerySet {
    this.queries ??= this.device.createQuerySet({ label: 'pass timestamps', type: 'timestamp', count: 2 });
    return this.queries;
  }

  /** Throws GpuRunError once the device is lost. */
  checkAlive(): void {
    if (this.lostInfo) throw new GpuRunError(`the GPU device was lost (${this.lostInfo.reason}): ${this.lostInfo.message}`);
    if (this.destroyed) throw new GpuRunError('the quantizer was destroyed');
  }

  get lost(): boolean {
    return this.lostInfo !== undefined;
  }

  /** Why the CPU runs from now on when this context's device (the caller's) is found lost. */
  lostReason(): GpuUnavailable {
    return givenDeviceLost(this.lostInfo ?? { reason: 'unknown', message: '' } as GPUDeviceLostInfo, this.adapter);
  }

  /**
   * Whether the device can be used for a call: not destroyed, and not lost (a loss reported late is
   * waited for, see lossOf). Waits for a step abandoned by a cancellation to finish first.
   */
  async usable(): Promise<boolean> {
    await this.inflight;
    // The loss, when there is one, is reported before the queue's work is (see lossOf); no race here, so
    // that no reaction piles up on the device's lost promise call after call.
    if (!this.destroyed && !this.lostInfo) await queueDone(this.device);
    return !this.destroyed && !this.lostInfo;
  }

  /** Resolves once a loss of the device, if there is one, has been reported (checkAlive() then throws). */
  async lossReported(): Promise<void> {
    if (!this.lostInfo) await queueDone(this.device);
  }

  /** Resolves once the last guarded step has finished (a cancelled call may have left one running). */
  settled(): Promise<void> {
    return this.inflight;
  }

  /**
   * `step` (a guarded step already under way), abandoned when `signal` fires: the call rejects with an
   * AbortError at once, and the next step waits for this one to finish (see settled()).
   */
  abandonable<T>(step: Promise<T>, signal: AbortSignal): Promise<T> {
    this.inflight = step.then(
      () => undefined,
      () => undefined,
    );
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      void step.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** The pipeline of `kernel` for `run` (its override constants), made once per variant. */
  pipeline<Run>(kernel: Kernel<Bindings, Run>, run: Run): GPUComputePipeline {
    const key = `${kernel.name}:${kernel.variant(run)}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const { module, pipelineLayout } = this.compile(kernel as Kernel<Bindings, never>);
      const constants = kernel.overrides(run);
      pipeline = this.device.createComputePipeline({ label: key, layout: pipelineLayout, compute: { module, entryPoint: 'main', constants } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /**
   * A pooled buffer: the same key returns the same buffer while its size and usage fit, so that a
   * quantizer re-running on same-size frames allocates nothing.
   */
  buffer(key: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    // Nothing is made after destroy(): it could not be freed.
    this.checkAlive();
    const existing = this.buffers.get(key);
    if (existing && existing.size === size && existing.usage === usage) return existing;
    existing?.destroy();
    const buffer = this.device.createBuffer({ label: key, size, usage });
    this.buffers.set(key, buffer);
    return buffer;
  }

  /** Frees every buffer, and the device when this context requested it. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const buffer of this.buffers.values()) buffer.destroy();
    this.buffers.clear();
    this.queries?.destroy();
    this.queries = undefined;
    this.pipelines.clear();
    if (this.ownsDevice) this.device.destroy();
  }
}
