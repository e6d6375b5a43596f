/**
 * The demo page (demo/, `npm run demo`) in real headless Chromium: built with Vite into demo/dist/, served
 * from 127.0.0.1, opened, and every panel checked for real content (WebGPU through SwiftShader where there
 * is no GPU; a fake camera for the webcam panel). Screenshots go to test/artifacts/demo-*.png.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, chromiumInstalled, REQUIRE_GPU, ROOT, serveRoot } from './browser/harness.js';

const DIST = join(ROOT, 'demo/dist');
const ARTIFACTS = join(ROOT, 'test/artifacts');

let browser: Browser | undefined;
let page: Page | undefined;
let server: Awaited<ReturnType<typeof serveRoot>> | undefined;
const errors: string[] = [];

beforeAll(async () => {
  if (!chromiumInstalled) {
    if (REQUIRE_GPU) throw new Error('Chromium is not installed, and KMQ_REQUIRE_GPU/CI demands the browser tests');
    return;
  }
  // NODE_ENV=production: under vitest it is "test", which would bundle Lit's development build.
  execSync('npx vite build --config demo/vite.config.ts --logLevel warn', { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  server = await serveRoot(DIST);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // A fake camera that needs no permission prompt, for the webcam panel.
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    protocolTimeout: 300_000,
  });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setViewport({ width: 1360, height: 1000 });
  await page.goto(`${server.url}/index.html`, { waitUntil: 'load' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function p(): Page {
  return page!;
}

/** Waits for `selector` to match (a panel's state attribute, say), failing after `timeout` ms. */
async function waitFor(selector: string, timeout = 90_000): Promise<void> {
  await p().waitForSelector(selector, { timeout });
}

async function screenshot(name: string, selector?: string): Promise<void> {
  const path = join(ARTIFACTS, `demo-${name}.png`) as `${string}.png`;
  if (!selector) {
    await p().screenshot({ path, fullPage: true });
    return;
  }
  const handle = await p().$(selector);
  await handle?.screenshot({ path });
}

/** What the dithering panel shows of each variant (figures from its data attributes, the canvas read back). */
async function variants(): Promise<Array<Record<string, string> & { width: number; height: number; colours: number; caption: string }>> {
  return p().evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#panel-dither [data-role="variant"]')].map((figure) => {
      const canvas = figure.querySelector('canvas')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return { ...figure.dataset, width: canvas.width, height: canvas.height, colours: colours.size, caption: figure.querySelector('figcaption')!.textContent! } as never;
    }),
  );
}

const VARIANTS = ['srgb/none', 'srgb/ordered', 'srgb/diffusion', 'oklab/none', 'oklab/ordered', 'oklab/diffusion'];

