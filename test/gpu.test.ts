/**
 * The WebGPU backend for real: the WGSL kernels run in headless Chromium (SwiftShader on machines without
 * a GPU), on the shipped photo, against the CPU backend in the same page. With KMQ_REQUIRE_GPU=1 (set in
 * CI) a missing browser or adapter fails these tests instead of skipping them. The session's parts that
 * need no GPU to check (its lifetime, its staging layouts) run in Node, on a stand-in device.
 */
import { describe, expect, it } from 'vitest';
import { QuantizerError } from '../src/errors.js';
import { GpuContext } from '../src/gpu/context.js';
import { guarded } from '../src/gpu/queue.js';
import { createWebGpuSession } from '../src/gpu/session.js';
import { FinalLayout, StateLayout, StatusLayout } from '../src/gpu/staging.js';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage();


describe('WebGPU backend in Chromium', () => {
  it.for([8, 16, 64])('matches the CPU backend on coffee.png at k=%i', async (k, { skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async (k: number) => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const g = await kmq.quantize(image, { k, backend: 'webgpu', seed: 7 });
      const c = await kmq.quantize(image, { k, backend: 'cpu', seed: 7 });
      let same = 0;
      for (let i = 0; i < g.labels.length; i++) if (g.labels[i] === c.labels[i]) same++;
      // Every GPU label is the pixel's nearest palette colour (lowest index on ties).
      let notNearest = 0;
      const data = image.data as Uint8ClampedArray;
      const k3 = g.palette.length;
      for (let i = 0; i < g.labels.length; i++) {
        let best = 0;
        let bestD = Infinity;
        for (let o = 0; o < k3; o += 3) {
          const dr = data[i * 4]! - g.palette[o];
          const dg = data[i * 4 + 1]! - g.palette[o + 1];
          const db = data[i * 4 + 2]! - g.palette[o + 2];
          const d = dr * dr + dg * dg + db * db;
          if (d < bestD) {
            bestD = d;
            best = o / 3;
          }
        }
        if (g.labels[i] !== best) notNearest++;
      }
      const samePalette = Array.from(g.palette as Uint8Array).every((v, i) => v === c.palette[i]);
      return {
        notNearest,
        samePalette,
        backend: g.backend,
        fallbackReason: g.fallbackReason ?? null,
        agree: same / g.labels.length,
        gpuInertia: g.inertia,
        cpuInertia: c.inertia,
        gpuIterations: g.iterations,
        cpuIterations: c.iterations,
        paletteSize: g.paletteSize,
        adapter: g.adapter,
      };
    }, k);
    expect(out.backend).toBe('webgpu');
    expect(out.fallbackReason).toBeNull();
    expect(out.paletteSize).toBe(k);
    expect(out.agree).toBeGreaterThanOrEqual(0.999);
    expect(out.notNearest).toBe(0);
    // Distances to byte colours are exact in f32: the same palette gives the very same labels.
    if (out.samePalette) expect(out.agree).toBe(1);
    expect(Math.abs(out.gpuInertia - out.cpuInertia) / out.cpuInertia).toBeLessThanOrEqual(0.001);
  });
});

