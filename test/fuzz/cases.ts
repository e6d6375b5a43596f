/**
 * Running a fuzz case: quantize(); a quantizer's two calls (the second warm-started) and a call after
 * destroy(); or fitPalette() then applyPalette(). Each call is judged (judge.ts) and its result checked
 * (oracle.ts) against a copy of the input taken before the call. A case whose caller overwrote its buffer
 * and that shows violations is run again without the overwrite: what only the overwrite caused is
 * reported as `input-snapshot`.
 */
import { applyPalette, createQuantizer, fitPalette, quantize, type AppliedPalette, type PaletteFit, type QuantizeResult } from '../../src/index.js';
import type { AbortSpec, CallSpec, FitApplyCase, FuzzCase, OptionSpecs, QuantizerCase } from './arbitraries.js';
import { badImageClass, renderBadImage, renderImage, snapshot, type ImageSpec, type RawImage } from './images.js';
import { judgeCall, type CallPlan, type CallReport } from './judge.js';
import { expectationOf, makeOptions, validK, type Fact, type MadeOptions } from './options-make.js';
import type { ProgressRecord, Violation } from './oracle.js';
import { validateApplied, validateFit, validateQuantize, type CallFacts } from './validate.js';
import { paletteInput } from './palettes.js';

export interface CaseReport {
  calls: CallReport[];
  violations: Violation[];
}

/** One call made ready: its input, the copy the oracle checks against, its option values and plan. */
interface Prepared {
  input: unknown;
  pristine: RawImage[] | undefined;
  made: MadeOptions;
  plan: CallPlan;
  facts: CallFacts;
}

function renderInput(image: CallSpec['image'] | ImageSpec[] | { bad: string }): { input: unknown; pristine: RawImage[] | undefined; badClass?: 'type' | 'range' | 'either' } {
  if ('bad' in image) return { input: renderBadImage(image.bad as never), pristine: undefined, badClass: badImageClass(image.bad as never) };
  if (Array.isArray(image)) {
    const inputs = image.map(renderImage);
    return { input: inputs.length === 1 ? inputs[0] : inputs, pristine: inputs.map(snapshot) };
  }
  const input = renderImage(image);
  return { input, pristine: [snapshot(input)] };
}

function invert(input: unknown): void {
  const data = (input as RawImage).data;
  for (let i = 0; i < data.length; i++) data[i] = 255 - data[i]!;
}

/** Prepares a call: renders its input, makes its options (over `inherited` facts), works out the expectation. */
function prepare(label: string, call: Omit<CallSpec, 'image'> & { image: CallSpec['image'] | ImageSpec[] }, inherited: { facts: Record<string, Fact>; values: Record<string, unknown>; specs: OptionSpecs[] }): Prepared {
  const { input, pristine, badClass } = renderInput(call.image);
  const pixels = pristine ? pristine.reduce((n, im) => n + im.width * im.height, 0) : 0;
  const k = validK(...inherited.specs, call.options);
  const controller = new AbortController();
  const progress: ProgressRecord[] = [];
  const recorder = (e: unknown): void => {
    progress.push({ ...(e as ProgressRecord) });
    if (abort.mode === 'progress' && progress.length === abort.atIteration) controller.abort();
  };
  const made = makeOptions(call.options, { k: k ?? 16, pixels, image: pristine?.[0], signal: controller.signal, recorder });
  // Without the runner's signal nothing can be aborted: no abort is scheduled.
  const abort = made.values.signal === controller.signal ? call.abort : NO_ABORT;
  const values = { ...inherited.values, ...made.values };
  const expect = expectationOf({ ...inherited.facts, ...made.facts }, k);
  if (badClass) expect.bad.set('input', badClass === 'either' ? 'bad' : badClass);
  const sampleSize = typeof values.sampleSize === 'number' ? values.sampleSize : Infinity;
  const context = { algorithm: values.algorithm, batchSize: values.batchSize ?? 1024, fitPixels: Math.min(pixels, sampleSize), sampled: sampleSize < pixels };
  const mutate = call.mutate && pristine && !Array.isArray(input) ? () => invert(input) : undefined;
  const facts: CallFacts = {
    k: k ?? 16,
    attempts: typeof values.attempts === 'number' ? values.attempts : 1,
    maxIterations: typeof values.maxIterations === 'number' ? values.maxIterations : 100,
    algorithm: values.algorithm === 'minibatch' ? 'minibatch' : 'lloyd',
    progress,
  };
  return { input, pristine, made, facts, plan: { label, expect, abort, controller, progress, mutate, context } };
}

