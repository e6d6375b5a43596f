/**
 * Choosing the backend of one call: WebGPU or the CPU, and why. `auto` takes the CPU on a software
 * adapter and for small images; otherwise, given the quantizer's calibration, it times both paths on the
 * first calls of each kind and size and keeps the faster (src/auto-calibration.ts).
 */
import type { AutoCalibration, AutoDecision, CalibratedCall } from './auto-calibration.js';
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
  /** Under `auto` with a calibration: the decision, and the key to record this call's time under. */
  auto?: AutoDecision;
}

/** What `auto` needs to choose by measurement: the quantizer's timings, and what this call is. */
export interface CalibratedCallInfo {
  calibration: AutoCalibration;
  call: CalibratedCall;
  k: number;
}

/**
 * Picks the backend for `pixels` pixels. `context()` gets the quantizer's GPU context (made on first use).
 * Under `auto`, a hardware adapter and a large image: WebGPU, or with `calibrated` what its timings say.
 * Throws GpuUnavailableError when `backend: 'webgpu'` is asked for and WebGPU can't be had (no adapter,
 * requestDevice() failing); a device found lost (the caller's, or one returned lost) means the CPU instead.
 */
export async function chooseBackend(
  backend: Backend,
  pixels: number,
  context: () => Promise<GpuContext | GpuUnavailable>,
  calibrated?: CalibratedCallInfo,
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
  if (!calibrated) return choice();
  const auto = calibrated.calibration.decide(calibrated.call, pixels, calibrated.k);
  return { ...choice(auto.path === 'cpu' ? auto.choice.reason : undefined), auto };
}
