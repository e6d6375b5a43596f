/**
 * The package inside an app bundled with Vite, as users build one: `npm pack`'s tarball unpacked into a
 * small app's node_modules, `vite build`, the output served and opened in Chromium. A 4 MP image with
 * over a million distinct colours (where the CPU path uses its worker threads) must run with
 * `result.threads` 2, through the library and through the element, with no request failing (the worker
 * script and the init helper are emitted by the app's bundler, not looked up where they are not).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer';
import { build, createLogger, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../src/index.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumInstalled, REQUIRE_GPU } from './browser/harness.js';
import { serveFolder } from './browser/serve.js';
import { packAndInstall } from './helpers/packed.js';

const SIDE = 2048;
let dir = '';
let app = '';
const warnings: string[] = [];

/** Vite's logger, quiet, keeping every warning in `warnings`. */
function recordingLogger(): Logger {
  const logger = createLogger('warn');
  return { ...logger, warn: (message) => void warnings.push(message), warnOnce: (message) => void warnings.push(message), info: () => {} };
}

/** SIDE x SIDE pixels, each a different colour (4.2 million distinct colours). */
function manyColours(): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(SIDE * SIDE * 4);
  for (let i = 0; i < SIDE * SIDE; i++) data.set([i & 255, (i >>> 8) & 255, (i >>> 16) & 255, 255], i * 4);
  return { data, width: SIDE, height: SIDE };
}

const PAGES: Record<string, string> = {
  'library.html': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./library.js"></script>',
  'library.js': [
    "import { quantize } from 'kmeans-quantizer';",
    `const side = ${SIDE};`,
    'const data = new Uint8ClampedArray(side * side * 4);',
    'for (let i = 0; i < side * side; i++) data.set([i & 255, (i >>> 8) & 255, (i >>> 16) & 255, 255], i * 4);',
    "quantize({ data, width: side, height: side }, { k: 16, backend: 'cpu', threads: 2, maxIterations: 3 })",
    '  .then((r) => (window.outcome = { threads: r.threads, paletteSize: r.paletteSize }))',
    '  .catch((e) => (window.outcome = { error: String(e) }));',
  ].join('\n'),
  'element.html': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./element.js"></script>',
  'element.js': [
    "import 'kmeans-quantizer/element';",
    "const el = document.createElement('kmeans-quantizer');",
    "el.addEventListener('kmeans-complete', (e) => (window.outcome = { threads: e.detail.threads, paletteSize: e.detail.paletteSize }));",
    "el.addEventListener('kmeans-error', (e) => (window.outcome = { error: String(e.detail.error) }));",
    "for (const [name, value] of Object.entries({ k: '16', backend: 'cpu', threads: '2', 'max-iterations': '3', src: './big.png' })) el.setAttribute(name, value);",
    'document.body.append(el);',
  ].join('\n'),
};

/**
 * A Lit app (its own LitElement) that shows the quantizer element from `entry`; on completion it records
 * how many copies of Lit the page loaded (each copy adds its version to `litElementVersions`).
 */
function litAppPage(entry: string): string {
  return [
    "import { LitElement, html } from 'lit';",
    `import '${entry}';`,
    "class AppShell extends LitElement { render() { return html`<slot></slot>`; } }",
    "customElements.define('app-shell', AppShell);",
    "const shell = document.createElement('app-shell');",
    "const el = document.createElement('kmeans-quantizer');",
    "el.addEventListener('kmeans-complete', (e) => (window.outcome = { paletteSize: e.detail.paletteSize, litCopies: globalThis.litElementVersions.length }));",
    "el.addEventListener('kmeans-error', (e) => (window.outcome = { error: String(e.detail.error) }));",
    "for (const [name, value] of Object.entries({ k: '4', backend: 'cpu', src: './small.png' })) el.setAttribute(name, value);",
    'shell.append(el);',
    'document.body.append(shell);',
  ].join('\n');
}

for (const [page, entry] of [['lit-app', 'kmeans-quantizer/element/lit'], ['lit-app-bundled', 'kmeans-quantizer/element']] as const) {
  PAGES[`${page}.html`] = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./${page}.js"></script>`;
  PAGES[`${page}.js`] = litAppPage(entry);
}

