/**
 * Properties that fail today because of defects being fixed elsewhere. The fuzz suite checks every
 * property on every case; a violation whose check name is listed here is counted and reported but does
 * not fail `npm test`. Empty this list (or remove one entry) once the fix has landed: the seeded run then
 * asserts the full property again.
 *
 * Each key is a check name the oracle (oracle.ts, runner.ts) or the CLI table (test/cli-bad-input.test.ts)
 * reports. Keys are narrow on purpose (a qualifier after ':' says when the check is attributed to the
 * defect), so that a listed defect masks as little as possible.
 */
export interface KnownDefect {
  /** What the reliability issue says (or, for source 'campaign', what the fuzz campaign found). */
  issue: string;
  /** 'issue': listed in the project's reliability issue; 'campaign': found by this fuzz campaign. */
  source: 'issue' | 'campaign';
}

// Empty: every defect once listed here has been fixed (the reliability issue's defects 1-6 and 8, and the
// campaign's untyped image errors and truncated-JPEG message); the seeded run asserts every property.
export const KNOWN_DEFECTS: ReadonlyMap<string, KnownDefect> = new Map<string, KnownDefect>([]);

/** Whether a check name is a listed known defect (its violations are reported, not asserted). */
export function isKnownDefect(check: string): boolean {
  return KNOWN_DEFECTS.has(check);
}

/** Every check name the library suite reports (oracle.ts, validate.ts, judge.ts, cases.ts). */
export const CHECK_NAMES: ReadonlySet<string> = new Set([
  // results (oracle.ts, validate.ts)
  'shape', 'finite', 'palette-rounding', 'palette-duplicates', 'palette-duplicates:minibatch', 'palette-short', 'palette-short:sample',
  'palette-long', 'exact-palette', 'result-fields', 'labels-range', 'labels-nearest', 'image-painted', 'image-alpha', 'metrics-mse',
  'metrics-psnr', 'metrics-inertia', 'progress', 'apply-palette', 'quantize-equals-fit-apply', 'alpha-palette',
  // how a call ended (judge.ts)
  'error-class', 'error-class:image', 'error-typed', 'error-typed:image', 'accepts-bad-input', 'validate-before-abort',
  'work-before-validation', 'abort-ignored', 'spurious-abort', 'webgpu-without-gpu', 'unexpected-error', 'hang', 'sync-throw',
  'time-bound', 'time-bound:batch-over-pixels', 'abort-latency', 'abort-latency:batch-over-pixels',
  // cases (cases.ts)
  'destroyed-quantizer', 'input-snapshot',
]);
