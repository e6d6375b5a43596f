/**
 * The device check's tables (markdown, printed and written as device.md) from its report object, and the
 * issue's real-GPU targets read off the figures. A measurement that did not run shows its status.
 */

const cell = (v) => (v === undefined || v === null ? 'n/a' : String(v));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function adapterSection(entry) {
  const [hw, lib] = entry.rows;
  if (!hw) return '';
  const lines = [
    `Adapter: ${hw.vendor} / ${hw.architecture} / ${hw.device} (${hw.description}); fallback adapter: ${hw.isFallbackAdapter}`,
    `timestamp-query: ${hw.features.includes('timestamp-query')}; maxStorageBufferBindingSize ${hw.limits.maxStorageBufferBindingSize}, maxBufferSize ${hw.limits.maxBufferSize}`,
  ];
  if (lib) {
    const calls = lib.library.auto.map((c, i) => `call ${i + 1}: ${c.backend}, ${c.wallMs} ms (${c.reason})`);
    lines.push(`The library's \`auto\` at 1920x1080, k = 16:\n\n${calls.map((c) => `- ${c}`).join('\n')}`);
  }
  return lines.join('\n\n');
}

function sizesSection(entry, title) {
  const rows = entry.rows.map((r) => [
    r.size, r.k, r.first.wallMs, r.cold.medianMs, r.warm.medianMs, r.cold.medianGpuTimestampMs, r.warm.medianGpuTimestampMs,
    r.cold.medianIterations, r.warm.medianIterations, r.warm.medianSubmits, r.cold.medianReadbackBytes, r.warm.medianReadbackBytes,
  ]);
  return `${title}\n\n${table(['size', 'k', 'first ms', 'cold ms', 'warm ms', 'cold GPU ms', 'warm GPU ms', 'cold iters', 'warm iters',
    'warm submits', 'cold readback B', 'warm readback B'], rows)}`;
}

function videoSection(entry) {
  const rows = entry.rows.map((r) => [r.size, r.k, r.frames, r.fps, r.medianFrameMs, r.p95FrameMs, r.medianGpuTimestampMs, r.medianIterations, r.medianSubmits, r.medianReadbackBytes]);
  return `Video (scrolling frames, warm start)\n\n${table(['size', 'k', 'frames', 'fps', 'median ms', 'p95 ms', 'GPU ms', 'iters', 'submits', 'readback B'], rows)}`;
}

function frameSizesSection(entry) {
  const rows = entry.rows.map((r) => [
    r.size, r.k, r.first.wallMs, r.cold.medianMs, r.warm.medianMs, r.cold.medianGpuMs, r.warm.medianGpuMs, r.warm.medianHostMs,
    r.cold.medianIterations, r.warm.medianIterations, r.warm.medianSubmits, r.warm.maxBytesRead, r.warm.imageBytesRead,
  ]);
  return `Frame path (quantizeFrame on a texture; palette, counts and status read back)\n\n${table(['size', 'k', 'first ms', 'cold ms', 'warm ms',
    'cold GPU ms', 'warm GPU ms', 'warm host ms', 'cold iters', 'warm iters', 'warm submits', 'warm max readback B', 'image B read'], rows)}`;
}

function frameVideoSection(entry) {
  const rows = entry.rows.map((r) => [r.size, r.k, r.frames, r.fps, r.medianFrameMs, r.p95FrameMs, r.medianGpuMs, r.medianHostMs, r.medianIterations, r.medianSubmits, r.maxBytesRead]);
  return `Frame path video (warm frames)\n\n${table(['size', 'k', 'frames', 'fps', 'median ms', 'p95 ms', 'GPU ms', 'host ms', 'iters', 'submits', 'max readback B'], rows)}`;
}

function paritySection(entry) {
  const rows = entry.rows.map((r) => [r.image, r.k, r.gpuIterateOn, r.backend, r.labelAgreement, r.inertiaRatio, r.mseGpu, r.mseCpu, r.paletteMaxDiff, `${r.iterationsGpu} / ${r.iterationsCpu}`]);
  return `GPU/CPU parity\n\n${table(['image', 'k', 'GPU iterates on', 'backend', 'label agreement', 'inertia GPU/CPU', 'MSE GPU', 'MSE CPU', 'palette max diff', 'iterations GPU / CPU'], rows)}`;
}

/** The issue's real-GPU targets, each with the figure measured for it (n/a when it was not measured). */
export function targets(report) {
  const gpu = report.measurements['gpu-sizes']?.rows ?? [];
  const at = (size, k) => gpu.find((r) => r.size === size && r.k === k);
  const v = (report.measurements.video?.rows ?? []).find((r) => r.size === '1920x1080' && r.k === 64);
  const check = (value, ok) => (value === undefined ? 'not measured' : ok(value) ? 'met' : 'not met');
  const frames = report.measurements['frame-sizes']?.rows ?? [];
  const frameAt = (size, k) => frames.find((r) => r.size === size && r.k === k);
  const fv = (report.measurements['frame-video']?.rows ?? []).find((r) => r.size === '1920x1080' && r.k === 64);
  const rows = [];
  for (const [path, cold, warm, fps] of [
    ['frame path', frameAt('3840x2160', 64)?.cold.medianMs, frameAt('3840x2160', 64)?.warm.medianMs, fv?.fps],
    ['quantize()', at('3840x2160', 64)?.cold.medianMs, at('3840x2160', 64)?.warm.medianMs, v?.fps],
  ]) {
    rows.push(
      { target: `4K k=64 cold call < 16 ms (${path})`, measured: cold, verdict: check(cold, (x) => x < 16) },
      { target: `4K k=64 warm frame < 4 ms (${path})`, measured: warm, verdict: check(warm, (x) => x < 4) },
      { target: `1080p video k=64 >= 60 fps (${path})`, measured: fps, verdict: check(fps, (x) => x >= 60) },
    );
  }
  return rows;
}

export function markdownReport(report) {
  const m = report.measurements;
  const parts = [`# Device check (${report.mode}), ${report.started}${report.nvidiaSmi ? `\n\nnvidia-smi: ${report.nvidiaSmi}` : ''}`];
  for (const [name, entry] of Object.entries(m)) {
    if (entry.status !== 'ok') parts.push(`**${name}: ${entry.status}**${entry.reason ? ` (${entry.reason})` : ''}${entry.error ? `: ${entry.error.split('\n')[0]}` : ''}`);
  }
  if (m.adapter) parts.push(adapterSection(m.adapter));
  if (m.parity) parts.push(paritySection(m.parity));
  if (m['frame-sizes']) parts.push(frameSizesSection(m['frame-sizes']));
  if (m['frame-video']) parts.push(frameVideoSection(m['frame-video']));
  if (m['gpu-sizes']) parts.push(sizesSection(m['gpu-sizes'], 'WebGPU: first call, cold still image, warm frame (medians; ms are wall time around the call)'));
  if (m.video) parts.push(videoSection(m.video));
  if (m['cpu-sizes']) parts.push(sizesSection(m['cpu-sizes'], 'CPU path, same inputs (2 cold, 3 warm calls)'));
  if (report.mode === 'full') {
    parts.push(`Targets (issue 16, real GPU)\n\n${table(['target', 'measured', 'verdict'], targets(report).map((t) => [t.target, t.measured, t.verdict]))}`);
  }
  return parts.filter(Boolean).join('\n\n') + '\n';
}
