/** The WGSL files and the host agree: each kernel's record (src/gpu/kernels.ts) names the bindings its WGSL
 * declares, in order and by type, and sets exactly the `override` constants its WGSL declares (nothing
 * copied by hand). The WGSL is parsed here, at test time; at run time the records are the source of truth. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSIGN, bindingEntries, KERNELS, REDUCE, type Bindings, type Kernel } from '../src/gpu/kernels.js';

const TYPE_OF: Record<string, GPUBufferBindingType> = {
  storage: 'read-only-storage',
  'storage, read': 'read-only-storage',
  'storage, read_write': 'storage',
  uniform: 'uniform',
};

/** Functions the host prepends to kernels (WGSL has no includes): not kernels of their own. */
const SHARED = new Set(['nearest-centroid.wgsl', 'oklab.wgsl', 'frame.wgsl']);
const shader = (file: string): string => readFileSync(new URL(`../shaders/${file}`, import.meta.url), 'utf8');
/** Every .wgsl file but the shared functions. */
const kernelFiles = readdirSync(new URL('../shaders/', import.meta.url)).filter((f) => f.endsWith('.wgsl') && !SHARED.has(f));

/** Texture declarations `var name: type` as the records name them (a type not here is returned as written). */
const TEXTURE_OF: Record<string, string> = {
  'texture_2d<f32>': 'texture',
  'texture_storage_2d<rgba8unorm, write>': 'storage-texture',
};

/**
 * `@group(g) @binding(n) var<space, access> name` (buffers) and `@group(g) @binding(n) var name: type`
 * (textures) declarations, as [group, binding, type, name].
 */
function bindings(source: string): Array<[number, number, string, string]> {
  return [...source.matchAll(/@group\((\d+)\)\s*@binding\((\d+)\)\s*var(?:<([^>]+)>\s*(\w+)|\s+(\w+)\s*:\s*([^;]+);)/g)].map((m) => {
    if (m[3] !== undefined) {
      const space = m[3].replace(/\s+/g, ' ').trim();
      return [Number(m[1]), Number(m[2]), TYPE_OF[space] ?? space, m[4]!];
    }
    const type = m[6]!.replace(/\s+/g, ' ').replace(/\s*,\s*/g, ', ').trim();
    return [Number(m[1]), Number(m[2]), TEXTURE_OF[type] ?? type, m[5]!];
  });
}

/** `override NAME: type [= default];` declarations. */
function overrides(source: string): Array<{ name: string; hasDefault: boolean }> {
  return [...source.matchAll(/^override\s+(\w+)\s*:[^=;]*(=)?/gm)].map((m) => ({ name: m[1]!, hasDefault: m[2] !== undefined }));
}

/** Runs of each kernel to check: the pipelines a session asks for. */
const RUNS: Record<string, unknown[]> = {
  assign: [
    { k: 16, accumulate: true },
    { k: 16, accumulate: false },
    { k: 3, accumulate: true },
    { k: 256, accumulate: false },
    { k: 16, accumulate: true, space: 'oklab' },
    { k: 256, accumulate: false, space: 'oklab' },
  ],
  assignColours: [{ k: 16 }, { k: 3 }, { k: 256 }, { k: 16, space: 'oklab' }],
  reduce: [{ k: 16 }, { k: 3 }, { k: 256 }, { k: 16, space: 'oklab' }],
  countColours: [{}],
  gatherColours: [{}],
  render: [{}],
  unpackTexture: [{}],
  paintTexture: [{}],
  frameGate: [{}],
  seed: [{ k: 16 }, { k: 1 }, { k: 256 }],
  palette: [{ k: 16 }, { k: 1 }, { k: 256 }],
  ordered: [
    { k: 16, oklab: false },
    { k: 3, oklab: true },
    { k: 256, oklab: false },
  ],
};
const runs = (kernel: Kernel<Bindings, never>): unknown[] => RUNS[kernel.name]!;
const constants = (kernel: Kernel<Bindings, never>, run: unknown) => (kernel as Kernel<Bindings, unknown>).overrides(run);
const variant = (kernel: Kernel<Bindings, never>, run: unknown) => (kernel as Kernel<Bindings, unknown>).variant(run);

