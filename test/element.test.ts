/**
 * <kmeans-quantizer> in real headless Chromium (WebGPU through SwiftShader where there is no GPU), loaded
 * from dist/element.js by test/browser/element.html with a single script import. GPU-only assertions skip
 * without an adapter unless KMQ_REQUIRE_GPU=1 (or CI) demands one.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_ATTRIBUTES, ENGINE_OPTIONS } from '../src/element/attributes.js';
import type { KmeansQuantizerElement } from '../src/element/index.js';
import { optionDefault } from '../src/options.js';
import { adapterInfo, chromiumInstalled, openBrowser, REQUIRE_GPU, ROOT, type BrowserSession } from './browser/harness.js';

/** Compile-time only (tsc checks it, nothing calls it): the element's events and tag are typed. */
function typedEvents(el: KmeansQuantizerElement): void {
  el.addEventListener('kmeans-complete', (e) => void (e.detail.paletteSize satisfies number));
  el.addEventListener('kmeans-progress', (e) => void ((e.detail.iteration + e.detail.inertia + e.detail.shift + e.detail.k) satisfies number));
  el.addEventListener('kmeans-error', (e) => void (e.detail.error satisfies unknown));
  void (document.createElement('kmeans-quantizer') satisfies KmeansQuantizerElement);
}
void typedEvents;

let session: BrowserSession | undefined;
let gpu = false;

const COFFEE = '/test/fixtures/coffee.png';

