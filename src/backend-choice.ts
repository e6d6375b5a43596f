/**
 * Choosing the backend of one call: WebGPU or the CPU, and why. `auto` takes the GPU only where it is
 * likely to be faster: a hardware adapter and an image large enough to pay for the round trip.
 */
import { GpuUnavailableError } from './errors.js';
import { GpuContext, type GpuUnavailable } from './gpu/context.js';
import type { Backend } from './options.js';
import type { AdapterDescription } from './result.js';

/** Under `auto`, images smaller than this stay on the CPU: a GPU round trip costs more than it saves. */
export const AUTO_GPU_MIN_PIXELS = 1 << 16;

/** The backend chosen for one call. */
export interface BackendChoice {
  /** The GPU context to run on; undefined: the CPU. */
  gpu: GpuContext | undefined;
  /** Why the CPU runs although WebGPU was considered. */
  fallbackReason: string | undefined;
  /** The adapter, when one was found. */
  adapter: AdapterDescription | undefined;
}

/**
 * Picks the backend for `pixels` pixels. `context()` gets the quantizer's GPU context (made on first use).
 * Throws GpuUnavailableError when `backend: 'webgpu'` is asked for and WebGPU can't be had (no adapter,
 * requestDevice() failing); a device found lost (the caller's, or one returned lost) means the CPU instead.
 */
export async function chooseBackend(
  backend: Backend,
  pixels: number,
  context: () => Promise<GpuContext | GpuUnavailable>,
): Promise<BackendChoice> {
  if (backend === 'cpu') return { gpu: undefined, fallbackReason: undefined, adapter: undefined };
  const got = await context();
  if (!(got instanceof GpuContext)) {
    // A device that was there and is lost falls back like a loss mid-run: the caller's work is not lost.
    if (backend === 'webgpu' && !got.lost) throw new GpuUnavailableError(`backend "webgpu" was asked for, but ${got.reason}`);
    return { gpu: undefined, fallbackReason: got.reason, adapter: got.adapter };
  }
  const choice = (fallbackReason?: string): BackendChoice => ({ gpu: fallbackReason ? undefined : got, fallbackReason, adapter: got.adapter });
  if (backend === 'webgpu') return choice();
  if (got.adapter.isFallbackAdapter) {
    return choice(`the WebGPU adapter is a software fallback (${got.adapter.architecture || 'unknown'}); the CPU path is faster`);
  }
  if (pixels < AUTO_GPU_MIN_PIXELS) return choice(`the image is small (${pixels} pixels < ${AUTO_GPU_MIN_PIXELS}); the CPU path is faster`);
  return choice();
}
