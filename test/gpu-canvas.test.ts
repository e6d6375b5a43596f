/**
 * The frame path drawing into a canvas's WebGPU context, for real on SwiftShader: the canvas's own texture,
 * read back here only, equals the CPU path's painting of the frame's palette, for a cold still and for warm
 * video frames, with no image readback and one submit a frame.
 *
 * Chromium runs headed on a virtual X display (test/browser/display.ts): headless, configuring a WebGPU
 * canvas on SwiftShader loses the device. Headed, the canvas texture is written but never composited (a 2d
 * drawImage of it reads zeros), so the test reads the texture itself: it adds COPY_SRC to the library's
 * canvas configuration and, right after each submit that drew into a canvas, copies that canvas's current
 * texture into a buffer in the same task, before the frame is presented.
 */
import { describe, expect, it } from 'vitest';
import { evaluateWithHelpers } from './browser/gpu-page-helpers.js';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage(undefined, { headed: true });

const evaluate = <T>(fn: string): Promise<T> => evaluateWithHelpers<T>(page, fn);

describe('the frame path drawing into a WebGPU canvas', () => {
  it("a cold still drawn into a canvas: the canvas's texture equals the CPU painting of the palette, no image read back", async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const captured = captureCanvases();
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer();
      const canvas = document.createElement('canvas');
      document.body.append(canvas);
      try {
        const before = captured.length;
        const frame = await quantizer.quantizeFrame(await createImageBitmap(image), { k: 16, maxIterations: 30, target: canvas });
        const drawn = captured.slice(before);
        const cpu = await kmq.applyPalette(image, frame.palette, { backend: 'cpu' });
        return { draws: drawn.length, same: drawn.every((d) => d.canvas === canvas), size: [canvas.width, canvas.height], stats: frame.stats,
          differing: drawn.length ? differing(await drawn[0].bytes, cpu.image) : -2 };
      } finally { quantizer.destroy(); canvas.remove(); }
    })()`);
    expect(out.draws).toBe(1);
    expect(out.same).toBe(true);
    expect(out.size).toEqual([600, 400]);
    expect(out.stats.submits).toBe(1);
    expect(out.stats.imageBytesRead).toBe(0);
    expect(out.stats.bytesRead).toBeLessThan(4096);
    expect(out.differing).toBe(0);
  });

  it('warm video frames drawn into an OffscreenCanvas: each frame equals the CPU painting, one submit, under 4 KB read back', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const captured = captureCanvases();
      const image = await loadImageData('/test/fixtures/coffee.png');
      const quantizer = kmq.createQuantizer();
      const canvas = new OffscreenCanvas(1, 1);
      try {
        const frames = [];
        for (let t = 0; t < 3; t++) {
          const source = videoFrame(image, t, 320, 180);
          const before = captured.length;
          const frame = await quantizer.quantizeFrame(source, { k: 64, maxIterations: 64, target: canvas });
          const drawn = captured.slice(before);
          const cpu = await kmq.applyPalette(source.getContext('2d').getImageData(0, 0, 320, 180), frame.palette, { backend: 'cpu' });
          frames.push({ warm: frame.warm, stats: frame.stats, draws: drawn.length, differing: drawn.length ? differing(await drawn[0].bytes, cpu.image) : -2 });
        }
        return { frames, size: [canvas.width, canvas.height] };
      } finally { quantizer.destroy(); }
    })()`);
    expect(out.size).toEqual([320, 180]);
    expect(out.frames.map((f: any) => f.warm)).toEqual([false, true, true]);
    for (const f of out.frames) {
      expect(f.draws).toBe(1);
      expect(f.stats.submits + f.stats.externalCopies).toBeLessThanOrEqual(2);
      expect(f.stats.imageBytesRead).toBe(0);
      expect(f.stats.bytesRead).toBeLessThan(4096);
      expect(f.differing).toBe(0);
    }
  });
});
