/**
 * Runs test code in real headless Chromium (Debian's /usr/bin/chromium, WebGPU through SwiftShader when
 * there is no GPU) against pages served from 127.0.0.1. Nothing here downloads a browser.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll } from 'vitest';
import { openDisplay, XVFB, type Display } from './display.js';
import { serveFolder } from './serve.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Where Chromium lives: CHROMIUM_PATH, else Debian's package. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** In CI a missing browser or adapter is a failure, not a skip. */
export const REQUIRE_GPU = process.env.KMQ_REQUIRE_GPU === '1' || process.env.CI === 'true';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** A static file server over the repository root (or `root`), on 127.0.0.1 and a free port. */
export function serveRoot(root = ROOT): Promise<{ url: string; close(): Promise<void> }> {
  return serveFolder(root);
}

export interface BrowserSession {
  browser: Browser;
  page: Page;
  url: string;
  /** Messages the page logged as errors (console.error, uncaught exceptions). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium, serves the repo and opens `path` (default: the blank test page); headed on `display`
 * when one is given, else headless.
 */
export async function openBrowser(path = '/test/browser/blank.html', display?: Display): Promise<BrowserSession> {
  const server = await serveRoot();
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: !display,
    args: CHROMIUM_ARGS,
    protocolTimeout: 600_000,
    ...(display ? { env: { ...process.env, DISPLAY: display.name } } : {}),
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  return {
    browser,
    page,
    url: server.url,
    errors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Whether the page has a WebGPU adapter, and what it says of itself. */
export async function adapterInfo(page: Page): Promise<{ available: boolean; architecture?: string; isFallbackAdapter?: boolean }> {
  return page.evaluate(async () => {
    if (!navigator.gpu) return { available: false };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { available: false };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return { available: true, architecture: info.architecture, isFallbackAdapter: Boolean(info.isFallbackAdapter) };
  });
}

export const chromiumInstalled = existsSync(CHROMIUM);

/** The browser page of a GPU test file and whether it has a WebGPU adapter (set by `useGpuPage`'s hooks). */
export interface GpuPage {
  session: BrowserSession | undefined;
  gpu: boolean;
}

/**
 * Opens `path` in Chromium before the file's tests (waiting for `window.ready`) and closes it after. Without
 * Chromium or an adapter the tests skip themselves (`if (!page.gpu) skip()`), unless KMQ_REQUIRE_GPU/CI
 * demands them, which fails the file instead. `headed` runs Chromium on an X display (display.ts): without
 * one the tests skip, or fail under KMQ_REQUIRE_GPU/CI.
 */
export function useGpuPage(path?: string, options: { headed?: boolean } = {}): GpuPage {
  const state: GpuPage = { session: undefined, gpu: false };
  let display: Display | undefined;
  beforeAll(async () => {
    if (!chromiumInstalled) {
      if (REQUIRE_GPU) throw new Error('Chromium is not installed, and KMQ_REQUIRE_GPU/CI demands the GPU tests');
      return;
    }
    if (options.headed) {
      display = await openDisplay();
      if (!display) {
        if (REQUIRE_GPU) throw new Error(`no X display and no ${XVFB} (apt-get install xvfb), and KMQ_REQUIRE_GPU/CI demands the headed GPU tests`);
        return;
      }
    }
    state.session = await openBrowser(path, display);
    await state.session.page.waitForFunction('window.ready === true');
    state.gpu = (await adapterInfo(state.session.page)).available;
    if (!state.gpu && REQUIRE_GPU) throw new Error('no WebGPU adapter in Chromium, and KMQ_REQUIRE_GPU/CI demands one');
  });
  afterAll(async () => {
    await state.session?.close();
    await display?.close();
  });
  return state;
}
