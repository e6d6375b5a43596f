#!/usr/bin/env node
// `npm run bench`: our CPU path, its peers (scikit-learn KMeans and MiniBatchKMeans, pngquant), the
// WebGPU path in Chromium, the CLI's memory, the picture quality against pngquant (bench/quality.js) and
// the project's speed/quality targets, all in ONE run so that ratios compare figures taken together. The
// Debian peers are installed when missing (bench/install-peers.js). Progress goes to stderr; tables to stdout; figures to
// bench/out/bench.json and the targets table to bench/out/targets.md. See bench/README.md.
//
//   node bench/run.js [--quick] [--full] [--full-peers] [--sizes=coffee,2mp,8mp] [--ks=16,64,256] [--no-gpu] [--no-peers]
//                     [--peer-timeout=SECONDS] [--no-quality | --quality-only] [--quality-ks=16,64,256]
//                     [--quality-images=coffee,chelsea,rocket,hubble_deep_field,8mp] [--quality-8mp=full|sampled|skip]
//                     [--write-quality-ref] [--no-install] [--no-process] [--process-images=coffee,chelsea,...] [--process-runs=5]
//
// Plain ESM JavaScript over the built library (dist/): `npm run bench` builds first.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveFolder } from '../test/browser/serve.js';
import { CHROMIUM, PYTHON, ensurePeers } from './install-peers.js';
import { processSection, renderProcess } from './process.js';
import { qualitySection } from './quality.js';
import { renderQuality } from './quality-targets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out');
const SELF = fileURLToPath(import.meta.url);
const COFFEE = join(ROOT, 'test', 'fixtures', 'coffee.png');
/**
 * The build under test: a copy of dist/ made at start, so that a rebuild of dist/ by someone else during the
 * run (vite empties it first) can't pull files from under a measurement. Children, the page and the CLI use it.
 */
const SNAPSHOT = join(OUT, 'dist');

/** The inputs: the shipped photo and two upscales of it (made with PIL's LANCZOS, cached in bench/out/). */
const IMAGES = [
  { name: 'coffee', path: COFFEE, width: 600, height: 400 },
  { name: '2mp', path: join(OUT, '2mp.png'), width: 1920, height: 1080 },
  { name: '8mp', path: join(OUT, '8mp.png'), width: 3840, height: 2160 },
];

/** scikit-learn KMeans figures quoted in the issue for the 8 MP image (seconds); used only when not measured. */
const ISSUE_SKLEARN_8MP = { 16: { seconds: 7 }, 64: { seconds: 33 }, 256: { seconds: 120, lowerBound: true } };

const TARGETS = {
  speedupLarge: 25, // >= 2 MP: x faster than scikit-learn KMeans
  speedupSmall: 10, // 0.25 MP
  warmStartMs: 100, // 1920x1080 re-quantization after a k change
  cliRssMB: 400, // CLI peak RSS on the 8 MP image
};

// ---------------------------------------------------------------------------------------------- helpers

const t0 = performance.now();
function log(message) {
  const s = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

function fmt(x, digits = 2) {
  if (x === undefined || x === null) return '-';
  if (typeof x === 'string') return x;
  if (!Number.isFinite(x)) return String(x);
  return x.toFixed(digits);
}

function mdTable(headers, rows) {
  const cells = rows.map((row) => row.map((c) => String(c ?? '-').replaceAll('|', '\\|')));
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of cells) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** Runs a command synchronously; returns { ok, status, stdout, stderr, ms, timedOut, error }. */
function run(command, args, { timeoutS = 600, cwd = ROOT } = {}) {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 << 20, killSignal: 'SIGKILL' });
  const ms = performance.now() - started;
  const timedOut = r.error?.code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && ms >= timeoutS * 1000 - 50);
  return { ok: !r.error && r.status === 0, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms, timedOut, error: r.error };
}

