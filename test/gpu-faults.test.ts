/**
 * GPU faults, for real in headless Chromium (SwiftShader without a GPU): the device lost at every submit
 * of a run, at its creation and while a readback is mapped; cancellation at every stage; a quantizer
 * destroyed mid-call; and 100 runs on one quantizer with its live buffers counted. The faults are injected
 * in the page (test/browser/faults.html) by hooking WebGPU methods; the page counts every buffer made and
 * destroyed, every device requested, and every rejection nobody handled.
 *
 * What each fault must end in:
 * - a loss or a failed readback: the CPU path's very result (palette, labels, image), `backend: 'cpu'`
 *   and a fallbackReason that says what happened, within RUN_BOUND_MS; the next call works (a device of
 *   the quantizer's own is replaced; a lost device the caller gave is not touched again: no buffer is
 *   made on it, and the reason says it was lost before the call);
 * - a cancellation: an AbortError (a DOMException, code ABORTED) within ABORT_BOUND_MS of the abort, and
 *   the next call gives the normal result;
 * - a quantizer destroyed mid-call: the call rejects with a QuantizerError of code INVALID_STATE (it does
 *   not finish on the CPU), and so does every later call; every buffer it made is destroyed, and a device
 *   the caller gave is not.
 * After every case no buffer is left alive in the page and no rejection went unhandled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useGpuPage } from './browser/harness.js';

/** Most a faulted run may take (SwiftShader, small images): anything longer is a hang. */
const RUN_BOUND_MS = 20_000;
/** Most a cancelled call may take to reject after its signal fires. */
const ABORT_BOUND_MS = 250;
/** How long the readbacks of the cancellation cases take to map: more than ABORT_BOUND_MS, so a call that waits for its readback fails. */
const SLOW_MAP_MS = 600;

const page = useGpuPage('/test/browser/faults.html');

afterEach(async () => {
  if (!page.gpu) return;
  // Every case leaves no GPU buffer alive and no rejection unhandled.
  const left = await page.session!.page.evaluate(() => (window as any).faults.cleanup());
  expect(left.unhandled).toEqual([]);
  expect(left.live).toEqual({ count: 0, bytes: 0 });
});


/** How a run ended, in brief (see faults.html: f.brief). */
interface Brief {
  ok: boolean;
  backend?: string;
  reason?: string | null;
  same?: boolean;
  submits?: number;
  readbacks?: number;
  name?: string;
  code?: string | null;
  message?: string;
  dom?: boolean;
  ms: number;
}

/** A run that ended on the CPU with the CPU path's result, and a reason matching `reason`. */
function expectCpuResult(run: Brief, reason: RegExp, what: string): void {
  expect(run, what).toMatchObject({ ok: true, backend: 'cpu', same: true });
  expect(run.reason, what).toMatch(reason);
  expect(run.ms, what).toBeLessThan(RUN_BOUND_MS);
}

/** A run on the GPU with the normal (fault-free) GPU result. */
function expectGpuResult(run: Brief, what: string): void {
  expect(run, what).toMatchObject({ ok: true, backend: 'webgpu', reason: null, same: true });
}

/** A call that rejected with `code` (ABORTED: an AbortError DOMException) within `bound` ms. */
function expectRejected(run: Brief, code: 'ABORTED' | 'INVALID_STATE' | 'GPU_UNAVAILABLE', bound: number, what: string): void {
  expect(run.ok, `${what}: ${JSON.stringify(run)}`).toBe(false);
  expect(run.code, what).toBe(code);
  if (code === 'ABORTED') expect(run, what).toMatchObject({ name: 'AbortError', dom: true });
  if (code === 'INVALID_STATE') expect(run.name, what).toBe('QuantizerError');
  expect(run.ms, what).toBeLessThan(bound);
}