describe('WebGPU resources and failures', () => {
  it('gives the same result when the image is processed in small chunks', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const whole = await kmq.quantize(image, { k: 16, backend: 'webgpu', seed: 3, gpuIterateOn: 'pixels' });
      const chunked = await kmq.quantize(image, { k: 16, backend: 'webgpu', seed: 3, gpuIterateOn: 'pixels', maxChunkPixels: 4096 });
      let same = 0;
      for (let i = 0; i < whole.labels.length; i++) if (whole.labels[i] === chunked.labels[i]) same++;
      return {
        same,
        n: whole.labels.length,
        a: Array.from(whole.centroids as Float64Array),
        b: Array.from(chunked.centroids as Float64Array),
        backends: [whole.backend, chunked.backend],
        stats: [whole.gpu, chunked.gpu],
        iterations: whole.iterations,
      };
    });
    // One assignment dispatch per chunk plus the reduction; a few readbacks per run, not one per iteration.
    expect(out.stats[0].dispatchesPerIteration).toBe(2);
    expect(out.stats[1].dispatchesPerIteration).toBe(Math.ceil((600 * 400) / 4096) + 1);
    expect(out.stats[0].bytesPerIteration).toBeGreaterThanOrEqual(600 * 400 * 4);
    expect(out.stats[0].readbacks).toBeLessThan(out.iterations / 2 + 4);
    expect(out.stats[0].submits).toBe(out.stats[0].readbacks);
    expect(out.backends).toEqual(['webgpu', 'webgpu']);
    expect(out.same).toBe(out.n);
    out.a.forEach((v: number, i: number) => expect(out.b[i]).toBeCloseTo(v, 3));
  });

  it('iterates on the colours it counts on the GPU, with the same fit as iterating on every pixel', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const px = new Uint32Array(image.data.buffer);
      const distinct = new Set<number>();
      for (let i = 0; i < px.length; i++) distinct.add(px[i]! & 0xffffff);
      // A second image for the same quantizer: the colour table must come back cleared between images.
      const half = { data: image.data.slice(0, (image.data.length / 2) | 0), width: image.width, height: image.height / 2 };
      const halfPx = new Uint32Array(half.data.buffer);
      const halfDistinct = new Set<number>();
      for (let i = 0; i < halfPx.length; i++) halfDistinct.add(halfPx[i]! & 0xffffff);
      const runs: Record<string, any> = {};
      const summary = (r: any) => ({
        centroids: Array.from(r.centroids as Float64Array),
        labels: Array.from(r.labels as Uint8Array),
        iterations: r.iterations,
        inertia: r.inertia,
        mse: r.mse,
        backend: r.backend,
        gpu: r.gpu,
      });
      for (const k of [16, 64]) {
        runs[`pixels ${k}`] = summary(await kmq.quantize(image, { k, backend: 'webgpu', seed: 3, gpuIterateOn: 'pixels' }));
        runs[`colours ${k}`] = summary(await kmq.quantize(image, { k, backend: 'webgpu', seed: 3 }));
      }
      runs['colours chunked'] = summary(await kmq.quantize(image, { k: 16, backend: 'webgpu', seed: 3, maxChunkPixels: 4096 }));
      const quantizer = kmq.createQuantizer({ backend: 'webgpu' });
      runs['reused coffee'] = summary(await quantizer.quantize(image, { k: 16, seed: 3 }));
      runs['reused half'] = summary(await quantizer.quantize(half, { k: 16, seed: 3 }));
      runs['reused coffee again'] = summary(await quantizer.quantize(image, { k: 16, seed: 3 }));
      quantizer.destroy();
      runs['fresh half'] = summary(await kmq.quantize(half, { k: 16, backend: 'webgpu', seed: 3, gpuIterateOn: 'pixels' }));
      return { runs, distinct: distinct.size, halfDistinct: halfDistinct.size, n: px.length };
    });
    const { runs } = out;
    for (const k of [16, 64]) {
      const pixels = runs[`pixels ${k}`];
      const colours = runs[`colours ${k}`];
      expect(pixels.backend).toBe('webgpu');
      expect(colours.backend).toBe('webgpu');
      expect(pixels.gpu.iterateOn).toBe('pixels');
      expect(colours.gpu.iterateOn).toBe('colours');
      expect(colours.gpu.distinctColours).toBe(out.distinct);
      expect(pixels.gpu.distinctColours).toBeUndefined();
      expect(colours.gpu.dispatchesPerIteration).toBe(2);
      expect(colours.gpu.bytesPerIteration).toBeLessThan(pixels.gpu.bytesPerIteration);
      // The same exact integer sums: the same centroids, iterations and labels.
      expect(colours.centroids).toEqual(pixels.centroids);
      expect(colours.iterations).toBe(pixels.iterations);
      expect(colours.labels).toEqual(pixels.labels);
      // Errors measured on the histogram: the palette's exactly, the centroids' in f32 and fixed point.
      expect(colours.mse).toBe(pixels.mse);
      expect(Math.abs(colours.inertia / pixels.inertia - 1)).toBeLessThan(1e-5);
      expect(colours.gpu.readbacks).toBe(pixels.gpu.readbacks);
      expect(colours.gpu.bytesRead).toBeLessThan(pixels.gpu.bytesRead);
    }
    const whole = runs['colours 16'];
    expect(runs['colours chunked'].gpu.distinctColours).toBe(out.distinct);
    expect(runs['colours chunked'].centroids).toEqual(whole.centroids);
    expect(runs['reused coffee'].centroids).toEqual(whole.centroids);
    expect(runs['reused half'].gpu.distinctColours).toBe(out.halfDistinct);
    expect(runs['reused half'].centroids).toEqual(runs['fresh half'].centroids);
    expect(runs['reused half'].labels).toEqual(runs['fresh half'].labels);
    expect(runs['reused coffee again'].gpu.distinctColours).toBe(out.distinct);
    expect(runs['reused coffee again'].centroids).toEqual(whole.centroids);
  });

  it('paints the output image on the GPU: each pixel its label\'s palette colour, with its own alpha', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const photo = await loadImageData('/test/fixtures/coffee.png');
      // Every alpha value, so that a painted pixel that lost or mixed up its alpha shows. Images with
      // transparency are fitted on the CPU (RGBA palettes): an RGB palette applied on the GPU keeps each
      // pixel's own alpha.
      const data = Uint8ClampedArray.from(photo.data as Uint8ClampedArray);
      for (let i = 3; i < data.length; i += 4) data[i] = (i * 37) & 255;
      const image = { data, width: photo.width, height: photo.height };
      const check = (r: any) => {
        let wrong = 0;
        for (let i = 0; i < r.labels.length; i++) {
          const o = r.labels[i] * 3;
          const px = r.image as Uint8ClampedArray;
          if (px[i * 4] !== r.palette[o] || px[i * 4 + 1] !== r.palette[o + 1] || px[i * 4 + 2] !== r.palette[o + 2] || px[i * 4 + 3] !== data[i * 4 + 3]) wrong++;
        }
        return { wrong, length: r.image.length, backend: r.backend, ownBuffers: r.image.buffer !== r.labels.buffer };
      };
      const fit = await kmq.fitPalette(photo, { k: 16, backend: 'webgpu', seed: 5 });
      const runs: Record<string, any> = {};
      runs.colours = check(await kmq.applyPalette(image, fit.palette, { backend: 'webgpu' }));
      runs.pixels = check(await kmq.applyPalette(image, fit.palette, { backend: 'webgpu', gpuIterateOn: 'pixels' }));
      runs.chunked = check(await kmq.applyPalette(image, fit.palette, { backend: 'webgpu', maxChunkPixels: 4096 }));
      // The same palette on the CPU: the very same image, byte for byte.
      const wide = await kmq.fitPalette(photo, { k: 64, backend: 'webgpu', seed: 5 });
      const g = await kmq.applyPalette(image, wide.palette, { backend: 'webgpu' });
      const c = await kmq.applyPalette(image, wide.palette, { backend: 'cpu' });
      const sameImage = (g.image as Uint8ClampedArray).every((v, i) => v === c.image[i]);
      return { runs, n: data.length, sameImage };
    });
    for (const [name, run] of Object.entries(out.runs) as Array<[string, any]>) {
      expect(run.backend, name).toBe('webgpu');
      expect(run.length, name).toBe(out.n);
      expect(run.wrong, name).toBe(0);
      expect(run.ownBuffers, name).toBe(true);
    }
    expect(out.sameImage).toBe(true);
  });

  it('routes an image with transparency to the CPU (an RGBA palette) and says why', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const photo = await loadImageData('/test/fixtures/coffee.png');
      const data = Uint8ClampedArray.from(photo.data as Uint8ClampedArray);
      for (let i = 3; i < data.length; i += 4) data[i] = (i * 37) & 255;
      const r = await kmq.quantize({ data, width: photo.width, height: photo.height }, { k: 16, backend: 'webgpu', seed: 5 });
      return { backend: r.backend, reason: r.fallbackReason, alpha: r.paletteAlpha?.length };
    });
    expect(out.backend).toBe('cpu');
    expect(out.reason).toMatch(/transparency/);
    expect(out.alpha).toBe(16);
  });

  it('fits on a sample and labels every pixel, like the CPU', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const g = await kmq.quantize(image, { k: 16, backend: 'webgpu', sampleSize: 5000 });
      const c = await kmq.quantize(image, { k: 16, backend: 'cpu', sampleSize: 5000 });
      let same = 0;
      for (let i = 0; i < g.labels.length; i++) if (g.labels[i] === c.labels[i]) same++;
      return { agree: same / g.labels.length, backend: g.backend, g: g.inertia, c: c.inertia };
    });
    expect(out.backend).toBe('webgpu');
    expect(out.agree).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(out.g - out.c) / out.c).toBeLessThanOrEqual(0.001);
  });

  it('keeps exact sums beyond 16.8 M pixels (where u32 sums of 255 overflow)', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq } = window as any;
      const width = 4200;
      const height = 4096; // 17.2 M pixels: also more than one dispatch's 65535 workgroups, so chunked
      const data = new Uint8Array(width * height * 4);
      const px = new Uint32Array(data.buffer);
      px.fill(0xffffffff);
      // 1 pixel in 97 is dark (three shades), the rest pure white: the white sum needs 35 bits.
      for (let i = 0; i < px.length; i += 97) px[i] = 0xff000000 | ((i % 3) * 0x0a0a0a);
      const g = await kmq.quantize({ data, width, height }, { k: 2, backend: 'webgpu', maxIterations: 4 });
      const c = await kmq.quantize({ data, width, height }, { k: 2, backend: 'cpu', maxIterations: 4 });
      return { backend: g.backend, g: Array.from(g.centroids as Float64Array), c: Array.from(c.centroids as Float64Array) };
    });
    expect(out.backend).toBe('webgpu');
    expect(out.g.length).toBe(6);
    out.c.forEach((v: number, i: number) => expect(out.g[i]).toBeCloseTo(v, 2));
    expect(Math.max(...out.g)).toBeCloseTo(255, 3);
  });

  it('finishes on the CPU, with a reason, when the device is lost mid-run', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice();
      const quantizer = kmq.createQuantizer({ device, backend: 'webgpu' });
      let destroyedAt = 0;
      const lost = await quantizer.quantize(image, {
        k: 16,
        seed: 5,
        onProgress: (e: { iteration: number }) => {
          if (!destroyedAt) {
            destroyedAt = e.iteration;
            device.destroy();
          }
        },
      });
      quantizer.destroy();
      const cpu = await kmq.quantize(image, { k: 16, seed: 5, backend: 'cpu' });
      let same = 0;
      for (let i = 0; i < cpu.labels.length; i++) if (cpu.labels[i] === lost.labels[i]) same++;
      return { destroyedAt, backend: lost.backend, reason: lost.fallbackReason, same, n: cpu.labels.length };
    });
    expect(out.destroyedAt).toBeGreaterThan(0);
    expect(out.backend).toBe('cpu');
    expect(out.reason).toMatch(/GPU failed mid-run/);
    expect(out.same).toBe(out.n);
  });

  it('destroys every buffer it made, and only those', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const live = new Set<GPUBuffer>();
      const create = GPUDevice.prototype.createBuffer;
      const destroy = GPUBuffer.prototype.destroy;
      GPUDevice.prototype.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
        const b = create.call(this, d);
        live.add(b);
        return b;
      };
      GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
        live.delete(this);
        return destroy.call(this);
      };
      try {
        // A quantizer that made its own device, used twice (different sizes) and destroyed.
        const own = kmq.createQuantizer({ backend: 'webgpu', k: 8 });
        await own.quantize(image);
        const small = new ImageData(image.data.slice(0, 64 * 64 * 4), 64, 64);
        await own.quantize(small);
        const madeByOwn = live.size;
        own.destroy();
        await new Promise((r) => setTimeout(r, 0));
        const leftByOwn = live.size;
        // A quantizer given the caller's device must free its buffers but leave the device and the caller's buffer.
        const adapter = await navigator.gpu.requestAdapter();
        const device = await adapter!.requestDevice();
        const mine = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
        let deviceLost = false;
        void device.lost.then(() => (deviceLost = true));
        const given = kmq.createQuantizer({ backend: 'webgpu', device, k: 8 });
        await given.quantize(image);
        given.destroy();
        await new Promise((r) => setTimeout(r, 50));
        const stillMine = live.has(mine);
        live.delete(mine);
        // An aborted one-shot quantize releases its buffers too.
        const controller = new AbortController();
        const aborted = await kmq
          .quantize(image, { backend: 'webgpu', k: 8, signal: controller.signal, onProgress: () => controller.abort() })
          .then(() => 'resolved', (e: Error) => e.name);
        await new Promise((r) => setTimeout(r, 50));
        return { madeByOwn, leftByOwn, stillMine, deviceLost, leftAfterGiven: live.size, aborted };
      } finally {
        GPUDevice.prototype.createBuffer = create;
        GPUBuffer.prototype.destroy = destroy;
      }
    });
    expect(out.madeByOwn).toBeGreaterThan(0);
    expect(out.leftByOwn).toBe(0);
    expect(out.stillMine).toBe(true);
    expect(out.deviceLost).toBe(false);
    expect(out.aborted).toBe('AbortError');
    expect(out.leftAfterGiven).toBe(0);
  });

  it('times the Lloyd passes by timestamp queries where the adapter offers them', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      const offered = adapter!.features.has('timestamp-query');
      const runs = [];
      for (const gpuIterateOn of ['colours', 'pixels']) {
        const r = await kmq.quantize(image, { k: 16, backend: 'webgpu', seed: 1, gpuIterateOn });
        runs.push({ timestampMs: r.gpu.timestampMs, lloydMs: r.timings.iterations, iterations: r.iterations });
      }
      return { offered, runs };
    });
    for (const run of out.runs) {
      if (!out.offered) {
        expect(run.timestampMs).toBeUndefined();
        continue;
      }
      // GPU time of the passes: positive, and within the wall time the host spent waiting on them.
      expect(run.timestampMs).toBeGreaterThan(0);
      expect(run.timestampMs).toBeLessThanOrEqual(run.lloydMs * 1.05 + 1);
    }
  });

  it('under auto, prefers the CPU on a software adapter and says why', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const { kmq, loadImageData } = window as any;
      const image = await loadImageData('/test/fixtures/coffee.png');
      const r = await kmq.quantize(image, { k: 8 });
      return { backend: r.backend, reason: r.fallbackReason, adapter: r.adapter };
    });
    if (out.adapter?.isFallbackAdapter) {
      expect(out.backend).toBe('cpu');
      expect(out.reason).toMatch(/software fallback/);
    } else {
      expect(out.backend).toBe('webgpu');
    }
  });
});