/** The last line of stdout parsed as JSON, or undefined. */
function lastJson(stdout) {
  const line = stdout.trim().split('\n').filter(Boolean).at(-1);
  try {
    return line ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text) {
  return String(text ?? '').trim().split('\n').filter(Boolean).at(-1)?.slice(0, 200) ?? '';
}

/** A module of the build under test: the snapshot when there is one, else dist/ itself. */
function moduleUrl(file) {
  const dir = process.env.KMQ_BENCH_DIST ?? join(ROOT, 'dist');
  return new URL(`file://${join(dir, file)}`).href;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function mpOf(image) {
  return (image.width * image.height) / 1e6;
}

// ------------------------------------------------------------------------------- child: one CPU config

/** Measured runs per CPU configuration (after the warm-ups); the median is the figure. */
const CPU_RUNS = 5;
/**
 * Warm-up calls: the process makes at least this many calls before the measured ones, unless warming up
 * on the image has taken WARM_UP_MS (large images: their long loops warm up within a call or two). At
 * 0.25 MP a fresh process's calls took 200, 90, 80, ... ms and settled near 40 ms only by the tenth: V8
 * compiles on the same two cores the quantizer and its helper worker use, so a median of calls 4-8 (the
 * protocol before 2026-12-01) measured the JIT's warm-up more than the code.
 */
const WARM_UP_CALLS = 20;
const WARM_UP_MS = 2000;

/**
 * `--child=cpu --image=P --k=K`: in a fresh process, one warm-up run on coffee at k (the process's first,
 * cold run), warm-up runs on the image (at least two; see WARM_UP_CALLS), then CPU_RUNS measured runs on it
 * (the results are identical; the run with the median total is reported). Prints one JSON line; the peak
 * RSS is this process's.
 */
async function childCpu(imagePath, k) {
  const { quantize } = await import(moduleUrl('index.node.js'));
  const { readImage } = await import(moduleUrl('node.js'));
  const coffee = await readImage(COFFEE);
  const image = imagePath === COFFEE ? coffee : await readImage(imagePath);
  const options = { k, backend: 'cpu', seed: 0 };
  const cold = await quantize(coffee, options);
  const warmUpMs = [];
  let warmingMs = 0;
  while (warmUpMs.length < 2 || (1 + warmUpMs.length < WARM_UP_CALLS && warmingMs < WARM_UP_MS)) {
    const started = performance.now();
    warmUpMs.push((await quantize(image, options)).timings.total);
    warmingMs += performance.now() - started;
  }
  const measured = [];
  for (let i = 0; i < CPU_RUNS; i++) {
    const started = performance.now();
    const result = await quantize(image, options);
    measured.push({ result, wallMs: performance.now() - started });
  }
  measured.sort((a, b) => a.result.timings.total - b.result.timings.total);
  const { result: r, wallMs } = measured[measured.length >> 1];
  const n = image.width * image.height;
  process.stdout.write(`${JSON.stringify({
    width: image.width,
    height: image.height,
    k,
    coldCoffeeMs: cold.timings.total,
    ms: r.timings.total,
    msRuns: measured.map((m) => m.result.timings.total),
    warmUpMs,
    // The figure the former protocol gave: the median of the process's calls 4-8 (all warm-ups now, when
    // there were at least seven).
    calls4to8Ms: warmUpMs.length >= 7 ? median(warmUpMs.slice(2, 7)) : undefined,
    wallMs,
    timings: r.timings,
    iterations: r.iterations,
    converged: r.converged,
    paletteSize: r.paletteSize,
    inertia: r.inertia,
    mse: r.mse,
    mseUnrounded: r.inertia / (n * 3),
    psnr: Number.isFinite(r.psnr) ? r.psnr : null,
    // Hashes of the palette and the labels, to show that a change kept the results (bench/fingerprint.js
    // covers more configurations).
    paletteHash: createHash('sha256').update(r.palette).digest('hex').slice(0, 12),
    labelsHash: createHash('sha256').update(r.labels).digest('hex').slice(0, 12),
    backend: r.backend,
    nominalEvalsPerSecLloyd: r.timings.iterations > 0 ? (n * k * r.iterations) / (r.timings.iterations / 1000) : null,
    nominalEvalsPerSecTotal: (n * k * r.iterations) / (r.timings.total / 1000),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`);
}

/**
 * `--child=warm --image=P`: one CPU quantizer; k=16, then warm-started re-quantizations to k=20 and
 * k=12 from the k=16 centroids: a first round (the first k change of the process, JIT cold), then five
 * measured rounds (their median is the figure: a k slider moves many times).
 */
const WARM_START_ROUNDS = 5;
async function childWarm(imagePath) {
  const { createQuantizer } = await import(moduleUrl('index.node.js'));
  const { readImage } = await import(moduleUrl('node.js'));
  const image = await readImage(imagePath);
  const q = createQuantizer({ backend: 'cpu' });
  const base = await q.quantize(image, { k: 16, seed: 0 });
  const runs = { 20: [], 12: [] };
  for (let round = 0; round < 1 + WARM_START_ROUNDS; round++) {
    for (const k of [20, 12]) {
      const started = performance.now();
      const r = await q.quantize(image, { k, seed: 0, warmStart: base.centroids });
      runs[k].push({ ms: r.timings.total, wallMs: performance.now() - started, iterations: r.iterations, converged: r.converged, mse: r.mse, timings: r.timings });
    }
  }
  q.destroy();
  process.stdout.write(`${JSON.stringify({ width: image.width, height: image.height, baseMs: base.timings.total, baseIterations: base.iterations, runs })}\n`);
}

// --------------------------------------------------------------------------------------------- inputs

function makeImages(selected) {
  const py = `
import os, sys
from PIL import Image
src, dst, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lanczos = getattr(Image, "Resampling", Image).LANCZOS
with Image.open(src) as im:
    im.convert("RGB").resize((w, h), lanczos).save(dst + ".tmp", format="PNG", compress_level=1)
os.replace(dst + ".tmp", dst)
`;
  const ready = [];
  for (const image of selected) {
    if (existsSync(image.path)) {
      ready.push(image);
      continue;
    }
    log(`making ${relative(ROOT, image.path)} (${image.width}x${image.height}, PIL LANCZOS upscale of coffee.png)`);
    const r = run(PYTHON, ['-c', py, COFFEE, image.path, String(image.width), String(image.height)], { timeoutS: 120 });
    if (r.ok && existsSync(image.path)) ready.push(image);
    else log(`  cannot make ${image.name}: ${firstLine(r.stderr) || r.error?.message}; skipping it`);
  }
  return ready;
}

// ------------------------------------------------------------------------------------------------ peers

/** Versions of the peers, or why one is missing (`installed`: what ensurePeers() said about it). */
function detectTools(installed) {
  const why = (name, fallback) => installed[name]?.note ?? fallback;
  const tools = {};
  const py = run(PYTHON, ['-c', 'import sklearn, numpy, PIL; print(sklearn.__version__, numpy.__version__, PIL.__version__)'], { timeoutS: 60 });
  tools.sklearn = py.ok ? { version: py.stdout.trim().split(' ')[0], numpy: py.stdout.trim().split(' ')[1], pil: py.stdout.trim().split(' ')[2] } : { missing: why('sklearn', why('pil', why('numpy', `${PYTHON} with sklearn/numpy/PIL not found (${firstLine(py.stderr) || py.error?.message})`))) };
  const pq = run('pngquant', ['--version'], { timeoutS: 20 });
  tools.pngquant = pq.ok ? { version: pq.stdout.trim() } : { missing: why('pngquant', 'pngquant not found (apt-get install pngquant)') };
  tools.chromium = existsSync(CHROMIUM) ? { path: CHROMIUM } : { missing: why('chromium', `${CHROMIUM} not found`) };
  tools.gnuTime = existsSync('/usr/bin/time') ? { path: '/usr/bin/time' } : { missing: why('time', '/usr/bin/time not found (apt-get install time)') };
  return tools;
}

function sklearnPeer(image, k, method, { tools, full, timeoutS }) {
  if (tools.sklearn.missing) return { status: 'missing', note: tools.sklearn.missing };
  const is8mp = image.name === '8mp';
  if (method === 'kmeans' && is8mp && k >= 64 && !full) {
    return { status: 'skipped', note: 'skipped (> budget; --full or --full-peers measures it)', issue: ISSUE_SKLEARN_8MP[k] };
  }
  const r = run(PYTHON, [join(ROOT, 'bench', 'peers.py'), image.path, String(k), method], { timeoutS });
  if (r.timedOut) return { status: 'timeout', note: `timed out (> ${timeoutS} s)`, seconds: timeoutS, lowerBound: true, issue: is8mp ? ISSUE_SKLEARN_8MP[k] : undefined };
  const json = r.ok ? lastJson(r.stdout) : undefined;
  if (!json) return { status: 'failed', note: `failed: ${firstLine(r.stderr) || r.error?.message}` };
  return { status: 'measured', ...json, issue: is8mp && method === 'kmeans' ? ISSUE_SKLEARN_8MP[k] : undefined };
}

/** Mean over pixels and RGB channels of the squared difference of two RGBA buffers. */
function mseRgb(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    const dr = a[i] - b[i];
    const dg = a[i + 1] - b[i + 1];
    const db = a[i + 2] - b[i + 2];
    sum += dr * dr + dg * dg + db * db;
  }
  return sum / ((a.length / 4) * 3);
}

async function pngquantPeer(image, k, { tools, decoded, timeoutS }) {
  if (tools.pngquant.missing) return { status: 'missing', note: tools.pngquant.missing };
  const out = join(OUT, `pngquant-${image.name}-k${k}.png`);
  // The whole CLI run, PNG in and PNG out, default speed, no dithering.
  const r = run('pngquant', ['--nofs', '--force', '--output', out, String(k), '--', image.path], { timeoutS });
  if (r.timedOut) return { status: 'timeout', note: `timed out (> ${timeoutS} s)`, seconds: timeoutS, lowerBound: true };
  if (!r.ok || !existsSync(out)) return { status: 'failed', note: `exit ${r.status}: ${firstLine(r.stderr)}` };
  const { default: pngjs } = await import('pngjs');
  const output = pngjs.PNG.sync.read(readFileSync(out));
  const colours = new Set();
  const px = new Uint32Array(output.data.buffer, output.data.byteOffset, output.data.byteLength / 4);
  for (let i = 0; i < px.length; i++) colours.add(px[i]);
  return { status: 'measured', seconds: r.ms / 1000, mse: mseRgb(decoded.data, output.data), colours: colours.size };
}

// ------------------------------------------------------------------------------------------ GPU in Chromium

/** A static server over the repository root on 127.0.0.1 (a secure context, so WebGPU is exposed). */
function serveRoot() {
  return serveFolder(ROOT);
}

function withTimeout(promise, seconds, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${seconds} s`), { timedOut: true })), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function gpuSection(images, ks, { tools, timeoutS }) {
  const section = { status: 'measured', label: '', runs: [], coldRuns: [] };
  if (tools.chromium.missing) return { status: 'missing', note: `${tools.chromium.missing}: WebGPU part skipped` };
  let puppeteer;
  try {
    ({ default: puppeteer } = await import('puppeteer'));
  } catch (error) {
    return { status: 'missing', note: `puppeteer not installed (${error.message}): WebGPU part skipped` };
  }
  const server = await serveRoot();
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      protocolTimeout: (timeoutS + 60) * 1000,
      args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    section.browser = await browser.version();
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const dist = `/${relative(ROOT, process.env.KMQ_BENCH_DIST ?? join(ROOT, 'dist'))}`;
    await page.goto(`${server.url}/bench/gpu-page.html?dist=${encodeURIComponent(dist)}`, { waitUntil: 'load' });
    await page.waitForFunction('window.ready === true || window.bench !== undefined', { timeout: 60_000 });
    const adapter = await page.evaluate(() => window.bench.adapter());
    section.adapter = adapter;
    if (!adapter.available) return { status: 'missing', note: `no WebGPU adapter in Chromium (${adapter.reason}): WebGPU part skipped`, browser: section.browser };
    const software = adapter.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe/i.test(`${adapter.architecture} ${adapter.description}`);
    section.label = software
      ? `${adapter.architecture || 'software'} (a CPU emulator of a GPU, NOT real GPU performance)`
      : `${adapter.vendor} ${adapter.architecture} ${adapter.device}`.trim();
    log(`  WebGPU adapter: ${section.label}; ${section.browser}`);
    const call = (url, k, backend, iterateOn) =>
      withTimeout(page.evaluate((u, kk, b, on) => window.bench.run(u, kk, b, on), url, k, backend, iterateOn), timeoutS, `${backend} ${iterateOn ?? ''} ${url} k=${k}`);
    const coffeeUrl = `/${relative(ROOT, COFFEE)}`;
    for (const k of ks) {
      // Warm-up on coffee at this k: the first GPU call also creates the device; each k compiles its pipelines.
      log(`  [gpu] warm-up coffee k=${k} (webgpu, then cpu in the page)`);
      const coldGpu = await call(coffeeUrl, k, 'webgpu', 'colours');
      await call(coffeeUrl, k, 'webgpu', 'pixels');
      const coldCpu = await call(coffeeUrl, k, 'cpu');
      section.coldRuns.push({ k, webgpuMs: coldGpu.ms, cpuMs: coldCpu.ms });
      for (const image of images) {
        const url = `/${relative(ROOT, image.path)}`;
        log(`  [gpu] ${image.name} k=${k} cpu in the page`);
        const cpu = await call(url, k, 'cpu');
        // Both ways the iterations can read the image: the colours counted on the GPU, and every pixel.
        for (const iterateOn of ['colours', 'pixels']) {
          log(`  [gpu] ${image.name} k=${k} webgpu, iterating on ${iterateOn}`);
          const gpu = await call(url, k, 'webgpu', iterateOn);
          log(`        ${fmt(gpu.ms, 0)} ms, ${gpu.iterations} iterations`);
          section.runs.push({
            image: image.name,
            width: gpu.width,
            height: gpu.height,
            k,
            iterateOn: gpu.gpu?.iterateOn ?? iterateOn,
            webgpu: gpu,
            cpu,
            gpuOverCpu: gpu.ms / cpu.ms,
            encodedIterations: gpu.counters.reduceDispatches,
            // The library's own count (result.gpu): dispatches, and device bytes the kernels read, per iteration.
            dispatchesPerIteration: gpu.gpu?.dispatchesPerIteration,
            bytesPerIteration: gpu.gpu?.bytesPerIteration,
            distinctColours: gpu.gpu?.distinctColours,
          });
        }
      }
    }
    section.pageErrors = pageErrors;
    return section;
  } catch (error) {
    log(`  [gpu] stopped: ${error.message}`);
    return { ...section, status: section.runs.length ? 'partial' : 'failed', note: `stopped: ${error.message.split('\n')[0]}` };
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
}

// ------------------------------------------------------------------------------------------- CLI memory

function cliMemory(image, tools) {
  const out = join(OUT, 'x.png');
  // dist/cli.js is what bin/kmeans-quantizer.js runs; the snapshot's copy, for the reason given at SNAPSHOT.
  const cliArgs = [join(process.env.KMQ_BENCH_DIST ?? join(ROOT, 'dist'), 'cli.js'), image.path, '-k', '16', '-o', out];
  if (!tools.gnuTime.missing) {
    const r = run('/usr/bin/time', ['-v', process.execPath, ...cliArgs], { timeoutS: 600 });
    const kb = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(r.stderr);
    if (r.ok && kb) return { status: 'measured', how: '/usr/bin/time -v', peakRssMB: Number(kb[1]) / 1024, seconds: r.ms / 1000 };
    return { status: 'failed', note: `exit ${r.status}: ${firstLine(r.stderr)}` };
  }
  // Without GNU time: the same CLI main() in a node process that prints its own peak RSS at the end.
  const script = `const { main } = await import(${JSON.stringify(moduleUrl('cli.js'))});
const code = await main(${JSON.stringify(cliArgs.slice(1))}); process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'); process.exitCode = code;`;
  const r = run(process.execPath, ['--input-type=module', '-e', script], { timeoutS: 600 });
  const kb = /maxrss (\d+)/.exec(r.stderr);
  if (r.ok && kb) return { status: 'measured', how: 'process.resourceUsage() (GNU time missing)', peakRssMB: Number(kb[1]) / 1024, seconds: r.ms / 1000 };
  return { status: 'failed', note: `${tools.gnuTime.missing}; fallback failed: ${firstLine(r.stderr)}` };
}

// ------------------------------------------------------------------------------------- picture quality

const QUALITY_IMAGE_NAMES = ['coffee', 'chelsea', 'rocket', 'hubble_deep_field', '8mp'];

/**
 * What the quality section measures. Quick: the four shipped photos (no 8mp), the cost at k = 16 over 5
 * rounds. Default: also 8mp with butteraugli on its centre crop ('sampled'), the cost at k = 16, 64, 256
 * over 7 rounds. --full: butteraugli on the whole 8mp image.
 */
function qualityPlan(values) {
  const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
  const imageNames = list(values['quality-images'] ?? (values.quick ? QUALITY_IMAGE_NAMES.slice(0, 4).join(',') : QUALITY_IMAGE_NAMES.join(',')));
  const unknown = imageNames.filter((n) => !QUALITY_IMAGE_NAMES.includes(n));
  if (unknown.length) throw new Error(`--quality-images: unknown ${unknown.join(', ')} (known: ${QUALITY_IMAGE_NAMES.join(', ')})`);
  const ks = list(values['quality-ks'] ?? '16,64,256').map(Number);
  for (const k of ks) if (!Number.isInteger(k) || k < 2 || k > 256) throw new Error(`--quality-ks: ${k} is not an integer in 2..256`);
  const eightMp = values['quality-8mp'] ?? (values.full ? 'full' : values.quick ? 'skip' : 'sampled');
  if (!['full', 'sampled', 'skip'].includes(eightMp)) throw new Error(`--quality-8mp: ${eightMp} is not full, sampled or skip`);
  return {
    imageNames: eightMp === 'skip' ? imageNames.filter((n) => n !== '8mp') : imageNames,
    ks,
    alphaKs: ks,
    eightMp,
    costKs: values.quick ? ks.slice(0, 1) : ks,
    costRounds: values.quick ? 5 : 7,
    writeRef: values['write-quality-ref'],
  };
}

// ------------------------------------------------------------------------------------------------ main

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      'full-peers': { type: 'boolean', default: false },
      sizes: { type: 'string' },
      ks: { type: 'string' },
      'no-gpu': { type: 'boolean', default: false },
      'no-peers': { type: 'boolean', default: false },
      'peer-timeout': { type: 'string', default: '300' },
      'no-quality': { type: 'boolean', default: false },
      'quality-only': { type: 'boolean', default: false },
      'quality-ks': { type: 'string' },
      'quality-images': { type: 'string' },
      'quality-8mp': { type: 'string' },
      'write-quality-ref': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      'no-process': { type: 'boolean', default: false },
      'process-images': { type: 'string' },
      'process-runs': { type: 'string', default: '5' },
      child: { type: 'string' },
      image: { type: 'string' },
      k: { type: 'string' },
    },
    strict: true,
  });
  if (values.child === 'cpu') return childCpu(values.image, Number(values.k));
  if (values.child === 'warm') return childWarm(values.image);

  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    process.stderr.write('bench: dist/ is missing; run `npm run bench` (which builds) or `npm run build` first\n');
    process.exitCode = 1;
    return;
  }
  mkdirSync(OUT, { recursive: true });
  rmSync(SNAPSHOT, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), SNAPSHOT, { recursive: true });
  process.env.KMQ_BENCH_DIST = SNAPSHOT;
  const full = values.full;
  // scikit-learn KMeans at 8 MP k = 64 and 256 (about 1.5 and 9 minutes here), without the WebGPU runs at k = 256.
  const fullPeers = full || values['full-peers'];
  const sizeNames = (values.sizes ?? (values.quick ? 'coffee' : 'coffee,2mp,8mp')).split(',').map((s) => s.trim()).filter(Boolean);
  const ks = (values.ks ?? (values.quick ? '16,64' : '16,64,256')).split(',').map(Number);
  for (const k of ks) if (!Number.isInteger(k) || k < 2 || k > 256) throw new Error(`--ks: ${k} is not an integer in 2..256`);
  const unknown = sizeNames.filter((s) => !IMAGES.some((i) => i.name === s));
  if (unknown.length) throw new Error(`--sizes: unknown ${unknown.join(', ')} (known: ${IMAGES.map((i) => i.name).join(', ')})`);
  const peerTimeout = Number(values['peer-timeout']);
  const gpuKs = full ? ks : ks.filter((k) => k < 256);
  const speed = !values['quality-only'];
  const quality = values['no-quality'] ? undefined : qualityPlan(values);

  const git = run('git', ['rev-parse', '--short', 'HEAD'], { timeoutS: 10 });
  const dirty = run('git', ['status', '--porcelain', '--', 'src', 'shaders'], { timeoutS: 10 });
  const meta = {
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    memGB: totalmem() / 2 ** 30,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    commit: git.ok ? `${git.stdout.trim()}${dirty.stdout.trim() ? ' + uncommitted changes in src/ or shaders/' : ''}` : 'unknown',
  };
  log(`kmeans-quantizer bench: ${speed ? `sizes ${sizeNames.join(',')}, k ${ks.join(',')}${full ? ', --full' : ''}` : 'quality only'}${quality ? `; quality: ${quality.imageNames.join(',')} at k ${quality.ks.join(',')}` : '; no quality'}; ${meta.cpus}; node ${meta.node}; ${meta.commit}`);

  const wanted = ['numpy', 'pil'];
  if (speed && !values['no-peers']) wanted.push('sklearn', 'pngquant');
  if (speed && !values['no-process']) wanted.push('pngquant');
  if (speed && !values['no-gpu']) wanted.push('chromium');
  if (speed && sizeNames.includes('8mp')) wanted.push('time');
  if (quality) wanted.push('pngquant', 'butteraugli', 'skimage');
  const installed = ensurePeers(wanted, { install: !values['no-install'], log });
  const tools = detectTools(installed);
  for (const [name, t] of Object.entries(tools)) if (t.missing) log(`peer/tool missing: ${name}: ${t.missing}`);
  const needed = new Set(speed ? sizeNames : []);
  if (quality) needed.add('2mp');
  if (quality?.imageNames.includes('8mp')) needed.add('8mp');
  const made = makeImages(IMAGES.filter((i) => needed.has(i.name)));
  const images = made.filter((i) => speed && sizeNames.includes(i.name));
  const { readImage } = await import(moduleUrl('node.js'));

  // ---- 2 + 3: our CPU path and the peers, config by config.
  const cpu = [];
  const peers = [];
  for (const image of images) {
    const decoded = values['no-peers'] ? undefined : await readImage(image.path);
    for (const k of ks) {
      log(`[cpu] ${image.name} k=${k} (fresh process: warm-up on coffee, then on the image up to ${WARM_UP_CALLS} calls in all or ${WARM_UP_MS / 1000} s, then the median of ${CPU_RUNS} runs)`);
      const r = run(process.execPath, [SELF, '--child=cpu', `--image=${image.path}`, `--k=${k}`], { timeoutS: peerTimeout });
      const json = r.ok ? lastJson(r.stdout) : undefined;
      if (json) {
        cpu.push({ image: image.name, status: 'measured', ...json, coldMs: image.name === 'coffee' ? json.coldCoffeeMs : undefined });
        log(`      ${fmt(json.ms, 0)} ms, ${json.iterations} iterations, MSE ${fmt(json.mse, 2)}, peak RSS ${fmt(json.peakRssMB, 0)} MB`);
      } else {
        const why = r.timedOut ? `timed out (> ${peerTimeout} s)` : `failed: ${firstLine(r.stderr)}`;
        cpu.push({ image: image.name, k, status: 'failed', note: why });
        log(`      ${why}`);
      }
      if (values['no-peers']) continue;
      const row = { image: image.name, width: image.width, height: image.height, k };
      log(`[peer] ${image.name} k=${k} scikit-learn KMeans`);
      row.sklearn = sklearnPeer(image, k, 'kmeans', { tools, full: fullPeers, timeoutS: peerTimeout });
      log(`      ${row.sklearn.status === 'measured' ? `${fmt(row.sklearn.seconds, 2)} s, MSE ${fmt(row.sklearn.mse_rounded, 2)}` : row.sklearn.note}`);
      log(`[peer] ${image.name} k=${k} scikit-learn MiniBatchKMeans`);
      row.minibatch = sklearnPeer(image, k, 'minibatch', { tools, full: fullPeers, timeoutS: peerTimeout });
      log(`[peer] ${image.name} k=${k} pngquant --nofs`);
      row.pngquant = await pngquantPeer(image, k, { tools, decoded, timeoutS: peerTimeout });
      log(`      ${row.pngquant.status === 'measured' ? `${fmt(row.pngquant.seconds, 2)} s, MSE ${fmt(row.pngquant.mse, 2)}` : row.pngquant.note}`);
      peers.push(row);
    }
  }

  // ---- warm start after a k change, 1920x1080.
  let warmStart = { status: 'skipped', note: 'needs the 2mp image (--sizes=...,2mp)' };
  const twoMp = images.find((i) => i.name === '2mp');
  if (twoMp) {
    log('[warm start] 2mp: k=16, then k=20 and k=12 warm-started from its centroids (a first round, then 5)');
    const r = run(process.execPath, [SELF, '--child=warm', `--image=${twoMp.path}`], { timeoutS: peerTimeout });
    const json = r.ok ? lastJson(r.stdout) : undefined;
    const measured = (k) => json.runs[k].slice(1).map((x) => x.ms);
    warmStart = json
      ? { status: 'measured', ...json, firstMs: { 20: json.runs[20][0].ms, 12: json.runs[12][0].ms }, medianMs: { 20: median(measured(20)), 12: median(measured(12)) } }
      : { status: 'failed', note: firstLine(r.stderr) };
    if (json) log(`      k 16->20: ${fmt(warmStart.medianMs[20], 1)} ms, 16->12: ${fmt(warmStart.medianMs[12], 1)} ms (medians)`);
  }

  // ---- 4: WebGPU in Chromium.
  let gpu = { status: 'skipped', note: speed ? '--no-gpu' : '--quality-only' };
  const gpuImages = images.filter((i) => i.name === 'coffee' || i.name === '2mp');
  if (!values['no-gpu'] && gpuImages.length && gpuKs.length) {
    log(`[gpu] Chromium WebGPU: ${gpuImages.map((i) => i.name).join(', ')} at k ${gpuKs.join(',')}`);
    gpu = await gpuSection(gpuImages, gpuKs, { tools, timeoutS: peerTimeout });
    if (gpu.note) log(`      ${gpu.note}`);
  }

  // ---- 5: CLI memory on the 8 MP image.
  let cli = { status: 'skipped', note: 'needs the 8mp image (--sizes=...,8mp)' };
  const eightMp = images.find((i) => i.name === '8mp');
  if (eightMp) {
    log('[cli] peak RSS: kmeans-quantizer bench/out/8mp.png -k 16 -o bench/out/x.png');
    cli = cliMemory(eightMp, tools);
    log(`      ${cli.status === 'measured' ? `${fmt(cli.peakRssMB, 0)} MB, ${fmt(cli.seconds, 1)} s` : cli.note}`);
  }

  // ---- speed as users meet it (issue 14, bench/process.js): whole CLI processes against pngquant, first calls.
  let processReport;
  if (speed && !values['no-process']) {
    const processImages = (values['process-images'] ?? (values.quick ? 'coffee' : 'coffee,chelsea,rocket,hubble_deep_field,2mp,8mp')).split(',').map((s) => s.trim()).filter(Boolean);
    log(`[process] whole CLI runs against pngquant --nofs on ${processImages.join(', ')} at k ${ks.join(',')}, alternating, medians of ${values['process-runs']}; then first calls of fresh processes`);
    if (tools.pngquant.missing) log(`      pngquant missing: ${tools.pngquant.missing}`);
    else processReport = await processSection({ imageNames: processImages, ks, runs: Number(values['process-runs']), quick: values.quick, log });
  }

  // ---- 6: picture quality (issue 12), then the targets.
  let qualityReport;
  if (quality) {
    const started = performance.now();
    qualityReport = await qualitySection({
      ...quality,
      root: ROOT,
      out: OUT,
      dist: SNAPSHOT,
      sharedImages: join(ROOT, '..', 'shared', 'images'),
      twoMpPath: made.find((i) => i.name === '2mp')?.path,
      eightMpPath: made.find((i) => i.name === '8mp')?.path,
      tools: { pngquant: installed.pngquant, butteraugli: installed.butteraugli, skimage: installed.skimage },
      python: PYTHON,
      commit: meta.commit,
      timeoutS: peerTimeout,
      log,
    });
    log(`[quality] done in ${fmt((performance.now() - started) / 1000, 0)} s`);
  }
  const targets = [...(speed ? evaluateTargets({ images, cpu, peers, warmStart, cli, skipPeers: values['no-peers'] }) : []), ...(processReport?.targets ?? []), ...(qualityReport?.targets ?? [])];
  meta.seconds = (performance.now() - t0) / 1000;
  meta.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  const report = { meta, tools, images: images.map(({ name, width, height }) => ({ name, width, height, megapixels: mpOf({ width, height }) })), cpu, peers, warmStart, gpu, cli, process: processReport, quality: qualityReport, targets };
  writeFileSync(join(OUT, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const targetsMd = targetsTable(targets, meta);
  writeFileSync(join(OUT, 'targets.md'), `${targetsMd}\n`);
  const qualityMd = qualityReport ? renderQuality(qualityReport) : '';
  if (qualityMd) writeFileSync(join(OUT, 'quality.md'), `${qualityMd}\n`);
  const tables = [speed ? renderTables(report) : '', processReport ? renderProcess(processReport) : '', qualityMd].filter(Boolean).join('\n\n');
  process.stdout.write(`${tables}\n\n${targetsMd}\n`);
  log(`done in ${fmt(meta.seconds, 0)} s; wrote ${relative(ROOT, join(OUT, 'bench.json'))} and ${relative(ROOT, join(OUT, 'targets.md'))}`);
}

// ------------------------------------------------------------------------------------------- targets

function evaluateTargets({ images, cpu, peers, warmStart, cli, skipPeers }) {
  const out = [];
  const add = (target, image, k, measured, threshold, pass, note = '') =>
    out.push({ target, image, k, measured, threshold, result: pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL', note });
  for (const image of images) {
    for (const ours of cpu.filter((c) => c.image === image.name)) {
      const { k } = ours;
      const peer = peers.find((p) => p.image === image.name && p.k === k);
      if (ours.status !== 'measured' || skipPeers || !peer) continue;
      const sk = peer.sklearn;
      const pq = peer.pngquant;
      // Quality: our 8-bit output against the peers' 8-bit outputs (scikit-learn's centres rounded).
      if (sk.status === 'measured') {
        add('MSE <= scikit-learn KMeans', image.name, k, `${fmt(ours.mse, 3)} vs ${fmt(sk.mse_rounded, 3)}`, '<= 1.00x', ours.mse <= sk.mse_rounded,
          `unrounded: ours ${fmt(ours.mseUnrounded, 3)} vs ${fmt(sk.mse, 3)}`);
      } else {
        add('MSE <= scikit-learn KMeans', image.name, k, `${fmt(ours.mse, 3)} vs -`, '<= 1.00x', undefined, sk.note);
      }
      if (pq.status === 'measured') add('MSE < pngquant --nofs', image.name, k, `${fmt(ours.mse, 3)} vs ${fmt(pq.mse, 3)}`, '< 1.00x', ours.mse < pq.mse);
      else add('MSE < pngquant --nofs', image.name, k, `${fmt(ours.mse, 3)} vs -`, '< 1.00x', undefined, pq.note);
      // Speed.
      const large = mpOf(image) >= 2;
      const need = large ? TARGETS.speedupLarge : TARGETS.speedupSmall;
      const oursS = ours.ms / 1000;
      let skS;
      let skNote = '';
      let lowerBound = false;
      if (sk.status === 'measured') skS = sk.seconds;
      else if (sk.issue) {
        skS = sk.issue.seconds;
        lowerBound = Boolean(sk.issue.lowerBound);
        skNote = `scikit-learn ${lowerBound ? '>' : ''}${sk.issue.seconds} s from issue, not measured`;
      } else if (sk.status === 'timeout') {
        skS = sk.seconds;
        lowerBound = true;
        skNote = `scikit-learn ${sk.note}`;
      }
      if (skS !== undefined) {
        const ratio = skS / oursS;
        // A lower bound on scikit-learn's time proves a PASS, never a FAIL.
        const pass = ratio >= need ? true : lowerBound ? undefined : false;
        add(`>= ${need}x faster than scikit-learn KMeans`, image.name, k, `${lowerBound ? '>' : ''}${fmt(ratio, 1)}x (${fmt(oursS, 3)} s vs ${lowerBound ? '>' : ''}${fmt(skS, 2)} s)`, `>= ${need}x`, pass, skNote);
      } else {
        add(`>= ${need}x faster than scikit-learn KMeans`, image.name, k, '-', `>= ${need}x`, undefined, sk.note);
      }
      if (large) {
        if (pq.status === 'measured') {
          add('faster than pngquant --nofs', image.name, k, `${fmt(pq.seconds / oursS, 2)}x (${fmt(oursS, 3)} s vs ${fmt(pq.seconds, 3)} s)`, '> 1.00x', oursS < pq.seconds,
            'ours: quantize() total, in-process; pngquant: whole CLI run incl. PNG decode/encode');
        } else add('faster than pngquant --nofs', image.name, k, '-', '> 1.00x', undefined, pq.note);
      }
    }
  }
  if (warmStart.status === 'measured') {
    for (const k of [20, 12]) {
      const m = warmStart.medianMs[k];
      const rounds = warmStart.runs[k].slice(1).map((r) => fmt(r.ms, 0)).join('/');
      add(`warm-start re-quantization 16 -> ${k} < ${TARGETS.warmStartMs} ms`, '2mp', k, `${fmt(m, 1)} ms (median of 5: ${rounds}; first call ${fmt(warmStart.firstMs[k], 0)})`, `< ${TARGETS.warmStartMs} ms`, m < TARGETS.warmStartMs);
    }
  } else add(`warm-start re-quantization < ${TARGETS.warmStartMs} ms`, '2mp', '20, 12', '-', `< ${TARGETS.warmStartMs} ms`, undefined, warmStart.note);
  if (cli.status === 'measured') add(`CLI peak RSS < ${TARGETS.cliRssMB} MB`, '8mp', 16, `${fmt(cli.peakRssMB, 0)} MB`, `< ${TARGETS.cliRssMB} MB`, cli.peakRssMB < TARGETS.cliRssMB, cli.how);
  else add(`CLI peak RSS < ${TARGETS.cliRssMB} MB`, '8mp', 16, '-', `< ${TARGETS.cliRssMB} MB`, undefined, cli.note);
  return out;
}

function targetsTable(targets, meta) {
  const passed = targets.filter((t) => t.result === 'PASS').length;
  const failed = targets.filter((t) => t.result === 'FAIL').length;
  const errors = targets.filter((t) => t.result === 'ERROR').length;
  return [
    `### Targets (${passed} PASS, ${failed} FAIL, ${errors} ERROR, ${targets.length - passed - failed - errors} n/a; ${meta.cpus}, node ${meta.node}, ${meta.date.slice(0, 10)})`,
    '',
    mdTable(['target', 'image', 'k', 'measured', 'threshold', 'result', 'note'], targets.map((t) => [t.target, t.image, t.k, t.measured, t.threshold, t.result, t.note])),
  ].join('\n');
}

// -------------------------------------------------------------------------------------------- tables

function renderTables(report) {
  const { cpu, peers, gpu, warmStart, cli, meta, tools } = report;
  const parts = [];
  parts.push(`## kmeans-quantizer bench (${meta.date}; ${meta.cpus}; ${(meta.memGB).toFixed(0)} GB; node ${meta.node}; ${meta.commit})`);
  parts.push(`Peers: scikit-learn ${tools.sklearn.version ?? `missing`}, pngquant ${tools.pngquant.version ?? 'missing'}; bench took ${fmt(meta.seconds, 0)} s; load average (1/5/15 min) ${meta.loadAverageAtStart.join('/')} at start, ${meta.loadAverageAtEnd.join('/')} at end (a shared machine: other processes add noise).`);

  parts.push('### Our CPU path (Node, backend "cpu", default options, seed 0)');
  parts.push(mdTable(
    ['image', 'k', 'total ms', 'cold ms', 'calls 4-8 ms', 'warm-ups', 'setup', 'init', 'Lloyd', 'assign', 'iters', 'conv', 'inertia', 'MSE', 'MSE unrounded', 'PSNR dB', 'nominal Geval/s', 'peak RSS MB', 'palette / labels sha256'],
    cpu.map((c) => c.status !== 'measured'
      ? [c.image, c.k, c.note ?? c.status, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '']
      : [c.image, c.k, fmt(c.ms, 1), fmt(c.coldMs, 1), fmt(c.calls4to8Ms, 1), 1 + (c.warmUpMs?.length ?? 0), fmt(c.timings.setup, 1), fmt(c.timings.init, 1), fmt(c.timings.iterations, 1), fmt(c.timings.assignment, 1),
        c.iterations, c.converged ? 'yes' : 'no', fmt(c.inertia, 0), fmt(c.mse, 3), fmt(c.mseUnrounded, 3), fmt(c.psnr, 2),
        fmt(c.nominalEvalsPerSecLloyd / 1e9, 2), fmt(c.peakRssMB, 0), `${c.paletteHash} / ${c.labelsHash}`]),
  ));

  if (peers.length) {
    parts.push('### Peers (same run). Seconds; MSE of the 8-bit output (scikit-learn: centres rounded; unrounded in brackets)');
    const peerCell = (p, mseKey = 'mse') => {
      if (p.status === 'measured') return `${fmt(p.seconds, 3)} s`;
      if (p.issue) return `${p.note}; issue: ${p.issue.lowerBound ? '>' : ''}${p.issue.seconds} s (from issue, not measured)`;
      return p.note ?? p.status;
    };
    const mseCell = (p) => (p.status === 'measured' ? (p.mse_rounded !== undefined ? `${fmt(p.mse_rounded, 3)} (${fmt(p.mse, 3)})` : fmt(p.mse, 3)) : '-');
    parts.push(mdTable(
      ['image', 'k', 'ours s', 'ours MSE (unrounded)', 'sklearn KMeans', 'MSE', 'iters', 'speed-up', 'MiniBatchKMeans', 'MSE', 'pngquant --nofs', 'MSE', 'speed-up'],
      peers.map((p) => {
        const ours = cpu.find((c) => c.image === p.image && c.k === p.k && c.status === 'measured');
        const oursS = ours ? ours.ms / 1000 : undefined;
        const skS = p.sklearn.status === 'measured' ? p.sklearn.seconds : p.sklearn.issue?.seconds ?? (p.sklearn.status === 'timeout' ? p.sklearn.seconds : undefined);
        const skBound = p.sklearn.status !== 'measured' && (p.sklearn.issue?.lowerBound || p.sklearn.status === 'timeout');
        const skRatio = oursS && skS ? `${skBound ? '>' : ''}${fmt(skS / oursS, 1)}x${p.sklearn.status === 'measured' ? '' : ' (issue figure)'}` : '-';
        const pqRatio = oursS && p.pngquant.status === 'measured' ? `${fmt(p.pngquant.seconds / oursS, 2)}x` : '-';
        return [p.image, p.k, fmt(oursS, 3), ours ? `${fmt(ours.mse, 3)} (${fmt(ours.mseUnrounded, 3)})` : '-',
          peerCell(p.sklearn), mseCell(p.sklearn), p.sklearn.iterations ?? '-', skRatio,
          peerCell(p.minibatch), mseCell(p.minibatch), peerCell(p.pngquant), mseCell(p.pngquant), pqRatio];
      }),
    ));
  }

  if (warmStart.status === 'measured') {
    parts.push(`### Warm start after a k change (2mp, one createQuantizer({backend: "cpu"}); k=16 first: ${fmt(warmStart.baseMs, 0)} ms, ${warmStart.baseIterations} iterations)`);
    parts.push(mdTable(['k change', 'first call ms', 'total ms (5 rounds after it)', 'median ms', 'iterations', 'MSE'],
      [20, 12].map((k) => [`16 -> ${k}`, fmt(warmStart.firstMs[k], 1), warmStart.runs[k].slice(1).map((r) => fmt(r.ms, 1)).join(' / '), fmt(warmStart.medianMs[k], 1),
        warmStart.runs[k].map((r) => r.iterations).join(' / '), fmt(warmStart.runs[k][0].mse, 3)])));
  } else parts.push(`### Warm start: ${warmStart.note}`);

  if (gpu.runs?.length) {
    parts.push(`### WebGPU path in Chromium (${gpu.browser}); adapter: ${gpu.label}`);
    parts.push(mdTable(
      ['image', 'k', 'iterates on', 'distinct colours', 'webgpu ms', 'setup', 'Lloyd', 'GPU pass ms', 'assign', 'iters', 'encoded iters', 'MSE', 'cpu-in-page ms', 'cpu MSE', 'GPU/CPU time', 'dispatches/iter', 'compute passes', 'submits', 'readbacks', 'readback KB', 'upload MB', 'MB/iter'],
      gpu.runs.map((r) => [r.image, r.k, r.iterateOn, r.distinctColours ?? '-', fmt(r.webgpu.ms, 1), fmt(r.webgpu.timings.setup, 1), fmt(r.webgpu.timings.iterations, 1),
        r.webgpu.gpu?.timestampMs === undefined ? '-' : fmt(r.webgpu.gpu.timestampMs, 1),
        fmt(r.webgpu.timings.assignment, 1), r.webgpu.iterations, r.encodedIterations, fmt(r.webgpu.mse, 3),
        fmt(r.cpu.ms, 1), fmt(r.cpu.mse, 3), `${fmt(r.gpuOverCpu, 2)}x`, r.dispatchesPerIteration ?? '-', r.webgpu.counters.computePasses,
        r.webgpu.counters.submits, r.webgpu.counters.mapAsyncs, fmt(r.webgpu.counters.readbackBytes / 1024, 1), fmt(r.webgpu.counters.uploadBytes / 1e6, 2),
        r.bytesPerIteration === undefined ? '-' : fmt(r.bytesPerIteration / 1e6, 2)]),
    ));
    if (gpu.coldRuns?.length) parts.push(`First (cold) runs on coffee per k, webgpu / cpu-in-page ms: ${gpu.coldRuns.map((c) => `k=${c.k}: ${fmt(c.webgpuMs, 0)} / ${fmt(c.cpuMs, 0)}`).join('; ')}. Adapter backend reported by the library: ${gpu.runs[0].webgpu.backend}${gpu.runs[0].webgpu.adapter ? ` (${gpu.runs[0].webgpu.adapter.architecture}, fallback=${gpu.runs[0].webgpu.adapter.isFallbackAdapter})` : ''}.`);
    if (gpu.note) parts.push(`WebGPU part ${gpu.status}: ${gpu.note}`);
  } else parts.push(`### WebGPU path: ${gpu.note ?? gpu.status}`);

  parts.push(cli.status === 'measured'
    ? `### CLI memory: kmeans-quantizer 8mp.png -k 16: peak RSS ${fmt(cli.peakRssMB, 0)} MB, ${fmt(cli.seconds, 1)} s wall (${cli.how})`
    : `### CLI memory: ${cli.note}`);
  return parts.join('\n\n');
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