describe('the device lost at every submit of a run', () => {
  it.for(['colours', 'pixels'])('a device the caller gave, iterating on %s: each submit destroys it, before or instead of submitting', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const cpu = await kmq.quantize(image, { ...options, backend: 'cpu' });
      /** One quantizer on a fresh device whose `at`-th submit destroys it; a second call after. */
      const run = async (at: number, mode: string) => {
        const device = await f.newDevice();
        let submits = 0;
        f.hook(device.queue, 'submit', (submit: Function) => function (this: GPUQueue, buffers: GPUCommandBuffer[]) {
          if (++submits === at) {
            device.destroy();
            if (mode === 'instead') return undefined;
          }
          return submit.call(this, buffers);
        });
        const quantizer = kmq.createQuantizer({ device, gpuIterateOn: iterateOn });
        const first = f.brief(await f.outcome(quantizer.quantize(image, options)), cpu);
        const submitsOfFirst = submits;
        const made = f.created(device);
        const second = f.brief(await f.outcome(quantizer.quantize(image, options)), cpu);
        const madeBySecond = f.created(device) - made;
        quantizer.destroy();
        await f.sleep(0);
        return { at, mode, submits: submitsOfFirst, first, second, madeBySecond, left: f.live(device).count };
      };
      const counted = await run(0, 'none');
      const runs = [];
      for (let at = 1; at <= counted.submits; at++) for (const mode of ['before', 'instead']) runs.push(await run(at, mode));
      return { counted, runs };
    }, iterateOn);
    expect(out.counted.first).toMatchObject({ ok: true, backend: 'webgpu' });
    // Every submit the run makes (the colour count, each batch of iterations, each centroid read, the final assignment).
    expect(out.counted.submits).toBe(out.counted.first.submits);
    expect(out.counted.submits).toBeGreaterThanOrEqual(iterateOn === 'colours' ? 7 : 6);
    expect(out.runs.length).toBe(out.counted.submits * 2);
    for (const r of out.runs) {
      const what = `submit ${r.at} of ${out.counted.submits} (${r.mode})`;
      expect(r.submits, what).toBeGreaterThanOrEqual(r.at);
      expectCpuResult(r.first, /GPU failed mid-run.*lost/, what);
      // The caller's lost device is never used again: no buffer made on it, and the reason says so.
      expectCpuResult(r.second, /device given to createQuantizer\(\) was lost before this call/, `${what}, next call`);
      expect(r.madeBySecond, what).toBe(0);
      expect(r.left, what).toBe(0);
    }
  });
});

describe('the device lost at every submit of a run, on a device of the quantizer\'s own', () => {
  it.for(['colours', 'pixels'])('iterating on %s: the run ends on the CPU, and the next call requests a new device', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const cpu = await kmq.quantize(image, { ...options, backend: 'cpu' });
      const normal = await kmq.quantize(image, { ...options, gpuIterateOn: iterateOn });
      const run = async (at: number, mode: string) => {
        const since = f.devices.length;
        let stop = false;
        const submits = f.hookOwnSubmits((n: number, device: GPUDevice) => {
          if (n !== at || stop) return true;
          device.destroy();
          return mode === 'before';
        });
        const quantizer = kmq.createQuantizer({ gpuIterateOn: iterateOn });
        const first = f.brief(await f.outcome(quantizer.quantize(image, options)), cpu);
        const submitsOfFirst = submits();
        stop = true;
        const second = f.brief(await f.outcome(quantizer.quantize(image, options)), normal);
        const devices = f.libraryDevices(since);
        quantizer.destroy();
        await Promise.race([Promise.all(devices.map((d: GPUDevice) => d.lost)), f.sleep(2000)]);
        f.unhook();
        const left = devices.reduce((n: number, d: GPUDevice) => n + f.live(d).count, 0);
        return { at, mode, submits: submitsOfFirst, first, second, devices: devices.length, lost: devices.map((d: GPUDevice) => f.lostReason(d)), left };
      };
      const counted = await run(0, 'none');
      const runs = [];
      for (let at = 1; at <= counted.submits; at++) for (const mode of ['before', 'instead']) runs.push(await run(at, mode));
      return { counted, runs };
    }, iterateOn);
    expect(out.counted.first).toMatchObject({ ok: true, backend: 'webgpu' });
    expect(out.counted.submits).toBe(out.counted.first.submits);
    expect(out.counted.devices).toBe(1);
    for (const r of out.runs) {
      const what = `submit ${r.at} of ${out.counted.submits} (${r.mode})`;
      expectCpuResult(r.first, /GPU failed mid-run.*lost/, what);
      // The lost device was replaced by a new one, which gives the normal result; both are destroyed at the end.
      expectGpuResult(r.second, `${what}, next call`);
      expect(r.devices, what).toBe(2);
      expect(r.lost, what).toEqual(['destroyed', 'destroyed']);
      expect(r.left, what).toBe(0);
    }
  });
});

