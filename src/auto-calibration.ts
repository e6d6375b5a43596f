/**
 * How `backend: 'auto'` decides on a hardware adapter: by timing both paths. Calls are grouped in
 * buckets (the operation, the image's size class, the k class); in each bucket the first calls run on
 * WebGPU (two: the first also compiles pipelines), the next one on the CPU, and from then on the bucket
 * keeps the faster path by the fastest call each path took. One quantizer keeps its own measurements.
 */
import type { AutoChoice } from './result.js';

/** What a timed call did: the bucket's operation. */
export type CalibratedCall = 'fit' | 'quantize' | 'apply';

/** The paths `auto` times. */
export type CalibratedPath = 'webgpu' | 'cpu';

/** WebGPU calls timed per bucket before deciding (the first pays for pipeline compiles and the like). */
export const GPU_CALLS_TIMED = 2;
/** CPU calls timed per bucket before deciding. */
export const CPU_CALLS_TIMED = 1;

/** The size classes: 4^n pixels and up (n >= 8; smaller images never reach the calibration). */
function sizeClass(pixels: number): { index: number; label: string } {
  const index = Math.max(0, Math.floor(Math.log2(Math.max(1, pixels)) / 2));
  const mp = (n: number): string => {
    const v = 4 ** n / 1e6;
    return v >= 1 ? String(Math.round(v)) : v.toFixed(2);
  };
  return { index, label: `${mp(index)}-${mp(index + 1)} MP` };
}

/** The k classes: up to 16, 17-64, 65-256 (a bucket's calls cost alike within one). */
function kClass(k: number): string {
  if (k <= 16) return 'k <= 16';
  if (k <= 64) return 'k 17-64';
  return 'k 65-256';
}

/** The bucket of a call, as a key and as words. */
export function bucketOf(call: CalibratedCall, pixels: number, k: number): { key: string; label: string } {
  const size = sizeClass(pixels);
  const ks = kClass(k);
  return { key: `${call}:${size.index}:${ks}`, label: `${call}, ${size.label}, ${ks}` };
}

interface Timings {
  webgpu: number[];
  cpu: number[];
}

const fastest = (ms: number[]): number | undefined => (ms.length ? Math.min(...ms) : undefined);
const shown = (ms: number): string => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

/** Where one call under `auto` runs and why, and the key its time is recorded under. */
export interface AutoDecision {
  path: CalibratedPath;
  key: string;
  choice: AutoChoice;
}

/** One quantizer's timings per bucket, and the decisions read off them. */
export class AutoCalibration {
  private readonly buckets = new Map<string, Timings>();

  /** Where the next call of this bucket runs: timing calls first, then the faster path. */
  decide(call: CalibratedCall, pixels: number, k: number): AutoDecision {
    const { key, label } = bucketOf(call, pixels, k);
    const t = this.buckets.get(key) ?? { webgpu: [], cpu: [] };
    const gpuMs = fastest(t.webgpu);
    const cpuMs = fastest(t.cpu);
    const times = { ...(gpuMs !== undefined ? { gpuMs } : {}), ...(cpuMs !== undefined ? { cpuMs } : {}) };
    const total = GPU_CALLS_TIMED + CPU_CALLS_TIMED;
    if (t.webgpu.length < GPU_CALLS_TIMED || t.cpu.length < CPU_CALLS_TIMED) {
      const path: CalibratedPath = t.webgpu.length < GPU_CALLS_TIMED ? 'webgpu' : 'cpu';
      const n = t.webgpu.length + t.cpu.length + 1;
      const reason = `auto is timing both paths on ${label} (call ${n} of ${total}, on ${path === 'webgpu' ? 'WebGPU' : 'the CPU'})`;
      return { path, key, choice: { bucket: label, stage: 'measuring', ...times, reason } };
    }
    const path: CalibratedPath = gpuMs! <= cpuMs! ? 'webgpu' : 'cpu';
    const reason = path === 'webgpu'
      ? `WebGPU was faster on ${label}: ${shown(gpuMs!)} against the CPU's ${shown(cpuMs!)}`
      : `the CPU was faster on ${label}: ${shown(cpuMs!)} against WebGPU's ${shown(gpuMs!)}`;
    return { path, key, choice: { bucket: label, stage: 'measured', ...times, reason } };
  }

  /** Records how long a call of the bucket `key` took on `path` (only while that bucket is timing it). */
  record(key: string, path: CalibratedPath, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    const t = this.buckets.get(key) ?? { webgpu: [], cpu: [] };
    const limit = path === 'webgpu' ? GPU_CALLS_TIMED : CPU_CALLS_TIMED;
    if (t[path].length < limit) t[path].push(ms);
    this.buckets.set(key, t);
  }
}
