// Speed as users meet it (issue 14): the whole CLI process against pngquant's, the first calls of a fresh
// Node process against its steady state, throughput per thread at 8 MP, Node image I/O at 8 MP (PNG and
// JPEG decode, PNG-8 encode), and what the CLI's human summary costs. Called by bench/run.js (the "process" section, left out with --no-process); also runs alone:
//
//   node bench/process.js [--images=coffee,chelsea,rocket,hubble_deep_field,2mp,8mp] [--ks=16,64,256] [--runs=5]
//
// Needs a build (dist/, or KMQ_BENCH_DIST), pngquant on the PATH (bench/install-peers.js installs it when
// run from bench/run.js), and the images: test/fixtures/coffee.png, ../shared/images/ (chelsea.png,
// rocket.jpg, hubble_deep_field.jpg: the JPEGs are written once as PNG into bench/out/process/, since
// pngquant reads PNG only, and both tools then read the same file) and bench/out/2mp.png, 8mp.png (made by
// bench/run.js). Missing images are left out with a note.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mseRgb } from './quality-metrics.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out', 'process');
const SHARED = join(ROOT, '..', 'shared', 'images');

/** The photos, by name: where each comes from. */
export const PROCESS_IMAGES = {
  coffee: join(ROOT, 'test', 'fixtures', 'coffee.png'),
  chelsea: join(SHARED, 'chelsea.png'),
  rocket: join(SHARED, 'rocket.jpg'),
  hubble_deep_field: join(SHARED, 'hubble_deep_field.jpg'),
  '2mp': join(ROOT, 'bench', 'out', '2mp.png'),
  '8mp': join(ROOT, 'bench', 'out', '8mp.png'),
};

export const PROCESS_TARGETS = {
  firstCallRatio: 2, // first call in a fresh process <= 2x the steady state
  mpPerSecondPerThread: 25, // 8 MP k = 256, steady state (quantette's published figure)
  ioMs: 200, // 8 MP PNG and JPEG decode, PNG-8 encode, each
};

