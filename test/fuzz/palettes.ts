/**
 * Palettes handed to applyPalette(): the fit itself, its bytes, its colours as [r, g, b] triples, a
 * palette of the caller's own (with repeated colours, sometimes), or something that is not a palette.
 */
import type { PaletteFit } from '../../src/index.js';
import type { Verdict } from './arbitraries.js';
import { rng } from './images.js';

export interface MadePalette {
  value: unknown;
  verdict: Verdict;
  /** For a valid palette: its bytes and the centroids inertia is measured against. */
  bytes?: Uint8Array;
  centroids?: Float64Array;
}

function custom(seed: number, repeats: boolean): MadePalette {
  const random = rng(seed ^ 0x5eed);
  const count = 1 + Math.floor(random() * (random() < 0.7 ? 16 : 256));
  const colours = Array.from({ length: count }, () => [0, 0, 0].map(() => Math.floor(random() * 256)) as [number, number, number]);
  if (repeats) for (let i = 1; i < count; i += 2) colours[i] = [...colours[i - 1]!];
  const bytes = Uint8Array.from(colours.flat());
  return { value: colours, verdict: 'ok', bytes, centroids: Float64Array.from(bytes) };
}

const BAD: Record<string, () => MadePalette> = {
  empty: () => ({ value: [], verdict: 'range' }),
  'too-many': () => ({ value: Array.from({ length: 257 }, () => [1, 2, 3]), verdict: 'range' }),
  'length-4': () => ({ value: new Uint8Array(4), verdict: 'range' }),
  'component-256': () => ({ value: [[0, 0, 256]], verdict: 'range' }),
  'component-fraction': () => ({ value: [[0.5, 0, 0]], verdict: 'bad' }),
  'not-triple': () => ({ value: [[1, 2]], verdict: 'type' }),
  'centroids-short': () => ({ value: { palette: new Uint8Array(6), centroids: new Float64Array(3) }, verdict: 'bad' }),
  'centroids-nan': () => ({ value: { palette: new Uint8Array(3), centroids: Float64Array.of(NaN, 0, 0) }, verdict: 'bad' }),
  object: () => ({ value: {}, verdict: 'type' }),
  string: () => ({ value: 'palette.gpl', verdict: 'type' }),
};

/** The palette of a form; forms that need the fit fall back to the caller's own when the fit failed. */
export function paletteInput(form: string, fit: PaletteFit | undefined, seed: number): MadePalette {
  if (BAD[form]) return BAD[form]!();
  if (!fit || form === 'custom' || form === 'custom-duplicates') return custom(seed, form === 'custom-duplicates');
  const bytes = Uint8Array.from(fit.palette);
  if (form === 'fit') return { value: fit, verdict: 'ok', bytes, centroids: Float64Array.from(fit.centroids) };
  if (form === 'bytes') return { value: Uint8Array.from(bytes), verdict: 'ok', bytes, centroids: Float64Array.from(bytes) };
  const triples = Array.from({ length: bytes.length / 3 }, (_, j) => [bytes[j * 3]!, bytes[j * 3 + 1]!, bytes[j * 3 + 2]!]);
  return { value: triples, verdict: 'ok', bytes, centroids: Float64Array.from(bytes) };
}
