/**
 * The fuzz cases: which entry point, which images, which options (each value tagged with the verdict the
 * README gives it: valid, a TypeError, a RangeError, or either), when to abort and whether the caller
 * overwrites its buffer right after the call. Values that depend on others (init colours need k, a
 * sample size is relative to k) are specs that the runner makes once k is known (options-make.ts).
 */
import fc from 'fast-check';
import { badImageArb, imageSpecArb, type BadImage, type ImageSpec } from './images.js';

/** What the README says of a value: valid, or rejected as a TypeError, a RangeError, or either. */
export type Verdict = 'ok' | 'type' | 'range' | 'bad';

/** A literal option value with its verdict, or a value the runner makes (see options-make.ts). */
export type OptionSpec = { v: unknown; verdict: Verdict } | { make: string; seed: number };

export type OptionSpecs = Record<string, OptionSpec>;

/** When the call's signal fires: never, before the call, at a timer, in a microtask, at an iteration. */
export interface AbortSpec {
  mode: 'none' | 'pre' | 'timer' | 'microtask' | 'progress';
  delayMs: number;
  atIteration: number;
}

export interface CallSpec {
  image: ImageSpec | { bad: BadImage };
  options: OptionSpecs;
  abort: AbortSpec;
  /** Overwrite the caller's image bytes right after the call returns its promise. */
  mutate: boolean;
}

export interface QuantizeCase { entry: 'quantize'; call: CallSpec }
export interface QuantizerCase {
  entry: 'quantizer';
  defaults: OptionSpecs;
  first: CallSpec;
  /** The second call: the same image or another; its warm start from the first result, far colours, or none. */
  second: CallSpec & { sameImage: boolean; warm: 'previous' | 'far' | 'none' };
}
export interface FitApplyCase {
  entry: 'fitApply';
  /** fitPalette over one image or several pooled (a bad input in place of the list, sometimes). */
  fit: { images: ImageSpec[] | { bad: BadImage }; options: OptionSpecs; abort: AbortSpec };
  apply: CallSpec & { sameImage: boolean; palette: string };
}
export type FuzzCase = QuantizeCase | QuantizerCase | FitApplyCase;

const lit = (verdict: Verdict, ...values: unknown[]): fc.Arbitrary<OptionSpec> => fc.constantFrom(...values).map((v) => ({ v, verdict }));
const litArb = (verdict: Verdict, arb: fc.Arbitrary<unknown>): fc.Arbitrary<OptionSpec> => arb.map((v) => ({ v, verdict }));
const make = (...names: string[]): fc.Arbitrary<OptionSpec> =>
  fc.record({ make: fc.constantFrom(...names), seed: fc.integer({ min: 0, max: 0xffff }) });

/** `arb` once in `odds + 1` draws, else undefined. */
function rarely<T>(arb: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** Wrong JavaScript types: always a TypeError. */
const WRONG_TYPES = ['16', null, true, {}, [], 10n];
/** NaN and the infinities: a TypeError or a RangeError (the README leaves the class open). */
const NON_FINITE = [NaN, Infinity, -Infinity];

/** Mostly valid values, sometimes a wrong type, a non-finite number or a value out of range. */
function option(valid: fc.Arbitrary<OptionSpec>, range: unknown[], validWeight = 120): fc.Arbitrary<OptionSpec> {
  const arms = [
    { weight: validWeight, arbitrary: valid },
    { weight: 1, arbitrary: lit('type', ...WRONG_TYPES) },
    { weight: 1, arbitrary: lit('bad', ...NON_FINITE) },
  ];
  if (range.length > 0) arms.push({ weight: 1, arbitrary: lit('range', ...range) });
  return fc.oneof(...arms);
}

const kValid = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 32 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 256 }) },
  { weight: 1, arbitrary: fc.constant(256) },
);