describe('the device lost or refused at its creation', () => {
  it('requestDevice() rejecting: auto runs on the CPU and says so, webgpu throws GPU_UNAVAILABLE; the next call requests a device again', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = f.options();
      const cpu = await kmq.quantize(image, { ...options, backend: 'cpu' });
      const normal = await kmq.quantize(image, { ...options, backend: 'webgpu' });
      const refuseNext = () => {
        let refused = false;
        f.hook(GPUAdapter.prototype, 'requestDevice', (request: Function) => function (this: GPUAdapter, descriptor: GPUDeviceDescriptor) {
          if (refused) return request.call(this, descriptor);
          refused = true;
          return Promise.reject(new DOMException('injected: no device today', 'OperationError'));
        });
      };
      const since = f.devices.length;
      refuseNext();
      const quantizer = kmq.createQuantizer();
      const auto = f.brief(await f.outcome(quantizer.quantize(image, { ...options, backend: 'auto' })), cpu);
      const autoAgain = f.brief(await f.outcome(quantizer.quantize(image, { ...options, backend: 'auto' })), cpu);
      const forcedAfter = f.brief(await f.outcome(quantizer.quantize(image, { ...options, backend: 'webgpu' })), normal);
      quantizer.destroy();
      f.unhook();
      refuseNext();
      const forcedQuantizer = kmq.createQuantizer({ backend: 'webgpu' });
      const forced = f.brief(await f.outcome(forcedQuantizer.quantize(image, options)), normal);
      const forcedAgain = f.brief(await f.outcome(forcedQuantizer.quantize(image, options)), normal);
      forcedQuantizer.destroy();
      await f.sleep(0);
      return { auto, autoAgain, forcedAfter, forced, forcedAgain, devices: f.libraryDevices(since).length };
    });
    expectCpuResult(out.auto, /requestDevice\(\) failed: injected: no device today/, 'auto');
    // The next call got a device (on SwiftShader, auto then prefers the CPU for another reason).
    expect(out.autoAgain.reason).not.toMatch(/requestDevice/);
    expectCpuResult(out.autoAgain, /software fallback|small/, 'auto, next call');
    expectGpuResult(out.forcedAfter, 'webgpu, third call');
    expectRejected(out.forced, 'GPU_UNAVAILABLE', RUN_BOUND_MS, 'webgpu');
    expect(out.forced.message).toMatch(/requestDevice\(\) failed: injected/);
    expectGpuResult(out.forcedAgain, 'webgpu, next call');
    expect(out.devices).toBe(2);
  });

  it.for(['at once', 'after its loss is reported'])('requestDevice() giving a device already lost (%s): the CPU result, a reason, no buffer on it, a new device next call', async (when, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (when: string) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const cpu = await kmq.quantize(image, { ...options, backend: 'cpu' });
      const normal = await kmq.quantize(image, options);
      let dead: GPUDevice | undefined;
      f.hook(GPUAdapter.prototype, 'requestDevice', (request: Function) => async function (this: GPUAdapter, descriptor: GPUDeviceDescriptor) {
        const device = await request.call(this, descriptor);
        if (dead) return device;
        dead = device;
        device.destroy();
        if (when !== 'at once') await device.lost;
        return device;
      });
      const since = f.devices.length;
      const quantizer = kmq.createQuantizer();
      const first = f.brief(await f.outcome(quantizer.quantize(image, options)), cpu);
      const second = f.brief(await f.outcome(quantizer.quantize(image, options)), normal);
      quantizer.destroy();
      await f.sleep(0);
      return { first, second, createdOnDead: f.created(dead), devices: f.libraryDevices(since).length };
    }, when);
    expectCpuResult(out.first, /requestDevice\(\) returned a device that was already lost \(destroyed/, 'first call');
    expect(out.createdOnDead).toBe(0);
    expectGpuResult(out.second, 'next call');
    expect(out.devices).toBe(2);
  });
});

