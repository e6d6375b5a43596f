/** The WGSL files and the host agree: bindings match the layouts written once in TypeScript, and every
 * `override` a kernel declares is set from src/gpu/constants.ts (nothing copied by hand). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignColoursOverrides, assignOverrides, countOverrides, gatherOverrides, reduceOverrides, renderOverrides } from '../src/gpu/constants.js';
import { ASSIGN_BINDINGS, ASSIGN_COLOURS_BINDINGS, COUNT_COLOURS_BINDINGS, GATHER_COLOURS_BINDINGS, REDUCE_BINDINGS, RENDER_BINDINGS } from '../src/gpu/context.js';

const TYPE_OF: Record<string, GPUBufferBindingType> = {
  'storage, read': 'read-only-storage',
  'storage, read_write': 'storage',
  uniform: 'uniform',
};

function bindings(file: string): Array<[number, GPUBufferBindingType]> {
  const source = readFileSync(new URL(`../shaders/${file}`, import.meta.url), 'utf8');
  return [...source.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<([^>]+)>/g)].map((m) => [Number(m[1]), TYPE_OF[m[2]!.trim()]!]);
}

function overrides(file: string): string[] {
  const source = readFileSync(new URL(`../shaders/${file}`, import.meta.url), 'utf8');
  return [...source.matchAll(/^override\s+(\w+)\s*:/gm)].map((m) => m[1]!).sort();
}

describe('WGSL and host agree', () => {
  it.each([
    ['assign.wgsl', ASSIGN_BINDINGS],
    ['reduce.wgsl', REDUCE_BINDINGS],
    ['count-colours.wgsl', COUNT_COLOURS_BINDINGS],
    ['gather-colours.wgsl', GATHER_COLOURS_BINDINGS],
    ['assign-colours.wgsl', ASSIGN_COLOURS_BINDINGS],
    ['render.wgsl', RENDER_BINDINGS],
  ] as const)('%s declares exactly the bindings of its layout', (file, layout) => {
    expect(bindings(file)).toEqual(layout.map(([b, t]) => [b, t]));
  });

  it('sets every override constant of each kernel from constants.ts', () => {
    expect(overrides('assign.wgsl')).toEqual(Object.keys(assignOverrides(16, true)).sort());
    expect(overrides('reduce.wgsl')).toEqual(Object.keys(reduceOverrides(16)).sort());
    expect(overrides('count-colours.wgsl')).toEqual(Object.keys(countOverrides()).sort());
    expect(overrides('gather-colours.wgsl')).toEqual(Object.keys(gatherOverrides()).sort());
    expect(overrides('assign-colours.wgsl')).toEqual(Object.keys(assignColoursOverrides(16)).sort());
    expect(overrides('render.wgsl')).toEqual(Object.keys(renderOverrides()).sort());
    // The nearest-centroid search both assignment kernels share: functions only, no state of its own.
    expect(overrides('nearest-centroid.wgsl')).toEqual([]);
    expect(bindings('nearest-centroid.wgsl')).toEqual([]);
  });
});
