/**
 * Running one library call under the suite's rules and judging how it ended: the abort schedule, a
 * watchdog at the time bound, the caller overwriting its buffer, and the verdict on the outcome (a valid
 * result, a typed error naming the bad option, an AbortError for an abort), with the time it took.
 */
import type { AbortSpec, Verdict } from './arbitraries.js';
import type { Expectation } from './options-make.js';
import type { ProgressRecord, Violation } from './oracle.js';

/** Every call must settle within this many milliseconds (the watchdog aborts it then). */
export const CALL_BOUND_MS = 5000;
/** After its signal fires, a call must settle within this many milliseconds. */
export const ABORT_LATENCY_MS = 1000;
/** A call still pending this long after the bound is given up on as hung. */
const HANG_GRACE_MS = 15_000;

/** How one call ended, for the campaign's counts. */
export interface CallReport {
  label: string;
  outcome: 'resolved' | 'rejected' | 'hung' | 'threw';
  /** The error's code ('ABORTED' for an AbortError), 'untyped <name>' without one; '' when resolved. */
  code: string;
  ms: number;
  /** The error's message, when it rejected. */
  message?: string;
}

/** What the judge needs to know of a call besides the function to call. */
export interface CallPlan {
  label: string;
  expect: Expectation;
  abort: AbortSpec;
  controller: AbortController;
  progress: ProgressRecord[];
  /** Called right after the call returned its promise (the caller reuses its buffer). */
  mutate?: () => void;
  /** What the time and palette checks are attributed by (see qualify()). */
  context: { algorithm: unknown; batchSize: unknown; fitPixels: number; sampled: boolean };
}

export interface Judged<T> {
  value?: T;
  report: CallReport;
  violations: Violation[];
}

/** Names an error may use for a bad image or a bad palette, besides the option names. */
const ALIASES: Record<string, readonly string[]> = {
  input: ['input', 'image', 'data', 'width', 'height', 'inputs'],
  palette: ['palette'],
};

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function codeOf(error: unknown): string {
  if (isAbort(error)) return 'ABORTED';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : `untyped ${(error as { name?: string } | null)?.name ?? typeof error}`;
}

/** The option an error names: `option "k"` -> k, `palette[0][1]` -> palette, 'k' -> k. */
export function optionRoot(option: unknown): string | undefined {
  if (typeof option !== 'string') return undefined;
  const quoted = /^option "([^"]*)"/.exec(option);
  return (quoted ? quoted[1]! : option).split(/[[.]/)[0];
}

function namedBad(root: string | undefined, expect: Expectation): { name: string; verdict: Verdict | undefined } | undefined {
  if (root === undefined) return undefined;
  for (const [name, verdict] of expect.bad) if ((ALIASES[name] ?? [name]).includes(root)) return { name, verdict };
  return expect.maybe.has(root) ? { name: root, verdict: undefined } : undefined;
}

/**
 * A rejection for bad input: a TypeError or RangeError (`error-class`) with a `code`, an `option` naming a
 * bad input and a message without the prefix (`error-typed`; `:image` when the image is the only bad input).
 */
export function checkTypedError(error: unknown, expect: Expectation, where: string): Violation[] {
  const q = expect.bad.size === 1 && expect.bad.has('input') ? ':image' : '';
  const e = error as { code?: unknown; option?: unknown; message?: unknown; name?: unknown };
  const what = `${where}: ${String(e?.name)} ${JSON.stringify(String(e?.message))} (bad: ${[...expect.bad.keys()].join(', ')})`;
  if (!(error instanceof TypeError || error instanceof RangeError)) return [{ check: `error-class${q}`, detail: what }];
  const problems: string[] = [];
  if (typeof e.code !== 'string') problems.push('no code');
  const named = namedBad(optionRoot(e.option), expect);
  if (!named) problems.push(`option ${JSON.stringify(e.option)} names no bad input`);
  if (String(e.message).startsWith('kmeans-quantizer: ')) problems.push('message has the prefix');
  const out: Violation[] = problems.length > 0 ? [{ check: `error-typed${q}`, detail: `${what}: ${problems.join('; ')}` }] : [];
  const cls = error instanceof TypeError ? 'type' : 'range';
  if (named?.verdict && named.verdict !== 'bad' && named.verdict !== cls) out.push({ check: `error-class${q}`, detail: `${what}: want a ${named.verdict} error` });
  return out;
}

/** The check names of the known defects are narrow: attribute a violation by what the call did. */
function qualify(v: Violation, plan: CallPlan): Violation {
  const { algorithm, batchSize, fitPixels, sampled } = plan.context;
  if (v.check === 'palette-short' && sampled) return { ...v, check: 'palette-short:sample' };
  if (v.check === 'palette-duplicates' && algorithm === 'minibatch') return { ...v, check: 'palette-duplicates:minibatch' };
  const overBatch = algorithm === 'minibatch' && typeof batchSize === 'number' && batchSize > fitPixels;
  if ((v.check === 'time-bound' || v.check === 'abort-latency') && overBatch) return { ...v, check: `${v.check}:batch-over-pixels` };
  return v;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown } | { hung: true };

/**
 * Schedules the case's abort and the watchdog. A timer's abort counts from when it was due, not from when
 * the event loop got round to it: a call that blocks the loop delays the abort itself.
 */
