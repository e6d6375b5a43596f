/**
 * The element's GPU route in canvas mode, the one a hardware adapter takes (src/element/gpu-route.ts):
 * quantizeFrame draws into the route's WebGPU OffscreenCanvas and nothing but palette, counts and status
 * comes back. Run for real in headed Chromium on SwiftShader (test/browser/display.ts), the adapter
 * disguised as hardware in the page (its `info` says so) so that the element takes that mode. The WebGPU
 * canvas's texture, captured right after each submit (gpu-page-helpers.ts), equals the CPU path's painting
 * of the result's palette, for a still and for each live video frame over the pixels uploaded for it,
 * one submit each, with no image read back.
 *
 * Not checked: the element's 2D canvases, which draw from the WebGPU canvas; SwiftShader does not
 * composite a WebGPU canvas, so they read zeros here (the readback mode's views are checked in
 * element-gpu.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { evaluateWithHelpers } from './browser/gpu-page-helpers.js';
import { useGpuPage } from './browser/harness.js';

const page = useGpuPage('/test/browser/element.html', { headed: true });

/** The page's adapters say they are hardware (vendor "test", not a fallback); the device is SwiftShader's. */
const CALLED_HARDWARE = `(() => {
  const info = Object.getOwnPropertyDescriptor(GPUAdapter.prototype, 'info');
  Object.defineProperty(GPUAdapter.prototype, 'info', { configurable: true, get() {
    const real = info.get.call(this);
    return { vendor: 'test', architecture: 'test-gpu', device: '', description: 'SwiftShader, called hardware', isFallbackAdapter: false, subgroupMinSize: real.subgroupMinSize, subgroupMaxSize: real.subgroupMaxSize };
  } });
})()`;

const evaluate = <T>(fn: string): Promise<T> => evaluateWithHelpers<T>(page, fn, CALLED_HARDWARE);

describe('<kmeans-quantizer> drawing on the GPU (canvas mode)', () => {
  it('a still image: the WebGPU canvas holds the CPU painting of the palette; no labels or image come back; swatches are the palette', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const captured = captureCanvases();
      const kmq = await import('/dist/index.js');
      const image = await loadImageData('/test/fixtures/coffee.png');
      const before = captured.length;
      const el = makeElement({ k: 8, backend: 'webgpu', seed: 3 }, { image });
      const detail = (await nextEvent(el, 'kmeans-complete')).detail;
      await el.updateComplete;
      const drawn = captured.slice(before);
      const cpu = await kmq.applyPalette(image, detail.palette, { backend: 'cpu' });
      const hex = (p, i) => '#' + [0, 1, 2].map((c) => p[i * 3 + c].toString(16).padStart(2, '0')).join('');
      const swatches = [...el.shadowRoot.querySelectorAll('[part~="swatch-hex"]')].map((s) => s.textContent);
      const result = {
        path: el.shadowRoot.querySelector('[data-stat="path"]')?.textContent ?? null,
        draws: drawn.length, offscreen: drawn.every((d) => d.canvas instanceof OffscreenCanvas),
        differing: drawn.length ? differing(await drawn[drawn.length - 1].bytes, cpu.image) : -2,
        labels: detail.labels.length, image: detail.image.length, gpu: detail.gpu,
        swatches: JSON.stringify(swatches) === JSON.stringify(Array.from({ length: 8 }, (_, i) => hex(detail.palette, i))),
      };
      el.remove();
      return result;
    })()`);
    expect(out.path).toBe('GPU frames, drawn on the GPU');
    expect(out.draws).toBe(1);
    expect(out.offscreen).toBe(true);
    expect(out.differing).toBe(0);
    expect([out.labels, out.image]).toEqual([0, 0]);
    expect(out.gpu.submits).toBe(1);
    expect(out.gpu.bytesRead).toBeLessThan(4096);
    expect(out.swatches).toBe(true);
  });

  it('live video: each frame quantized is drawn into the WebGPU canvas, equal to the CPU painting of its palette over the frame uploaded', async ({ skip }) => {
    if (!page.gpu) skip();
    const out = await evaluate<any>(`(async () => {
      const captured = captureCanvases();
      const kmq = await import('/dist/index.js');
      // The pixels of each frame the route hands to the GPU, read at the copy: the first frame's ImageData (read
      // before the route was known), then its snapshots (2D OffscreenCanvases).
      const uploads = [];
      const copy = GPUQueue.prototype.copyExternalImageToTexture;
      GPUQueue.prototype.copyExternalImageToTexture = function (source, destination, size) {
        const s = source.source;
        uploads.push(s instanceof ImageData ? s : s.getContext('2d').getImageData(0, 0, s.width, s.height));
        return copy.call(this, source, destination, size);
      };
      const source = animatedStream(160, 120, 30);
      const el = makeElement({ k: 4, seed: 1, backend: 'webgpu' }, {}, false);
      const completes = [];
      const before = captured.length;
      const done = new Promise((resolve) => {
        el.addEventListener('kmeans-complete', function record(e) {
          completes.push({ palette: e.detail.palette, gpu: e.detail.gpu, labels: e.detail.labels.length, drawn: captured.length - before, uploaded: uploads.length });
          if (completes.length === 4) { el.removeEventListener('kmeans-complete', record); resolve(); }
        });
      });
      el.image = source.stream;
      document.getElementById('sandbox').append(el);
      await done;
      GPUQueue.prototype.copyExternalImageToTexture = copy;
      const painted = source.frames();
      source.stop();
      await el.updateComplete;
      const path = el.shadowRoot.querySelector('[data-stat="path"]')?.textContent ?? null;
      el.remove();
      const draws = captured.slice(before);
      const differ = [];
      for (let f = 0; f < completes.length && f < draws.length; f++) {
        const cpu = await kmq.applyPalette(uploads[f], completes[f].palette, { backend: 'cpu' });
        differ.push(differing(await draws[f].bytes, cpu.image));
      }
      return { path, painted, differ, completes: completes.map(({ gpu, labels, drawn, uploaded }) => ({ submits: gpu.submits, bytesRead: gpu.bytesRead, labels, drawn, uploaded })) };
    })()`);
    expect(out.path, JSON.stringify(out)).toBe('GPU frames, drawn on the GPU');
    expect(out.completes.map((c: any) => [c.drawn, c.uploaded])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]]);
    expect(out.differ).toEqual([0, 0, 0, 0]);
    // Frames that arrived while one was in flight were dropped: the source painted more than were quantized.
    expect(out.painted).toBeGreaterThan(4);
    for (const c of out.completes) {
      expect(c.submits).toBe(1);
      expect(c.bytesRead).toBeLessThan(4096);
      expect(c.labels).toBe(0);
    }
  });
});
