/**
 * Turning option specs into the values a call gets, and working out what the README says the call must
 * do with them: which options are bad (a TypeError, a RangeError, either), which may be named (those
 * whose verdict depends on an invalid k), and whether `backend: 'webgpu'` must fail for want of a GPU.
 * This is the suite's own reading of the README's rules, independent of src/options.ts.
 */
import type { OptionSpec, OptionSpecs, Verdict } from './arbitraries.js';
import { rng, type RawImage } from './images.js';

/** What the runner lends the made values: the call's controller and progress recorder. */
export interface MakeContext {
  /** The k the values are made for (the call's effective k, or 16 when it has none that is valid). */
  k: number;
  /** The pixels the call fits (for sample sizes relative to the image). */
  pixels: number;
  /** An image of the call, for warm starts near its colours; undefined for bad inputs. */
  image: RawImage | undefined;
  signal: AbortSignal;
  recorder: (event: unknown) => void;
}

/** A value with what decides its verdict: inherent, or against k (init length, minimum sample size). */
export interface Fact {
  verdict: Verdict;
  /** init colours: their count must equal k. */
  initLength?: number;
  /** sampleSize: must be at least k. */
  sampleSize?: number;
  /** backend 'webgpu' in Node: must reject with GPU_UNAVAILABLE. */
  needsGpu?: boolean;
}

export interface MadeOptions {
  values: Record<string, unknown>;
  facts: Record<string, Fact>;
}

function triples(count: number, random: () => number, integer = true): number[][] {
  return Array.from({ length: count }, () => [0, 0, 0].map(() => (integer ? Math.floor(random() * 256) : random() * 255)));
}

/** Colours far from every colour of the image: the cube corner farthest from its mean, repeated. */
function farColours(image: RawImage | undefined, count: number): Float64Array {
  const mean = [0, 0, 0];
  const n = image ? image.data.length / 4 : 0;
  for (let i = 0; i < n * 4; i += 4) for (let c = 0; c < 3; c++) mean[c]! += image!.data[i + c]! / n;
  const corner = mean.map((m) => (m < 128 ? 255 : 0));
  return Float64Array.from(Array.from({ length: count }, () => corner).flat());
}

function nearColours(image: RawImage | undefined, count: number, random: () => number): Float64Array {
  const out = new Float64Array(count * 3);
  const n = image ? image.data.length / 4 : 0;
  for (let j = 0; j < count; j++) {
    const p = n > 0 ? Math.floor(random() * n) * 4 : 0;
    for (let c = 0; c < 3; c++) out[j * 3 + c] = Math.max(0, Math.min(255, (image ? image.data[p + c]! : 128) + random() * 6 - 3));
  }
  return out;
}

function makeInit(name: string, k: number, random: () => number): { value: unknown; fact: Fact } {
  const colours = triples(k, random, random() < 0.5);
  switch (name) {
    case 'init-colours': return { value: colours, fact: { verdict: 'ok', initLength: k } };
    case 'init-duplicates': {
      const c = colours[0]!;
      return { value: colours.map((other, i) => (i % 2 === 0 || random() < 0.5 ? c.slice() : other)), fact: { verdict: 'ok', initLength: k } };
    }
    case 'init-length+1': return { value: triples(k + 1, random), fact: { verdict: 'ok', initLength: k + 1 } };
    case 'init-length-1': return { value: triples(k - 1, random), fact: { verdict: 'ok', initLength: k - 1 } };
    case 'init-empty': return { value: [], fact: { verdict: 'ok', initLength: 0 } };
    case 'init-out-of-range': return { value: colours.map((c, i) => (i === k - 1 ? [c[0], 300, c[2]] : c)), fact: { verdict: 'range', initLength: k } };
    default: return { value: colours.map((c, i) => (i === k - 1 ? [c[0], c[1]] : c)), fact: { verdict: 'type', initLength: k } };
  }
}

function makeWarm(name: string, ctx: MakeContext, random: () => number): { value: unknown; fact: Fact } {
  const count = 1 + Math.floor(random() * (ctx.k + 2));
  const ok = (value: unknown): { value: unknown; fact: Fact } => ({ value, fact: { verdict: 'ok' } });
  switch (name) {
    case 'warm-near': return ok(nearColours(ctx.image, Math.min(256, count), random));
    case 'warm-far': return ok(farColours(ctx.image, Math.min(256, count)));
    case 'warm-array': return ok(triples(Math.min(256, count), random));
    case 'warm-one': return ok([[Math.floor(random() * 256), 0, 255]]);
    case 'warm-256': return ok(triples(256, random));
    case 'warm-length-4': return { value: new Float64Array(4), fact: { verdict: 'range' } };
    case 'warm-nan': return { value: Float64Array.of(1, 2, NaN), fact: { verdict: 'range' } };
    case 'warm-out-of-range': return { value: [[0, 0, 256]], fact: { verdict: 'range' } };
    case 'warm-empty': return { value: [], fact: { verdict: 'range' } };
    case 'warm-257': return { value: triples(257, random), fact: { verdict: 'range' } };
    default: return { value: [[1, 2]], fact: { verdict: 'type' } };
  }
}