/** The per-call engine options (every row of OPTIONS with scope 'call' except signal and onProgress). */
const engineOptionArbs = {
  k: option(litArb('ok', kValid), [0, -1, 257, 2.5, 1e9]),
  maxIterations: option(fc.oneof(litArb('ok', fc.integer({ min: 1, max: 5 })), litArb('ok', fc.integer({ min: 1, max: 50 })), lit('ok', 100, 1_000_000)), [0, -3, 1.5]),
  tolerance: option(fc.oneof(lit('ok', 0, 0.25, 1e-9, 255, 1e6, Number.MIN_VALUE), litArb('ok', fc.double({ min: 0, max: 10, noNaN: true }))), [-1, -1e-9]),
  seed: option(fc.oneof(litArb('ok', fc.integer()), lit('ok', 0, 2 ** 53 - 1, -(2 ** 53 - 1))), [0.5, 2 ** 53, -(2 ** 60)]),
  init: fc.oneof(
    { weight: 48, arbitrary: lit('ok', 'kmeans++', 'random') },
    { weight: 24, arbitrary: make('init-colours', 'init-duplicates') },
    { weight: 1, arbitrary: make('init-length+1', 'init-length-1', 'init-empty', 'init-out-of-range', 'init-not-triple') },
    { weight: 1, arbitrary: lit('type', 'kmeans', 'k-means++', 5, null, {}) },
  ),
  warmStart: fc.oneof(
    { weight: 50, arbitrary: make('warm-near', 'warm-far', 'warm-array', 'warm-one', 'warm-256') },
    { weight: 1, arbitrary: make('warm-length-4', 'warm-nan', 'warm-out-of-range', 'warm-empty', 'warm-257', 'warm-not-triple') },
    { weight: 1, arbitrary: lit('type', 'previous', 5, null, new Uint8Array(3)) },
  ),
  algorithm: fc.oneof({ weight: 60, arbitrary: lit('ok', 'lloyd', 'lloyd', 'minibatch') }, { weight: 1, arbitrary: lit('type', 'kmeans', 'LLOYD', 3, null) }),
  batchSize: option(fc.oneof(
    { weight: 6, arbitrary: litArb('ok', fc.integer({ min: 1, max: 64 })) },
    { weight: 6, arbitrary: litArb('ok', fc.integer({ min: 1, max: 4096 })) },
    { weight: 1, arbitrary: lit('ok', 2 ** 24, 1_000_000) },
  ), [0, -1, 2 ** 24 + 1, 1.5]),
  attempts: option(litArb('ok', fc.integer({ min: 1, max: 3 })), [0, 1001, 1.5, -2]),
  sampleSize: fc.oneof(
    { weight: 50, arbitrary: make('sample-k', 'sample-k+1', 'sample-2k', 'sample-half', 'sample-n', 'sample-huge') },
    { weight: 1, arbitrary: make('sample-below-k') },
    { weight: 1, arbitrary: lit('range', 0, -5, 2.5) },
    { weight: 1, arbitrary: lit('type', '100', null, NaN) },
  ),
  backend: fc.oneof({ weight: 60, arbitrary: lit('ok', 'cpu', 'auto') }, { weight: 1, arbitrary: make('webgpu') }, { weight: 1, arbitrary: lit('type', 'gpu', 'CPU', 0, null) }),
  threads: option(lit('ok', 1, 2, 3, 64), [0, 65, 1.5]),
};

/** Options of one call: each row present with some probability, plus a rare unknown name. */
function optionsArb(arbs: Record<string, fc.Arbitrary<OptionSpec>>, presence = 3): fc.Arbitrary<OptionSpecs> {
  const entries = Object.entries(arbs).map(([name, arb]) => fc.option(arb, { freq: presence, nil: undefined }).map((spec) => [name, spec] as const));
  const unknown = rarely(fc.constantFrom('kk', 'maxIteration', 'Tolerance', 'iterations'), 60);
  return fc.tuple(fc.tuple(...entries), unknown).map(([pairs, typo]) => {
    const out: OptionSpecs = {};
    for (const [name, spec] of pairs) if (spec !== undefined) out[name] = spec;
    if (typo !== undefined) out[typo] = { v: 5, verdict: 'type' };
    return out;
  });
}

/** The options of createQuantizer() and of a one-shot call that are not per call (gpu, maxChunkPixels, ...). */
const quantizerOptionArbs = {
  gpuIterateOn: fc.oneof({ weight: 30, arbitrary: lit('ok', 'colours', 'pixels') }, { weight: 1, arbitrary: lit('type', 'gpu', 1) }),
  maxChunkPixels: fc.oneof({ weight: 30, arbitrary: lit('ok', 256, 65536) }, { weight: 1, arbitrary: lit('range', 100, 0) }, { weight: 1, arbitrary: lit('type', 'big') }),
  gpu: fc.oneof({ weight: 30, arbitrary: make('gpu-no-adapter', 'gpu-throws') }, { weight: 1, arbitrary: lit('type', {}, 'navigator.gpu') }),
};

/**
 * The signal is nearly always the runner's (so that its watchdog can stop a call at the time bound); a
 * call without one can't be stopped, and aborts are then not scheduled.
 */
const signalArb = fc.oneof(
  { weight: 40, arbitrary: make('controlled') },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: lit('type', {}, 'signal', 5) },
);

const callRowsArb = fc
  .tuple(
    optionsArb({ ...engineOptionArbs, onProgress: fc.oneof({ weight: 60, arbitrary: make('recorder') }, { weight: 1, arbitrary: lit('type', 'log', 5, {}) }) }),
    signalArb,
  )
  .map(([rows, signal]): OptionSpecs => (signal ? { ...rows, signal } : rows));

/** One-shot options: the call's rows, and rarely a quantizer-level one (valid there). */
const oneShotOptionsArb = fc
  .tuple(callRowsArb, rarely(optionsArb(quantizerOptionArbs, 2), 8))
  .map(([call, own]) => ({ ...own, ...call }));

/** Options of one quantizer.quantize() call: the call's rows, and rarely a quantizer-level one (misplaced). */
const quantizerCallOptionsArb = fc
  .tuple(callRowsArb, rarely(fc.constantFrom('gpuIterateOn', 'maxChunkPixels'), 40))
  .map(([call, misplaced]) => (misplaced ? { ...call, [misplaced]: { v: misplaced === 'gpuIterateOn' ? 'pixels' : 256, verdict: 'type' as const } } : call));

