/**
 * `backend: 'auto'` chooses by measurement: the calibration's decisions from injected timings, the
 * backend choice around it (software adapters and small images still go to the CPU, a forced backend is
 * never second-guessed), and, in Chromium, a quantizer timing its first calls on both paths and then
 * keeping the one its own timings say is faster (an adapter that calls itself hardware, over SwiftShader).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AutoCalibration, bucketOf, CPU_CALLS_TIMED, GPU_CALLS_TIMED } from '../src/auto-calibration.js';
import { AUTO_GPU_MIN_PIXELS, chooseBackend } from '../src/backend-choice.js';
import { GpuContext } from '../src/gpu/context.js';
import type { AdapterDescription } from '../src/result.js';
import { useGpuPage } from './browser/harness.js';

const HD = 1920 * 1080;

/** Feeds `timings` (path, ms) to a calibration in the order it asks for them; returns it and its decisions. */
function calibrate(timings: Record<'webgpu' | 'cpu', number[]>, pixels = HD, k = 64) {
  const calibration = new AutoCalibration();
  const next = { webgpu: 0, cpu: 0 };
  const decisions = [];
  for (let i = 0; i < GPU_CALLS_TIMED + CPU_CALLS_TIMED; i++) {
    const d = calibration.decide('quantize', pixels, k);
    decisions.push(d);
    calibration.record(d.key, d.path, timings[d.path][next[d.path]++]!);
  }
  return { calibration, decisions, final: calibration.decide('quantize', pixels, k) };
}

describe('auto calibration', () => {
  it('times WebGPU twice and the CPU once, then keeps WebGPU when its fastest call was faster', () => {
    const { decisions, final } = calibrate({ webgpu: [50, 20], cpu: [80] });
    expect(decisions.map((d) => [d.path, d.choice.stage])).toEqual([['webgpu', 'measuring'], ['webgpu', 'measuring'], ['cpu', 'measuring']]);
    expect(decisions[2]!.choice.reason).toBe('auto is timing both paths on quantize, 1-4 MP, k 17-64 (call 3 of 3, on the CPU)');
    expect(final.path).toBe('webgpu');
    expect(final.choice).toEqual({
      bucket: 'quantize, 1-4 MP, k 17-64', stage: 'measured', gpuMs: 20, cpuMs: 80,
      reason: 'WebGPU was faster on quantize, 1-4 MP, k 17-64: 20 ms against the CPU\'s 80 ms',
    });
  });

  it('keeps the CPU when it was faster, and says so with both times', () => {
    const { final } = calibrate({ webgpu: [300, 95.4], cpu: [7.25] }, 8_294_400, 16);
    expect(final.path).toBe('cpu');
    expect(final.choice.reason).toBe('the CPU was faster on quantize, 4-17 MP, k <= 16: 7.3 ms against WebGPU\'s 95 ms');
  });

  it('decides each bucket (operation, size class, k class) on its own timings', () => {
    const { calibration } = calibrate({ webgpu: [10, 10], cpu: [100] });
    expect(calibration.decide('quantize', 2048 * 1536, 40).choice.stage).toBe('measured'); // same bucket as 1920x1080, k 64
    expect(calibration.decide('quantize', 3840 * 2160, 64).choice.stage).toBe('measuring');
    expect(calibration.decide('quantize', HD, 16).choice.stage).toBe('measuring');
    expect(calibration.decide('quantize', HD, 65).choice.stage).toBe('measuring');
    expect(calibration.decide('fit', HD, 64).choice.stage).toBe('measuring');
    expect(calibration.decide('apply', HD, 64).choice.stage).toBe('measuring');
    expect(bucketOf('apply', AUTO_GPU_MIN_PIXELS, 256).label).toBe('apply, 0.07-0.26 MP, k 65-256');
  });

  it('ignores times past what it asked for, and times that are no durations', () => {
    const calibration = new AutoCalibration();
    const { key } = calibration.decide('fit', HD, 8);
    calibration.record(key, 'webgpu', Number.NaN);
    calibration.record(key, 'webgpu', -1);
    expect(calibration.decide('fit', HD, 8).choice.reason).toContain('call 1 of 3');
    for (const ms of [40, 30, 1]) calibration.record(key, 'webgpu', ms); // the third is past the two it times
    calibration.record(key, 'cpu', 35);
    expect(calibration.decide('fit', HD, 8).choice).toMatchObject({ stage: 'measured', gpuMs: 30, cpuMs: 35 });
  });
});

/** A GPU context that is one only to `instanceof`: chooseBackend reads its adapter, nothing else. */
function standIn(adapter: Partial<AdapterDescription>): () => Promise<GpuContext> {
  const context = Object.create(GpuContext.prototype) as GpuContext;
  Object.defineProperty(context, 'adapter', { value: { vendor: 'v', architecture: 'a', device: '', description: '', isFallbackAdapter: false, ...adapter } });
  return async () => context;
}

