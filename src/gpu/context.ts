/**
 * The GPU side of one quantizer: adapter, device, pipelines and pooled buffers. It owns what it creates
 * and `destroy()` frees exactly that (never a device the caller handed in).
 */
import assignSource from '../../shaders/assign.wgsl?raw';
import assignColoursSource from '../../shaders/assign-colours.wgsl?raw';
import countColoursSource from '../../shaders/count-colours.wgsl?raw';
import gatherColoursSource from '../../shaders/gather-colours.wgsl?raw';
import nearestCentroidSource from '../../shaders/nearest-centroid.wgsl?raw';
import reduceSource from '../../shaders/reduce.wgsl?raw';
import renderSource from '../../shaders/render.wgsl?raw';
import { GpuRunError } from '../errors.js';
import type { AdapterDescription } from '../result.js';
import {
  assignColoursOverrides,
  assignOverrides,
  countOverrides,
  gatherOverrides,
  MAX_WORKGROUPS_PER_DISPATCH,
  PIXELS_PER_WORKGROUP,
  reduceOverrides,
  renderOverrides,
} from './constants.js';

/**
 * The bindings of each kernel in shaders/, in binding order. A test reads the WGSL and checks that each
 * `@binding(n) var<...>` declaration matches its entry here.
 */
export const ASSIGN_BINDINGS: ReadonlyArray<readonly [number, GPUBufferBindingType]> = [
  [0, 'read-only-storage'], // pixels
  [1, 'read-only-storage'], // centroids
  [2, 'storage'], // sums
  [3, 'storage'], // labels
  [4, 'read-only-storage'], // control
  [5, 'uniform'], // chunk
];
export const COUNT_COLOURS_BINDINGS: ReadonlyArray<readonly [number, GPUBufferBindingType]> = [
  [0, 'read-only-storage'], // pixels
  [1, 'storage'], // table
  [2, 'storage'], // colours
  [3, 'storage'], // info
  [4, 'uniform'], // chunk
];
export const GATHER_COLOURS_BINDINGS: ReadonlyArray<readonly [number, GPUBufferBindingType]> = [
  [0, 'storage'], // table
  [1, 'read-only-storage'], // colours
  [2, 'storage'], // weights
  [3, 'storage'], // info
];
export const ASSIGN_COLOURS_BINDINGS: ReadonlyArray<readonly [number, GPUBufferBindingType]> = [
  [0, 'read-only-storage'], // colours
  [1, 'read-only-storage'], // weights
  [2, 'read-only-storage'], // centroids
  [3, 'storage'], // sums
  [4, 'read-only-storage'], // control
  [5, 'read-only-storage'], // info
];
export const REDUCE_BINDINGS: ReadonlyArray<readonly [number, GPUBufferBindingType]> = [
  [0, 'storage'], // sums
  [1, 'storage'], // centroids
  [2, 'storage'], // counts
  [3, 'storage'], // control
  [4, 'storage'], // history
  [5, 'uniform'], // params
];
export const RENDER_BINDINGS: ReadonlyArray<readonly [number, GPUBufferBindingType]> = [
  [0, 'storage'], // pixels (overwritten by the output image)
  [1, 'read-only-storage'], // labels
  [2, 'read-only-storage'], // palette
  [3, 'uniform'], // chunk
];

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

/** The kernels in shaders/, one file each, with their bindings and override constants. */
const KERNELS = {
  assign: { source: `${nearestCentroidSource}\n${assignSource}`, bindings: ASSIGN_BINDINGS },
  assignColours: { source: `${nearestCentroidSource}\n${assignColoursSource}`, bindings: ASSIGN_COLOURS_BINDINGS },
  countColours: { source: countColoursSource, bindings: COUNT_COLOURS_BINDINGS },
  gatherColours: { source: gatherColoursSource, bindings: GATHER_COLOURS_BINDINGS },
  reduce: { source: reduceSource, bindings: REDUCE_BINDINGS },
  render: { source: renderSource, bindings: RENDER_BINDINGS },
} as const;
export type KernelName = keyof typeof KERNELS;