describe('WebGPU session parts, on a stand-in device (no GPU needed)', () => {
  /** Just enough of a GPUDevice to create a context and a session: every call recorded, nothing run. */
  function standInDevice(): GPUDevice {
    const made = (descriptor?: object) => ({ ...descriptor, destroy() {} });
    return {
      limits: { maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28 },
      features: new Set<string>(),
      lost: new Promise(() => {}),
      queue: { writeBuffer() {}, submit() {} },
      createBuffer: made,
      createShaderModule: made,
      createBindGroupLayout: made,
      createPipelineLayout: made,
      createBindGroup: made,
      createComputePipeline: made,
      pushErrorScope() {},
      popErrorScope: async () => null,
    } as unknown as GPUDevice;
  }
  const context = async () => (await GpuContext.create({ gpu: undefined, device: standInDevice(), maxChunkPixels: undefined })) as GpuContext;

  it('throws INVALID_STATE from every call once destroyed, and destroys once', async () => {
    const ctx = await context();
    const pixels = new Uint32Array(1000).map((_, i) => i * 2654435761);
    const session = await createWebGpuSession(ctx, pixels, pixels, { iterateOn: 'pixels' });
    const centroids = new Float64Array([0, 0, 0, 255, 255, 255]);
    await session.setCentroids(centroids);
    session.destroy();
    session.destroy();
    const invalid = { code: 'INVALID_STATE', name: 'QuantizerError' };
    await expect(session.setCentroids(centroids)).rejects.toMatchObject(invalid);
    await expect(session.iterate(4, 0)).rejects.toMatchObject(invalid);
    await expect(session.state()).rejects.toMatchObject(invalid);
    await expect(session.labelAll({ centroids, palette: new Uint8Array([0, 0, 0, 255, 255, 255]) })).rejects.toMatchObject(invalid);
    expect(() => session.gpuStats!()).toThrow(expect.objectContaining(invalid));
    ctx.destroy();
  });

  it('passes the library\'s typed errors through a guarded step, and turns any other failure into GpuRunError', async () => {
    const ctx = await context();
    const typed = new QuantizerError('INVALID_STATE', 'named wrongly');
    await expect(guarded(ctx, 'a step', async () => Promise.reject(typed))).rejects.toBe(typed);
    await expect(guarded(ctx, 'a step', async () => Promise.reject(new TypeError('bad call')))).rejects.toMatchObject({
      name: 'GpuRunError',
      code: 'GPU_RUN_FAILED',
      message: 'a step failed: bad call',
    });
    ctx.destroy();
  });

  it('lays out the staging buffers region after region, as the readbacks read them', () => {
    for (const timed of [false, true]) {
      const status = new StatusLayout(timed);
      expect(status.control).toEqual({ offset: 0, size: 16 });
      expect(status.timestamps).toEqual(timed ? { offset: 16, size: 16 } : undefined);
      const start = timed ? 32 : 16;
      expect(status.batch(5, false)).toEqual({ history: { offset: start, size: 40 }, colourCount: undefined, bytes: start + 40 });
      expect(status.batch(5, true)).toEqual({ history: { offset: start, size: 40 }, colourCount: { offset: start + 40, size: 4 }, bytes: start + 44 });
      expect(status.bytes).toBe(start + 64 * 8 + 4);
    }
    const state = new StateLayout();
    expect(state.read(3)).toEqual({ centroids: { offset: 0, size: 48 }, counts: { offset: 256 * 16, size: 12 }, bytes: 256 * 16 + 12 });
    const onColours = new FinalLayout(512, true);
    expect([onColours.image, onColours.labels, onColours.errors, onColours.centroidLabels, onColours.bytes]).toEqual([
      { offset: 0, size: 2048 },
      { offset: 2048, size: 512 },
      { offset: 2560, size: 16 },
      undefined,
      2576,
    ]);
    const onHost = new FinalLayout(512, false);
    expect([onHost.image, onHost.centroidLabels, onHost.labels, onHost.errors, onHost.bytes]).toEqual([
      { offset: 0, size: 2048 },
      { offset: 2048, size: 512 },
      { offset: 2560, size: 512 },
      undefined,
      3072,
    ]);
  });
});