/** A small gradient. */
function small(): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(64 * 64 * 4);
  for (let i = 0; i < 64 * 64; i++) data.set([(i & 63) * 4, (i >>> 6) * 4, 128, 255], i * 4);
  return { data, width: 64, height: 64 };
}

beforeAll(async () => {
  if (!chromiumInstalled) return;
  dir = mkdtempSync(join(tmpdir(), 'kmq-app-'));
  app = packAndInstall(dir, 'app', { lit: true }).projectDir;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  for (const [name, text] of Object.entries(PAGES)) writeFileSync(join(app, name), text);
  mkdirSync(join(app, 'public'));
  writeFileSync(join(app, 'public', 'big.png'), encodePng(manyColours()));
  writeFileSync(join(app, 'public', 'small.png'), encodePng(small()));
  // A production build, as an app's `vite build` is (vitest runs with NODE_ENV=test, under which Vite
  // keeps quiet about modules externalized for the browser). Its warnings are kept for a test below.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  await build({
    root: app,
    configFile: false,
    mode: 'production',
    customLogger: recordingLogger(),
    build: { outDir: join(app, 'dist'), rollupOptions: { input: Object.fromEntries(Object.keys(PAGES).filter((f) => f.endsWith('.html')).map((f) => [f.slice(0, -5), join(app, f)])) } },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens one of the built pages and waits for its `outcome`; returns it with the requests that failed. */
async function openPage(page: string): Promise<{ outcome: unknown; failed: string[] }> {
  const server = await serveFolder(join(app, 'dist'));
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, protocolTimeout: 600_000 });
  try {
    const tab = await browser.newPage();
    const failed: string[] = [];
    tab.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    tab.on('requestfailed', (r) => void failed.push(`failed ${r.url()}`));
    tab.on('pageerror', (e) => void failed.push(String(e)));
    await tab.goto(`${server.url}/${page}.html`, { waitUntil: 'load' });
    await tab.waitForFunction(() => (window as { outcome?: unknown }).outcome !== undefined, { timeout: 240_000 });
    return { outcome: await tab.evaluate(() => (window as { outcome?: unknown }).outcome), failed };
  } finally {
    await browser.close();
    await server.close();
  }
}

describe('in an app bundled with Vite', () => {
  it('builds without externalizing a Node module for the browser (the browser entries import none)', (context) => {
    if (!chromiumInstalled) return context.skip('no Chromium');
    expect(warnings.filter((w) => /externalized for browser compatibility|node:/.test(w))).toEqual([]);
  });

  it('the app bundler emits the worker script', (context) => {
    if (!chromiumInstalled) return context.skip('no Chromium');
    const assets = readdirSync(join(app, 'dist', 'assets'));
    expect(assets.some((f) => f.startsWith('partition-worker'))).toBe(true);
  });

  for (const page of ['library', 'element'] as const) {
    it(`the ${page} runs a 4 MP image with a million colours on 2 threads, no request failing`, async (context) => {
      if (!chromiumInstalled) {
        if (REQUIRE_GPU) throw new Error('Chromium is not installed, and KMQ_REQUIRE_GPU/CI demands the browser tests');
        return context.skip('no Chromium');
      }
      const { outcome, failed } = await openPage(page);
      expect(outcome).toEqual({ threads: 2, paletteSize: 16 });
      expect(failed).toEqual([]);
    }, 300_000);
  }

  it('a Lit app importing kmeans-quantizer/element/lit loads one copy of Lit; with the bundled element, two', async (context) => {
    if (!chromiumInstalled) return context.skip('no Chromium');
    const unbundled = await openPage('lit-app');
    expect(unbundled).toEqual({ outcome: { paletteSize: 4, litCopies: 1 }, failed: [] });
    const bundled = await openPage('lit-app-bundled');
    expect(bundled).toEqual({ outcome: { paletteSize: 4, litCopies: 2 }, failed: [] });
  }, 300_000);
});