export const abortArb: fc.Arbitrary<AbortSpec> = fc.record({
  mode: fc.oneof({ weight: 12, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('pre' as const, 'timer' as const, 'microtask' as const, 'progress' as const) }),
  delayMs: fc.integer({ min: 0, max: 40 }),
  atIteration: fc.integer({ min: 1, max: 6 }),
});

const imageOrBad = fc.oneof({ weight: 30, arbitrary: imageSpecArb }, { weight: 1, arbitrary: badImageArb.map((bad) => ({ bad })) });
const mutateArb = fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

function callArb(options: fc.Arbitrary<OptionSpecs>): fc.Arbitrary<CallSpec> {
  return fc.record({ image: imageOrBad, options, abort: abortArb, mutate: mutateArb });
}

const quantizeCaseArb: fc.Arbitrary<FuzzCase> = callArb(oneShotOptionsArb).map((call) => ({ entry: 'quantize' as const, call }));

const quantizerCaseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    defaults: optionsArb(engineOptionArbs, 6),
    first: callArb(quantizerCallOptionsArb),
    second: fc.tuple(callArb(quantizerCallOptionsArb), fc.boolean(), fc.constantFrom('previous' as const, 'previous' as const, 'far' as const, 'none' as const)),
  })
  .map(({ defaults, first, second: [call, sameImage, warm] }) => ({ entry: 'quantizer' as const, defaults, first, second: { ...call, sameImage, warm } }));

const PALETTE_FORMS = ['fit', 'fit', 'bytes', 'triples', 'custom', 'custom-duplicates'];
const BAD_PALETTES = ['empty', 'too-many', 'length-4', 'component-256', 'component-fraction', 'not-triple', 'centroids-short', 'centroids-nan', 'object', 'string'];

const applyOptionsArb: fc.Arbitrary<OptionSpecs> = fc
  .tuple(
    optionsArb({ backend: engineOptionArbs.backend, threads: engineOptionArbs.threads, signal: fc.constant({ make: 'controlled', seed: 0 }) }, 2),
    rarely(fc.constantFrom('k', 'seed', 'onProgress'), 30),
  )
  .map(([o, misplaced]) => (misplaced ? { ...o, [misplaced]: { v: misplaced === 'onProgress' ? 'recorder' : 4, verdict: 'type' as const } } : o));

const fitApplyCaseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    images: fc.oneof({ weight: 20, arbitrary: fc.array(imageSpecArb, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: badImageArb.map((bad) => ({ bad })) }),
    fitOptions: oneShotOptionsArb,
    fitAbort: abortArb,
    apply: callArb(applyOptionsArb),
    sameImage: fc.boolean(),
    palette: fc.oneof({ weight: 16, arbitrary: fc.constantFrom(...PALETTE_FORMS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_PALETTES) }),
  })
  .map(({ images, fitOptions, fitAbort, apply, sameImage, palette }) => ({
    entry: 'fitApply' as const,
    fit: { images, options: fitOptions, abort: fitAbort },
    apply: { ...apply, sameImage, palette },
  }));

/** Most mini-batches a case asks for: beyond this a mini-batch call's legitimate work passes the time bound. */
export const MAX_MINIBATCH_ITERATIONS = 200;

function capIterations(layers: OptionSpecs[]): OptionSpecs[] {
  const mini = layers.some((o) => { const a = o.algorithm; return a !== undefined && 'v' in a && a.v === 'minibatch'; });
  if (!mini) return layers;
  return layers.map((o) => {
    const m = o.maxIterations;
    return m && 'v' in m && m.verdict === 'ok' && (m.v as number) > MAX_MINIBATCH_ITERATIONS ? { ...o, maxIterations: { v: MAX_MINIBATCH_ITERATIONS, verdict: 'ok' } } : o;
  });
}

/** Keeps every case's requested work within the time bound (see MAX_MINIBATCH_ITERATIONS). */
function boundWork(c: FuzzCase): FuzzCase {
  if (c.entry === 'quantize') return { ...c, call: { ...c.call, options: capIterations([c.call.options])[0]! } };
  if (c.entry === 'fitApply') return { ...c, fit: { ...c.fit, options: capIterations([c.fit.options])[0]! } };
  const [defaults, first, second] = capIterations([c.defaults, c.first.options, c.second.options]);
  return { ...c, defaults: defaults!, first: { ...c.first, options: first! }, second: { ...c.second, options: second! } };
}

/** Every case: a one-shot quantize(), a quantizer's two calls with a warm start, or fitPalette then applyPalette. */
export const caseArb: fc.Arbitrary<FuzzCase> = fc
  .oneof({ weight: 3, arbitrary: quantizeCaseArb }, { weight: 2, arbitrary: quantizerCaseArb }, { weight: 2, arbitrary: fitApplyCaseArb })
  .map(boundWork);

/** Palette forms that are bad input to applyPalette(). */
export const BAD_PALETTE_FORMS: ReadonlySet<string> = new Set(BAD_PALETTES);
