/**
 * scripts/build-wasm.js: every committed WebAssembly module is what its AssemblyScript source compiles to,
 * and imports nothing (the library instantiates them with no imports).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