const NONE = { facts: {}, values: {}, specs: [] };
const NO_ABORT: AbortSpec = { mode: 'none', delayMs: 0, atIteration: 1 };

async function runQuantizeCase(c: Extract<FuzzCase, { entry: 'quantize' }>): Promise<CaseReport> {
  const p = prepare('quantize', c.call, NONE);
  const judged = await judgeCall(p.plan, () => quantize(p.input as RawImage, p.made.values), (r) => validateQuantize(r, p.pristine![0]!, p.facts, 'quantize'));
  return { calls: [judged.report], violations: judged.violations };
}

/** The second call's specs: its warm start from the first result, far colours, or its own. */
function secondCall(c: QuantizerCase, first: QuantizeResult | undefined): CallSpec {
  const options = { ...c.second.options };
  if (c.second.warm === 'previous' && first) options.warmStart = { v: first.centroids, verdict: 'ok' };
  if (c.second.warm === 'far') options.warmStart = { make: 'warm-far', seed: 1 };
  return { ...c.second, image: c.second.sameImage ? c.first.image : c.second.image, options };
}

async function runQuantizerCase(c: QuantizerCase): Promise<CaseReport> {
  const firstImage = renderInput(c.first.image).pristine?.[0];
  const dk = validK(c.defaults);
  const defaults = makeOptions(c.defaults, { k: dk ?? 16, pixels: firstImage ? firstImage.width * firstImage.height : 0, image: firstImage, signal: new AbortController().signal, recorder: () => {} });
  const defaultsExpect = expectationOf(defaults.facts, dk);
  const plan: CallPlan = {
    label: 'createQuantizer', expect: { ...defaultsExpect, needsGpu: false }, abort: NO_ABORT, controller: new AbortController(), progress: [],
    context: { algorithm: undefined, batchSize: undefined, fitPixels: 0, sampled: false },
  };
  let quantizer: ReturnType<typeof createQuantizer> | undefined;
  const made = await judgeCall(plan, async () => (quantizer = createQuantizer(defaults.values)), () => []);
  if (!quantizer) return { calls: [made.report], violations: made.violations };
  const q = quantizer;
  const inherited = { facts: defaults.facts, values: defaults.values, specs: [c.defaults] };
  const calls = [made.report];
  const violations = [...made.violations];
  try {
    const p1 = prepare('quantizer.quantize #1', c.first, inherited);
    const j1 = await judgeCall(p1.plan, () => q.quantize(p1.input as RawImage, p1.made.values), (r) => validateQuantize(r, p1.pristine![0]!, p1.facts, 'quantizer #1'));
    const p2 = prepare('quantizer.quantize #2 (warm)', secondCall(c, j1.value), inherited);
    const j2 = await judgeCall(p2.plan, () => q.quantize(p2.input as RawImage, p2.made.values), (r) => validateQuantize(r, p2.pristine![0]!, p2.facts, 'quantizer #2'));
    calls.push(j1.report, j2.report);
    violations.push(...j1.violations, ...j2.violations);
  } finally {
    q.destroy();
  }
  const after = await q.quantize(renderImage({ width: 2, height: 1, kind: 'noise', colours: 1, alpha: 'opaque', container: 'u8', seed: 1 })).then(() => 'resolved', (e: unknown) => (e as { code?: string }).code);
  if (after !== 'INVALID_STATE') violations.push({ check: 'destroyed-quantizer', detail: `a call after destroy() gave ${after}, want INVALID_STATE` });
  return { calls, violations };
}