function distDir() {
  return process.env.KMQ_BENCH_DIST ?? join(ROOT, 'dist');
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (x, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? '-' : Number(x).toFixed(digits));

/** One process, timed from outside (spawn to exit), as a shell user meets it. */
function timedRun(command, args, timeoutS) {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 << 20 });
  return { ok: !r.error && r.status === 0, ms: performance.now() - started, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The PNG both tools read: the file itself, or (a JPEG) its pixels written once as PNG by our writePng. */
async function pngInput(name, source) {
  if (!source.endsWith('.jpg')) return source;
  mkdirSync(OUT, { recursive: true });
  const target = join(OUT, `${name}.png`);
  if (!existsSync(target)) {
    const { readImage, writePng } = await import(`file://${join(distDir(), 'node.js')}`);
    await writePng(target, await readImage(source));
  }
  return target;
}

/** The runs compared: without dithering (ours plain, pngquant --nofs) and dithered (ours --dither diffusion, pngquant's default). */
export const CLI_VARIANTS = [
  { name: 'plain', ours: [], theirs: ['--nofs'], target: 'whole CLI process faster than pngquant --nofs' },
  { name: 'dithered', ours: ['--dither', 'diffusion'], theirs: [], target: 'whole CLI process with --dither diffusion faster than pngquant (dithered default)' },
];

async function cliAgainstPngquant(images, ks, runs, log, variant = CLI_VARIANTS[0]) {
  const { readImage } = await import(`file://${join(distDir(), 'node.js')}`);
  const cliJs = join(distDir(), 'cli.js');
  mkdirSync(OUT, { recursive: true });
  const rows = [];
  for (const { name, path, original } of images) {
    for (const k of ks) {
      const ours = [];
      const theirs = [];
      const oursOut = join(OUT, `ours-${variant.name}-${name}-k${k}.png`);
      const theirOut = join(OUT, `pngquant-${variant.name}-${name}-k${k}.png`);
      let mse;
      let failed;
      for (let round = 0; round < runs && !failed; round++) {
        const runOurs = () => {
          const r = timedRun(process.execPath, [cliJs, path, '-k', String(k), '-o', oursOut, '--force', ...variant.ours], 600);
          if (!r.ok) failed = `ours: ${r.stderr.trim().split('\n').at(-1)}`;
          mse ??= Number(/MSE:\s+([\d.]+)/.exec(r.stdout)?.[1]);
          ours.push(r.ms);
        };
        const runTheirs = () => {
          const r = timedRun('pngquant', [...variant.theirs, '--force', '--output', theirOut, String(k), '--', path], 600);
          if (!r.ok) failed = `pngquant: ${r.stderr.trim().split('\n').at(-1) || 'failed'}`;
          theirs.push(r.ms);
        };
        if (round % 2 === 0) (runOurs(), runTheirs());
        else (runTheirs(), runOurs());
      }
      const row = { variant: variant.name, image: name, megapixels: (original.width * original.height) / 1e6, k, oursMs: ours, pngquantMs: theirs, failed };
      if (!failed) {
        row.oursMedianMs = median(ours);
        row.pngquantMedianMs = median(theirs);
        row.ratio = row.pngquantMedianMs / row.oursMedianMs;
        row.mse = mse;
        row.pngquantMse = mseRgb(original.data, (await readImage(theirOut)).data);
      }
      log(`[process, ${variant.name}] ${name} k=${k}: ours ${fmt(row.oursMedianMs / 1000, 3)} s, pngquant ${fmt(row.pngquantMedianMs / 1000, 3)} s (medians of ${runs}), ${fmt(row.ratio)}x${failed ? ` ${failed}` : ''}`);
      rows.push(row);
    }
  }
  return rows;
}

/** The child of {@link firstCalls}: `calls` quantize() calls in this fresh process, each timed. */
async function childCalls(path, k, calls) {
  const started = performance.now();
  // The Node entry (worker_threads host) where the build has one, as a Node app imports it.
  const entry = existsSync(join(distDir(), 'index.node.js')) ? 'index.node.js' : 'index.js';
  const { quantize } = await import(`file://${join(distDir(), entry)}`);
  const { readImage } = await import(`file://${join(distDir(), 'node.js')}`);
  const importMs = performance.now() - started;
  const image = await readImage(path);
  const ms = [];
  let threads;
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const result = await quantize(image, { k, backend: 'cpu', seed: 0 });
    ms.push(performance.now() - t);
    threads = result.threads;
  }
  process.stdout.write(`${JSON.stringify({ importMs, ms, threads, megapixels: (image.width * image.height) / 1e6 })}\n`);
}

/**
 * Target 2 (Node) and 3: quantize() calls 1, 2, 5 of a fresh process against its steady state (the median
 * of its last five of `calls`), each in its own process; the same child gives the 8 MP k = 256 throughput.
 */
function firstCalls(configs, log) {
  const rows = [];
  for (const { name, path, k, calls } of configs) {
    const r = timedRun(process.execPath, [fileURLToPath(import.meta.url), '--child', `--image=${path}`, `--k=${k}`, `--calls=${calls}`], 900);
    const json = r.ok ? JSON.parse(r.stdout.trim().split('\n').at(-1)) : undefined;
    if (!json) {
      rows.push({ image: name, k, failed: r.stderr.trim().split('\n').at(-1) });
      continue;
    }
    const steady = median(json.ms.slice(-5));
    const row = { image: name, k, megapixels: json.megapixels, threads: json.threads, importMs: json.importMs, calls: json.ms, call1: json.ms[0], call2: json.ms[1], call5: json.ms[4], steadyMs: steady, ratio: json.ms[0] / steady };
    row.mpPerSecondPerThread = json.megapixels / (steady / 1000) / json.threads;
    log(`[first calls] ${name} k=${k}: call 1 ${fmt(row.call1, 0)} ms, 2 ${fmt(row.call2, 0)}, 5 ${fmt(row.call5, 0)}, steady ${fmt(steady, 0)} ms (${fmt(row.ratio)}x); ${fmt(row.mpPerSecondPerThread, 1)} MP/s per thread (${json.threads})`);
    rows.push(row);
  }
  return rows;
}