function makeSample(name: string, ctx: MakeContext): { value: unknown; fact: Fact } {
  const { k, pixels } = ctx;
  const sizes: Record<string, number> = {
    'sample-k': k, 'sample-k+1': k + 1, 'sample-2k': 2 * k, 'sample-half': Math.max(k, Math.floor(pixels / 2)),
    'sample-n': Math.max(k, pixels), 'sample-huge': 1e12, 'sample-below-k': k - 1,
  };
  const size = sizes[name]!;
  return { value: size, fact: { verdict: size < 1 ? 'range' : 'ok', sampleSize: size } };
}

const FAKE_GPUS: Record<string, () => unknown> = {
  'gpu-no-adapter': () => ({ requestAdapter: async () => null }),
  'gpu-throws': () => ({ requestAdapter: async () => { throw new Error('no adapter here'); } }),
};

function makeOne(name: string, spec: Extract<OptionSpec, { make: string }>, ctx: MakeContext): { value: unknown; fact: Fact } {
  const random = rng(spec.seed);
  if (spec.make.startsWith('init-')) return makeInit(spec.make, ctx.k, random);
  if (spec.make.startsWith('warm-')) return makeWarm(spec.make, ctx, random);
  if (spec.make.startsWith('sample-')) return makeSample(spec.make, ctx);
  if (spec.make === 'controlled') return { value: ctx.signal, fact: { verdict: 'ok' } };
  if (spec.make === 'recorder') return { value: ctx.recorder, fact: { verdict: 'ok' } };
  if (spec.make === 'webgpu') return { value: 'webgpu', fact: { verdict: 'ok', needsGpu: true } };
  if (FAKE_GPUS[spec.make]) return { value: FAKE_GPUS[spec.make]!(), fact: { verdict: 'ok' } };
  throw new Error(`fuzz suite: no maker for ${name}: ${spec.make}`);
}

/** The values of a set of option specs, made for the context. */
export function makeOptions(specs: OptionSpecs, ctx: MakeContext): MadeOptions {
  const values: Record<string, unknown> = {};
  const facts: Record<string, Fact> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const made = 'make' in spec ? makeOne(name, spec, ctx) : { value: spec.v, fact: { verdict: spec.verdict } };
    values[name] = made.value;
    facts[name] = made.fact;
  }
  return { values, facts };
}

/** The k a set of specs asks for when it is valid (later specs win), else undefined. */
export function validK(...layers: OptionSpecs[]): number | undefined {
  let k: number | undefined = 16;
  for (const layer of layers) {
    const spec = layer.k;
    if (spec === undefined) continue;
    k = 'v' in spec && spec.verdict === 'ok' ? (spec.v as number) : undefined;
  }
  return k;
}

/** What a call given these options must do, by the README. */
export interface Expectation {
  /** Options (or 'input', 'palette') that are bad for sure, with the class the error must have. */
  bad: Map<string, Verdict>;
  /** Names the error may name as well (their verdict depends on a k that is itself bad). */
  maybe: Set<string>;
  /** backend 'webgpu' with every input valid: must reject with GPU_UNAVAILABLE. */
  needsGpu: boolean;
}

/** The expectation of a call from its merged option facts; `k` is the merged valid k, or undefined. */
export function expectationOf(facts: Record<string, Fact>, k: number | undefined): Expectation {
  const bad = new Map<string, Verdict>();
  const maybe = new Set<string>();
  let needsGpu = false;
  for (const [name, fact] of Object.entries(facts)) {
    if (fact.verdict !== 'ok') bad.set(name, fact.verdict);
    else if (fact.initLength !== undefined || fact.sampleSize !== undefined) {
      if (k === undefined) maybe.add(name);
      else if (fact.initLength !== undefined && fact.initLength !== k) bad.set(name, 'range');
      else if (fact.sampleSize !== undefined && fact.sampleSize < k) bad.set(name, 'range');
    }
    if (fact.needsGpu) needsGpu = true;
  }
  return { bad, maybe, needsGpu };
}
