/**
 * The WebAssembly parts in Chromium (the colour tree's walk, error diffusion): on a plain page the CPU path
 * compiles them; on a page whose Content-Security-Policy refuses WebAssembly the same calls still run (in
 * JS) and give the same palette, labels and MSE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, openBrowser, REQUIRE_GPU, type BrowserSession } from './browser/harness.js';
import { ensureBuilt } from './helpers/cli.js';
import { MODULES } from '../scripts/build-wasm.js';

let session: BrowserSession | undefined;

beforeAll(async () => {
  if (!chromiumInstalled) {
    if (REQUIRE_GPU) throw new Error('Chromium is not installed, and KMQ_REQUIRE_GPU/CI demands the browser tests');
    return;
  }
  ensureBuilt();
  session = await openBrowser();
});

afterAll(async () => {
  await session?.close();
});

/** Whether the page may compile WebAssembly, and a CPU quantize() of the shipped photo there. */
async function runOn(path: string) {
  const page = session!.page;
  await page.goto(`${session!.url}${path}`, { waitUntil: 'load' });
  await page.waitForFunction('window.ready === true');
  return page.evaluate(async () => {
    const w = window as any;
    let wasm = true;
    try {
      // The smallest module: the magic number and version.
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch {
      wasm = false;
    }
    const image = await w.loadImageData('/test/fixtures/coffee.png');
    const runs = [];
    for (const dither of ['none', 'diffusion']) {
      const result = await w.kmq.quantize(image, { k: 64, backend: 'cpu', seed: 3, dither });
      let hash = 0;
      for (const label of result.labels) hash = (Math.imul(hash, 31) + label) | 0;
      runs.push({ mse: result.mse, iterations: result.iterations, palette: Array.from(result.palette as Uint8Array), hash });
    }
    return { wasm, runs };
  });
}

describe('the WebAssembly parts in Chromium', () => {
  it('every module compiles synchronously on a page\'s main thread (as the library compiles them)', async ({ skip }) => {
    if (!session) return skip();
    const page = session.page;
    await page.goto(`${session.url}/test/browser/blank.html`, { waitUntil: 'load' });
    const results = await page.evaluate(async (paths: string[]) => {
      const out: string[] = [];
      for (const path of paths) {
        const text = await (await fetch(`/${path}`)).text();
        const binary = atob(/'([A-Za-z0-9+/=]+)'/.exec(text)![1]!);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        try {
          new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
          out.push(`${path}: ok`);
        } catch (error) {
          out.push(`${path}: ${String(error)}`);
        }
      }
      return out;
    }, MODULES.map((m) => m.generated));
    expect(results).toEqual(MODULES.map((m) => `${m.generated}: ok`));
  }, 60_000);

  it('a page that refuses WebAssembly gets the same results as one that allows it, dithered or not', async ({ skip }) => {
    if (!session) return skip();
    const plain = await runOn('/test/browser/blank.html');
    const strict = await runOn('/test/browser/csp.html');
    expect(plain.wasm).toBe(true);
    expect(strict.wasm).toBe(false);
    // Undithered, then error-diffused.
    expect(strict.runs).toEqual(plain.runs);
    expect(plain.runs[1]!.hash).not.toBe(plain.runs[0]!.hash);
    // (The pages ask for a favicon, which the test server does not have.)
    expect(session.errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
  }, 120_000);
});