function scheduleAbort(plan: CallPlan, start: number, fired: (at: number) => void): () => void {
  const { controller, abort } = plan;
  controller.signal.addEventListener('abort', () => fired(performance.now()), { once: true });
  const at = (due: number, reason?: unknown) => () => {
    fired(Math.min(start + due, performance.now())); // Node may run a timer a fraction of a millisecond early
    controller.abort(reason);
  };
  const watchdog = setTimeout(at(CALL_BOUND_MS, new Error('fuzz watchdog: past the time bound')), CALL_BOUND_MS);
  const timer = abort.mode === 'timer' ? setTimeout(at(abort.delayMs), abort.delayMs) : undefined;
  if (abort.mode === 'microtask') queueMicrotask(() => controller.abort());
  return () => {
    clearTimeout(watchdog);
    clearTimeout(timer);
  };
}

async function settle<T>(invoke: () => Promise<T>, plan: CallPlan): Promise<{ settled: Settled<T>; threw: boolean }> {
  let promise: Promise<T>;
  try {
    promise = invoke();
  } catch (error) {
    return { settled: { ok: false, error }, threw: true };
  }
  plan.mutate?.();
  let hang: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    promise.then((value): Settled<T> => ({ ok: true, value }), (error: unknown): Settled<T> => ({ ok: false, error })),
    new Promise<Settled<T>>((resolve) => (hang = setTimeout(() => resolve({ hung: true }), CALL_BOUND_MS + HANG_GRACE_MS))),
  ]);
  clearTimeout(hang);
  return { settled, threw: false };
}

/** The verdict on how a call ended, against what the README says it must do. */
function judgeOutcome<T>(settled: Settled<T>, plan: CallPlan, abortedBefore: boolean, validate: (value: T) => Violation[]): Violation[] {
  const { expect, label } = plan;
  if ('hung' in settled) return [{ check: 'hang', detail: `${label}: still pending ${CALL_BOUND_MS + HANG_GRACE_MS} ms after it began` }];
  const error = settled.ok ? undefined : settled.error;
  const what = settled.ok ? 'resolved' : `${codeOf(error)}: ${String((error as Error)?.message ?? error)}`;
  if (expect.bad.size > 0) {
    const out = plan.progress.length > 0 ? [{ check: 'work-before-validation', detail: `${label}: ${plan.progress.length} progress events before rejecting bad input` }] : [];
    if (settled.ok) return [...out, { check: 'accepts-bad-input', detail: `${label}: resolved with bad ${[...expect.bad.keys()].join(', ')}` }];
    if (isAbort(error)) return [...out, { check: 'validate-before-abort', detail: `${label}: AbortError hides bad ${[...expect.bad.keys()].join(', ')}` }];
    return [...out, ...checkTypedError(error, expect, label)];
  }
  if (plan.abort.mode === 'pre') {
    return settled.ok || !isAbort(error) ? [{ check: 'abort-ignored', detail: `${label}: pre-aborted signal, got ${what}` }] : [];
  }
  if (!settled.ok && isAbort(error)) return abortedBefore ? [] : [{ check: 'spurious-abort', detail: `${label}: AbortError without an abort` }];
  if (expect.needsGpu) return codeOf(error) === 'GPU_UNAVAILABLE' ? [] : [{ check: 'webgpu-without-gpu', detail: `${label}: backend 'webgpu' in Node gave ${what}` }];
  if (!settled.ok) return [{ check: 'unexpected-error', detail: `${label}: ${what}` }];
  return validate(settled.value);
}

/** Runs one call under the plan and judges it; `validate` checks a resolved value. */
export async function judgeCall<T>(plan: CallPlan, invoke: () => Promise<T>, validate: (value: T) => Violation[]): Promise<Judged<T>> {
  let firedAt: number | undefined;
  if (plan.abort.mode === 'pre') plan.controller.abort();
  const start = performance.now();
  const stop = scheduleAbort(plan, start, (at) => (firedAt ??= at));
  if (plan.controller.signal.aborted) firedAt = start;
  const { settled, threw } = await settle(invoke, plan);
  const end = performance.now();
  stop();
  const violations = judgeOutcome(settled, plan, firedAt !== undefined && firedAt <= end, validate);
  if (threw) violations.push({ check: 'sync-throw', detail: `${plan.label}: threw instead of returning a rejected promise` });
  if (end - start > CALL_BOUND_MS) violations.push({ check: 'time-bound', detail: `${plan.label}: ${Math.round(end - start)} ms > ${CALL_BOUND_MS} ms` });
  if (firedAt !== undefined && end - firedAt > ABORT_LATENCY_MS) {
    violations.push({ check: 'abort-latency', detail: `${plan.label}: settled ${Math.round(end - firedAt)} ms after the abort (> ${ABORT_LATENCY_MS} ms)` });
  }
  const outcome = 'hung' in settled ? 'hung' : threw ? 'threw' : settled.ok ? 'resolved' : 'rejected';
  const code = 'hung' in settled || settled.ok ? '' : codeOf(settled.error);
  return {
    value: 'hung' in settled || !settled.ok ? undefined : settled.value,
    report: { label: plan.label, outcome, code, ms: end - start, ...(code ? { message: String((settled as { error?: Error }).error?.message) } : {}) },
    violations: violations.map((v) => qualify(v, plan)),
  };
}
