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

export const KNOWN_DEFECTS: ReadonlyMap<string, KnownDefect> = new Map<string, KnownDefect>([
  ['palette-short', {
    source: 'issue',
    issue: 'palette shorter than k after empty-cluster re-seeding (Lloyd and mini-batch, duplicated init colours, far warm starts): paletteSize < min(k, distinct colours)',
  }],
  ['palette-short:sample', {
    source: 'issue',
    issue: 'sampleSize near k gives a short palette (the sample holds fewer than k distinct colours): paletteSize < min(k, distinct colours of the image)',
  }],
  ['palette-duplicates:minibatch', {
    source: 'issue',
    issue: "mini-batch duplicate palette entries: algorithm 'minibatch' returns the same RGB colour twice in one palette",
  }],
  ['time-bound:batch-over-pixels', {
    source: 'issue',
    issue: 'batchSize not capped by pixel count (slow, late aborts): a mini-batch run with batchSize far above the fitted pixels runs past the time bound',
  }],
  ['abort-latency:batch-over-pixels', {
    source: 'issue',
    issue: 'batchSize not capped by pixel count (slow, late aborts): one oversized batch runs between two abort checks, so an abort lands late',
  }],
  ['validate-before-abort', {
    source: 'issue',
    issue: 'a pre-aborted signal hides a bad image: the call rejects with an AbortError instead of the TypeError/RangeError (validate input first)',
  }],
  ['input-snapshot', {
    source: 'issue',
    issue: "the caller's buffer is read after quantize() returns its promise: overwriting the image data right after the call changes the result",
  }],
  ['error-typed:image', {
    source: 'campaign',
    issue: "bad images reject with plain TypeError/RangeError from src/image.ts: no code (README: INVALID_IMAGE), no option naming the input, and a message starting 'kmeans-quantizer: ' (README: messages carry no prefix). Repro: await quantize(null) -> TypeError 'kmeans-quantizer: input must be an image ...', errorCode() undefined",
  }],
  ['palette-duplicates', {
    source: 'campaign',
    issue: 'a converged Lloyd fit can return two palette entries with the same bytes (two centroids within rounding of each other, e.g. 10,0,0 and 10.33,0.33,0.33), so one entry is never used although the image has more colours. Repro: pixels (10,0,0) (10,1,0) (11,0,0) (10,0,1), k 2, init [[10,0,0],[10.3,0.3,0.3]] -> palette 10,0,0 twice. Fix in the library, or document it and drop this check for Lloyd',
  }],
  // The CLI bad-input table (test/cli-bad-input.test.ts).
  ['cli:truncated-png-message', {
    source: 'issue',
    issue: "a truncated PNG's message names a library internal: 'kmeans-quantizer: cannot decode PNG \"x.png\": There are some read requests waitng on finished stream' (pngjs's words); it should say the file is truncated or corrupt",
  }],
  ['cli:truncated-jpeg-message', {
    source: 'campaign',
    issue: "a truncated JPEG's message is jpeg-js's: 'cannot decode JPEG \"x.jpg\": marker was not found'; it should say the file is truncated or corrupt",
  }],
  ['cli:same-input-output', {
    source: 'issue',
    issue: '-o equal to the input (also spelt differently, sub/../photo.png) overwrites the input with the quantized image and exits 0; it should refuse (exit 1 or 2, one line naming the input) and leave the file alone',
  }],
]);

/** Whether a check name is a listed known defect (its violations are reported, not asserted). */
export function isKnownDefect(check: string): boolean {
  return KNOWN_DEFECTS.has(check);
}

/** Every check name the library suite reports (oracle.ts, validate.ts, judge.ts, cases.ts). */
export const CHECK_NAMES: ReadonlySet<string> = new Set([
  // results (oracle.ts, validate.ts)
  'shape', 'finite', 'palette-rounding', 'palette-duplicates', 'palette-duplicates:minibatch', 'palette-short', 'palette-short:sample',
  'palette-long', 'exact-palette', 'result-fields', 'labels-range', 'labels-nearest', 'image-painted', 'image-alpha', 'metrics-mse',
  'metrics-psnr', 'metrics-inertia', 'progress', 'apply-palette', 'quantize-equals-fit-apply',
  // how a call ended (judge.ts)
  'error-class', 'error-class:image', 'error-typed', 'error-typed:image', 'accepts-bad-input', 'validate-before-abort',
  'work-before-validation', 'abort-ignored', 'spurious-abort', 'webgpu-without-gpu', 'unexpected-error', 'hang', 'sync-throw',
  'time-bound', 'time-bound:batch-over-pixels', 'abort-latency', 'abort-latency:batch-over-pixels',
  // cases (cases.ts)
  'destroyed-quantizer', 'input-snapshot',
]);
