/**
 * What the device check measures: one entry per measurement, run in this order by measure.js, each under
 * its own time limit, pushing rows into `ctx.rows` as it goes (a timeout keeps the rows before it).
 * To add one: write an async function of `ctx` and add an entry (frames.js holds the frame path's).
 *
 * ctx: { gpu (Dawn's GPU), kmq (the library), nodeIo (dist/node.js), counters, quick, coffee (path),
 *        signal (aborted at the time limit), rows, report, log }
 */
import { frameSizes, frameVideo } from './frames.js';
import { median, quantile, round, scrollingVideo, sizeName, STEP, upscale, wallSummary } from './images.js';

const SIZES = { full: [[1920, 1080], [3840, 2160]], quick: [[320, 180], [640, 360]] };
const KS = { full: [16, 64, 256], quick: [16, 64] };
const RUNS = { full: { cold: 5, warm: 20 }, quick: { cold: 2, warm: 3 }, cpu: { cold: 2, warm: 3 } };
const VIDEO_FRAMES = { full: 240, quick: 12 };

const mode = (ctx) => (ctx.quick ? 'quick' : 'full');

let coffeeImage;
async function coffee(ctx) {
  coffeeImage ??= await ctx.nodeIo.readImage(ctx.coffee);
  return coffeeImage;
}

/** One call, timed from outside, with the library's own figures and the counted WebGPU calls. */
async function timedCall(ctx, quantizer, image, options) {
  const before = ctx.counters.snapshot();
  const t0 = performance.now();
  const result = await quantizer.quantize(image, { seed: 0, ...options, signal: ctx.signal });
  const wallMs = performance.now() - t0;
  const t = result.timings;
  const g = result.gpu;
  return {
    row: {
      wallMs: round(wallMs),
      setupMs: round(t.setup), initMs: round(t.init), iterationsMs: round(t.iterations), assignmentMs: round(t.assignment),
      iterations: result.iterations, converged: result.converged, backend: result.backend,
      ...(result.fallbackReason ? { fallbackReason: result.fallbackReason } : {}),
      ...(g ? { submits: g.submits, readbacks: g.readbacks, bytesRead: g.bytesRead, gpuTimestampMs: round(g.timestampMs, 3),
        iterateOn: g.iterateOn, distinctColours: g.distinctColours } : {}),
      counted: ctx.counters.since(before),
    },
    result,
  };
}

/** Median and spread of a list of call rows. */
function summary(calls) {
  const pick = (key) => calls.map((c) => c[key]).filter((v) => typeof v === 'number');
  return {
    ...wallSummary(calls, pick),
    medianGpuTimestampMs: median(pick('gpuTimestampMs')),
    medianSubmits: median(calls.map((c) => c.counted.submits)),
    medianReadbackBytes: median(calls.map((c) => c.counted.readbackBytes)),
  };
}

async function adapter(ctx) {
  const a = await ctx.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!a) throw new Error('Dawn found no WebGPU adapter (is a Vulkan driver there? see device-log.txt)');
  const info = a.info ?? {};
  const limits = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage'];
  ctx.rows.push({
    vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? a.isFallbackAdapter ?? false,
    features: [...a.features].sort(),
    limits: Object.fromEntries(limits.map((name) => [name, a.limits[name]])),
  });
  // What the library makes of it: its adapter description, and what `auto` does at 1080p k = 16 over
  // four calls (on a hardware adapter: it times both paths on the first three, then keeps the faster).
  const image = upscale(await coffee(ctx), 1920, 1080);
  const quantizer = ctx.kmq.createQuantizer({ gpu: ctx.gpu });
  try {
    const calls = [];
    for (let i = 0; i < 4; i++) {
      const { row, result } = await timedCall(ctx, quantizer, image, { k: 16, backend: 'auto' });
      calls.push({ backend: row.backend, wallMs: row.wallMs, stage: result.auto?.stage, reason: result.auto?.reason ?? result.fallbackReason ?? 'WebGPU' });
      if (i === 0) ctx.rows.push({ library: { adapter: result.adapter, auto: calls } });
    }
  } finally {
    quantizer.destroy();
  }
}

/** GPU/CPU parity on the shipped photo (k = 16, 64; quick: 16): same seed, so the same initial centroids on both. */
async function parity(ctx) {
  const image = await coffee(ctx);
  const cpu = ctx.kmq.createQuantizer({ backend: 'cpu' });
  try {
    for (const gpuIterateOn of ['colours', 'pixels']) {
      const gpu = ctx.kmq.createQuantizer({ gpu: ctx.gpu, backend: 'webgpu', gpuIterateOn });
      try {
        for (const k of ctx.quick ? [16] : [16, 64]) {
          const g = (await timedCall(ctx, gpu, image, { k })).result;
          const c = (await timedCall(ctx, cpu, image, { k })).result;
          let same = 0;
          for (let i = 0; i < g.labels.length; i++) if (g.labels[i] === c.labels[i]) same++;
          let paletteMaxDiff = 0;
          const n = Math.min(g.palette.length, c.palette.length);
          for (let i = 0; i < n; i++) paletteMaxDiff = Math.max(paletteMaxDiff, Math.abs(g.palette[i] - c.palette[i]));
          ctx.rows.push({
            image: 'coffee.png', k, gpuIterateOn, backend: g.backend, labelAgreement: round(same / g.labels.length, 5),
            inertiaRatio: round(g.inertia / c.inertia, 5), mseGpu: round(g.mse, 3), mseCpu: round(c.mse, 3), paletteMaxDiff,
            iterationsGpu: g.iterations, iterationsCpu: c.iterations,
          });
        }
      } finally {
        gpu.destroy();
      }
    }
  } finally {
    cpu.destroy();
  }
}