describe('WGSL and host agree', () => {
  it('has one record per kernel file, its source that file (after shared functions, where used)', () => {
    expect(kernelFiles.length).toBe(KERNELS.length);
    // Any of the shared files, each at most once, in the order SHARED lists them.
    const prefixes = [...SHARED].reduce((all, f) => [...all, ...all.map((p) => `${p}${shader(f)}\n`)], ['']);
    for (const file of kernelFiles) {
      const text = shader(file);
      const records = KERNELS.filter((k) => prefixes.some((prefix) => k.source === `${prefix}${text}`));
      expect(records.map((k) => k.name), file).toHaveLength(1);
    }
    expect(new Set(KERNELS.map((k) => k.name)).size).toBe(KERNELS.length);
    expect(Object.keys(RUNS).sort()).toEqual(KERNELS.map((k) => k.name).sort());
  });

  it.each(KERNELS.map((k) => [k.name, k] as const))('%s declares exactly the bindings of its record, by name and type', (_, kernel) => {
    const declared = bindings(kernel.source);
    expect(declared).toEqual(Object.entries(kernel.bindings).map(([name, type], n) => [0, n, type, name]));
  });

  it.each(KERNELS.map((k) => [k.name, k] as const))('%s: its record sets every override its WGSL declares, and no other', (_, kernel) => {
    const declared = overrides(kernel.source);
    const names = declared.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const run of runs(kernel)) {
      const set = Object.keys(constants(kernel, run));
      // Nothing set that the WGSL lacks (pipeline creation would fail), and every override set, those
      // without a default first of all (pipeline creation needs them).
      expect(set.filter((name) => !names.includes(name))).toEqual([]);
      expect(declared.filter((o) => !o.hasDefault && !set.includes(o.name))).toEqual([]);
      expect(set.sort()).toEqual([...names].sort());
      for (const value of Object.values(constants(kernel, run))) expect(Number.isFinite(value)).toBe(true);
    }
  });

  it.each(KERNELS.map((k) => [k.name, k] as const))('%s: its pipeline key tells apart exactly the runs with other constants', (_, kernel) => {
    const all = runs(kernel);
    for (const a of all) {
      for (const b of all) {
        const sameConstants = JSON.stringify(constants(kernel, a)) === JSON.stringify(constants(kernel, b));
        expect(variant(kernel, a) === variant(kernel, b)).toBe(sameConstants);
      }
    }
  });

  it.each([...SHARED])('keeps the shared %s free of state of its own', (file) => {
    expect(overrides(shader(file))).toEqual([]);
    expect(bindings(shader(file))).toEqual([]);
  });
});

describe('bind groups by binding name', () => {
  const buffer = (label: string) => ({ label }) as unknown as GPUBuffer;
  const reduceBuffers = { params: buffer('params'), sums: buffer('sums'), history: buffer('history'), counts: buffer('counts'), control: buffer('control'), centroids: buffer('centroids') };

  it('orders the entries by the record, whatever order the buffers are given in', () => {
    const entries = bindingEntries(REDUCE, reduceBuffers);
    expect(entries.map((e) => [e.binding, ((e.resource as GPUBufferBinding).buffer as unknown as { label: string }).label])).toEqual([
      [0, 'sums'],
      [1, 'centroids'],
      [2, 'counts'],
      [3, 'control'],
      [4, 'history'],
      [5, 'params'],
    ]);
  });

  it('throws a typed error on a missing binding or a name the kernel lacks', () => {
    const { history: _, ...missing } = reduceBuffers;
    expect(() => bindingEntries(REDUCE, missing as typeof reduceBuffers)).toThrow(/kernel "reduce".*missing history/);
    const extra = { ...reduceBuffers, labels: buffer('labels') };
    expect(() => bindingEntries(REDUCE, extra)).toThrow(/not bindings of it: labels/);
    const wrong = { ...reduceBuffers, history: undefined } as unknown as typeof reduceBuffers;
    expect(() => bindingEntries(REDUCE, wrong)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => bindingEntries(ASSIGN, reduceBuffers as never)).toThrow(/missing pixels, labels, chunk; not bindings of it: params, history, counts/);
  });
});