describe('chooseBackend with a calibration', () => {
  const hardware = standIn({});

  it('runs where the calibration says on a hardware adapter, with the decision in the choice', async () => {
    const calibration = new AutoCalibration();
    const first = await chooseBackend('auto', HD, hardware, { calibration, call: 'quantize', k: 64 });
    expect(first.gpu).toBeDefined();
    expect(first.fallbackReason).toBeUndefined();
    expect(first.auto?.choice.stage).toBe('measuring');
    for (const [path, ms] of [['webgpu', 90], ['webgpu', 60], ['cpu', 15]] as const) calibration.record(first.auto!.key, path, ms);
    const decided = await chooseBackend('auto', HD, hardware, { calibration, call: 'quantize', k: 64 });
    expect(decided.gpu).toBeUndefined();
    expect(decided.fallbackReason).toBe(decided.auto!.choice.reason);
    expect(decided.fallbackReason).toContain('the CPU was faster');
  });

  it('sends a software adapter and a small image to the CPU without asking the calibration', async () => {
    const calibration = new AutoCalibration();
    const software = await chooseBackend('auto', HD, standIn({ isFallbackAdapter: true, architecture: 'swiftshader' }), { calibration, call: 'fit', k: 16 });
    expect(software.gpu).toBeUndefined();
    expect(software.fallbackReason).toContain('software fallback');
    expect(software.auto).toBeUndefined();
    const small = await chooseBackend('auto', AUTO_GPU_MIN_PIXELS - 1, hardware, { calibration, call: 'fit', k: 16 });
    expect(small.fallbackReason).toContain('the image is small');
    expect(small.auto).toBeUndefined();
    expect(calibration.decide('fit', HD, 16).choice.reason).toContain('call 1 of 3');
  });

  it('never second-guesses a forced backend', async () => {
    const calibration = new AutoCalibration();
    const forced = await chooseBackend('webgpu', HD, hardware, { calibration, call: 'quantize', k: 64 });
    expect(forced.gpu).toBeDefined();
    expect(forced.auto).toBeUndefined();
    expect((await chooseBackend('cpu', HD, hardware, { calibration, call: 'quantize', k: 64 })).auto).toBeUndefined();
  });
});

const page = useGpuPage();

/**
 * Defines `calledHardware(onDevice)` in the page: a `gpu` whose adapter is SwiftShader under a hardware
 * adapter's name (so that `auto` calibrates instead of choosing the CPU); `onDevice` sees each device made.
 */
const CALLED_HARDWARE = `window.calledHardware = (onDevice = (device) => device) => ({
  requestAdapter: async () => {
    const real = await navigator.gpu.requestAdapter();
    return {
      info: { vendor: 'test', architecture: 'test-gpu', device: '', description: 'SwiftShader, called hardware', isFallbackAdapter: false },
      features: real.features,
      limits: real.limits,
      requestDevice: async (descriptor) => onDevice(await real.requestDevice(descriptor)),
    };
  },
  getPreferredCanvasFormat: () => navigator.gpu.getPreferredCanvasFormat(),
});`;

describe('auto by measurement in Chromium', () => {
  beforeAll(async () => {
    if (page.gpu) await page.session!.page.evaluate(CALLED_HARDWARE);
  });

  it('times the first calls on both paths, then keeps the faster by its own timings', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const gpu = (window as any).calledHardware();
      const quantizer = kmq.createQuantizer({ gpu, backend: 'auto' });
      const rows = [];
      for (let i = 0; i < 4; i++) {
        const r = await quantizer.quantize(image, { k: 16, seed: 1 });
        rows.push({ backend: r.backend, auto: r.auto, fallbackReason: r.fallbackReason ?? null, total: r.timings.total, architecture: r.adapter?.architecture });
      }
      quantizer.destroy();
      return rows;
    });
    expect(out.map((r) => [r.backend, r.auto.stage])).toEqual([['webgpu', 'measuring'], ['webgpu', 'measuring'], ['cpu', 'measuring'], [expect.any(String), 'measured']]);
    expect(out[0]!.architecture).toBe('test-gpu');
    const last = out[3]!;
    // The time recorded for a call is part of that call's total.
    expect(last.auto.gpuMs).toBeGreaterThan(0);
    expect(last.auto.gpuMs).toBeLessThanOrEqual(Math.min(out[0]!.total, out[1]!.total));
    expect(last.auto.cpuMs).toBeLessThanOrEqual(out[2]!.total);
    expect(last.backend).toBe(last.auto.gpuMs <= last.auto.cpuMs ? 'webgpu' : 'cpu');
    expect(last.fallbackReason).toBe(last.backend === 'cpu' ? last.auto.reason : null);
    expect(out[2]!.fallbackReason).toBe(out[2]!.auto.reason);
  });

  it('does not count a call the GPU failed: the device lost at its first submit, the CPU finishes it', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const gpu = (window as any).calledHardware((device: GPUDevice) => (losing = device));
      // The first submit of the first device destroys it (a loss mid-run); later devices are left alone.
      let losing: GPUDevice | undefined;
      const submit = GPUQueue.prototype.submit;
      let armed = true;
      GPUQueue.prototype.submit = function (buffers: Iterable<GPUCommandBuffer>) {
        const out = submit.call(this, buffers);
        if (armed && losing) {
          armed = false;
          losing.destroy();
        }
        return out;
      };
      try {
        const quantizer = kmq.createQuantizer({ gpu, backend: 'auto' });
        const rows = [];
        for (let i = 0; i < 2; i++) {
          const r = await quantizer.quantize(image, { k: 16, seed: 1 });
          rows.push({ backend: r.backend, reason: r.fallbackReason ?? null, auto: r.auto });
        }
        quantizer.destroy();
        return rows;
      } finally {
        GPUQueue.prototype.submit = submit;
      }
    });
    expect(out[0]).toMatchObject({ backend: 'cpu', auto: { stage: 'measuring' } });
    expect(out[0]!.reason).toContain('the GPU failed mid-run');
    // Nothing was recorded for the failed call: the next one is still the bucket's first timed call.
    expect(out[1]).toMatchObject({ backend: 'webgpu', reason: null });
    expect(out[1]!.auto.reason).toContain('call 1 of 3, on WebGPU');
  });
});
