/**
 * The CPU backend's worker threads run only from the built package (dist/, where the worker script
 * lives), so these tests import dist/: any thread count gives the same result, a run yields to the event
 * loop so that an outside abort lands mid-run, workers left to the library boot only for images whose
 * colours warrant them, and warm-started flat images keep their palette order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCoffee } from './helpers/images.js';

type Library = typeof import('../src/index.js');
let lib: Library;

beforeAll(async () => {
  const url = new URL('../dist/index.node.js', import.meta.url);
  if (!existsSync(url)) throw new Error('dist/ is missing: npm test builds it first (npm run build)');
  lib = (await import(/* @vite-ignore */ url.href)) as Library;
});

/** Coffee with seeded noise: over 128 K distinct colours, enough for the histogram to be split over workers. */
function noisyCoffee(): ReturnType<typeof loadCoffee> {
  const image = loadCoffee();
  let state = 12345;
  for (let i = 0; i < image.data.length; i++) {
    if (i % 4 === 3) continue;
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    image.data[i] = Math.max(0, Math.min(255, image.data[i]! + ((state >>> 24) % 17) - 8));
  }
  return image;
}

describe('CPU worker threads', () => {
  it('give exactly the single-thread result, whatever the thread count', async () => {
    const image = noisyCoffee();
    const one = await lib.quantize(image, { k: 24, backend: 'cpu', threads: 1, seed: 4 });
    expect(one.threads).toBe(1);
    for (const threads of [2, 3]) {
      const many = await lib.quantize(image, { k: 24, backend: 'cpu', threads, seed: 4 });
      expect(many.threads).toBe(threads);
      expect(Array.from(many.centroids)).toEqual(Array.from(one.centroids));
      expect(Buffer.from(many.labels).equals(Buffer.from(one.labels))).toBe(true);
      expect(many.iterations).toBe(one.iterations);
      expect(many.inertia).toBe(one.inertia);
    }
  });

  it('yields to the event loop, so an abort from a timer lands mid-run', async () => {
    const image = noisyCoffee();
    for (const threads of [1, 2]) {
      const controller = new AbortController();
      let iterations = 0;
      const run = lib.quantize(image, {
        k: 64,
        backend: 'cpu',
        threads,
        tolerance: 0,
        maxIterations: 10_000,
        signal: controller.signal,
        onProgress: (e) => {
          iterations = e.iteration;
        },
      });
      const timer = setTimeout(() => controller.abort(), 50);
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      clearTimeout(timer);
      expect(iterations).toBeLessThan(10_000);
    }
  });
});

/**
 * Runs `body` in a fresh Node process that counts the worker threads started (node:worker_threads' Worker
 * wrapped before the library is imported); `lib` is the built library there. Resolves to what it prints.
 */