describe('a readback that fails while it is mapped', () => {
  it.for(['colours', 'pixels'])('iterating on %s: every mapAsync of a run rejected, or the device destroyed while it is pending', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const cpu = await kmq.quantize(image, { ...options, backend: 'cpu' });
      const normal = await kmq.quantize(image, { ...options, gpuIterateOn: iterateOn });
      /** A quantizer on a fresh device whose `at`-th map of the first call rejects (`reject`) or loses the device (`destroy`). */
      const run = async (at: number, kind: string) => {
        const device = await f.newDevice();
        let maps = 0;
        let armed = true;
        f.hook(GPUBuffer.prototype, 'mapAsync', (mapAsync: Function) => function (this: GPUBuffer, ...args: unknown[]) {
          if (!armed || ++maps !== at) return mapAsync.apply(this, args);
          if (kind === 'reject') return Promise.reject(new DOMException('injected: mapping failed', 'OperationError'));
          const pending = mapAsync.apply(this, args);
          device.destroy();
          return pending;
        });
        const quantizer = kmq.createQuantizer({ device, gpuIterateOn: iterateOn });
        const first = f.brief(await f.outcome(quantizer.quantize(image, options)), cpu);
        armed = false;
        const made = f.created(device);
        const second = f.brief(await f.outcome(quantizer.quantize(image, options)), kind === 'reject' ? normal : cpu);
        const madeBySecond = f.created(device) - made;
        quantizer.destroy();
        await f.sleep(0);
        f.unhook();
        return { at, kind, maps, first, second, madeBySecond, left: f.live(device).count, lost: f.lostReason(device) };
      };
      const counted = await run(0, 'none');
      const runs = [];
      for (let at = 1; at <= counted.maps; at++) for (const kind of ['reject', 'destroy']) runs.push(await run(at, kind));
      return { counted, runs };
    }, iterateOn);
    expect(out.counted.first).toMatchObject({ ok: true, backend: 'webgpu' });
    expect(out.counted.maps).toBe(out.counted.first.readbacks);
    expect(out.counted.maps).toBeGreaterThanOrEqual(5);
    for (const r of out.runs) {
      const what = `map ${r.at} of ${out.counted.maps} (${r.kind})`;
      expect(r.left, what).toBe(0);
      if (r.kind === 'reject') {
        expectCpuResult(r.first, /GPU failed mid-run.*failed: injected: mapping failed/, what);
        // The device is fine: the next call runs on it, normally.
        expectGpuResult(r.second, `${what}, next call`);
        expect(r.lost, what).toBeNull();
      } else {
        expectCpuResult(r.first, /GPU failed mid-run.*lost/, what);
        expectCpuResult(r.second, /device given to createQuantizer\(\) was lost before this call/, `${what}, next call`);
        expect(r.madeBySecond, what).toBe(0);
      }
    }
  });
});