/** The table's default of every engine property (undefined written as null, as it comes back from the page). */
const TABLE_DEFAULTS = Object.fromEntries(ENGINE_OPTIONS.map((name) => [name, optionDefault(name) ?? null]));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds dist/ when dist/element.js is missing or older than the sources. */
function ensureBuild(): void {
  const bundle = join(ROOT, 'dist/element.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newest(join(ROOT, 'src'))) return;
  // The package's whole build (its script sets NODE_ENV=production: under vitest it is "test", which would
  // bundle Lit's development build): dist/element.js is made by a second Vite build from the first's output.
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
}

beforeAll(async () => {
  if (!chromiumInstalled) {
    if (REQUIRE_GPU) throw new Error('Chromium is not installed, and KMQ_REQUIRE_GPU/CI demands the browser tests');
    return;
  }
  ensureBuild();
  session = await openBrowser('/test/browser/element.html');
  await session.page.setViewport({ width: 1000, height: 1000 });
  await session.page.waitForFunction('window.ready === true');
  gpu = (await adapterInfo(session.page)).available;
  if (!gpu && REQUIRE_GPU) throw new Error('no WebGPU adapter in Chromium, and KMQ_REQUIRE_GPU/CI demands one');
});

afterAll(async () => {
  await session?.close();
});

afterEach(async () => {
  await session?.page.evaluate(() => document.getElementById('sandbox')!.replaceChildren());
});

function page() {
  return session!.page;
}

describe('<kmeans-quantizer> renders', () => {
  it('quantizes coffee.png: every canvas pixel is a palette colour, events fire', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 12, seed: 3 }, {}, false);
      let progress = 0;
      let progressOk = true;
      el.addEventListener('kmeans-progress', (e: CustomEvent) => {
        progress++;
        const d = e.detail;
        if (!(d.iteration >= 1 && d.inertia >= 0 && d.shift >= 0 && d.k === 12)) progressOk = false;
      });
      let bubbledToDocument = false;
      document.addEventListener('kmeans-complete', () => (bubbledToDocument = true), { once: true });
      const complete = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const event = await complete;
      const result = event.detail;
      const pixels = w.canvasPixels(el);
      const palette = new Set<number>();
      for (let i = 0; i < result.paletteSize; i++) {
        palette.add((result.palette[i * 3] << 16) | (result.palette[i * 3 + 1] << 8) | result.palette[i * 3 + 2]);
      }
      const seen: Set<number> = w.distinctColours(pixels.data);
      const stray = [...seen].filter((c) => !palette.has(c)).length;
      const root = el.shadowRoot as ShadowRoot;
      const hexes = [...root.querySelectorAll('[part~="swatch"]')].map((b) => (b as HTMLElement).dataset.hex);
      const expectedHexes = [...Array(result.paletteSize).keys()].map(
        (i) => '#' + [0, 1, 2].map((c) => result.palette[i * 3 + c].toString(16).padStart(2, '0')).join(''),
      );
      const stat = (name: string) => root.querySelector(`[data-stat="${name}"]`)?.textContent ?? null;
      return {
        composed: event.composed,
        bubbles: event.bubbles,
        bubbledToDocument,
        k: result.k,
        paletteSize: result.paletteSize,
        width: pixels.width,
        height: pixels.height,
        colours: seen.size,
        stray,
        progress,
        progressOk,
        hexes,
        expectedHexes,
        swatchTags: [...root.querySelectorAll('[part~="swatch"]')].map((b) => b.tagName),
        backendStat: stat('backend'),
        iterationsStat: stat('iterations'),
        psnrStat: stat('psnr'),
        msStat: stat('ms'),
        convergedStat: stat('converged'),
        inertiaStat: stat('inertia'),
        iterations: result.iterations,
        backend: result.backend,
        sliderType: (root.querySelector('[part~="compare-slider"]') as HTMLInputElement | null)?.type ?? null,
        compareCanvases: root.querySelectorAll('[part~="compare"] canvas').length,
        attributes: { k: el.getAttribute('k'), show: el.getAttribute('show') },
        busy: el.busy,
        resultProperty: el.result === result,
      };
    }, COFFEE);
    expect(out.bubbles).toBe(true);
    expect(out.composed).toBe(true);
    expect(out.bubbledToDocument).toBe(true);
    expect(out.k).toBe(12);
    expect(out.paletteSize).toBe(12);
    expect([out.width, out.height]).toEqual([600, 400]);
    expect(out.stray).toBe(0);
    expect(out.colours).toBeLessThanOrEqual(12);
    expect(out.colours).toBeGreaterThan(1);
    expect(out.progress).toBeGreaterThan(0);
    expect(out.progressOk).toBe(true);
    expect(out.hexes).toEqual(out.expectedHexes);
    expect(new Set(out.swatchTags)).toEqual(new Set(['BUTTON']));
    expect(out.backendStat).toBe(out.backend);
    expect(out.iterationsStat).toBe(String(out.iterations));
    expect(out.psnrStat).toMatch(/dB$/);
    expect(out.msStat).toMatch(/ms$/);
    expect(out.convergedStat).toMatch(/^(yes|no)$/);
    expect(out.inertiaStat).toBeTruthy();
    expect(out.sliderType).toBe('range');
    expect(out.compareCanvases).toBe(2);
    expect(out.attributes.k).toBe('12');
    expect(out.busy).toBe(false);
    expect(out.resultProperty).toBe(true);
    expect(session!.errors).toEqual([]);
  });

  it('accepts ImageData, Blob and <img> through the image property', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const blob = await (await fetch(src)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const imageData = ctx.getImageData(0, 0, 64, 48);
      const img = new Image();
      img.src = src;
      const sizes: string[] = [];
      for (const image of [imageData, blob, img, bitmap]) {
        const el = w.makeElement({ k: 5, backend: 'cpu' }, { image }, false);
        const done = w.nextEvent(el, 'kmeans-complete');
        document.getElementById('sandbox')!.append(el);
        const r = (await done).detail;
        sizes.push(`${r.width}x${r.height}:${r.paletteSize}`);
        el.remove();
      }
      return sizes;
    }, COFFEE);
    expect(out).toEqual(['64x48:5', '600x400:5', '600x400:5', '600x400:5']);
  });

  it("shows each palette entry's alpha where the result has an RGBA palette (#rrggbbaa over a checkerboard)", async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async () => {
      const w = window as any;
      // 64 x 32: a colour ramp, its right half fading from opaque to transparent, one column fully transparent.
      const data = new Uint8ClampedArray(64 * 32 * 4);
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 64; x++) {
          const i = (y * 64 + x) * 4;
          data.set([x * 4, y * 8, 255 - x * 4, x < 32 ? 255 : x === 63 ? 0 : 255 - (x - 32) * 8], i);
        }
      }
      const el = w.makeElement({ k: 6, backend: 'cpu' }, { image: new ImageData(data, 64, 32) }, false);
      const done = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const r = (await done).detail;
      await el.updateComplete;
      const alpha: Uint8Array | undefined = r.paletteAlpha;
      const expected = [...Array(r.paletteSize).keys()].map((i) => {
        const a = alpha?.[i] ?? 255;
        const rgb = '#' + [0, 1, 2].map((c) => r.palette[i * 3 + c].toString(16).padStart(2, '0')).join('');
        return a === 255 ? rgb : rgb + a.toString(16).padStart(2, '0');
      });
      const swatches = [...el.shadowRoot.querySelectorAll('[part~="swatch"]')] as HTMLElement[];
      return {
        hexes: swatches.map((b) => b.dataset.hex),
        expected,
        translucent: swatches.filter((b) => b.querySelector('[part~="swatch-color"]')!.classList.contains('translucent')).length,
        expectedTranslucent: expected.filter((value) => value.length === 9).length,
      };
    });
    expect(out.hexes).toEqual(out.expected);
    expect(out.translucent).toBe(out.expectedTranslucent);
  });

  it('shows only the views listed in show', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 4, backend: 'cpu', show: 'original palette' }, {}, false);
      const done = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      await done;
      const parts = () => ['original', 'quantized', 'compare', 'palette', 'stats'].filter((p) => el.shadowRoot.querySelector(`[part~="${p}"]`));
      const before = parts();
      el.show = 'quantized stats';
      await el.updateComplete;
      return { before, after: parts(), pixels: w.canvasPixels(el)?.width ?? null };
    }, COFFEE);
    expect(out.before).toEqual(['original', 'palette']);
    expect(out.after).toEqual(['quantized', 'stats']);
    expect(out.pixels).toBe(600);
  });
});