async function runFitApplyCase(c: FitApplyCase): Promise<CaseReport> {
  const pf = prepare('fitPalette', { ...c.fit, image: c.fit.images, mutate: false }, NONE);
  const jf = await judgeCall(pf.plan, () => fitPalette(pf.input as RawImage, pf.made.values), (fit) => validateFit(fit, pf.pristine!, pf.facts, 'fitPalette'));
  const sameImage = c.apply.sameImage && Array.isArray(c.fit.images);
  const applySpec = { ...c.apply, image: sameImage ? (c.fit.images as ImageSpec[])[0]! : c.apply.image };
  const pa = prepare('applyPalette', applySpec, NONE);
  const palette = paletteInput(c.apply.palette, jf.value as PaletteFit | undefined, 'seed' in applySpec.image ? applySpec.image.seed : 7);
  if (palette.verdict !== 'ok') pa.plan.expect.bad.set('palette', palette.verdict);
  const ja = await judgeCall(pa.plan, () => applyPalette(pa.input as RawImage, palette.value as Uint8Array, pa.made.values), (applied) => validateApplied(applied, pa.pristine![0]!, palette, 'applyPalette'));
  const violations = [...jf.violations, ...ja.violations];
  if (sameImage && (c.fit.images as ImageSpec[]).length === 1 && c.apply.palette === 'fit' && !c.apply.mutate && jf.value && ja.value && violations.length === 0) {
    violations.push(...(await sameAsQuantize(pa.input as RawImage, pf.made.values, ja.value)));
  }
  return { calls: [jf.report, ja.report], violations };
}

/** README: quantize() is exactly a fit followed by an apply on the same image (same palette, labels and image). */
async function sameAsQuantize(image: RawImage, fitOptions: Record<string, unknown>, applied: AppliedPalette): Promise<Violation[]> {
  const { signal: _s, onProgress: _p, ...options } = fitOptions;
  const r = await quantize(image, options).catch((e: unknown) => e as Error);
  if (r instanceof Error) return [{ check: 'quantize-equals-fit-apply', detail: `quantize() rejected where fitPalette + applyPalette resolved: ${r.message}` }];
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);
  const differs = (['palette', 'labels', 'image'] as const).filter((f) => !same(r[f], applied[f]));
  return differs.length ? [{ check: 'quantize-equals-fit-apply', detail: `quantize() and fitPalette + applyPalette differ in ${differs.join(', ')}` }] : [];
}

function runOnce(c: FuzzCase): Promise<CaseReport> {
  if (c.entry === 'quantize') return runQuantizeCase(c);
  if (c.entry === 'quantizer') return runQuantizerCase(c);
  return runFitApplyCase(c);
}

function withoutMutation(c: FuzzCase): FuzzCase {
  if (c.entry === 'quantize') return { ...c, call: { ...c.call, mutate: false } };
  if (c.entry === 'quantizer') return { ...c, first: { ...c.first, mutate: false }, second: { ...c.second, mutate: false } };
  return { ...c, apply: { ...c.apply, mutate: false } };
}

function mutates(c: FuzzCase): boolean {
  if (c.entry === 'quantize') return c.call.mutate;
  if (c.entry === 'quantizer') return c.first.mutate || c.second.mutate;
  return c.apply.mutate;
}

const TIMING = new Set(['time-bound', 'abort-latency', 'hang']);

/** Runs a case; violations that only the caller's overwrite caused become `input-snapshot`. */
export async function runCase(c: FuzzCase): Promise<CaseReport> {
  const report = await runOnce(c);
  if (!mutates(c) || report.violations.length === 0) return report;
  const clean = new Set((await runOnce(withoutMutation(c))).violations.map((v) => v.check));
  const violations = report.violations.map((v) =>
    clean.has(v.check) || TIMING.has(v.check.split(':')[0]!) ? v : { check: 'input-snapshot', detail: `${v.check} only when the caller overwrites its buffer after the call: ${v.detail}` },
  );
  return { ...report, violations };
}
