/**
 * The runnable examples under demo/examples/, run as a newcomer would run them:
 * - node-script/quantize.mjs as a process: its PNG-8 decoded (palette size, dimensions, colours) and its
 *   summary checked against the file;
 * - plain-html/index.html served from the repository root and opened in Chromium: the element renders a
 *   result and the page writes its summary; the library's frame-by-frame loop runs on a fake camera;
 * - vite-app/ copied out, linked to this repository as `npm install` links a `file:` dependency,
 *   type-checked, built with Vite's programmatic API, served and opened in Chromium: the page writes the
 *   palette size the library returned, and the element's result.
 * The browser checks run on the CPU path (or WebGPU where Chromium offers an adapter: either is fine);
 * without Chromium they skip, unless KMQ_REQUIRE_GPU/CI demands the browser tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { build, createLogger } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, chromiumInstalled, REQUIRE_GPU, ROOT, serveRoot } from './browser/harness.js';
import { serveFolder } from './browser/serve.js';
import { ensureBuilt, writePngFixture } from './helpers/cli.js';
import { crop, loadCoffee } from './helpers/images.js';

const EXAMPLES = join(ROOT, 'demo', 'examples');
let dir = '';

/** The chunks of a PNG file, in order: type and data. */
function pngChunks(bytes: Buffer): Array<{ type: string; data: Buffer }> {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    chunks.push({ type: bytes.subarray(at + 4, at + 8).toString('latin1'), data: bytes.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** What a PNG-8 holds: size, colour type, its PLTE as hex colours, and the distinct colours it decodes to. */
function readPng8(path: string): { width: number; height: number; colourType: number; plte: string[]; decodedColours: Set<string> } {
  const bytes = readFileSync(path);
  const chunks = pngChunks(bytes);
  const ihdr = chunks[0]!;
  expect(ihdr.type).toBe('IHDR');
  const plteData = chunks.find((c) => c.type === 'PLTE')?.data ?? Buffer.alloc(0);
  const hex = (r: number, g: number, b: number): string => '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('');
  const plte: string[] = [];
  for (let i = 0; i < plteData.length; i += 3) plte.push(hex(plteData[i]!, plteData[i + 1]!, plteData[i + 2]!));
  const decoded = PNG.sync.read(bytes);
  const decodedColours = new Set<string>();
  for (let i = 0; i < decoded.data.length; i += 4) decodedColours.add(hex(decoded.data[i]!, decoded.data[i + 1]!, decoded.data[i + 2]!));
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4), colourType: ihdr.data[9]!, plte, decodedColours };
}

/** Runs the Node example with these arguments in `cwd`. */
function runNodeExample(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(EXAMPLES, 'node-script', 'quantize.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Skips a browser test without Chromium, or fails it when KMQ_REQUIRE_GPU/CI demands the browser tests. */
function needsChromium(context: TestContext): void {
  if (chromiumInstalled) return;
  if (REQUIRE_GPU) throw new Error(`Chromium is not installed (${CHROMIUM}), and KMQ_REQUIRE_GPU/CI demands the browser tests`);
  context.skip(`no Chromium at ${CHROMIUM}`);
}

let browser: Browser | undefined;
/** The tabs a test opened, closed after it (the camera loop would otherwise keep both cores busy). */
const tabs: Page[] = [];
afterEach(async () => {
  for (const tab of tabs.splice(0)) if (!tab.isClosed()) await tab.close();
});

/** A new tab that records page errors, console errors and failed requests. */
async function newTab(): Promise<{ tab: Page; problems: string[] }> {
  const tab = await browser!.newPage();
  tabs.push(tab);
  const problems: string[] = [];
  tab.on('pageerror', (e) => void problems.push(String(e)));
  tab.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  tab.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`)));
  tab.on('requestfailed', (r) => void problems.push(`failed ${r.url()}`));
  return { tab, problems };
}

beforeAll(async () => {
  ensureBuilt();
  // The Vite app's type check reads the published declarations.
  if (!existsSync(join(ROOT, 'dist', 'types', 'index.d.ts'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  }
  dir = mkdtempSync(join(tmpdir(), 'kmq-examples-'));
  if (chromiumInstalled) {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // A fake camera that needs no permission prompt, for the plain page's video part.
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
      protocolTimeout: 120_000,
    });
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('demo/examples/node-script/quantize.mjs', () => {
  it('without arguments: quantizes test/fixtures/coffee.png to 16 colours, writes coffee-16.png as a PNG-8', () => {
    const cwd = join(dir, 'node-default');
    mkdirSync(cwd);
    const run = runNodeExample(cwd);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const png = readPng8(join(cwd, 'coffee-16.png'));
    expect([png.width, png.height]).toEqual([600, 400]);
    expect(png.colourType).toBe(3); // indexed
    expect(png.plte).toHaveLength(16);
    expect(png.decodedColours.size).toBe(16);
    expect(run.stdout).toMatch(/^coffee\.png: 600x400, 16 colours on cpu$/m);
    expect(run.stdout).toMatch(/^\d+ iterations, PSNR \d+\.\d\d dB, \d+ ms$/m);
    // The palette it prints is the file's, in order.
    const printed = /^palette: (.*)$/m.exec(run.stdout)![1]!.split(' ');
    expect(printed).toEqual(png.plte);
    expect(run.stdout).toContain(`wrote ${join(cwd, 'coffee-16.png')} (${readFileSync(join(cwd, 'coffee-16.png')).length} bytes, PNG-8)`);
  });

  it('with an input and an output path: a 90x60 crop comes out 90x60 with at most 16 colours', () => {
    const input = writePngFixture(join(dir, 'small.png'), crop(loadCoffee(), 200, 150, 90, 60));
    const output = join(dir, 'small-out.png');
    const run = runNodeExample(dir, input, output);
    expect(run.status, run.stderr).toBe(0);
    const png = readPng8(output);
    expect([png.width, png.height]).toEqual([90, 60]);
    expect(png.colourType).toBe(3);
    expect(png.plte).toHaveLength(16);
    for (const colour of png.decodedColours) expect(png.plte).toContain(colour);
    expect(run.stdout).toMatch(/^small\.png: 90x60, 16 colours on cpu$/m);
  });

  it('a missing input: exit 1 and one line naming the file and the error code', () => {
    const run = runNodeExample(dir, join(dir, 'nope.png'));
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^quantize\.mjs: cannot read ".*nope\.png": .* \(IO\)$/);
    expect(run.stdout).toBe('');
  });
});

describe('demo/examples/plain-html', () => {
  let server: Awaited<ReturnType<typeof serveRoot>> | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('the page (no build step, dist/ imported) shows the element\'s result and the page\'s summary', async (context) => {
    needsChromium(context);
    server = await serveRoot();
    const { tab, problems } = await newTab();
    await tab.goto(`${server.url}/demo/examples/plain-html/index.html`, { waitUntil: 'load' });
    await tab.waitForFunction(() => /colours on/.test(document.getElementById('summary')!.textContent!) || /Failed/.test(document.getElementById('summary')!.textContent!), { timeout: 60_000 });
    const out = await tab.evaluate(() => {
      const el = document.getElementById('photo') as HTMLElement & { result?: { paletteSize: number; width: number; height: number } };
      const canvas = el.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part~="canvas"]')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return {
        summary: document.getElementById('summary')!.textContent,
        paletteSize: el.result?.paletteSize,
        size: [canvas.width, canvas.height],
        colours: colours.size,
        swatches: el.shadowRoot!.querySelectorAll('[part~="swatch"]').length,
        stats: el.shadowRoot!.querySelector('[data-stat="colours"]')?.textContent,
      };
    });
    expect(out.summary).toMatch(/^8 colours on (cpu|webgpu), \d+ iterations, PSNR \d+\.\d dB, \d+ ms$/);
    expect(out.paletteSize).toBe(8);
    expect(out.size).toEqual([600, 400]);
    expect(out.colours).toBe(8);
    expect(out.swatches).toBe(8);
    expect(out.stats).toBe('8 (k = 8)');
    expect(problems).toEqual([]);
  }, 120_000);

  it('the camera part quantizes frame after frame through createQuantizer, warm-started', async (context) => {
    needsChromium(context);
    server ??= await serveRoot();
    const { tab, problems } = await newTab();
    await tab.goto(`${server.url}/demo/examples/plain-html/index.html`, { waitUntil: 'load' });
    // A DOM click: a pointer click can miss while the element above is still laying out (seen under load).
    await tab.waitForSelector('#camera', { visible: true });
    await tab.$eval('#camera', (button) => (button as HTMLButtonElement).click());
    await tab.waitForFunction(() => Number(document.getElementById('camera-status')!.dataset.frames ?? 0) >= 3 || /No camera|Stopped/.test(document.getElementById('camera-status')!.textContent!), { timeout: 60_000 });
    const out = await tab.evaluate(() => {
      const video = document.getElementById('video') as HTMLVideoElement;
      const canvas = document.getElementById('frames') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return {
        status: document.getElementById('camera-status')!.textContent,
        frames: Number(document.getElementById('camera-status')!.dataset.frames),
        video: [video.videoWidth, video.videoHeight],
        canvas: [canvas.width, canvas.height],
        colours: colours.size,
      };
    });
    expect(out.status).toMatch(/^\d+ frames, 8 colours, (cpu|webgpu), \d+ ms a frame$/);
    expect(out.frames).toBeGreaterThanOrEqual(3);
    expect(out.canvas).toEqual(out.video);
    expect(out.colours).toBeGreaterThan(1);
    expect(out.colours).toBeLessThanOrEqual(8);
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('demo/examples/vite-app', () => {
  let app = '';
  const warnings: string[] = [];

  beforeAll(async () => {
    // The app as a user has it after `npm install`: the file: dependency is a link to this repository.
    app = join(dir, 'vite-app');
    cpSync(join(EXAMPLES, 'vite-app'), app, { recursive: true, filter: (path) => !/[\\/](node_modules|dist)$/.test(path) });
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(ROOT, join(app, 'node_modules', 'kmeans-quantizer'), 'dir');
    const logger = createLogger('warn');
    logger.warn = (message) => void warnings.push(message);
    logger.warnOnce = (message) => void warnings.push(message);
    // NODE_ENV as `vite build` sets it (vitest sets "test", under which Vite stays quieter).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: app, configFile: false, customLogger: logger, build: { outDir: join(app, 'dist') } });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  }, 180_000);

  it('type-checks (tsc over main.ts, against the published declarations)', () => {
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 150_000);

  it('builds with Vite; the bundle holds the library and emits its worker; no warning but the known node: one', () => {
    // Known: dist/ imports a few node: builtins lazily, on its Node-only paths, and a production build
    // says it externalized them for the browser (the page never loads them). Nothing else may warn.
    const unexpected = warnings.filter((w) => !/Module "node:[\w/]+" has been externalized for browser compatibility, imported by "[^"]*[\\/]dist[\\/][^"]+\.js"/.test(w));
    expect(unexpected).toEqual([]);
    const assets = readdirSync(join(app, 'dist', 'assets'));
    expect(assets.some((f) => f.startsWith('partition-worker') && f.endsWith('.js'))).toBe(true);
    const html = readFileSync(join(app, 'dist', 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
    expect(html).not.toContain('main.ts');
  });

  it('the built app runs in Chromium: the page writes the palette size the library returned, and the element\'s result', async (context) => {
    needsChromium(context);
    const server = await serveFolder(join(app, 'dist'));
    const { tab, problems } = await newTab();
    try {
      await tab.goto(`${server.url}/index.html`, { waitUntil: 'load' });
      await tab.waitForFunction(
        () => document.getElementById('palette-size')!.textContent !== '…' && document.getElementById('element-status')!.textContent !== '…',
        { timeout: 60_000 },
      );
      const out = await tab.evaluate(() => ({
        paletteSize: document.getElementById('palette-size')!.textContent,
        backend: document.getElementById('backend')!.textContent,
        swatches: [...document.querySelectorAll('#swatches li')].map((li) => li.textContent),
        element: document.getElementById('element-status')!.textContent,
        elementSwatches: document.querySelector('kmeans-quantizer')!.shadowRoot!.querySelectorAll('[part~="swatch"]').length,
      }));
      expect(out.paletteSize).toBe('8');
      expect(out.backend).toMatch(/^(cpu|webgpu)$/);
      expect(out.swatches).toHaveLength(8);
      expect(new Set(out.swatches).size).toBe(8);
      for (const swatch of out.swatches) expect(swatch).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
      expect(out.element).toMatch(/^4 colours, \d+ iterations$/);
      expect(out.elementSwatches).toBe(4);
      expect(problems).toEqual([]);
    } finally {
      // The tab first: the server's close() waits for the connections Chromium keeps open.
      await tab.close();
      await server.close();
    }
  }, 120_000);
});