/** A kernel's module and layouts, made when the kernel is first used. */
interface Kernel {
  module: GPUShaderModule;
  layout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
}

export class GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  /** Pixels one dispatch handles at most (a multiple of PIXELS_PER_WORKGROUP). */
  readonly chunkPixels: number;
  private readonly ownsDevice: boolean;
  private readonly kernels = new Map<KernelName, Kernel>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly buffers = new Map<string, GPUBuffer>();
  private lostInfo: GPUDeviceLostInfo | undefined;
  /**
   * Whether the pooled colour table is all zeros (each histogram build clears what it counted, once it
   * finishes; a build that did not is cleared by the next).
   */
  colourTableClean = true;
  private queries: GPUQuerySet | undefined;
  private destroyed = false;

  private constructor(device: GPUDevice, adapter: AdapterDescription, ownsDevice: boolean, maxChunkPixels: number | undefined) {
    this.device = device;
    this.adapter = adapter;
    this.ownsDevice = ownsDevice;
    const bindingPixels = Math.floor(device.limits.maxStorageBufferBindingSize / 4);
    let chunk = Math.min(bindingPixels, MAX_WORKGROUPS_PER_DISPATCH * PIXELS_PER_WORKGROUP, maxChunkPixels ?? Infinity);
    chunk -= chunk % PIXELS_PER_WORKGROUP;
    this.chunkPixels = chunk;
    void device.lost.then((info) => {
      this.lostInfo = info;
    });
    // The Lloyd kernels every run needs: compiled now.
    this.kernel('assign');
    this.kernel('reduce');
  }

  private kernel(name: KernelName): Kernel {
    let kernel = this.kernels.get(name);
    if (!kernel) {
      const { source, bindings } = KERNELS[name];
      const module = this.device.createShaderModule({ label: `kmeans ${name}`, code: source });
      const layout = this.device.createBindGroupLayout({
        label: `${name} layout`,
        entries: bindings.map(([binding, type]) => ({
          binding,
          visibility: 4, // GPUShaderStage.COMPUTE (a number, so that no WebGPU globals are needed)
          buffer: { type },
        })),
      });
      kernel = { module, layout, pipelineLayout: this.device.createPipelineLayout({ label: `${name} pipeline layout`, bindGroupLayouts: [layout] }) };
      this.kernels.set(name, kernel);
    }
    return kernel;
  }

  /** The bind-group layout of a kernel, written once here and mirrored by its WGSL @binding declarations. */
  layout(name: KernelName): GPUBindGroupLayout {
    return this.kernel(name).layout;
  }

  /** Requests adapter and device; resolves to the reason instead when WebGPU can't be had. */
  static async create(options: GpuContextOptions): Promise<GpuContext | GpuUnavailable> {
    if (options.device) {
      return new GpuContext(options.device, describe(undefined, options.device), false, options.maxChunkPixels);
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
      return new GpuContext(device, description, true, options.maxChunkPixels);
    } catch (error) {
      return { reason: `requestDevice() failed: ${(error as Error).message}`, adapter: description };
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

  assignPipeline(k: number, accumulate: boolean): GPUComputePipeline {
    return this.pipeline('assign', `${k}:${accumulate}`, assignOverrides(k, accumulate));
  }

  assignColoursPipeline(k: number): GPUComputePipeline {
    return this.pipeline('assignColours', `${k}`, assignColoursOverrides(k));
  }

  countColoursPipeline(): GPUComputePipeline {
    return this.pipeline('countColours', '', countOverrides());
  }

  gatherColoursPipeline(): GPUComputePipeline {
    return this.pipeline('gatherColours', '', gatherOverrides());
  }

  renderPipeline(): GPUComputePipeline {
    return this.pipeline('render', '', renderOverrides());
  }

  reducePipeline(k: number): GPUComputePipeline {
    return this.pipeline('reduce', `${k}`, reduceOverrides(k));
  }

  private pipeline(name: KernelName, variant: string, constants: Record<string, number>): GPUComputePipeline {
    const key = `${name}:${variant}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const { module, pipelineLayout } = this.kernel(name);
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
