/**
 * Minimal repros of the known defects (shrunk by the campaign, then written out by hand), run on their
 * own in fuzz.test.ts: while a defect is listed in KNOWN_DEFECTS its repro only reports; once the entry
 * goes, the repro asserts the full properties.
 */
import type { AbortSpec, FuzzCase, OptionSpecs } from './arbitraries.js';
import type { ImageSpec } from './images.js';

export interface Repro {
  /** The check it violates today (a key of KNOWN_DEFECTS). */
  check: string;
  title: string;
  case: FuzzCase;
}

const NO_ABORT: AbortSpec = { mode: 'none', delayMs: 0, atIteration: 1 };
const ok = (v: unknown) => ({ v, verdict: 'ok' as const });
const image = (spec: Partial<ImageSpec>): ImageSpec => ({ width: 4, height: 4, kind: 'noise', colours: 1, alpha: 'opaque', container: 'u8', seed: 0, ...spec });
const quantizeCase = (img: ImageSpec | { bad: 'null' | 'short-data' }, options: OptionSpecs, abort = NO_ABORT, mutate = false): FuzzCase => ({
  entry: 'quantize',
  call: { image: img, options: { signal: { make: 'controlled', seed: 0 }, ...options }, abort, mutate },
});
const THREE_BLACK_ONE_WHITE = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [255, 255, 255]];
const MINIBATCH_HUGE_BATCH = { k: ok(2), algorithm: ok('minibatch'), batchSize: ok(2 ** 24) };

export const REPROS: readonly Repro[] = [
  { check: 'palette-short', title: 'duplicated init colours: 4x4 noise, k 4, init [black x3, white], maxIterations 1 -> paletteSize 2',
    case: quantizeCase(image({}), { k: ok(4), maxIterations: ok(1), init: ok(THREE_BLACK_ONE_WHITE) }) },
  { check: 'palette-short', title: 'far warm start: 4x4 noise, k 4, warmStart [white x3, black], maxIterations 1 -> paletteSize 2',
    case: quantizeCase(image({}), { k: ok(4), maxIterations: ok(1), warmStart: ok([[255, 255, 255], [255, 255, 255], [255, 255, 255], [0, 0, 0]]) }) },
  { check: 'palette-short:sample', title: '1x9 image of 6 colours, k 4, sampleSize 4 -> paletteSize 3',
    case: quantizeCase(image({ width: 1, height: 9, kind: 'few', colours: 6 }), { k: ok(4), sampleSize: ok(4) }) },
  { check: 'palette-duplicates:minibatch', title: "4x4 noise, k 4, algorithm 'minibatch', warmStart [black x3, white] -> black twice in the palette",
    case: quantizeCase(image({}), { k: ok(4), algorithm: ok('minibatch'), warmStart: ok(THREE_BLACK_ONE_WHITE) }) },
  { check: 'palette-duplicates', title: 'pixels 10,0,0 10,1,0 11,0,0 10,0,1, k 2, init [[10,0,0], [10.3,0.3,0.3]] -> converged, palette 10,0,0 twice',
    case: quantizeCase(image({ width: 4, height: 1, pixels: [[10, 0, 0], [10, 1, 0], [11, 0, 0], [10, 0, 1]] }), { k: ok(2), init: ok([[10, 0, 0], [10.3, 0.3, 0.3]]) }) },
  { check: 'time-bound:batch-over-pixels', title: "3 pixels, k 2, 'minibatch', batchSize 2^24, tolerance 0 -> runs until the 5 s watchdog",
    case: quantizeCase(image({ width: 3, height: 1 }), { ...MINIBATCH_HUGE_BATCH, tolerance: ok(0) }) },
  { check: 'abort-latency:batch-over-pixels', title: "6x6 noise, k 32, 'minibatch', batchSize 2^24, abort at 20 ms -> settles seconds later",
    case: quantizeCase(image({ width: 6, height: 6 }), { ...MINIBATCH_HUGE_BATCH, k: ok(32) }, { mode: 'timer', delayMs: 20, atIteration: 1 }) },
  { check: 'validate-before-abort', title: 'data of the wrong length and a pre-aborted signal -> AbortError, not the RangeError',
    case: quantizeCase({ bad: 'short-data' }, {}, { mode: 'pre', delayMs: 0, atIteration: 1 }) },
  { check: 'input-snapshot', title: '1x1 image whose bytes the caller inverts right after quantize() returns -> the result is of the inverted pixel',
    case: quantizeCase(image({ width: 1, height: 1, kind: 'flat' }), {}, NO_ABORT, true) },
  { check: 'error-typed:image', title: 'quantize(null) -> plain TypeError, no code, no option, prefixed message',
    case: quantizeCase({ bad: 'null' }, {}) },
  // Found by the campaign of 2026-12-02 (10,000 cases), shrunk by fast-check: two centroids that round to one
  // byte colour left a palette entry owning no pixel.
  { check: 'palette-duplicates', title: 'a fit warm-started near the colours of a 24x6 image of 37 colours and a 1x1 one: two entries rounded to one colour',
    case: JSON.parse("{\"entry\":\"fitApply\",\"fit\":{\"images\":[{\"width\":24,\"height\":6,\"kind\":\"near\",\"colours\":37,\"alpha\":\"opaque\",\"container\":\"u8\",\"seed\":20024},{\"width\":1,\"height\":1,\"kind\":\"flat\",\"colours\":1,\"alpha\":\"opaque\",\"container\":\"u8\",\"seed\":0}],\"options\":{\"warmStart\":{\"make\":\"warm-near\",\"seed\":48100},\"signal\":{\"make\":\"controlled\",\"seed\":0}},\"abort\":{\"mode\":\"none\",\"delayMs\":0,\"atIteration\":1}},\"apply\":{\"image\":{\"width\":1,\"height\":1,\"kind\":\"flat\",\"colours\":1,\"alpha\":\"opaque\",\"container\":\"u8\",\"seed\":0},\"options\":{},\"abort\":{\"mode\":\"none\",\"delayMs\":0,\"atIteration\":1},\"mutate\":false,\"sameImage\":false,\"palette\":\"fit\"}}") as FuzzCase },
  { check: 'palette-duplicates:minibatch', title: "a 7x3 image of blocks, k 19, 'minibatch', warm start near its colours: two entries rounded to one colour",
    case: JSON.parse("{\"entry\":\"fitApply\",\"fit\":{\"images\":[{\"width\":7,\"height\":3,\"kind\":\"blocks\",\"colours\":1,\"alpha\":\"opaque\",\"container\":\"u8\",\"seed\":20117}],\"options\":{\"k\":{\"v\":19,\"verdict\":\"ok\"},\"warmStart\":{\"make\":\"warm-near\",\"seed\":0},\"algorithm\":{\"v\":\"minibatch\",\"verdict\":\"ok\"},\"signal\":{\"make\":\"controlled\",\"seed\":0}},\"abort\":{\"mode\":\"none\",\"delayMs\":0,\"atIteration\":1}},\"apply\":{\"image\":{\"width\":1,\"height\":1,\"kind\":\"flat\",\"colours\":1,\"alpha\":\"opaque\",\"container\":\"u8\",\"seed\":0},\"options\":{},\"abort\":{\"mode\":\"none\",\"delayMs\":0,\"atIteration\":1},\"mutate\":false,\"sameImage\":false,\"palette\":\"fit\"}}") as FuzzCase },
];
