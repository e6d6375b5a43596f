#!/usr/bin/env node
/**
 * The device check's measurements (run by bench/device/run.sh, which sets the environment below): the
 * library's WebGPU path in Node on Dawn (the `webgpu` package), against its CPU path, on whatever adapter
 * Dawn finds. Writes device.json (rewritten after every measurement, so a run cut short still leaves what
 * it measured) and device.md (the tables) into --out.
 *
 * Each measurement is one entry of MEASUREMENTS (bench/device/measurements.js): a name, a time limit and
 * a function of the shared context returning rows. Add a row kind there; nothing here changes.
 *
 * Environment: KMQ_WEBGPU (the webgpu package's index.js), KMQ_DIST (the library's dist/; default: the
 * repository's), KMQ_NVIDIA_SMI, KMQ_MANIFEST and KMQ_PROBE (files whose text goes into the report, when present).
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MEASUREMENTS } from './measurements.js';
import { installCounters } from './counters.js';
import { markdownReport } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const HELP = `node bench/device/measure.js [--out DIR] [--quick] [--only a,b] [--budget-s S]
  --out DIR      where device.json and device.md go (default bench/device/out)
  --quick        small images and few runs: proves the whole flow in well under a minute on SwiftShader
  --only LIST    measurements to run, of: ${MEASUREMENTS.map((m) => m.name).join(', ')}
  --budget-s S   stop starting measurements after S seconds in all (default 240; quick 1500)
  --limit-s S    cap every measurement's own time limit at S seconds`;

function options() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(here, 'out') },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'budget-s': { type: 'string' },
      'limit-s': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const only = values.only?.split(',').filter(Boolean);
  const unknown = only?.filter((name) => !MEASUREMENTS.some((m) => m.name === name)) ?? [];
  if (unknown.length) throw new Error(`--only: no measurement ${unknown.join(', ')} (${MEASUREMENTS.map((m) => m.name).join(', ')})`);
  const budgetS = Number(values['budget-s'] ?? (values.quick ? 1500 : 240));
  if (!(budgetS > 0)) throw new Error(`--budget-s must be a positive number of seconds, not ${values['budget-s']}`);
  const limitS = values['limit-s'] === undefined ? Infinity : Number(values['limit-s']);
  if (!(limitS > 0)) throw new Error(`--limit-s must be a positive number of seconds, not ${values['limit-s']}`);
  return { out: resolve(values.out), quick: values.quick, only, budgetS, limitS };
}

const textOf = (path) => (path && existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined);

/** Rejects after `ms` (and aborts `controller`), else settles as `promise` does. */
function withTimeout(promise, ms, controller) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(Object.assign(new Error(`timed out after ${ms / 1000} s`), { timedOut: true }));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** How long a timed-out measurement is given to settle after its abort. */
const SETTLE_MS = 30_000;

/** Resolves once `promise` settles, or after `ms`. */
function settled(promise, ms) {
  let timer;
  const wait = new Promise((done) => { timer = setTimeout(done, ms); });
  return Promise.race([Promise.resolve(promise).catch(() => undefined), wait]).finally(() => clearTimeout(timer));
}

async function loadRuntime() {
  const webgpuPath = process.env.KMQ_WEBGPU;
  if (!webgpuPath) throw new Error('KMQ_WEBGPU is not set: run this through bench/device/run.sh');
  const { create, globals } = await import(pathToFileURL(webgpuPath).href);
  Object.assign(globalThis, globals);
  const counters = installCounters(globalThis);
  const dist = resolve(process.env.KMQ_DIST ?? join(here, '../../dist'));
  // The Node entry: its CPU path runs on worker_threads (the browser entry, index.js, would run on one).
  const entry = existsSync(join(dist, 'index.node.js')) ? 'index.node.js' : 'index.js';
  const kmq = await import(pathToFileURL(join(dist, entry)).href);
  const nodeIo = await import(pathToFileURL(join(dist, 'node.js')).href);
  return { gpu: create([]), kmq, nodeIo, counters, dist };
}

function writeReport(out, report) {
  writeFileSync(join(out, 'device.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(out, 'device.md'), markdownReport(report));
}

async function main() {
  const opts = options();
  mkdirSync(opts.out, { recursive: true });
  const runtime = await loadRuntime();
  const started = performance.now();
  const report = {
    started: new Date().toISOString(),
    finished: undefined,
    mode: opts.quick ? 'quick' : 'full',
    node: process.version,
    dist: runtime.dist,
    manifest: textOf(process.env.KMQ_MANIFEST) ? JSON.parse(textOf(process.env.KMQ_MANIFEST)).commit : undefined,
    nvidiaSmi: textOf(process.env.KMQ_NVIDIA_SMI),
    probe: textOf(process.env.KMQ_PROBE) ? JSON.parse(textOf(process.env.KMQ_PROBE)) : undefined,
    env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES, LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH },
    measurements: {},
  };
  const context = { ...runtime, quick: opts.quick, coffee: join(here, '../../test/fixtures/coffee.png'), log: (s) => console.error(s) };
  for (const m of MEASUREMENTS) {
    if (opts.only && !opts.only.includes(m.name)) continue;
    const spentS = (performance.now() - started) / 1000;
    const entry = { status: 'running', limitS: Math.min(opts.limitS, m.limitS(opts.quick)), rows: [] };
    report.measurements[m.name] = entry;
    if (spentS > opts.budgetS) {
      Object.assign(entry, { status: 'skipped', reason: `budget of ${opts.budgetS} s spent (${spentS.toFixed(0)} s)` });
      continue;
    }
    console.error(`-- ${m.name} (limit ${entry.limitS} s)`);
    const controller = new AbortController();
    const t0 = performance.now();
    let running;
    try {
      // rows are pushed as they come, so a timeout keeps what was measured before it.
      running = m.run({ ...context, signal: controller.signal, rows: entry.rows, report });
      await withTimeout(running, entry.limitS * 1000, controller);
      entry.status = 'ok';
    } catch (error) {
      Object.assign(entry, { status: error.timedOut ? 'timeout' : 'error', error: String(error?.stack ?? error) });
      console.error(`   ${entry.status}: ${error.message}`);
      // The aborted call settles and its quantizer frees its device before anything else runs (leaving
      // with GPU work in flight can crash Dawn on exit).
      await settled(running, SETTLE_MS);
    }
    entry.seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
    writeReport(opts.out, report);
  }
  const failed = Object.entries(report.measurements).filter(([, e]) => e.status !== 'ok' && e.status !== 'skipped');
  report.finished = new Date().toISOString();
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  // run.sh exits with this code even if Dawn crashes on the way out.
  report.exitCode = failed.length ? 1 : 0;
  writeReport(opts.out, report);
  console.log(markdownReport(report));
  // Dawn can keep the event loop alive: leave explicitly.
  process.exit(report.exitCode);
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  process.exit(2);
});
