/**
 * The WebAssembly colour-tree walk in Chromium: on a plain page the CPU path compiles it; on a page whose
 * Content-Security-Policy refuses WebAssembly the same call still runs (the JS walk) and gives the same
 * palette, labels and MSE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, openBrowser, REQUIRE_GPU, type BrowserSession } from './browser/harness.js';
import { ensureBuilt } from './helpers/cli.js';

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
    const result = await w.kmq.quantize(image, { k: 64, backend: 'cpu', seed: 3 });
    let hash = 0;
    for (const label of result.labels) hash = (Math.imul(hash, 31) + label) | 0;
    return { wasm, mse: result.mse, iterations: result.iterations, palette: Array.from(result.palette as Uint8Array), hash };
  });
}

describe('the WebAssembly walk in Chromium', () => {
  it('a page that refuses WebAssembly gets the same result as one that allows it', async ({ skip }) => {
    if (!session) return skip();
    const plain = await runOn('/test/browser/blank.html');
    const strict = await runOn('/test/browser/csp.html');
    expect(plain.wasm).toBe(true);
    expect(strict.wasm).toBe(false);
    expect(strict.palette).toEqual(plain.palette);
    expect(strict.hash).toBe(plain.hash);
    expect(strict.mse).toBe(plain.mse);
    expect(strict.iterations).toBe(plain.iterations);
    // (The pages ask for a favicon, which the test server does not have.)
    expect(session.errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
  }, 120_000);
});