describe('demo page', () => {
  it('opens with the shipped photo quantized by the element', async ({ skip }) => {
    if (!page) skip();
    await waitFor('#panel-element[data-completes]', 60_000);
    const out = await p().evaluate(() => {
      const el = document.querySelector('kmeans-quantizer')!;
      const canvas = el.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part~="canvas"]')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      let opaque = 0;
      for (let i = 0; i < data.length; i += 4) {
        colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        if (data[i + 3] === 255) opaque++;
      }
      return {
        k: el.result?.k,
        size: [canvas.width, canvas.height],
        colours: colours.size,
        opaque,
        image: document.body.dataset.image,
        current: document.querySelector('[data-role="current-image"]')!.textContent,
        swatches: el.shadowRoot!.querySelectorAll('[part~="swatch"]').length,
      };
    });
    expect(out.image).toBe('coffee.png');
    expect(out.current).toContain('600 × 400');
    expect(out.k).toBe(16);
    expect(out.size).toEqual([600, 400]);
    expect(out.opaque).toBe(600 * 400);
    expect(out.colours).toBeGreaterThan(1);
    expect(out.colours).toBeLessThanOrEqual(16);
    expect(out.swatches).toBe(16);
  });

  it('draws the panels that follow the element: histogram, sizes, 3-D scatter', async ({ skip }) => {
    if (!page) skip();
    await waitFor('#panel-histogram[data-k="16"] [data-chart="histogram"] canvas');
    await waitFor('#panel-sizes[data-k="16"] [data-role="sizes-table"] tbody');
    await waitFor('#panel-scatter[data-centroids="16"]');
    const out = await p().evaluate(() => {
      const cells = [...document.querySelectorAll('#panel-sizes tbody td.num')].map((td) => td.textContent!.trim());
      const rows = [...document.querySelectorAll('#panel-sizes tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
      const gl = document.querySelector<HTMLCanvasElement>('#panel-scatter canvas[data-role="scatter-canvas"]')!;
      const copy = document.createElement('canvas');
      copy.width = gl.width;
      copy.height = gl.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(gl, 0, 0);
      const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return {
        cells,
        rows,
        summary: document.querySelector('[data-role="sizes-summary"]')!.textContent,
        download: document.querySelector<HTMLAnchorElement>('[data-role="png-download"]')?.href ?? '',
        histogramCanvases: document.querySelectorAll('#panel-histogram .uplot canvas').length,
        scatterSize: [gl.width, gl.height],
        scatterColours: colours.size,
      };
    });
    expect(out.histogramCanvases).toBeGreaterThan(0);
    // Every cell of the sizes table holds a number (or a dash where a measure does not apply).
    expect(out.cells.length).toBeGreaterThanOrEqual(10);
    for (const cell of out.cells) expect(cell).toMatch(/^(—|[\d,.]+( (B|KiB|MiB))?)$/);
    const distinct = out.rows.find((r) => r[0] === 'Distinct colours')!;
    expect(Number(distinct[1]!.replace(/,/g, ''))).toBeGreaterThan(1000);
    expect(distinct[2]).toBe('16');
    expect(out.rows.find((r) => r[0]!.startsWith('Bits per pixel'))!.slice(1)).toEqual(['24', '4']);
    expect(out.summary).toMatch(/PNG-8 is [\d.]+ % of the original/);
    expect(out.download).toMatch(/^blob:/);
    expect(out.scatterSize[0]).toBeGreaterThan(200);
    expect(out.scatterColours).toBeGreaterThan(100);
  });

  it('runs the background panels after the first paint: sweep gallery, GIF, random codebook', async ({ skip }) => {
    if (!page) skip();
    await waitFor('#panel-sweep[data-state="done"]', 120_000);
    await waitFor('#panel-codebook[data-state="done"]', 120_000);
    const out = await p().evaluate(async () => {
      const gif = document.querySelector<HTMLImageElement>('[data-role="sweep-gif"]')!;
      await gif.decode();
      const figures = [...document.querySelectorAll<HTMLElement>('#panel-sweep [data-role="gallery"] figure')];
      const cost = (role: string) => Number(document.querySelector<HTMLElement>(`#panel-codebook [data-role="${role}"]`)!.dataset.cost);
      return {
        ks: figures.map((f) => Number(f.dataset.k)),
        canvases: figures.map((f) => (f.querySelector('canvas')?.width ?? 0) > 0),
        gifWidth: gif.naturalWidth,
        gifDownload: document.querySelector<HTMLAnchorElement>('[data-role="gif-download"]')!.download,
        kmeansCost: cost('kmeans'),
        randomCost: cost('random'),
        verdict: document.querySelector('[data-role="codebook-verdict"]')!.textContent,
        codebookCanvases: document.querySelectorAll('#panel-codebook figure canvas').length,
      };
    });
    expect(out.ks).toEqual([1, 2, 4, 8, 16, 32]);
    expect(out.canvases).toEqual([true, true, true, true, true, true]);
    expect(out.gifWidth).toBeGreaterThan(0);
    expect(out.gifDownload).toMatch(/\.gif$/);
    expect(out.codebookCanvases).toBe(2);
    expect(out.kmeansCost).toBeGreaterThan(0);
    expect(out.randomCost).toBeGreaterThanOrEqual(out.kmeansCost);
    expect(out.verdict).toMatch(/costs [\d.]+× as much/);
  });

  it('compares dithering and colour space on the image: six variants, each with MSE, CIEDE2000, SSIM and PNG-8 size', async ({ skip }) => {
    if (!page) skip();
    await waitFor('#panel-dither[data-state="done"][data-k="16"]', 180_000);
    const shown = await variants();
    const extra = await p().evaluate(() => ({
      note: document.querySelector('#panel-dither [data-role="variants-note"]')!.textContent,
      rows: [...document.querySelectorAll('#panel-dither [data-role="variants-table"] tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent!.trim())),
    }));
    expect(shown.map((v) => `${v.colorSpace}/${v.dither}`)).toEqual(VARIANTS);
    for (const v of shown) {
      const name = `${v.colorSpace}/${v.dither}`;
      // The options reached the results (what each engine does with them is tested where it is built).
      expect([v.resultColorSpace, v.resultDither], name).toEqual([v.colorSpace, v.dither]);
      expect(v.k, name).toBe('16');
      // coffee.png is 600 x 400: the comparison runs on a copy at most 512 px a side.
      expect([v.width, v.height], name).toEqual([512, 341]);
      expect(v.colours, name).toBeGreaterThan(1);
      expect(v.colours, name).toBeLessThanOrEqual(16);
      const [mse, deltaE, ssim, png] = [Number(v.mse), Number(v.deltaE), Number(v.ssim), Number(v.pngBytes)];
      expect(mse, name).toBeGreaterThan(0);
      expect(Number.isFinite(mse), name).toBe(true);
      expect(deltaE, name).toBeGreaterThan(0);
      expect(Number.isFinite(deltaE), name).toBe(true);
      expect(ssim, name).toBeGreaterThan(0);
      expect(ssim, name).toBeLessThan(1);
      expect(Number.isInteger(png), name).toBe(true);
      // Above the PNG signature and chunks of an empty file, below 4 bits a pixel uncompressed.
      expect(png, name).toBeGreaterThan(100);
      expect(png, name).toBeLessThan((512 * 341) / 2);
      expect(v.caption, name).toMatch(/MSE [\d.,]+ · ΔE00 [\d.]+ · SSIM [\d.]+ · PNG-8 [\d.,]+ (B|KiB)/);
    }
    expect(extra.note).toContain('512 × 341');
    expect(extra.rows).toHaveLength(6);
    for (const row of extra.rows) for (const cell of row.slice(1)) expect(cell).toMatch(/^[\d.,]+( (B|KiB|MiB|ms))?$/);
  });

  it('opens a dropped image', async ({ skip }) => {
    if (!page) skip();
    await p().evaluate(async () => {
      const blob = await (await fetch('images/chelsea.png')).blob();
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'dropped-chelsea.png', { type: 'image/png' }));
      document.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await p().waitForFunction(() => document.querySelector('kmeans-quantizer')!.result?.width === 451, { timeout: 60_000 });
    const out = await p().evaluate(() => ({
      image: document.body.dataset.image,
      current: document.querySelector('[data-role="current-image"]')!.textContent,
      dragging: document.body.classList.contains('dragging'),
    }));
    expect(out.image).toBe('dropped-chelsea.png');
    expect(out.current).toContain('451 × 300');
    expect(out.dragging).toBe(false);
  });

  it('opens a picked file, and the CPU path starts its init helper worker from the demo bundle', async ({ skip }) => {
    if (!page) skip();
    // 400 x 400 pixels of noise (~160,000 distinct colours).
    const png = new PNG({ width: 400, height: 400 });
    let state = 12345;
    for (let i = 0; i < png.data.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      png.data[i] = (i & 3) === 3 ? 255 : state >>> 24;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'kmq-demo-')), 'noise.png');
    writeFileSync(file, PNG.sync.write(png));
    const input = (await p().$('input#file')) as ElementHandle<HTMLInputElement> | null;
    await input!.uploadFile(file);
    await p().waitForFunction(() => document.querySelector('kmeans-quantizer')!.result?.width === 400, { timeout: 60_000 });
    expect(await p().evaluate(() => document.body.dataset.image)).toBe('noise.png');
    // Once the background panels are idle, a new k (a warm start from the 16 colours) is initialised by the
    // helper worker, started from dist/partition-worker.js next to the bundle by the earlier runs.
    await waitFor('body[data-image="noise.png"][data-idle="done"]', 120_000);
    await p().evaluate(() => {
      document.querySelector('kmeans-quantizer')!.k = 12;
    });
    await p().waitForFunction(() => document.querySelector('kmeans-quantizer')!.result?.k === 12, { timeout: 60_000 });
    const out = await p().evaluate(() => ({
      image: document.body.dataset.image,
      backend: document.querySelector('kmeans-quantizer')!.result!.backend,
      initInWorker: document.querySelector('kmeans-quantizer')!.result!.initInWorker,
    }));
    expect(out.image).toBe('noise.png');
    if (out.backend === 'cpu') expect(out.initInWorker).toBe(true);
    await p().evaluate(() => {
      document.querySelector('kmeans-quantizer')!.k = 16;
    });
    await p().waitForFunction(() => document.querySelector('kmeans-quantizer')!.result?.k === 16, { timeout: 60_000 });
    // Back to the shipped photo for the screenshots.
    await p().click('button[data-sample="coffee.png"]');
    await p().waitForFunction(() => document.querySelector('kmeans-quantizer')!.result?.width === 600, { timeout: 60_000 });
    await waitFor('body[data-image="coffee.png"][data-idle="done"]', 120_000);
  });

  it('runs the elbow on demand: 32 points and a suggested k', async ({ skip }) => {
    if (!page) skip();
    await p().select('#panel-elbow select[name="elbow-size"]', '160');
    await p().click('#panel-elbow button.run');
    await waitFor('#panel-elbow[data-state="done"]', 120_000);
    const out = await p().evaluate(() => ({
      ks: [...document.querySelectorAll('#panel-elbow [data-role="elbow-table"] tbody tr')].map((tr) => Number(tr.children[0]!.textContent)),
      suggested: Number(document.querySelector<HTMLElement>('#panel-elbow')!.dataset.suggested),
      chart: document.querySelectorAll('#panel-elbow .uplot canvas').length,
      note: document.querySelector('#panel-elbow .note')!.textContent,
    }));
    expect(out.ks).toEqual(Array.from({ length: 32 }, (_, i) => 2 + 2 * i));
    expect(out.ks).toContain(out.suggested);
    expect(out.chart).toBeGreaterThan(0);
    expect(out.note).toMatch(/downscaled to \d+ × \d+/);
  });

  it('runs the benchmark on demand: both backends, or the CPU with a note', async ({ skip }) => {
    if (!page) skip();
    // Small work for SwiftShader: the 25 % and 50 % sizes, k = 16 and 64, one run each.
    await p().evaluate(() => {
      for (const box of document.querySelectorAll<HTMLInputElement>('#panel-benchmark input[name="size"]')) box.checked = box.value !== '1';
    });
    await p().select('#panel-benchmark select[name="repeats"]', '1');
    await waitFor('#panel-benchmark[data-adapter]', 30_000);
    await p().click('#panel-benchmark button.run');
    await waitFor('#panel-benchmark[data-state="done"]', 150_000);
    const out = await p().evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('#panel-benchmark [data-role="benchmark-table"] tbody tr')];
      return {
        adapter: document.querySelector<HTMLElement>('#panel-benchmark')!.dataset.adapter,
        adapterText: document.querySelector('#panel-benchmark [data-role="adapter"]')!.textContent,
        rows: rows.map((r) => ({
          backend: r.dataset.backend,
          values: [...r.querySelectorAll<HTMLElement>('td[data-value]')].map((td) => Number(td.dataset.value)),
          cells: [...r.children].map((c) => c.textContent!.trim()),
        })),
        charts: document.querySelectorAll('#panel-benchmark .uplot').length,
      };
    });
    expect(out.charts).toBe(2);
    const cpu = out.rows.filter((r) => r.backend === 'cpu');
    expect(cpu).toHaveLength(4);
    expect(cpu.map((r) => r.cells.slice(0, 2).join(' '))).toEqual(['150 × 100 (25%) 16', '150 × 100 (25%) 64', '300 × 200 (50%) 16', '300 × 200 (50%) 64']);
    for (const row of out.rows) for (const v of row.values) expect(v).toBeGreaterThan(0);
    if (out.adapter === 'none') {
      if (REQUIRE_GPU) throw new Error('no WebGPU adapter in Chromium, and KMQ_REQUIRE_GPU/CI demands one');
      expect(out.adapterText).toMatch(/CPU backend only/);
      expect(out.rows).toHaveLength(4);
    } else {
      const gpu = out.rows.filter((r) => r.backend === 'webgpu');
      expect(gpu).toHaveLength(4);
      // Ratio, label agreement and inertia difference are filled on the WebGPU rows.
      for (const row of gpu) {
        const [ratio, agreement, inertia] = row.cells.slice(6);
        expect(ratio).toMatch(/^[\d.]+×$/);
        expect(Number(agreement!.replace(' %', ''))).toBeGreaterThan(90);
        expect(Math.abs(Number(inertia!.replace(/[ %+]/g, '')))).toBeLessThan(5);
      }
      if (out.adapter === 'fallback') expect(out.adapterText).toMatch(/software fallback/);
    }
  });

  it('re-quantizes when the k slider moves, and the following panels follow', async ({ skip }) => {
    if (!page) skip();
    await p().evaluate(() => {
      const slider = document.querySelector<HTMLInputElement>('#k-slider')!;
      slider.value = '4';
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitFor('#panel-histogram[data-k="4"]');
    await waitFor('#panel-sizes[data-k="4"]');
    await waitFor('#panel-scatter[data-centroids="4"]');
    const out = await p().evaluate(() => ({
      k: document.querySelector('kmeans-quantizer')!.result?.k,
      distinct: [...document.querySelectorAll('#panel-sizes tbody tr')].find((tr) => tr.children[0]!.textContent === 'Distinct colours')!.children[2]!.textContent,
    }));
    expect(out.k).toBe(4);
    expect(out.distinct).toBe('4');
  });

  it('compares again at the new k, cancelling the comparison in flight', async ({ skip }) => {
    if (!page) skip();
    // The k = 4 comparison is running or about to (after the element's k = 4 result), or already done.
    await p().waitForFunction(() => {
      const panel = document.querySelector<HTMLElement>('#panel-dither')!;
      return panel.dataset.state === 'running' || panel.dataset.k === '4';
    }, { timeout: 90_000 });
    await p().evaluate(() => {
      const slider = document.querySelector<HTMLInputElement>('#k-slider')!;
      slider.value = '6';
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitFor('#panel-dither[data-state="done"][data-k="6"]', 120_000);
    const shown = await variants();
    // Nothing of the cancelled k = 4 run is left: six figures, all at k = 6.
    expect(shown.map((v) => `${v.colorSpace}/${v.dither}`)).toEqual(VARIANTS);
    expect(shown.map((v) => v.k)).toEqual(Array(6).fill('6'));
    for (const v of shown) expect(v.colours).toBeLessThanOrEqual(6);
  });

  it("sets the element's color-space and dither attributes from the element card", async ({ skip }) => {
    if (!page) skip();
    const choose = async (name: string, value: string) => {
      await p().select(`#panel-element select[name="${name}"]`, value);
      await p().waitForFunction((n: string, v: string) => {
        const el = document.querySelector('kmeans-quantizer')!;
        return el.getAttribute(n) === v && !el.busy && (n === 'dither' ? el.result?.dither : el.result?.colorSpace) === v;
      }, { timeout: 60_000 }, name, value);
    };
    await choose('dither', 'ordered');
    await choose('color-space', 'oklab');
    const out = await p().evaluate(() => {
      const el = document.querySelector('kmeans-quantizer')!;
      return { dither: el.result!.dither, colorSpace: el.result!.colorSpace, k: el.result!.k };
    });
    expect(out).toEqual({ dither: 'ordered', colorSpace: 'oklab', k: 6 });
    await choose('dither', 'none');
    await choose('color-space', 'srgb');
  });

  it('quantizes the (fake) webcam live through the element, and stops', async ({ skip }) => {
    if (!page) skip();
    await p().click('[data-role="webcam-start"]');
    await p().waitForFunction(() => Number(document.querySelector<HTMLElement>('#panel-webcam')!.dataset.frames ?? 0) >= 3, { timeout: 60_000 });
    const live = await p().evaluate(() => ({
      status: document.querySelector('[data-role="webcam-status"]')!.textContent,
      liveBadge: document.querySelector('#panel-element')!.classList.contains('live'),
    }));
    expect(live.status).toMatch(/Live: \d+ frames quantized/);
    expect(live.liveBadge).toBe(true);
    await screenshot('webcam-live', '#panel-webcam');
    await p().click('[data-role="webcam-stop"]');
    await p().waitForFunction(() => document.querySelector('kmeans-quantizer')!.result?.width === 600, { timeout: 60_000 });
    expect(await p().$eval('#panel-webcam', (e) => (e as HTMLElement).dataset.state)).toBe('stopped');
  });

  it('looks right: screenshots of the page and of every panel, with no console errors', async ({ skip }) => {
    if (!page) skip();
    await p().evaluate(() => {
      const slider = document.querySelector<HTMLInputElement>('#k-slider')!;
      slider.value = '16';
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitFor('#panel-histogram[data-k="16"]');
    await waitFor('#panel-sizes[data-k="16"]');
    await waitFor('#panel-scatter[data-centroids="16"]');
    await waitFor('body[data-idle="done"]', 120_000);
    await waitFor('#panel-dither[data-state="done"][data-k="16"]', 120_000);
    await screenshot('page');
    for (const id of ['element', 'benchmark', 'sweep', 'dither', 'elbow', 'histogram', 'scatter', 'codebook', 'sizes', 'webcam']) {
      await screenshot(id, `#panel-${id}`);
    }
    expect(errors).toEqual([]);
  });
});