describe('cancellation at every stage', () => {
  it.for(['colours', 'pixels'])('iterating on %s: an abort at each stage rejects with an AbortError at once, and the next call is normal', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string, slowMapMs: number) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const normal = await kmq.quantize(image, { ...options, gpuIterateOn: iterateOn });
      /** Aborts the call on `quantizer` when `arm(abort)` says so; then a call without a signal. */
      const run = async (quantizer: any, stage: string, arm: (abort: () => void) => void) => {
        const controller = new AbortController();
        let abortedAt = NaN;
        let rejectedAt = NaN;
        arm(() => {
          if (Number.isNaN(abortedAt)) abortedAt = performance.now();
          controller.abort(new Error(`cancelled at ${stage}`));
        });
        const call = quantizer.quantize(image, { ...options, signal: controller.signal }).catch((error: unknown) => {
          rejectedAt = performance.now();
          throw error;
        });
        const cancelled = f.brief(await f.outcome(call), normal);
        f.unhook();
        const next = f.brief(await f.outcome(quantizer.quantize(image, options)), normal);
        return { stage, aborted: !Number.isNaN(abortedAt), cancelled, latency: rejectedAt - abortedAt, next };
      };
      /** Aborts while the n-th readback is mapped, a map that takes SLOW_MAP_MS: the call must not wait for it. */
      const slowMap = (n: number) => (abort: () => void) => {
        let calls = 0;
        f.hook(GPUBuffer.prototype, 'mapAsync', (mapAsync: Function) => function (this: GPUBuffer, ...args: unknown[]) {
          if (++calls !== n) return mapAsync.apply(this, args);
          const mapped = mapAsync.apply(this, args).then(() => f.sleep(slowMapMs));
          abort();
          return mapped;
        });
      };
      const runs = [];
      const fresh = kmq.createQuantizer({ gpuIterateOn: iterateOn });
      runs.push(await run(fresh, 'context creation', (abort) => f.onNth(GPUAdapter.prototype, 'requestDevice', 1, abort, true)));
      const quantizer = kmq.createQuantizer({ gpuIterateOn: iterateOn });
      const encoders = f.count(GPUDevice.prototype, 'createCommandEncoder');
      const maps = f.count(GPUBuffer.prototype, 'mapAsync');
      await quantizer.quantize(image, options);
      const counts = { encoders: encoders(), maps: maps() };
      f.unhook();
      runs.push(await run(quantizer, 'upload', (abort) => f.onNth(GPUQueue.prototype, 'writeBuffer', 1, abort)));
      const labels: string[] = [];
      for (let n = 1; n <= counts.encoders; n++) {
        runs.push(await run(quantizer, `encoder ${n}`, (abort) => f.onNth(GPUDevice.prototype, 'createCommandEncoder', n, ([d]: any[]) => {
          labels.push(d.label);
          abort();
        })));
      }
      for (let n = 1; n <= counts.maps; n++) runs.push(await run(quantizer, `readback ${n}`, slowMap(n)));
      runs.push(await run(quantizer, 'progress', (abort) => (options.onProgress = abort)));
      delete (options as any).onProgress;
      fresh.destroy();
      quantizer.destroy();
      await f.sleep(0);
      return { runs, counts, labels };
    }, iterateOn, SLOW_MAP_MS);
    expect(out.labels).toContain('Lloyd batch');
    expect(out.labels).toContain('final assignment');
    if (iterateOn === 'colours') expect(out.labels[0]).toBe('colour histogram');
    expect(out.runs.length).toBe(3 + out.counts.encoders + out.counts.maps);
    expect(out.labels.length).toBe(out.counts.encoders);
    for (const r of out.runs) {
      expect(r.aborted, r.stage).toBe(true);
      expectRejected(r.cancelled, 'ABORTED', RUN_BOUND_MS, r.stage);
      expect(r.latency, r.stage).toBeLessThan(ABORT_BOUND_MS);
      expectGpuResult(r.next, `${r.stage}, next call`);
    }
  });
});