/**
 * Target 2 (Chromium): quantize() calls 1, 2, 5 in a fresh page (a browser of its own each time, so no code
 * compiled by an earlier page is reused) against its steady state (the median of the last five of
 * `calls`), on bench/gpu-page.html with the CPU backend; each call's wall time in the page.
 */
async function firstCallsInPage(configs, log) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return [{ where: 'chromium', failed: `no Chromium at ${chromium}` }];
  const { default: puppeteer } = await import('puppeteer');
  const { serveFolder } = await import('../test/browser/serve.js');
  const server = await serveFolder(ROOT);
  const dist = `/${relative(ROOT, distDir())}`;
  const args = ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];
  const rows = [];
  try {
    for (const { name, path, k, calls } of configs) {
      const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args, protocolTimeout: 900_000 });
      try {
        const page = await browser.newPage();
        await page.goto(`${server.url}/bench/gpu-page.html?dist=${encodeURIComponent(dist)}`, { waitUntil: 'load' });
        await page.waitForFunction('window.bench !== undefined', { timeout: 60_000 });
        const url = `/${relative(ROOT, path)}`;
        const ms = [];
        for (let i = 0; i < calls; i++) ms.push((await page.evaluate((u, kk) => window.bench.run(u, kk, 'cpu'), url, k)).wallMs);
        const steady = median(ms.slice(-5));
        const row = { where: 'chromium', image: name, k, calls: ms, call1: ms[0], call2: ms[1], call5: ms[4], steadyMs: steady, ratio: ms[0] / steady };
        log(`[first calls, Chromium] ${name} k=${k}: call 1 ${fmt(row.call1, 0)} ms, 2 ${fmt(row.call2, 0)}, 5 ${fmt(row.call5, 0)}, steady ${fmt(steady, 0)} ms (${fmt(row.ratio)}x)`);
        rows.push(row);
      } catch (error) {
        rows.push({ where: 'chromium', image: name, k, failed: String(error.message ?? error).split('\n')[0] });
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  return rows;
}

/** An 8 MP JPEG for target 5, written once from the 8 MP PNG by sharp (quality 90); undefined without sharp. */
async function jpegOf(image) {
  const target = join(OUT, `${image.name}.jpg`);
  if (existsSync(target)) return target;
  const sharp = await import('sharp').then((m) => m.default, () => undefined);
  if (!sharp) return undefined;
  mkdirSync(OUT, { recursive: true });
  const { width, height, data } = image.original;
  await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toFile(target);
  return target;
}

/**
 * The child of {@link imageIo}: in this fresh process, as the CLI meets them (each the first of its kind),
 * the PNG decode, the JPEG decode, and the PNG-8 encodes of k = 16 and k = 256 results (the encoder the CLI
 * uses: encodeIndexedResultPngAsync where the build has it).
 */
async function childIo(png, jpeg) {
  const entry = existsSync(join(distDir(), 'index.node.js')) ? 'index.node.js' : 'index.js';
  const { quantize } = await import(`file://${join(distDir(), entry)}`);
  const node = await import(`file://${join(distDir(), 'node.js')}`);
  const timed = async (f) => {
    const t = performance.now();
    const value = await f();
    return [performance.now() - t, value];
  };
  const [pngMs, image] = await timed(() => node.readImage(png));
  const [jpegMs] = jpeg ? await timed(() => node.readImage(jpeg)) : [null];
  const encode = node.encodeIndexedResultPngAsync ?? node.encodeIndexedResultPng;
  const encodeMs = {};
  for (const k of [16, 256]) {
    const result = await quantize(image, { k, backend: 'cpu', seed: 0 });
    [encodeMs[k]] = await timed(() => encode(result));
  }
  process.stdout.write(`${JSON.stringify({ pngMs, jpegMs, encodeMs })}\n`);
}