describe('<kmeans-quantizer> options', () => {
  it("starts at the table's defaults, and a removed attribute goes back to its default", async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (names: string[], attributes: Record<string, string>) => {
      const w = window as any;
      const el = w.makeElement({}, {}, false);
      const read = () => Object.fromEntries(names.map((name) => [name, el[name] ?? null]));
      const initial = read();
      const given = {
        k: '5', backend: 'cpu', seed: '7', maxIterations: '9', tolerance: '1.5', sampleSize: '100',
        colorSpace: 'oklab', dither: 'ordered', ditherLevel: '0.5', fixedColors: '#ffffff, #000',
      } as Record<string, string>;
      for (const name of names) el.setAttribute(attributes[name]!, given[name]!);
      const set = read();
      for (const name of names) el.removeAttribute(attributes[name]!);
      const removed = read();
      // Connected and rendered: the defaults are not written out as attributes (Lit's useDefault).
      document.getElementById('sandbox')!.append(el);
      await el.updateComplete;
      const reflected = names.filter((name) => el.hasAttribute(attributes[name]!));
      return { initial, set, removed, reflected };
    }, [...ENGINE_OPTIONS], ENGINE_ATTRIBUTES);
    expect(out.initial).toEqual(TABLE_DEFAULTS);
    expect(TABLE_DEFAULTS.tolerance).toBe(0.25);
    expect(out.set).toEqual({
      k: 5, backend: 'cpu', seed: 7, maxIterations: 9, tolerance: 1.5, sampleSize: 100,
      colorSpace: 'oklab', dither: 'ordered', ditherLevel: 0.5, fixedColors: [[255, 255, 255], [0, 0, 0]],
    });
    expect(out.removed).toEqual(TABLE_DEFAULTS);
    expect(out.reflected).toEqual([]);
  });

  it('runs with the same defaults as quantize(): same iterations, same palette', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      // Through Function: vitest would rewrite a plain import() of the page's own module.
      const { quantize } = await new Function('url', 'return import(url)')('/dist/index.js');
      const el = w.makeElement({ src, backend: 'cpu' }, {}, false);
      const done = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const shown = (await done).detail;
      const bitmap = await createImageBitmap(await (await fetch(src)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const library = await quantize(ctx.getImageData(0, 0, bitmap.width, bitmap.height), { backend: 'cpu' });
      return {
        element: { iterations: shown.iterations, palette: Array.from(shown.palette as Uint8Array).join(',') },
        library: { iterations: library.iterations, palette: Array.from(library.palette as Uint8Array).join(',') },
      };
    }, COFFEE);
    expect(out.element).toEqual(out.library);
  });

  it('writes the fixedColors property to its attribute as #rrggbb text', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async () => {
      const el = (window as any).makeElement({}, {}, false);
      el.fixedColors = [[255, 255, 255], [0, 128, 10]];
      document.getElementById('sandbox')!.append(el);
      await el.updateComplete;
      const written = el.getAttribute('fixed-colors');
      el.fixedColors = undefined;
      await el.updateComplete;
      return { written, attributeLeft: el.hasAttribute('fixed-colors') };
    });
    expect(out).toEqual({ written: '#ffffff,#00800a', attributeLeft: false });
  });

  // Each case: attributes set on a connected element (a change starts a new run) and the option quantize() takes.
  const NEW_OPTIONS: ReadonlyArray<readonly [string, Record<string, string>, Record<string, unknown>]> = [
    ['color-space="oklab"', { 'color-space': 'oklab' }, { colorSpace: 'oklab' }],
    ['dither="ordered"', { dither: 'ordered' }, { dither: 'ordered' }],
    ['dither="diffusion" dither-level="0.5"', { dither: 'diffusion', 'dither-level': '0.5' }, { dither: 'diffusion', ditherLevel: 0.5 }],
    ['fixed-colors="#ffffff,#000000"', { 'fixed-colors': '#ffffff,#000000' }, { fixedColors: [[255, 255, 255], [0, 0, 0]] }],
  ];

  it('passes color-space, dither, dither-level and fixed-colors to the quantizer: the result of quantize() with those options', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string, cases: typeof NEW_OPTIONS) => {
      const w = window as any;
      const { quantize } = await new Function('url', 'return import(url)')('/dist/index.js');
      const bitmap = await createImageBitmap(await (await fetch(src)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const base = { k: 8, seed: 2, backend: 'cpu' };
      const el = w.makeElement({ src, ...base }, {}, false);
      const first = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      await first;
      const summary = (r: any) => ({
        palette: Array.from(r.palette as Uint8Array).join(','),
        labels: Array.from(r.labels as Uint8Array).join(''),
        colorSpace: r.colorSpace,
        dither: r.dither,
        ditherLevel: r.ditherLevel,
      });
      const rows = [];
      let previous: string[] = [];
      for (const [, attributes, options] of cases) {
        const next = w.nextEvent(el, 'kmeans-complete');
        for (const name of previous) el.removeAttribute(name);
        for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
        previous = Object.keys(attributes);
        const shown = (await next).detail;
        await el.updateComplete;
        const stat = (name: string) => el.shadowRoot.querySelector(`[data-stat="${name}"]`)?.textContent ?? null;
        const library = await quantize(pixels, { ...base, ...options });
        rows.push({ element: summary(shown), library: summary(library), stats: [stat('color-space'), stat('dither')] });
      }
      return rows;
    }, COFFEE, NEW_OPTIONS);
    out.forEach((row, i) => {
      const [label, , options] = NEW_OPTIONS[i]!;
      expect(row.element, label).toEqual(row.library);
      // The options reach the result's fields (the engines act on them where they are built).
      expect(row.element.colorSpace, label).toBe(options.colorSpace ?? 'srgb');
      expect(row.element.dither, label).toBe(options.dither ?? 'none');
      expect(row.element.ditherLevel, label).toBe(options.ditherLevel ?? 1);
      expect(row.stats, label).toEqual([
        options.colorSpace === 'oklab' ? 'OKLab' : 'sRGB',
        options.dither === undefined ? 'none' : options.ditherLevel === undefined ? options.dither : `${options.dither} at 0.50`,
      ]);
    });
  });

  // [attribute, text, other attributes, error class, code, message]
  const BAD_ATTRIBUTES: ReadonlyArray<readonly [string, string, Record<string, string>, string, string, string]> = [
    ['tolerance', 'abc', {}, 'TypeError', 'INVALID_TYPE', 'attribute "tolerance" must be a number, got "abc"'],
    ['k', '', {}, 'TypeError', 'INVALID_TYPE', 'attribute "k" must be a number, got ""'],
    ['max-iterations', '10x', {}, 'TypeError', 'INVALID_TYPE', 'attribute "max-iterations" must be a number, got "10x"'],
    ['dither', 'fs2', {}, 'TypeError', 'INVALID_TYPE', 'attribute "dither" must be "none", "diffusion" or "ordered", got "fs2"'],
    ['color-space', 'lab', {}, 'TypeError', 'INVALID_TYPE', 'attribute "color-space" must be "srgb" or "oklab", got "lab"'],
    ['dither-level', 'half', {}, 'TypeError', 'INVALID_TYPE', 'attribute "dither-level" must be a number, got "half"'],
    ['dither-level', '2', {}, 'RangeError', 'OUT_OF_RANGE', 'attribute "dither-level" must be a number in 0..1, got 2'],
    ['fixed-colors', 'white', {}, 'TypeError', 'INVALID_TYPE', 'attribute "fixed-colors" must be comma-separated colours such as #ffffff,#000 (#rrggbb or #rgb), got "white"'],
    ['fixed-colors', '#fff,#ffffff', {}, 'RangeError', 'OUT_OF_RANGE', 'attribute "fixed-colors[1]" must be a colour not given before, got "[255, 255, 255]"'],
    ['fixed-colors', '#fff,#000,#f00', { k: '2' }, 'RangeError', 'OUT_OF_RANGE', 'attribute "fixed-colors" must be at most k = 2 colours, got "3 colours"'],
  ];

  it.for(BAD_ATTRIBUTES)('reports bad attribute text %s="%s" as a typed error naming the attribute', async ([attribute, text, others, name, code, message], { skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string, attribute: string, text: string, others: Record<string, string>) => {
      const w = window as any;
      const el = w.makeElement({ src, backend: 'cpu', ...others, [attribute]: text }, {}, false);
      const failed = w.nextEvent(el, 'kmeans-error');
      document.getElementById('sandbox')!.append(el);
      const error = (await failed).detail.error;
      await el.updateComplete;
      const shown = el.shadowRoot.querySelector('[part~="error"]')?.textContent ?? '';
      const kept = el.getAttribute(attribute);
      // A good value recovers.
      const done = w.nextEvent(el, 'kmeans-complete');
      el.removeAttribute(attribute);
      const r = (await done).detail;
      return { name: error.name, code: error.code, option: error.option, message: error.message, shown, kept, recovered: r.paletteSize > 0, elementError: el.error ?? null };
    }, COFFEE, attribute, text, others);
    expect(out.name).toBe(name);
    expect(out.code).toBe(code);
    expect(out.option).toMatch(new RegExp(`^attribute "${attribute}(\\[\\d+\\])?"$`));
    expect(out.message).toBe(message);
    expect(out.shown).toContain(out.message);
    expect(out.kept).toBe(text); // the attribute keeps what was written
    expect(out.recovered).toBe(true);
    expect(out.elementError).toBeNull();
  });
});