describe('a lost device the caller gave is not used again (regression)', () => {
  it.for(['before the first call', 'between calls'])('destroyed %s: the CPU result, a reason that says so, no buffer made on it, on every later call', async (when, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (when: string) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = f.options();
      const cpu = await kmq.quantize(image, { ...options, backend: 'cpu' });
      const fit = await kmq.fitPalette(image, { ...options, backend: 'cpu' });
      const cpuApplied = await kmq.applyPalette(image, fit, { backend: 'cpu' });
      const device = await f.newDevice();
      const quantizer = kmq.createQuantizer({ device });
      if (when === 'between calls') await quantizer.quantize(image, { ...options, backend: 'webgpu' });
      // Destroyed just before the call, its loss not yet reported.
      device.destroy();
      const made = f.created(device);
      const calls = [];
      for (const backend of ['webgpu', 'auto', 'webgpu']) calls.push(f.brief(await f.outcome(quantizer.quantize(image, { ...options, backend })), cpu));
      const fitted = f.brief(await f.outcome(quantizer.fit(image, { ...options, backend: 'webgpu' })), fit);
      const applied = f.brief(await f.outcome(quantizer.apply(image, fit, { backend: 'webgpu' })), cpuApplied);
      const madeSince = f.created(device) - made;
      quantizer.destroy();
      await f.sleep(0);
      return { calls: [...calls, fitted, applied], madeSince, left: f.live(device).count };
    }, when);
    for (const [i, call] of out.calls.entries()) {
      expectCpuResult(call, /^the GPU device given to createQuantizer\(\) was lost before this call \(destroyed: .*\); it is not used again, so the CPU ran it$/, `call ${i + 1}`);
      expect(call.reason).not.toMatch(/mid-run/);
    }
    expect(out.madeSince).toBe(0);
    expect(out.left).toBe(0);
  });

  it('a device of the quantizer\'s own lost between calls is replaced: the next call runs on a new device', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const normal = await kmq.quantize(image, options);
      const since = f.devices.length;
      const quantizer = kmq.createQuantizer();
      const first = f.brief(await f.outcome(quantizer.quantize(image, options)), normal);
      const [own] = f.libraryDevices(since);
      const madeOnOwn = f.created(own);
      own.destroy();
      const second = f.brief(await f.outcome(quantizer.quantize(image, options)), normal);
      const devices = f.libraryDevices(since);
      const madeOnOwnSince = f.created(own) - madeOnOwn;
      quantizer.destroy();
      await Promise.race([devices[1]?.lost, f.sleep(2000)]);
      return { first, second, devices: devices.length, madeOnOwnSince, lost: devices.map((d: GPUDevice) => f.lostReason(d)) };
    });
    expectGpuResult(out.first, 'first call');
    expectGpuResult(out.second, 'after the loss');
    expect(out.devices).toBe(2);
    expect(out.madeOnOwnSince).toBe(0);
    expect(out.lost).toEqual(['destroyed', 'destroyed']);
  });
});

describe('a quantizer destroyed mid-call', () => {
  it.for(['own device', 'caller\'s device'])('on its %s: the call rejects with INVALID_STATE at every stage, so do later calls, and it leaves nothing behind', async (which, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (own: boolean) => {
      const { kmq, faults: f } = window as any;
      const image = f.crop(96, 64);
      const options = { ...f.options(), backend: 'webgpu' };
      const device = own ? undefined : await f.newDevice();
      /** A quantizer (warmed by one call unless the stage is its context's creation) destroyed when `arm` says. */
      const run = async (stage: string, arm: (destroy: () => void) => void, warm = true) => {
        const quantizer = kmq.createQuantizer({ device });
        if (warm) await quantizer.quantize(image, options);
        let fired = false;
        arm(() => {
          fired = true;
          quantizer.destroy();
        });
        const call = f.brief(await f.outcome(quantizer.quantize(image, options)), {});
        f.unhook();
        const later = f.brief(await f.outcome(quantizer.quantize(image, options)), {});
        await f.sleep(0);
        return { stage, fired, call, later, left: f.live().count };
      };
      const nth = (target: any, name: string, n: number) => (destroy: () => void) => f.onNth(target, name, n, destroy);
      // The context's creation: its device requested, or the caller's checked for a loss.
      const creation = own ? nth(GPUAdapter.prototype, 'requestDevice', 1) : nth(GPUQueue.prototype, 'onSubmittedWorkDone', 1);
      const runs = [await run('context creation', creation, false)];
      runs.push(await run('upload', nth(GPUQueue.prototype, 'writeBuffer', 1)));
      for (const n of [1, 2, 4]) runs.push(await run(`submit ${n}`, nth(GPUQueue.prototype, 'submit', n)));
      runs.push(await run('a readback pending', nth(GPUBuffer.prototype, 'mapAsync', 3)));
      runs.push(await run('progress', (destroy) => (options.onProgress = destroy)));
      return { runs, deviceLost: device ? f.lostReason(device) : null };
    }, which === 'own device');
    for (const r of out.runs) {
      expect(r.fired, r.stage).toBe(true);
      expect(r.left, r.stage).toBe(0);
      expectRejected(r.call, 'INVALID_STATE', RUN_BOUND_MS, r.stage);
      expect(r.call.message, r.stage).toBe('this quantizer was destroyed during the call');
      expectRejected(r.later, 'INVALID_STATE', 50, `${r.stage}, later call`);
    }
    // A device the caller gave is never destroyed by the quantizer (the afterEach checks every buffer is).
    expect(out.deviceLost).toBeNull();
  });
});

