/**
 * The element on the GPU frame route (src/element/gpu-route.ts), for real in headless Chromium. SwiftShader
 * is a software adapter, so the route here is the one `frame-path="on"` takes there: quantizeFrame() with
 * labels and image read back (a WebGPU canvas can't be composited by this Chromium; the hardware route
 * differs only in drawing from a WebGPU OffscreenCanvas instead). Checked: the route is taken, the
 * quantized and compare views show the CPU path's painting of the palette, the swatches are the palette,
 * live frames are warm-started and a frame arriving while one is in flight is dropped, not queued; and
 * a software adapter stays on quantize() unless `frame-path="on"` (and `off` always does).
 */
import { describe, expect, it } from 'vitest';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage('/test/browser/element.html');

describe('<kmeans-quantizer> through the GPU frame path', () => {
  it('renders a still image through quantizeFrame with frame-path "on": views and swatches match the palette', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const w = window as any;
      const kmq = await (0, eval)("import('/dist/index.js')");
      const data = new Uint8ClampedArray(96 * 64 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7919 + (i >> 9) * 31) % 256));
      const image = new ImageData(data, 96, 64);
      const el = w.makeElement({ k: 6, backend: 'webgpu', seed: 2, 'frame-path': 'on' }, { image });
      const detail = (await w.nextEvent(el, 'kmeans-complete')).detail;
      await el.updateComplete;
      const cpu = await kmq.applyPalette(image, detail.palette, { backend: 'cpu' });
      const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
      const hex = (p: Uint8Array, i: number) => '#' + [0, 1, 2].map((c) => p[i * 3 + c]!.toString(16).padStart(2, '0')).join('');
      const swatches = [...el.shadowRoot.querySelectorAll('[part~="swatch-hex"]')].map((s: Element) => s.textContent);
      const result = {
        path: el.shadowRoot.querySelector('[data-stat="path"]')?.textContent ?? null,
        gpu: detail.gpu,
        quantized: same(w.canvasPixels(el, 'canvas').data, cpu.image),
        compare: same(w.canvasPixels(el, 'compare-quantized').data, cpu.image),
        original: same(w.canvasPixels(el, 'compare-original').data, image.data),
        labels: same(detail.labels, cpu.labels),
        mse: [detail.mse, cpu.mse],
        swatches: same(swatches as never, Array.from({ length: 6 }, (_, i) => hex(detail.palette, i)) as never),
      };
      el.remove();
      return result;
    });
    expect(out.path).toBe('GPU frames, read back');
    expect(out.gpu.submits).toBe(1);
    expect(out.gpu.readbacks).toBe(1);
    expect(out.quantized).toBe(true);
    expect(out.compare).toBe(true);
    expect(out.original).toBe(true);
    expect(out.labels).toBe(true);
    expect(out.mse[0]).toBeCloseTo(out.mse[1], 6);
    expect(out.swatches).toBe(true);
  });

  it('stays on quantize() on a software adapter unless frame-path is "on", and always with frame-path "off"', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const w = window as any;
      const image = new ImageData(new Uint8ClampedArray(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256)), 32, 32);
      const run = async (attributes: Record<string, string>) => {
        const el = w.makeElement({ k: 4, ...attributes }, { image });
        const detail = (await w.nextEvent(el, 'kmeans-complete')).detail;
        await el.updateComplete;
        const path = el.shadowRoot.querySelector('[data-stat="path"]')?.textContent ?? null;
        el.remove();
        return { path, backend: detail.backend, labels: detail.labels.length };
      };
      const bad = w.makeElement({ k: 4, 'frame-path': 'sometimes' }, { image });
      const error = (await w.nextEvent(bad, 'kmeans-error')).detail.error;
      bad.remove();
      return { auto: await run({}), webgpu: await run({ backend: 'webgpu' }), off: await run({ backend: 'webgpu', 'frame-path': 'off' }), bad: [error.name, error.code, error.message] };
    });
    expect(out.auto).toEqual({ path: null, backend: 'cpu', labels: 32 * 32 });
    expect(out.webgpu).toEqual({ path: null, backend: 'webgpu', labels: 32 * 32 });
    expect(out.off).toEqual({ path: null, backend: 'webgpu', labels: 32 * 32 });
    expect(out.bad[0]).toBe('TypeError');
    expect(out.bad[1]).toBe('INVALID_TYPE');
    expect(out.bad[2]).toMatch(/frame-path/);
  });

  it('quantizes live video through quantizeFrame, warm-started, dropping frames that arrive while one is in flight', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await page.session!.page.evaluate(async () => {
      const w = window as any;
      const source = w.animatedStream(160, 120, 30);
      const el = w.makeElement({ k: 4, seed: 1, 'frame-path': 'on' }, {}, false);
      const completes: Array<{ palette: number[]; iterations: number }> = [];
      let inFlight = 0;
      let overlapped = false;
      // Every frame the element hands to the GPU is one submit labelled "frame": never two in flight at once.
      const done = new Promise<void>((resolve) => {
        el.addEventListener('kmeans-complete', function record(e: CustomEvent) {
          completes.push({ palette: Array.from(e.detail.palette as Uint8Array), iterations: e.detail.iterations, gpu: e.detail.gpu, backend: e.detail.backend } as never);
          if (completes.length === 5) {
            el.removeEventListener('kmeans-complete', record);
            resolve();
          }
        });
      });
      const original = GPUQueue.prototype.submit;
      GPUQueue.prototype.submit = function (buffers: Iterable<GPUCommandBuffer>) {
        const list = [...buffers];
        if (list.some((b) => b.label === 'frame')) {
          inFlight++;
          if (inFlight > 1) overlapped = true;
          void this.onSubmittedWorkDone().then(() => inFlight--);
        }
        return original.call(this, list);
      };
      el.image = source.stream;
      document.getElementById('sandbox')!.append(el);
      await done;
      GPUQueue.prototype.submit = original;
      const painted = source.frames();
      source.stop();
      await el.updateComplete;
      const path = el.shadowRoot.querySelector('[data-stat="path"]')?.textContent ?? null;
      el.remove();
      return { path, completes, painted, overlapped };
    });
    expect(out.path, JSON.stringify(out.completes[0])).toBe('GPU frames, read back');
    expect(out.overlapped).toBe(false);
    // The source painted far more frames than were quantized: the others were dropped.
    expect(out.painted).toBeGreaterThan(out.completes.length);
    expect(out.completes.every((c: any) => c.palette.length === 12)).toBe(true);
    // Warm-started on the GPU: the palette keeps its order from frame to frame (each colour's nearest in
    // the next frame has its index), though the source's colours drift between the frames quantized.
    const moved: string[] = [];
    for (let f = 1; f < out.completes.length; f++) {
      const [a, b] = [out.completes[f - 1]!.palette as number[], out.completes[f]!.palette as number[]];
      for (let i = 0; i < 4; i++) {
        const d = (j: number) => (a[i * 3]! - b[j * 3]!) ** 2 + (a[i * 3 + 1]! - b[j * 3 + 1]!) ** 2 + (a[i * 3 + 2]! - b[j * 3 + 2]!) ** 2;
        const nearest = [0, 1, 2, 3].reduce((best, j) => (d(j) < d(best) ? j : best), 0);
        if (nearest !== i) moved.push(`frame ${f} colour ${i} -> ${nearest}`);
      }
    }
    expect(moved, out.completes.map((c: any) => c.palette.join(',')).join('\n')).toEqual([]);
  });
});