/** Target 5: Node image I/O at 8 MP, each step the first of its kind in a fresh process, medians of `runs` processes. */
async function imageIo(image, runs, log) {
  const jpeg = await jpegOf(image);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = timedRun(process.execPath, [fileURLToPath(import.meta.url), '--io-child', `--image=${image.path}`, ...(jpeg ? [`--jpeg=${jpeg}`] : [])], 600);
    if (!r.ok) return { image: image.name, failed: r.stderr.trim().split('\n').at(-1) };
    samples.push(JSON.parse(r.stdout.trim().split('\n').at(-1)));
  }
  const row = {
    image: image.name,
    decodePngMs: median(samples.map((s) => s.pngMs)),
    decodeJpegMs: jpeg ? median(samples.map((s) => s.jpegMs)) : undefined,
    encode16Ms: median(samples.map((s) => s.encodeMs[16])),
    encode256Ms: median(samples.map((s) => s.encodeMs[256])),
    jpegNote: jpeg ? '' : 'no JPEG: sharp is not installed',
  };
  log(`[image I/O] ${image.name}: PNG decode ${fmt(row.decodePngMs, 0)} ms, JPEG decode ${fmt(row.decodeJpegMs, 0)} ms, PNG-8 encode k=16 ${fmt(row.encode16Ms, 0)} ms, k=256 ${fmt(row.encode256Ms, 0)} ms (medians of ${runs} fresh processes)`);
  return row;
}

/** Target 6: the plain run (summary printed) against the same run with --json, alternating, medians. */
function summaryCost(image, k, runs, log) {
  const cliJs = join(distDir(), 'cli.js');
  const out = join(OUT, `summary-${image.name}.png`);
  const plain = [];
  const json = [];
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? [plain, json] : [json, plain];
    for (const list of order) {
      const args = [cliJs, image.path, '-k', String(k), '-o', out, '--force', ...(list === json ? ['--json'] : [])];
      list.push(timedRun(process.execPath, args, 600).ms);
    }
  }
  const row = { image: image.name, k, plainMs: plain, jsonMs: json, plainMedianMs: median(plain), jsonMedianMs: median(json) };
  row.extraMs = row.plainMedianMs - row.jsonMedianMs;
  log(`[summary] ${image.name} k=${k}: plain ${fmt(row.plainMedianMs, 0)} ms, --json ${fmt(row.jsonMedianMs, 0)} ms (medians of ${runs})`);
  return row;
}

/** The section: its measurements and its rows for the targets table (bench/run.js's format). */
export async function processSection({ imageNames, ks, runs = 5, quick = false, log = (m) => process.stderr.write(`${m}\n`) }) {
  const { readImage } = await import(`file://${join(distDir(), 'node.js')}`);
  const images = [];
  const notes = [];
  for (const name of imageNames) {
    const source = PROCESS_IMAGES[name];
    if (!source || !existsSync(source)) {
      notes.push(`${name}: ${source ? `${source} is missing` : 'unknown image'}`);
      continue;
    }
    const path = await pngInput(name, source);
    images.push({ name, path, original: await readImage(path) });
  }
  const cli = [];
  for (const variant of CLI_VARIANTS) cli.push(...(await cliAgainstPngquant(images, quick && variant.name !== 'plain' ? ks.slice(0, 1) : ks, runs, log, variant)));
  const byName = (n) => images.find((i) => i.name === n);
  const configs = [];
  for (const name of ['coffee', '2mp']) if (byName(name)) for (const k of quick ? [16] : [16, 64]) configs.push({ name, path: byName(name).path, k, calls: 20 });
  if (byName('8mp') && !quick) configs.push({ name: '8mp', path: byName('8mp').path, k: 256, calls: 8 });
  const first = firstCalls(configs, log);
  const inPage = await firstCallsInPage(configs.filter((c) => c.name !== '8mp'), log);
  const summaryImage = byName('8mp') ?? byName('coffee');
  const summary = summaryImage ? summaryCost(summaryImage, 16, runs, log) : undefined;
  const io = byName('8mp') ? await imageIo(byName('8mp'), runs, log) : undefined;
  return { runs, cli, firstCalls: first, firstCallsInPage: inPage, summary, io, notes, targets: processTargets({ cli, first, inPage, summary, io, runs }) };
}