describe('<kmeans-quantizer> runs', () => {
  it('cancels the run in flight when k changes (from inside its first progress event)', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 64, seed: 2, 'max-iterations': 300, tolerance: 0 }, {}, false);
      const completes: number[] = [];
      const progressK: number[] = [];
      let switched = false;
      el.addEventListener('kmeans-complete', (e: CustomEvent) => completes.push(e.detail.k));
      el.addEventListener('kmeans-progress', (e: CustomEvent) => {
        progressK.push(e.detail.k);
        if (!switched && e.detail.k === 64) {
          switched = true;
          el.k = 4; // the k = 64 run is mid-flight here
        }
      });
      const done = w.nextEvent(el, 'kmeans-complete', (r: any) => r.k === 4);
      document.getElementById('sandbox')!.append(el);
      await done;
      await new Promise((r) => setTimeout(r, 1500)); // would the k = 64 run still land?
      const colours = w.distinctColours(w.canvasPixels(el).data).size;
      const firstFour = progressK.indexOf(4);
      return { completes, colours, k64After: progressK.slice(firstFour).filter((k) => k === 64).length, k64Before: firstFour, final: el.result.k };
    }, COFFEE);
    expect(out.completes).toEqual([4]);
    expect(out.final).toBe(4);
    expect(out.colours).toBeLessThanOrEqual(4);
    expect(out.k64Before).toBe(1); // exactly one k = 64 iteration ran before it was cancelled
    expect(out.k64After).toBe(0);
  });

  it('cancels the run in flight when k changes from a later task (k=64 then k=4)', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string, backend: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 8, seed: 2, backend }, {}, false);
      const first = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      await first;
      const completes: number[] = [];
      el.addEventListener('kmeans-complete', (e: CustomEvent) => completes.push(e.detail.k));
      el.setAttribute('k', '64');
      await el.updateComplete; // the k = 64 run has started
      await new Promise((r) => setTimeout(r, 0));
      el.setAttribute('k', '4');
      const done = w.nextEvent(el, 'kmeans-complete', (r: any) => r.k === 4);
      await done;
      await new Promise((r) => setTimeout(r, 1500));
      const colours = w.distinctColours(w.canvasPixels(el).data).size;
      return { completes, colours, backend: el.result.backend, swatches: el.shadowRoot.querySelectorAll('[part~="swatch"]').length };
    }, COFFEE, gpu ? 'webgpu' : 'cpu');
    // Only the k = 4 result may land last; a k = 64 result after it would be a stale run shown.
    expect(out.completes[out.completes.length - 1]).toBe(4);
    expect(out.completes.filter((k: number) => k === 4)).toHaveLength(1);
    if (out.backend === 'webgpu') expect(out.completes).toEqual([4]); // the GPU path yields: k = 64 never completes
    expect(out.colours).toBeLessThanOrEqual(4);
    expect(out.swatches).toBe(4);
  });

  it('warm-starts a k change from the previous centroids', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 8, seed: 5, backend: 'cpu' }, {}, false);
      const first = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const a = (await first).detail;
      const next = w.nextEvent(el, 'kmeans-complete');
      el.k = 9;
      const b = (await next).detail;
      // The old palette, matched to its nearest new colours.
      let worst = 0;
      for (let i = 0; i < 8; i++) {
        let best = Infinity;
        for (let j = 0; j < 9; j++) {
          let d = 0;
          for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a.centroids[i * 3 + c] - b.centroids[j * 3 + c]));
          best = Math.min(best, d);
        }
        worst = Math.max(worst, best);
      }
      return { worst, k: b.k, paletteSize: b.paletteSize };
    }, COFFEE);
    expect(out.k).toBe(9);
    expect(out.paletteSize).toBe(9);
    expect(out.worst).toBeLessThan(40);
  });

  it('refresh() quantizes the source again from scratch (no warm start)', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 6, seed: 4, backend: 'cpu' }, {}, false);
      const first = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const a = (await first).detail;
      const warm = w.nextEvent(el, 'kmeans-complete');
      el.k = 7;
      await warm;
      const back = w.nextEvent(el, 'kmeans-complete');
      el.k = 6;
      const b = (await back).detail; // warm-started from the k = 7 centroids
      const again = w.nextEvent(el, 'kmeans-complete');
      el.refresh();
      const c = (await again).detail;
      const palette = (r: any) => Array.from(r.palette as Uint8Array).join(',');
      return { fresh: palette(a), warm: palette(b), refreshed: palette(c), same: c === el.result };
    }, COFFEE);
    expect(out.refreshed).toBe(out.fresh);
    expect(out.same).toBe(true);
    expect(out.warm).not.toBe(out.fresh);
  });

  it.for(['webgpu', 'cpu'] as const)('runs on backend="%s" for real', async (backend, { skip }) => {
    if (!session || (backend === 'webgpu' && !gpu)) skip();
    const out = await page().evaluate(async (src: string, backend: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 16, seed: 1, backend }, {}, false);
      const done = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const r = (await done).detail;
      const stat = (name: string) => el.shadowRoot.querySelector(`[data-stat="${name}"]`)?.textContent ?? null;
      return {
        backend: r.backend,
        fallbackReason: r.fallbackReason ?? null,
        adapter: r.adapter ?? null,
        paletteSize: r.paletteSize,
        backendStat: stat('backend'),
        adapterStat: stat('adapter'),
      };
    }, COFFEE, backend);
    expect(out.backend).toBe(backend);
    expect(out.fallbackReason).toBeNull();
    expect(out.paletteSize).toBe(16);
    expect(out.backendStat).toBe(backend);
    if (backend === 'webgpu') {
      expect(out.adapter).not.toBeNull();
      expect(out.adapterStat).toBeTruthy();
    }
  });

  it('shows the fallback reason under backend="auto" when it falls back', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 6 }, {}, false);
      const done = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const r = (await done).detail;
      return { reason: r.fallbackReason ?? null, shown: el.shadowRoot.querySelector('[data-stat="fallback"]')?.textContent ?? null };
    }, COFFEE);
    expect(out.shown).toBe(out.reason);
  });

  it('stops when disconnected: no result lands after removal', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string, backend: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 32, backend }, {}, false);
      const events: string[] = [];
      el.addEventListener('kmeans-complete', () => events.push('complete'));
      el.addEventListener('kmeans-error', () => events.push('error'));
      const progressed = w.nextEvent(el, 'kmeans-progress');
      document.getElementById('sandbox')!.append(el);
      await progressed;
      el.remove();
      await new Promise((r) => setTimeout(r, 1500));
      const afterRemoval = events.slice();
      // Back in the document: a fresh quantizer, a fresh run.
      const again = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      const r = (await again).detail;
      return { afterRemoval, paletteSize: r.paletteSize };
    }, COFFEE, gpu ? 'webgpu' : 'cpu');
    expect(out.afterRemoval).toEqual([]);
    expect(out.paletteSize).toBe(32);
  });
});