/**
 * Per size and k, on a new WebGPU quantizer: the first call (device, pipelines), cold calls (a still
 * image new to the quantizer, no warm start; two images taken in turn) and warm calls (the next frame
 * of a scrolling video, warm-started from the previous call's centroids).
 */
async function sizes(ctx, backend) {
  const runs = backend === 'cpu' ? RUNS.cpu : RUNS[mode(ctx)];
  for (const size of SIZES[mode(ctx)]) {
    const video = scrollingVideo(await coffee(ctx), size[0], size[1], runs.warm + 40, STEP);
    for (const k of KS[mode(ctx)]) {
      const quantizer = ctx.kmq.createQuantizer(backend === 'cpu' ? { backend } : { gpu: ctx.gpu, backend });
      try {
        const first = await timedCall(ctx, quantizer, video.frame(0), { k });
        const cold = [];
        for (let i = 0; i < runs.cold; i++) cold.push((await timedCall(ctx, quantizer, video.frame(i % 2 ? 0 : video.count - 1), { k })).row);
        const warm = [];
        let previous = first.result;
        for (let i = 1; i <= runs.warm; i++) {
          const call = await timedCall(ctx, quantizer, video.frame(i), { k, warmStart: previous.centroids });
          warm.push(call.row);
          previous = call.result;
        }
        ctx.rows.push({ size: sizeName(size), k, backend, first: first.row, cold: summary(cold), warm: summary(warm) });
        ctx.log(`   ${sizeName(size)} k=${k} ${backend}: first ${first.row.wallMs} ms, cold ${median(cold.map((c) => c.wallMs))} ms, warm ${median(warm.map((c) => c.wallMs))} ms`);
      } finally {
        quantizer.destroy();
      }
    }
  }
}

/** Frames per second of a scrolling video through one quantizer, each frame warm-started from the last. */
async function video(ctx) {
  const configs = ctx.quick ? [[[320, 180], 16]] : [[[1920, 1080], 64], [[1920, 1080], 16], [[3840, 2160], 64], [[1920, 1080], 256]];
  const frames = VIDEO_FRAMES[mode(ctx)];
  const capMs = ctx.quick ? 20_000 : 8_000;
  for (const [size, k] of configs) {
    const clip = scrollingVideo(await coffee(ctx), size[0], size[1], frames + 5, STEP);
    const quantizer = ctx.kmq.createQuantizer({ gpu: ctx.gpu, backend: 'webgpu' });
    try {
      let previous;
      for (let i = 0; i < 5; i++) previous = (await timedCall(ctx, quantizer, clip.frame(i), { k, warmStart: previous?.centroids })).result;
      const calls = [];
      const t0 = performance.now();
      for (let i = 5; i < frames + 5 && performance.now() - t0 < capMs; i++) {
        const call = await timedCall(ctx, quantizer, clip.frame(i), { k, warmStart: previous.centroids });
        calls.push(call.row);
        previous = call.result;
      }
      const elapsed = performance.now() - t0;
      const s = summary(calls);
      const fps = round((calls.length * 1000) / elapsed, 1);
      ctx.rows.push({
        size: sizeName(size), k, frames: calls.length, seconds: round(elapsed / 1000, 3), fps,
        medianFrameMs: s.medianMs, p95FrameMs: quantile(calls.map((c) => c.wallMs), 0.95), medianGpuTimestampMs: s.medianGpuTimestampMs,
        medianIterations: s.medianIterations, medianSubmits: s.medianSubmits, medianReadbackBytes: s.medianReadbackBytes,
      });
      ctx.log(`   video ${sizeName(size)} k=${k}: ${calls.length} frames, ${fps} fps`);
    } finally {
      quantizer.destroy();
    }
  }
}

/** Quick mode is for SwiftShader on a shared machine, where a load of 4 on 2 cores makes it 4x slower. */
const QUICK_LIMIT_S = 300;

export const MEASUREMENTS = [
  { name: 'adapter', limitS: (quick) => (quick ? QUICK_LIMIT_S : 30), run: adapter },
  { name: 'parity', limitS: (quick) => (quick ? QUICK_LIMIT_S : 45), run: parity },
  { name: 'frame-sizes', limitS: (quick) => (quick ? QUICK_LIMIT_S : 60), run: async (ctx) => frameSizes(ctx, await coffee(ctx)) },
  { name: 'frame-video', limitS: (quick) => (quick ? QUICK_LIMIT_S : 20), run: async (ctx) => frameVideo(ctx, await coffee(ctx)) },
  { name: 'gpu-sizes', limitS: (quick) => (quick ? QUICK_LIMIT_S : 120), run: (ctx) => sizes(ctx, 'webgpu') },
  { name: 'video', limitS: (quick) => (quick ? QUICK_LIMIT_S : 60), run: video },
  { name: 'cpu-sizes', limitS: (quick) => (quick ? QUICK_LIMIT_S : 90), run: (ctx) => sizes(ctx, 'cpu') },
];
