/**
 * The frame path (quantizer.quantizeFrame, src/gpu/frame.ts), for real in headless Chromium on SwiftShader:
 * what a cold still and a warm video frame cost, counted (submits, external copies, readbacks, bytes read
 * back); the quantized frame on the GPU, read back here only, equals the CPU path's painted image for the
 * same palette; labels and image come back only when asked, and then equal the CPU's; a caller's texture
 * in and out; the GPU seeding is seeded; bad options are refused before any work.
 *
 * Drawing into a canvas's WebGPU context is tested in gpu-canvas.test.ts (headed Chromium: headless, on
 * SwiftShader, configuring a WebGPU canvas loses the device).
 */
import { describe, expect, it } from 'vitest';
import { evaluateWithHelpers } from './browser/gpu-page-helpers.js';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage();

const evaluate = <T>(fn: string): Promise<T> => evaluateWithHelpers<T>(page, fn);

describe('the frame path on WebGPU', () => {
  it('a cold still: one submit, one readback under 4 KB, no image; the GPU texture equals the CPU painting of its palette', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const image = await loadImageData('/test/fixtures/coffee.png');
      const device = await deviceOf();
      const quantizer = kmq.createQuantizer({ device });
      try {
        const frame = await quantizer.quantizeFrame(await createImageBitmap(image), { k: 16, maxIterations: 30 });
        const gpu = await readTexture(device, frame.texture);
        const cpu = await kmq.applyPalette(image, frame.palette, { backend: 'cpu' });
        const best = await kmq.quantize(image, { k: 16, backend: 'cpu' });
        return { stats: frame.stats, warm: frame.warm, size: [frame.width, frame.height], paletteBytes: frame.palette.length, counted: frame.counts.reduce((a, b) => a + b, 0),
          labels: 'labels' in frame, image: 'image' in frame, differing: differing(gpu, cpu.image), mse: [cpu.mse, best.mse], iterations: frame.iterations };
      } finally { quantizer.destroy(); device.destroy(); }
    })()`);
    expect(out.size).toEqual([600, 400]);
    expect(out.warm).toBe(false);
    expect(out.stats.submits).toBe(1);
    expect(out.stats.externalCopies).toBe(1);
    expect(out.stats.readbacks).toBe(1);
    expect(out.stats.bytesRead).toBeLessThan(4096);
    expect(out.stats.imageBytesRead).toBe(0);
    expect(out.labels || out.image).toBe(false);
    expect(out.paletteBytes).toBe(48);
    expect(out.counted).toBe(600 * 400);
    expect(out.differing).toBe(0);
    expect(out.iterations).toBeGreaterThan(1);
    // The GPU seeding (k-means++ on a 1,024-pixel sample) and the Lloyd loop land near the CPU's fit.
    expect(out.mse[0]).toBeLessThan(out.mse[1] * 1.05);
    expect(out.stats.hostMs).toBeGreaterThanOrEqual(0);
    expect(out.stats.gpuMs === null || out.stats.gpuMs > 0).toBe(true);
  });

  it('warm video frames: started from the last frame on the GPU, at most 2 queue submissions, no image readback, under 4 KB even at k = 256', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const image = await loadImageData('/test/fixtures/coffee.png');
      const device = await deviceOf();
      const quantizer = kmq.createQuantizer({ device });
      try {
        const frames = [];
        for (let t = 0; t < 3; t++) {
          const source = videoFrame(image, t, 160, 120);
          const frame = await quantizer.quantizeFrame(source, { k: 256, maxIterations: 64 });
          const pixels = source.getContext('2d').getImageData(0, 0, 160, 120);
          const cpu = await kmq.applyPalette(pixels, frame.palette, { backend: 'cpu' });
          frames.push({ warm: frame.warm, stats: frame.stats, differing: differing(await readTexture(device, frame.texture), cpu.image), iterations: frame.iterations });
        }
        const restarted = await quantizer.quantizeFrame(videoFrame(image, 3, 160, 120), { k: 256, restart: true, maxIterations: 4 });
        const otherK = await quantizer.quantizeFrame(videoFrame(image, 4, 160, 120), { k: 8, maxIterations: 4 });
        return { frames, restarted: restarted.warm, otherK: otherK.warm };
      } finally { quantizer.destroy(); device.destroy(); }
    })()`);
    expect(out.frames.map((f: any) => f.warm)).toEqual([false, true, true]);
    for (const f of out.frames) {
      expect(f.stats.submits + f.stats.externalCopies).toBeLessThanOrEqual(2);
      expect(f.stats.readbacks).toBe(1);
      expect(f.stats.imageBytesRead).toBe(0);
      expect(f.stats.bytesRead).toBeLessThan(4096);
      expect(f.differing).toBe(0);
    }
    expect(out.restarted).toBe(false);
    expect(out.otherK).toBe(false);
  });

  it('reads labels and image back only when asked, and they equal the CPU path for the same palette', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer();
      try {
        const bitmap = await createImageBitmap(image);
        const frame = await quantizer.quantizeFrame(bitmap, { k: 8, maxIterations: 20, read: ['labels', 'image'] });
        const only = await quantizer.quantizeFrame(bitmap, { k: 8, maxIterations: 20, read: ['labels'] });
        const cpu = await kmq.applyPalette(image, frame.palette, { backend: 'cpu' });
        return { labels: differing(frame.labels, cpu.labels), image: differing(frame.image, cpu.image), stats: frame.stats, onlyLabels: ['labels' in only, 'image' in only, only.stats.imageBytesRead] };
      } finally { quantizer.destroy(); }
    })()`);
    expect(out.labels).toBe(0);
    expect(out.image).toBe(0);
    expect(out.stats.imageBytesRead).toBe(600 * 400 * 5);
    expect(out.stats.bytesRead - out.stats.imageBytesRead).toBeLessThan(4096);
    expect(out.onlyLabels).toEqual([true, false, 600 * 400]);
  });

  it("takes a caller's texture in and draws into a caller's texture, with no external copy", async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const image = await loadImageData('/test/fixtures/coffee.png');
      const device = await deviceOf();
      const quantizer = kmq.createQuantizer({ device });
      const size = [image.width, image.height];
      const source = device.createTexture({ size, format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
      device.queue.writeTexture({ texture: source }, image.data, { bytesPerRow: image.width * 4 }, size);
      const target = device.createTexture({ size, format: 'rgba8unorm', usage: GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC });
      try {
        const init = [[0, 0, 0], [255, 255, 255], [120, 60, 20], [200, 150, 100]];
        const frame = await quantizer.quantizeFrame(source, { k: 4, init, maxIterations: 10, target });
        const cpu = await kmq.applyPalette(image, frame.palette, { backend: 'cpu' });
        let wrongSize;
        try { await quantizer.quantizeFrame(source, { k: 4, target: device.createTexture({ size: [8, 8], format: 'rgba8unorm', usage: GPUTextureUsage.COPY_DST }) }); } catch (e) { wrongSize = [e.name, e.code]; }
        return { stats: frame.stats, warm: frame.warm, differing: differing(await readTexture(device, target), cpu.image), wrongSize };
      } finally { quantizer.destroy(); source.destroy(); target.destroy(); device.destroy(); }
    })()`);
    expect(out.stats.externalCopies).toBe(0);
    expect(out.stats.submits).toBe(1);
    expect(out.warm).toBe(false);
    expect(out.differing).toBe(0);
    expect(out.wrongSize).toEqual(['RangeError', 'OUT_OF_RANGE']);
  });

  it('seeds on the GPU by its seed: the same seed, the same palette; another seed, another', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const image = await loadImageData('/test/fixtures/coffee.png');
      const bitmap = await createImageBitmap(image);
      const palettes = [];
      for (const seed of [1, 1, 2]) {
        const quantizer = kmq.createQuantizer();
        try { palettes.push(Array.from((await quantizer.quantizeFrame(bitmap, { k: 8, seed, maxIterations: 1 })).palette).join(',')); } finally { quantizer.destroy(); }
      }
      return palettes;
    })()`);
    expect(out[0]).toBe(out[1]);
    expect(out[2]).not.toBe(out[0]);
  });

  it('refuses bad options and sources before any work, with typed errors', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const quantizer = kmq.createQuantizer();
      const bitmap = await createImageBitmap(new ImageData(4, 4));
      const caught = async (call) => { try { await call(); return 'no error'; } catch (e) { return [e.name, e.code]; } };
      const twoD = document.createElement('canvas'); twoD.getContext('2d');
      const result = {
        iterations: await caught(() => quantizer.quantizeFrame(bitmap, { maxIterations: 65 })),
        unknown: await caught(() => quantizer.quantizeFrame(bitmap, { dither: 'ordered' })),
        read: await caught(() => quantizer.quantizeFrame(bitmap, { read: ['centroids'] })),
        target: await caught(() => quantizer.quantizeFrame(bitmap, { target: {} })),
        noFrame: await caught(() => quantizer.quantizeFrame(document.createElement('video'))),
        init: await caught(() => quantizer.quantizeFrame(bitmap, { k: 2, init: [[0, 0, 0]] })),
        aborted: await caught(() => quantizer.quantizeFrame(bitmap, { signal: AbortSignal.abort() })),
      };
      // After all these, the quantizer still works.
      result.works = (await quantizer.quantizeFrame(bitmap, { k: 2, maxIterations: 2 })).palette.length;
      quantizer.destroy();
      result.destroyed = await caught(() => quantizer.quantizeFrame(bitmap));
      return result;
    })()`);
    expect(out.iterations).toEqual(['RangeError', 'OUT_OF_RANGE']);
    expect(out.unknown).toEqual(['TypeError', 'INVALID_TYPE']);
    expect(out.read).toEqual(['TypeError', 'INVALID_TYPE']);
    expect(out.target).toEqual(['TypeError', 'INVALID_TYPE']);
    expect(out.noFrame).toEqual(['RangeError', 'INVALID_IMAGE']);
    expect(out.init).toEqual(['RangeError', 'OUT_OF_RANGE']);
    expect(out.aborted[0]).toBe('AbortError');
    expect(out.works).toBe(6);
    expect(out.destroyed).toEqual(['QuantizerError', 'INVALID_STATE']);
  });
});
