import type { GpuPage } from './harness.js';

/**
 * Page helpers of the GPU tests (evaluate the string in the page): `loadImageData(url)` (where the page
 * has none), `deviceOf()` (a device of the page's
 * adapter), `readTexture(device, texture)` (RGBA bytes), `differing(a, b)` (how many bytes differ),
 * `videoFrame(image, t, w, h)` (a frame of a synthetic moving video), and `captureCanvases()`, which returns a list that gains `{ canvas, bytes }`
 * (bytes: a promise of RGBA) for every canvas texture drawn: it adds COPY_SRC to every WebGPU canvas
 * configuration and, right after each submit that took a canvas's current texture, copies that texture
 * into a buffer in the same task, before the frame is presented (SwiftShader never composites it).
 */
export const GPU_PAGE_HELPERS = `
window.loadImageData ??= async (url) => {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
};
window.deviceOf = async () => (await navigator.gpu.requestAdapter()).requestDevice();
window.readTexture = async (device, texture) => {
  const { width, height } = texture;
  const row = Math.ceil(width * 4 / 256) * 256;
  const buffer = device.createBuffer({ size: row * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder();
  encoder.copyTextureToBuffer({ texture }, { buffer, bytesPerRow: row }, [width, height]);
  device.queue.submit([encoder.finish()]);
  await buffer.mapAsync(GPUMapMode.READ);
  const padded = new Uint8Array(buffer.getMappedRange());
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) out.set(padded.subarray(y * row, y * row + width * 4), y * width * 4);
  buffer.destroy();
  return out;
};
window.differing = (a, b) => { if (a.length !== b.length) return -1; let n = 0; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++; return n; };
window.videoFrame = (image, t, width, height) => {
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d').putImageData(image, -t * 7, -t * 3);
  return canvas;
};
window.captureCanvases = () => {
  if (window.captured) return window.captured;
  const proto = GPUCanvasContext.prototype;
  const { configure, getCurrentTexture } = proto;
  const submit = GPUQueue.prototype.submit;
  const devices = new WeakMap();
  let taken = [];
  window.captured = [];
  proto.configure = function (config) {
    devices.set(this, config.device);
    return configure.call(this, { ...config, usage: (config.usage ?? GPUTextureUsage.RENDER_ATTACHMENT) | GPUTextureUsage.COPY_SRC });
  };
  proto.getCurrentTexture = function () {
    const texture = getCurrentTexture.call(this);
    if (!taken.some((t) => t.texture === texture)) taken.push({ context: this, texture });
    return texture;
  };
  GPUQueue.prototype.submit = function (buffers) {
    submit.call(this, buffers);
    const drawn = taken;
    taken = [];
    for (const { context, texture } of drawn) window.captured.push({ canvas: context.canvas, bytes: readTexture(devices.get(context), texture) });
  };
  return window.captured;
};
`;

/** Evaluates the expression `fn` in `page`'s browser page, after GPU_PAGE_HELPERS and then each of `preludes`. */
export async function evaluateWithHelpers<T>(page: GpuPage, fn: string, ...preludes: string[]): Promise<T> {
  const p = page.session!.page;
  for (const code of [GPU_PAGE_HELPERS, ...preludes]) await p.evaluate(code);
  return p.evaluate(fn) as Promise<T>;
}