describe('100 runs on one quantizer', () => {
  it.for(['colours', 'pixels'])('iterating on %s: the live buffers and their bytes stay flat across runs of three sizes, and destroy() frees them all', async (iterateOn, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (iterateOn: string) => {
      const { kmq, faults: f } = window as any;
      // Three sizes in turn (the pooled buffers are resized to each), and a chunked quantizer on the caller's device.
      const images = [f.crop(64, 48), f.crop(40, 24, 200, 100), f.crop(200, 150, 300, 200)];
      const options = { k: 8, seed: 3, maxIterations: 6, backend: 'webgpu' };
      const device = await f.newDevice();
      const mineBuffer = device.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE });
      const since = f.devices.length;
      const quantizers = { own: kmq.createQuantizer({ gpuIterateOn: iterateOn }), given: kmq.createQuantizer({ device, gpuIterateOn: iterateOn, maxChunkPixels: 1024 }) };
      const trace: Record<string, Array<{ count: number; bytes: number }>> = { own: [], given: [] };
      const backends = new Set<string>();
      for (let run = 0; run < 100; run++) {
        for (const [name, quantizer] of Object.entries(quantizers) as Array<[string, any]>) {
          const image = images[run % images.length];
          // Every fourth run is a fit then an apply, the others a quantize.
          const results = run % 4 === 3 ? [await quantizer.fit(image, options)] : [await quantizer.quantize(image, options)];
          if (run % 4 === 3) results.push(await quantizer.apply(image, results[0], { backend: 'webgpu' }));
          for (const r of results) backends.add(r.backend);
          const target = name === 'own' ? f.libraryDevices(since)[0] : device;
          const { count, bytes } = f.live(target);
          trace[name]!.push({ count: count - (name === 'own' ? 0 : 1), bytes: bytes - (name === 'own' ? 0 : 64) });
        }
      }
      const [own] = f.libraryDevices(since);
      quantizers.own.destroy();
      quantizers.given.destroy();
      await Promise.race([own.lost, f.sleep(2000)]);
      const after = { own: f.live(own).count, given: f.live(device).count, mineAlive: f.live(device).count === 1, ownLost: f.lostReason(own), givenLost: f.lostReason(device) };
      mineBuffer.destroy();
      return { trace, backends: [...backends], after, devices: f.libraryDevices(since).length };
    }, iterateOn);
    expect(out.backends).toEqual(['webgpu']);
    expect(out.devices).toBe(1);
    for (const name of ['own', 'given'] as const) {
      const trace = out.trace[name]!;
      expect(trace.length).toBe(100);
      // A cycle is 12 runs (3 sizes x 4 kinds of call). After a warm-up of one cycle (the pool keeps the
      // largest image's extra chunks from then on), each run leaves what the run a cycle before it left:
      // the same count and the same bytes; nothing grows.
      for (let run = 24; run < 100; run++) expect(trace[run], `${name}: run ${run + 1}`).toEqual(trace[run - 12]);
      const peak = (from: number, to: number) => Math.max(...trace.slice(from, to).map((t) => t.bytes));
      expect(peak(24, 100)).toBe(peak(12, 24));
      expect(trace[0]!.count).toBeGreaterThan(0);
    }
    // destroy(): every buffer freed; the quantizer's own device destroyed, the caller's (and its buffer) kept.
    expect(out.after).toEqual({ own: 0, given: 1, mineAlive: true, ownLost: 'destroyed', givenLost: null });
  });
});