describe('<kmeans-quantizer> errors', () => {
  it('shows a message and fires kmeans-error for a src that fails to load', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async () => {
      const w = window as any;
      const el = w.makeElement({ src: '/test/fixtures/missing.png', k: 8 }, {}, false);
      const failed = w.nextEvent(el, 'kmeans-error');
      document.getElementById('sandbox')!.append(el);
      const event = await failed;
      const message = el.shadowRoot.querySelector('[part~="error"]');
      return {
        bubbles: event.bubbles,
        composed: event.composed,
        errorMessage: String(event.detail.error?.message),
        errorCode: event.detail.error?.code ?? null,
        role: message?.getAttribute('role') ?? null,
        text: message?.textContent ?? null,
        canvas: Boolean(el.shadowRoot.querySelector('canvas')),
      };
    });
    expect(out.bubbles && out.composed).toBe(true);
    expect(out.errorMessage).toMatch(/^could not load "\/test\/fixtures\/missing\.png": HTTP 404/);
    expect(out.errorCode).toBe('IO');
    expect(out.text).not.toContain('kmeans-quantizer:');
    expect(out.role).toBe('alert');
    expect(out.text).toMatch(/404/);
    expect(out.text).toMatch(/^Could not load the image/);
    expect(out.canvas).toBe(false);
  });

  it('says a cross-origin image without CORS could not be loaded, and why', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async () => {
      const w = window as any;
      // The same test server under another name: another origin, whose responses carry no CORS header.
      const src = `${location.protocol}//localhost:${location.port}/test/fixtures/coffee.png`;
      const el = w.makeElement({ src, k: 8 }, {}, false);
      const failed = w.nextEvent(el, 'kmeans-error');
      document.getElementById('sandbox')!.append(el);
      const event = await failed;
      const message = el.shadowRoot.querySelector('[part~="error"]');
      return { code: event.detail.error?.code ?? null, message: String(event.detail.error?.message), text: message?.textContent ?? '' };
    });
    expect(out.code).toBe('IO');
    expect(out.message).toMatch(/^could not load "http:\/\/localhost:\d+\/test\/fixtures\/coffee\.png": the image is on another origin.*CORS/);
    expect(out.text).toMatch(/^Could not load the image/);
    expect(out.text).not.toMatch(/Could not quantize/);
  });

  it('shows the engine RangeError for k="0", and recovers when k becomes valid', async ({ skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 0 }, {}, false);
      const failed = w.nextEvent(el, 'kmeans-error');
      document.getElementById('sandbox')!.append(el);
      const error = (await failed).detail.error;
      const message = el.shadowRoot.querySelector('[part~="error"]');
      const shown = { name: error.name, role: message?.getAttribute('role') ?? null, text: message?.textContent ?? '' };
      const done = w.nextEvent(el, 'kmeans-complete');
      el.setAttribute('k', '3');
      const r = (await done).detail;
      await el.updateComplete;
      return { shown, paletteSize: r.paletteSize, errorGone: !el.shadowRoot.querySelector('[part~="error"]') };
    }, COFFEE);
    expect(out.shown.name).toBe('RangeError');
    expect(out.shown.role).toBe('alert');
    expect(out.shown.text).toMatch(/"k".*got 0/);
    expect(out.paletteSize).toBe(3);
    expect(out.errorGone).toBe(true);
  });

  it('shows a placeholder, not a blank box, without an image', async ({ skip }) => {
    if (!session) skip();
    const text = await page().evaluate(async () => {
      const el = (window as any).makeElement({ k: 4 });
      await el.updateComplete;
      return el.shadowRoot.querySelector('[part~="placeholder"]')?.textContent ?? null;
    });
    expect(text).toMatch(/No image/);
  });
});