function inFreshProcess(body: string): Record<string, unknown> {
  const script = `
    import { createRequire, syncBuiltinESMExports } from 'node:module';
    const threads = createRequire(import.meta.url)('node:worker_threads');
    let started = 0;
    const Original = threads.Worker;
    threads.Worker = class extends Original { constructor(...args) { super(...args); started++; } };
    syncBuiltinESMExports();
    const lib = await import(${JSON.stringify(new URL('../dist/index.node.js', import.meta.url).href)});
    const workersStarted = () => started;
    ${body}`;
  // Written to a file and run as one, as an app runs (`node -e` has a test of its own).
  const dir = mkdtempSync(join(tmpdir(), 'kmq-threads-'));
  try {
    writeFileSync(join(dir, 'run.mjs'), script);
    const run = spawnSync(process.execPath, [join(dir, 'run.mjs')], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('workers left to the library', () => {
  it('boot none for a large image with few colours, as asked for with threads: 2; and boot on demand for over a million colours', () => {
    const out = inFreshProcess(`
      // 1.2 MP, 4,096 colours: pixels enough for workers, colours far too few.
      const w = 1200, h = 1000;
      const data = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) data.set([(i % w) & 0xf0, (i / w) & 0xf0, (i * 7) & 0xf0, 255], i * 4);
      const few = { data, width: w, height: h };
      const auto = await lib.quantize(few, { k: 8, backend: 'cpu' });
      const afterAuto = workersStarted();
      const asked = await lib.quantize(few, { k: 8, backend: 'cpu', threads: 2 });
      const afterAsked = workersStarted();
      // 1.1 MP, every pixel its own colour.
      const many = new Uint8Array(1100 * 1000 * 4);
      for (let i = 0; i < 1100 * 1000; i++) many.set([i & 255, (i >> 8) & 255, i >> 16, 255], i * 4);
      const distinct = await lib.quantize({ data: many, width: 1100, height: 1000 }, { k: 8, backend: 'cpu', maxIterations: 3 });
      console.log(JSON.stringify({ afterAuto, autoThreads: auto.threads, afterAsked, askedThreads: asked.threads, distinctThreads: distinct.threads }));`);
    expect(out.afterAuto).toBe(0);
    expect(out.autoThreads).toBe(1);
    // Asked for: they boot while the colours are counted (then the colours are too few to use them).
    expect(out.afterAsked).toBeGreaterThanOrEqual(2);
    expect(out.askedThreads).toBe(1);
    if (availableParallelism() > 1) expect(out.distinctThreads).toBeGreaterThan(1);
  });

  it('start from a script given to node -e with --input-type=module (Node refuses that flag in a worker)', () => {
    const script = `
      const lib = await import(${JSON.stringify(new URL('../dist/index.node.js', import.meta.url).href)});
      const many = new Uint8Array(1100 * 1000 * 4);
      for (let i = 0; i < 1100 * 1000; i++) many.set([i & 255, (i >> 8) & 255, i >> 16, 255], i * 4);
      const r = await lib.quantize({ data: many, width: 1100, height: 1000 }, { k: 8, backend: 'cpu', maxIterations: 3, threads: 2 });
      console.log(JSON.stringify({ threads: r.threads }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ threads: 2 });
  });
});

describe('the polish helper worker', () => {
  it('polishes the initial centroids beside the colour count, with exactly the single-thread result', async () => {
    const image = loadCoffee();
    const cases = [
      { k: 16, seed: 3 }, // four candidates
      { k: 64, seed: 5 }, // one
      { k: 20, seed: 3, warmStart: new Float64Array([10, 20, 30, 200, 180, 160, 90, 60, 40]) }, // a warm start with other k
    ];
    for (const options of cases) {
      const alone = await lib.quantize(image, { ...options, backend: 'cpu', threads: 1 });
      expect(alone.initInWorker).toBe(false);
      // The helper boots in the background on first use; until it answers, calls polish in this thread.
      let helped = await lib.quantize(image, { ...options, backend: 'cpu' });
      for (let i = 0; i < 50 && !helped.initInWorker; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        helped = await lib.quantize(image, { ...options, backend: 'cpu' });
      }
      expect(helped.initInWorker).toBe(true);
      expect(Array.from(helped.centroids)).toEqual(Array.from(alone.centroids));
      expect(Buffer.from(helped.labels).equals(Buffer.from(alone.labels))).toBe(true);
      expect(helped.iterations).toBe(alone.iterations);
    }
  });
});

describe('warm start on an image with few colours', () => {
  it('orders the exact palette like the warm centroids', async () => {
    const width = 30;
    const height = 10;
    const data = new Uint8Array(width * height * 4);
    const colours = [
      [200, 10, 10],
      [10, 200, 10],
      [10, 10, 200],
    ];
    for (let i = 0; i < width * height; i++) {
      const c = colours[Math.floor((i % width) / 10)]!;
      data.set([c[0]!, c[1]!, c[2]!, 255], i * 4);
    }
    const warm = [
      [12, 12, 190],
      [190, 20, 20],
      [20, 190, 20],
    ] as const;
    const r = await lib.quantize({ data, width, height }, { k: 3, backend: 'cpu', warmStart: warm });
    expect(r.exactPalette).toBe(true);
    expect(Array.from(r.palette)).toEqual([10, 10, 200, 200, 10, 10, 10, 200, 10]);
    expect(r.labels[0]).toBe(1);
    expect(r.labels[25]).toBe(0);
  });
});