function processTargets({ cli, first, inPage, summary, io, runs }) {
  const out = [];
  const add = (target, image, k, measured, threshold, pass, note = '') =>
    out.push({ target, image, k, measured, threshold, result: pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL', note });
  for (const r of cli) {
    const target = CLI_VARIANTS.find((v) => v.name === r.variant).target;
    if (r.failed) add(target, r.image, r.k, '-', '> 1.00x', undefined, r.failed);
    else add(target, r.image, r.k, `${fmt(r.ratio)}x (${fmt(r.oursMedianMs / 1000, 3)} s vs ${fmt(r.pngquantMedianMs / 1000, 3)} s)`, '> 1.00x', r.ratio > 1,
      `medians of ${runs}, alternating; MSE ours ${fmt(r.mse, 3)}, pngquant ${fmt(r.pngquantMse, 3)}`);
  }
  for (const r of first) {
    if (r.failed) {
      add('first call in a fresh Node process <= 2x steady state', r.image, r.k, '-', '<= 2.00x', undefined, r.failed);
      continue;
    }
    if (r.image !== '8mp') {
      add('first call in a fresh Node process <= 2x steady state', r.image, r.k, `${fmt(r.ratio)}x (calls 1/2/5: ${fmt(r.call1, 0)}/${fmt(r.call2, 0)}/${fmt(r.call5, 0)} ms, steady ${fmt(r.steadyMs, 0)} ms)`, '<= 2.00x', r.ratio <= PROCESS_TARGETS.firstCallRatio,
        `steady: median of the last 5 of ${r.calls.length} calls; import ${fmt(r.importMs, 0)} ms not counted`);
    } else {
      add(`>= ${PROCESS_TARGETS.mpPerSecondPerThread} MP/s per thread (steady state)`, r.image, r.k, `${fmt(r.mpPerSecondPerThread, 1)} MP/s per thread (${fmt(r.steadyMs, 0)} ms, ${r.threads} thread${r.threads > 1 ? 's' : ''})`, `>= ${PROCESS_TARGETS.mpPerSecondPerThread}`,
        r.mpPerSecondPerThread >= PROCESS_TARGETS.mpPerSecondPerThread, `median of the last 5 of ${r.calls.length} calls in one process`);
    }
  }
  for (const r of inPage) {
    const target = 'first call in a fresh Chromium page <= 2x steady state';
    if (r.failed) add(target, r.image ?? '-', r.k ?? '-', '-', '<= 2.00x', undefined, r.failed);
    else add(target, r.image, r.k, `${fmt(r.ratio)}x (calls 1/2/5: ${fmt(r.call1, 0)}/${fmt(r.call2, 0)}/${fmt(r.call5, 0)} ms, steady ${fmt(r.steadyMs, 0)} ms)`, '<= 2.00x', r.ratio <= PROCESS_TARGETS.firstCallRatio,
      `CPU backend in bench/gpu-page.html, a new browser each; steady: median of the last 5 of ${r.calls.length} calls`);
  }
  if (io?.failed) add('Node image I/O < 200 ms', io.image, '-', '-', '< 200 ms', undefined, io.failed);
  else if (io) {
    const note = `medians of ${runs} fresh processes, each step the first of its kind (as the CLI meets it)`;
    add('Node image I/O < 200 ms: PNG decode', io.image, '-', `${fmt(io.decodePngMs, 0)} ms`, `< ${PROCESS_TARGETS.ioMs} ms`, io.decodePngMs < PROCESS_TARGETS.ioMs, note);
    add('Node image I/O < 200 ms: JPEG decode', io.image, '-', `${fmt(io.decodeJpegMs, 0)} ms`, `< ${PROCESS_TARGETS.ioMs} ms`, io.decodeJpegMs === undefined ? undefined : io.decodeJpegMs < PROCESS_TARGETS.ioMs, io.jpegNote || `${note}; through sharp`);
    for (const k of [16, 256]) {
      const ms = io[`encode${k}Ms`];
      add('Node image I/O < 200 ms: PNG-8 encode', io.image, k, `${fmt(ms, 0)} ms`, `< ${PROCESS_TARGETS.ioMs} ms`, ms < PROCESS_TARGETS.ioMs, note);
    }
  }
  if (summary) {
    add('summary costs nothing with --json', summary.image, summary.k, `plain ${fmt(summary.plainMedianMs, 0)} ms, --json ${fmt(summary.jsonMedianMs, 0)} ms`, 'not measured', undefined,
      `the plain run's extra ${fmt(summary.extraMs, 0)} ms: the colours after (one pass over the labels) and printing; the colours before come from the CPU fit's histogram, alpha from the palette (the pixels are read only for --remap); --json computes none of it`);
  }
  return out;
}

export function renderProcess(section) {
  const lines = [`### Whole CLI process against pngquant (medians of ${section.runs}, alternating; wall time from spawn to exit)`, ''];
  lines.push('plain: ours without dithering against `pngquant --nofs`; dithered: ours `--dither diffusion` against pngquant\'s default (dithered) run.', '');
  lines.push('| run | image | MP | k | ours s | pngquant s | ratio | ours MSE | pngquant MSE |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of section.cli) lines.push(`| ${r.variant} | ${r.image} | ${fmt(r.megapixels)} | ${r.k} | ${fmt(r.oursMedianMs / 1000, 3)} | ${fmt(r.pngquantMedianMs / 1000, 3)} | ${fmt(r.ratio)}x | ${fmt(r.mse, 3)} | ${fmt(r.pngquantMse, 3)} |`);
  lines.push('', '### First quantize() calls in a fresh Node process (ms)', '', '| image | k | threads | call 1 | call 2 | call 5 | steady | call 1 / steady | MP/s per thread |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of section.firstCalls) lines.push(`| ${r.image} | ${r.k} | ${r.threads ?? '-'} | ${fmt(r.call1, 0)} | ${fmt(r.call2, 0)} | ${fmt(r.call5, 0)} | ${fmt(r.steadyMs, 0)} | ${fmt(r.ratio)}x | ${fmt(r.mpPerSecondPerThread, 1)} |`);
  lines.push('', '### First quantize() calls in a fresh Chromium page (CPU backend, ms)', '', '| image | k | call 1 | call 2 | call 5 | steady | call 1 / steady |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const r of section.firstCallsInPage ?? []) lines.push(`| ${r.image ?? '-'} | ${r.k ?? '-'} | ${fmt(r.call1, 0)} | ${fmt(r.call2, 0)} | ${fmt(r.call5, 0)} | ${fmt(r.steadyMs, 0)} | ${r.failed ? r.failed : `${fmt(r.ratio)}x`} |`);
  const io = section.io;
  if (io && !io.failed) {
    lines.push('', '### Node image I/O at 8 MP (each the first of its kind in a fresh process, ms)', '', '| image | PNG decode | JPEG decode (sharp) | PNG-8 encode k = 16 | PNG-8 encode k = 256 |', '|---|---:|---:|---:|---:|');
    lines.push(`| ${io.image} | ${fmt(io.decodePngMs, 0)} | ${fmt(io.decodeJpegMs, 0)} | ${fmt(io.encode16Ms, 0)} | ${fmt(io.encode256Ms, 0)} |`);
  }
  if (section.notes.length) lines.push('', `Left out: ${section.notes.join('; ')}.`);
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      child: { type: 'boolean', default: false },
      'io-child': { type: 'boolean', default: false },
      jpeg: { type: 'string' },
      image: { type: 'string' },
      k: { type: 'string' },
      calls: { type: 'string' },
      images: { type: 'string', default: Object.keys(PROCESS_IMAGES).join(',') },
      ks: { type: 'string', default: '16,64,256' },
      runs: { type: 'string', default: '5' },
      quick: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.child) return childCalls(values.image, Number(values.k), Number(values.calls));
  if (values['io-child']) return childIo(values.image, values.jpeg);
  const section = await processSection({ imageNames: values.images.split(','), ks: values.ks.split(',').map(Number), runs: Number(values.runs), quick: values.quick });
  const rows = section.targets.map((t) => `| ${[t.target, t.image, t.k, t.measured, t.threshold, t.result, t.note].join(' | ')} |`);
  process.stdout.write(`${renderProcess(section)}\n\n| target | image | k | measured | threshold | result | note |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
