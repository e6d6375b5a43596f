/**
 * The frame path (`quantizer.quantizeFrame()`, issue 16) on the device: frames already on the GPU (Dawn in
 * Node has no ImageBitmap or canvas, so each frame is a texture, uploaded before the clock starts, as a
 * camera or video decoder would leave it), quantized and painted there, with only the palette, counts and
 * status read back. Per size and k: the first call (pipelines), cold frames (`restart`: GPU seeding) and
 * warm frames (the previous frame's centroids, kept on the GPU); then frames per second of a scrolling
 * video at k = 64.
 */
import { median, quantile, round, scrollingVideo, sizeName, STEP, wallSummary } from './images.js';

const SIZES = { full: [[1920, 1080], [3840, 2160]], quick: [[320, 180]] };
const KS = { full: [16, 64, 256], quick: [16] };
const RUNS = { full: { cold: 5, warm: 20 }, quick: { cold: 2, warm: 3 } };
/** Distinct frames uploaded per size (taken in turn). */
const TEXTURES = { full: 8, quick: 3 };

/** A device of the adapter, with timestamp queries where offered and the adapter's buffer limits. */
async function frameDevice(gpu) {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter');
  const features = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  return adapter.requestDevice({ requiredFeatures: features, requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
}

/** `count` frames of a scrolling video of the photo, each uploaded into its own texture. */
function uploadFrames(device, photo, [width, height], count) {
  const clip = scrollingVideo(photo, width, height, count, STEP);
  const usage = GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST;
  return Array.from({ length: count }, (_, i) => {
    const texture = device.createTexture({ size: [width, height], format: 'rgba8unorm', usage });
    device.queue.writeTexture({ texture }, clip.frame(i).data, { bytesPerRow: width * 4 }, [width, height]);
    return texture;
  });
}

/** One frame call timed from outside, with the call's own counts. */
async function timedFrame(ctx, quantizer, texture, options) {
  const t0 = performance.now();
  const frame = await quantizer.quantizeFrame(texture, { seed: 0, ...options, signal: ctx.signal });
  const s = frame.stats;
  return {
    wallMs: round(performance.now() - t0), gpuMs: round(s.gpuMs, 3), hostMs: round(s.hostMs), iterations: frame.iterations, converged: frame.converged,
    warm: frame.warm, submits: s.submits, readbacks: s.readbacks, bytesRead: s.bytesRead, imageBytesRead: s.imageBytesRead,
  };
}

function summary(calls) {
  const pick = (key) => calls.map((c) => c[key]).filter((v) => typeof v === 'number');
  return {
    ...wallSummary(calls, pick),
    medianGpuMs: median(pick('gpuMs')), medianHostMs: median(pick('hostMs')),
    medianSubmits: median(pick('submits')), maxBytesRead: Math.max(...pick('bytesRead')), imageBytesRead: Math.max(...pick('imageBytesRead')),
  };
}

/** Cold and warm frames per size and k. */
export async function frameSizes(ctx, photo) {
  const mode = ctx.quick ? 'quick' : 'full';
  const device = await frameDevice(ctx.gpu);
  try {
    for (const size of SIZES[mode]) {
      const textures = uploadFrames(device, photo, size, TEXTURES[mode]);
      try {
        for (const k of KS[mode]) {
          const quantizer = ctx.kmq.createQuantizer({ device });
          try {
            const first = await timedFrame(ctx, quantizer, textures[0], { k, restart: true });
            const cold = [];
            for (let i = 0; i < RUNS[mode].cold; i++) cold.push(await timedFrame(ctx, quantizer, textures[(i + 1) % textures.length], { k, restart: true }));
            const warm = [];
            for (let i = 0; i < RUNS[mode].warm; i++) warm.push(await timedFrame(ctx, quantizer, textures[i % textures.length], { k }));
            ctx.rows.push({ size: sizeName(size), k, first, cold: summary(cold), warm: summary(warm) });
            ctx.log(`   frames ${sizeName(size)} k=${k}: first ${first.wallMs} ms, cold ${median(cold.map((c) => c.wallMs))} ms, warm ${median(warm.map((c) => c.wallMs))} ms`);
          } finally {
            quantizer.destroy();
          }
        }
      } finally {
        for (const t of textures) t.destroy();
      }
    }
  } finally {
    device.destroy();
  }
}

/** Frames per second of warm frames at k = 64 (quick: 320x180 k = 16), for at most a few seconds each. */
export async function frameVideo(ctx, photo) {
  const configs = ctx.quick ? [[[320, 180], 16]] : [[[1920, 1080], 64], [[3840, 2160], 64]];
  const capMs = ctx.quick ? 20_000 : 5_000;
  const device = await frameDevice(ctx.gpu);
  try {
    for (const [size, k] of configs) {
      const textures = uploadFrames(device, photo, size, TEXTURES[ctx.quick ? 'quick' : 'full']);
      const quantizer = ctx.kmq.createQuantizer({ device });
      try {
        await timedFrame(ctx, quantizer, textures[0], { k, restart: true });
        const calls = [];
        const t0 = performance.now();
        for (let i = 1; performance.now() - t0 < capMs && calls.length < (ctx.quick ? 6 : 600); i++) calls.push(await timedFrame(ctx, quantizer, textures[i % textures.length], { k }));
        const elapsed = performance.now() - t0;
        const s = summary(calls);
        const fps = round((calls.length * 1000) / elapsed, 1);
        ctx.rows.push({
          size: sizeName(size), k, frames: calls.length, seconds: round(elapsed / 1000, 3), fps,
          medianFrameMs: s.medianMs, p95FrameMs: quantile(calls.map((c) => c.wallMs), 0.95), medianGpuMs: s.medianGpuMs, medianHostMs: s.medianHostMs,
          medianIterations: s.medianIterations, medianSubmits: s.medianSubmits, maxBytesRead: s.maxBytesRead, imageBytesRead: s.imageBytesRead,
        });
        ctx.log(`   frame video ${sizeName(size)} k=${k}: ${calls.length} frames, ${fps} fps`);
      } finally {
        quantizer.destroy();
        for (const t of textures) t.destroy();
      }
    }
  } finally {
    device.destroy();
  }
}