describe('<kmeans-quantizer> keyboard', () => {
  it('copies a swatch with the keyboard and moves the compare slider with arrow keys', async ({ skip }) => {
    if (!session) skip();
    await session!.browser.defaultBrowserContext().overridePermissions(session!.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    await page().evaluate(async (src: string) => {
      const w = window as any;
      const el = w.makeElement({ src, k: 4, backend: 'cpu', id: 'keys' }, {}, false);
      const done = w.nextEvent(el, 'kmeans-complete');
      document.getElementById('sandbox')!.append(el);
      await done;
      (el.shadowRoot.querySelector('[part~="swatch"]') as HTMLButtonElement).focus();
    }, COFFEE);
    await page().keyboard.press('Enter');
    await page().waitForFunction(() => /Copied/.test((document.getElementById('keys') as any).shadowRoot.querySelector('[part~="status"]').textContent));
    const copied = await page().evaluate(async () => {
      const el = document.getElementById('keys') as any;
      return { clip: await navigator.clipboard.readText(), hex: el.shadowRoot.querySelector('[part~="swatch"]').dataset.hex };
    });
    expect(copied.clip).toBe(copied.hex);
    await page().evaluate(() => (document.getElementById('keys') as any).shadowRoot.querySelector('[part~="compare-slider"]').focus());
    await page().keyboard.press('ArrowRight');
    await page().keyboard.press('ArrowRight');
    const split = await page().evaluate(async () => {
      const el = document.getElementById('keys') as any;
      await el.updateComplete;
      const compare = el.shadowRoot.querySelector('[part~="compare"]') as HTMLElement;
      return { value: el.shadowRoot.querySelector('[part~="compare-slider"]').value, style: compare.style.getPropertyValue('--_split') };
    });
    expect(split).toEqual({ value: '52', style: '52%' });
  });
});

describe('<kmeans-quantizer> live video', () => {
  it.for([
    ['a MediaStream', 'stream'],
    ['a playing <video>', 'video'],
    ['a MediaStream, without requestVideoFrameCallback (requestAnimationFrame)', 'raf'],
  ] as const)('quantizes %s frame after frame with one stable palette', async ([, mode], { skip }) => {
    if (!session) skip();
    const out = await page().evaluate(async (mode: string) => {
      const w = window as any;
      const source = w.animatedStream(160, 120, 30);
      const el = w.makeElement({ k: 4, backend: 'cpu', seed: 1 }, {}, false);
      const proto = HTMLVideoElement.prototype as any;
      const frameCallback = proto.requestVideoFrameCallback;
      if (mode === 'video') {
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.srcObject = source.stream;
        await video.play();
        el.image = video;
      } else {
        if (mode === 'raf') delete proto.requestVideoFrameCallback;
        el.image = source.stream;
      }
      const palettes: number[][] = [];
      const frames = 8;
      const enough = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${palettes.length} frames quantized in 60 s (canvas painted ${source.frames()} times)`)), 60_000);
        el.addEventListener('kmeans-complete', function record(e: CustomEvent) {
          palettes.push(Array.from(e.detail.palette as Uint8Array));
          if (palettes.length === frames) {
            el.removeEventListener('kmeans-complete', record);
            clearTimeout(timer);
            resolve();
          }
        });
      });
      document.getElementById('sandbox')!.append(el);
      await el.updateComplete;
      proto.requestVideoFrameCallback = frameCallback;
      await enough;
      await el.updateComplete;
      const fpsStat = el.shadowRoot.querySelector('[data-stat="fps"]')?.textContent ?? null;
      const fps = el.fps;
      // Switching to a still source stops the video loop.
      const still = w.nextEvent(el, 'kmeans-complete');
      el.image = new ImageData(new Uint8ClampedArray(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256)), 32, 32);
      const stillResult = (await still).detail;
      let afterSwitch = 0;
      el.addEventListener('kmeans-complete', () => afterSwitch++);
      await new Promise((r) => setTimeout(r, 1000));
      source.stop();
      let worst = 0;
      const lengths = palettes.map((p) => p.length);
      for (let f = 1; f < palettes.length; f++) {
        const a = palettes[f - 1]!;
        const b = palettes[f]!;
        for (let i = 0; i < Math.min(a.length, b.length); i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      }
      return { lengths, worst, fps, fpsStat, stillWidth: stillResult.width, afterSwitch, palettes: palettes.map((p) => p.join(',')) };
    }, mode);
    expect(out.worst, out.palettes.join('\n')).toBeLessThanOrEqual(8);
    expect(out.lengths).toEqual(Array(out.lengths.length).fill(12));
    expect(out.fps).toBeGreaterThan(0);
    expect(Number(out.fpsStat)).toBeGreaterThan(0);
    expect(out.stillWidth).toBe(32);
    expect(out.afterSwitch).toBe(0);
  });
});

describe('<kmeans-quantizer> on the page', () => {
  it('takes a screenshot of the demo element (test/artifacts/element.png)', async ({ skip }) => {
    if (!session) skip();
    await page().waitForFunction(() => Boolean((document.getElementById('demo') as any).result), { timeout: 60_000 });
    await page().evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
    const demo = await page().$('#demo');
    await demo!.screenshot({ path: join(ROOT, 'test/artifacts/element.png') });
    expect(existsSync(join(ROOT, 'test/artifacts/element.png'))).toBe(true);
  });
});

describe('custom-elements.json', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
  const declaration = manifest.modules
    .flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
    .find((d: { tagName?: string }) => d.tagName === 'kmeans-quantizer');
  const source = readFileSync(join(ROOT, 'src/element/kmeans-quantizer.ts'), 'utf8');
  const styles = readFileSync(join(ROOT, 'src/element/styles.ts'), 'utf8');
  const names = (list: { name: string }[]) => list.map((x) => x.name).sort();
  const unique = (values: Iterable<string>) => [...new Set(values)].sort();

  it('describes the parts the template renders and the JSDoc documents', () => {
    const tokens = (text: string) => text.split(/\s+/).filter(Boolean);
    const rendered = unique([
      ...[...source.matchAll(/part="([\w\s-]+)"/g)].flatMap((m) => tokens(m[1]!)),
      // part=${cond ? 'a b' : 'a'}
      ...[...source.matchAll(/part=\$\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/'([\w\s-]+)'/g)].flatMap((q) => tokens(q[1]!))),
    ]);
    const documented = unique([...source.matchAll(/@csspart ([\w-]+)/g)].map((m) => m[1]!));
    expect(names(declaration.cssParts)).toEqual(documented);
    expect(documented).toEqual(rendered);
  });

  it('describes the CSS custom properties the styles read and the JSDoc documents', () => {
    const used = unique([...styles.matchAll(/var\((--kmq-[\w-]+)/g)].map((m) => m[1]!));
    const documented = unique([...source.matchAll(/@cssprop \[(--kmq-[\w-]+)/g)].map((m) => m[1]!));
    expect(names(declaration.cssProperties)).toEqual(documented);
    expect(documented).toEqual(used);
  });

  it("states the table's defaults for the engine attributes", () => {
    for (const name of ENGINE_OPTIONS) {
      const attribute = declaration.attributes.find((a: { name: string }) => a.name === ENGINE_ATTRIBUTES[name]);
      const value = optionDefault(name);
      expect(attribute?.default, name).toBe(value === undefined ? undefined : typeof value === 'string' ? `'${value}'` : String(value));
    }
  });

  it('describes the events and the attributes the element observes', async ({ skip }) => {
    expect(names(declaration.events)).toEqual(['kmeans-complete', 'kmeans-error', 'kmeans-progress']);
    if (!session) skip();
    const observed = await page().evaluate(() => [...((customElements.get('kmeans-quantizer') as any).observedAttributes as string[])]);
    expect(names(declaration.attributes)).toEqual([...observed].sort());
  });
});
