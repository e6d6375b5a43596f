/**
 * scripts/build-wasm.js: every committed WebAssembly module is what its AssemblyScript source compiles to,
 * and imports nothing (the library instantiates them with no imports). And where a module's memory cannot
 * grow, each part runs its JS instead, with the same results.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { compileModule, generatedModule, MODULES } from '../scripts/build-wasm.js';
import { ROOT } from './helpers/packed.js';

describe('the WebAssembly modules', () => {
  it.each(MODULES.map((m) => [m.generated, m] as const))('%s is what its source compiles to, and imports nothing', async (_name, module) => {
    const bytes = await compileModule(module.source);
    const committed = readFileSync(`${ROOT}/${module.generated}`, 'utf8');
    expect(committed, 'run node scripts/build-wasm.js').toBe(generatedModule(module, bytes));
    expect(WebAssembly.Module.imports(new WebAssembly.Module(Uint8Array.from(bytes)))).toEqual([]);
  }, 60_000);
});

describe('when a WebAssembly memory cannot grow', () => {
  it('every part falls back to its JS, and quantize() gives the same result, dithered or not', async () => {
    const { quantize } = await import('../src/index.js');
    const { FilteringLloyd } = await import('../src/kmeans/filtering.js');
    const { loadCoffee } = await import('./helpers/images.js');
    const image = loadCoffee();
    const options = { k: 24, backend: 'cpu' as const, seed: 2 };
    const plain = await quantize(image, options);
    const dithered = await quantize(image, { ...options, dither: 'diffusion' as const });
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    });
    try {
      expect(new FilteringLloyd(new Float64Array([1, 2, 3]), new Float64Array([1])).isNative).toBe(false);
      const plainJs = await quantize(image, options);
      const ditheredJs = await quantize(image, { ...options, dither: 'diffusion' as const });
      expect(grow).toHaveBeenCalled();
      for (const [a, b] of [[plainJs, plain], [ditheredJs, dithered]] as const) {
        expect(a.mse).toBe(b.mse);
        expect(a.iterations).toBe(b.iterations);
        expect([...a.palette]).toEqual([...b.palette]);
        expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
      }
    } finally {
      grow.mockRestore();
    }
  }, 60_000);
});
