/**
 * The checks of each kind of result (QuantizeResult, PaletteFit, AppliedPalette), put together from the
 * oracle's named checks.
 */
import type { AppliedPalette, PaletteFit, QuantizeResult } from '../../src/index.js';
import type { RawImage } from './images.js';
import { checkLabels, checkMetrics, checkPainted, checkPalette, checkPaletteSize, checkProgress, histogram, type ProgressRecord, type Violation } from './oracle.js';
import type { MadePalette } from './palettes.js';
import { anyTransparency, checkAlphaApplied, checkAlphaPaletteSize, rgbaHistogram } from './oracle-alpha.js';

/** What a call asked for, as the checks need it. */
export interface CallFacts {
  k: number;
  attempts: number;
  maxIterations: number;
  algorithm: 'lloyd' | 'minibatch';
  progress: ProgressRecord[];
}

/** Whether the palette must hold no colour twice (see checkPalette). */
function mustBeDistinct(r: { converged: boolean }, facts: CallFacts): boolean {
  return r.converged || facts.algorithm === 'minibatch';
}

function checkRun(r: { iterations: number; converged: boolean; backend: string; attempt?: number }, facts: CallFacts, where: string): Violation[] {
  const out: Violation[] = [];
  if (!Number.isInteger(r.iterations) || r.iterations < 0 || r.iterations > facts.maxIterations) {
    out.push({ check: 'result-fields', detail: `${where}: iterations ${r.iterations} with maxIterations ${facts.maxIterations}` });
  }
  if (typeof r.converged !== 'boolean') out.push({ check: 'result-fields', detail: `${where}: converged ${String(r.converged)}` });
  if (r.backend !== 'cpu') out.push({ check: 'result-fields', detail: `${where}: backend ${r.backend} in Node` });
  if (r.attempt !== undefined && !(r.attempt >= 1 && r.attempt <= facts.attempts)) out.push({ check: 'result-fields', detail: `${where}: attempt ${r.attempt} of ${facts.attempts}` });
  return out;
}

/** The labels, output image and metrics of a palette applied to `image`. */
function checkApplied(r: { labels: Uint8Array; image: Uint8ClampedArray; width: number; height: number; mse: number; psnr: number; inertia: number }, image: RawImage, palette: Uint8Array, centroids: Float64Array, where: string): Violation[] {
  if (r.width !== image.width || r.height !== image.height) return [{ check: 'shape', detail: `${where}: ${r.width}x${r.height} for a ${image.width}x${image.height} image` }];
  const labels = checkLabels(image, r.labels, palette, where);
  if (labels.some((v) => v.check === 'shape' || v.check === 'labels-range')) return labels;
  return [...labels, ...checkPainted(image, r.labels, palette, r.image, where), ...checkMetrics(image, r.labels, palette, centroids, r, where)];
}

/** Images with transparency get an RGBA palette (paletteAlpha), opaque ones an RGB palette. */
function checkAlphaPath(r: { paletteAlpha?: Uint8Array }, images: RawImage[], where: string): Violation[] {
  const want = anyTransparency(images);
  return want === (r.paletteAlpha !== undefined) ? [] : [{ check: 'alpha-palette', detail: `${where}: paletteAlpha ${r.paletteAlpha ? 'present' : 'absent'}, transparency ${want}` }];
}

export function validateQuantize(r: QuantizeResult, image: RawImage, facts: CallFacts, where: string): Violation[] {
  const path = checkAlphaPath(r, [image], where);
  if (path.length > 0) return path;
  if (r.paletteAlpha) {
    const palette = checkPalette(r.palette, r.centroids, r.paletteSize, where, false);
    if (palette.some((v) => v.check === 'shape')) return palette;
    const size = checkAlphaPaletteSize(r, facts.k, rgbaHistogram([image]), where);
    if (size.length > 0) return [...palette, ...size];
    return [...palette, ...checkAlphaApplied(r, image, where), ...checkRun(r, facts, where), ...checkProgress(facts.progress, facts.attempts, where)];
  }
  const palette = checkPalette(r.palette, r.centroids, r.paletteSize, where, mustBeDistinct(r, facts));
  if (palette.some((v) => v.check === 'shape')) return palette;
  return [
    ...palette,
    ...checkPaletteSize(r, facts.k, histogram([image]), where),
    ...checkApplied(r, image, r.palette, r.centroids, where),
    ...checkRun(r, facts, where),
    ...checkProgress(facts.progress, facts.attempts, where),
  ];
}

export function validateFit(fit: PaletteFit, images: RawImage[], facts: CallFacts, where: string): Violation[] {
  const path = checkAlphaPath(fit, images, where);
  if (path.length > 0) return path;
  const alpha = fit.paletteAlpha !== undefined;
  const palette = checkPalette(fit.palette, fit.centroids, fit.paletteSize, where, !alpha && mustBeDistinct(fit, facts));
  if (palette.some((v) => v.check === 'shape')) return palette;
  const size = alpha ? checkAlphaPaletteSize(fit, facts.k, rgbaHistogram(images), where) : checkPaletteSize(fit, facts.k, histogram(images), where);
  const out = [...palette, ...size, ...checkRun(fit, facts, where), ...checkProgress(facts.progress, facts.attempts, where)];
  if (!(Number.isFinite(fit.inertia) && fit.inertia >= 0)) out.push({ check: 'finite', detail: `${where}: inertia ${fit.inertia}` });
  return out;
}

export function validateApplied(applied: AppliedPalette, image: RawImage, palette: MadePalette, where: string): Violation[] {
  const bytes = palette.bytes!;
  const same = applied.palette instanceof Uint8Array && applied.palette.length === bytes.length && applied.palette.every((b, i) => b === bytes[i]);
  if (!same || applied.paletteSize !== bytes.length / 3) {
    return [{ check: 'apply-palette', detail: `${where}: palette ${applied.palette?.length} bytes / paletteSize ${applied.paletteSize}, applied ${bytes.length} bytes` }];
  }
  const given = (palette.value as { paletteAlpha?: Uint8Array } | undefined)?.paletteAlpha;
  if (given) {
    if (!applied.paletteAlpha || applied.paletteAlpha.some((a, j) => a !== given[j])) return [{ check: 'alpha-palette', detail: `${where}: the RGBA palette's alpha was not applied` }];
    return checkAlphaApplied(applied, image, where);
  }
  if (applied.paletteAlpha) return [{ check: 'alpha-palette', detail: `${where}: an RGB palette came back with paletteAlpha` }];
  return checkApplied(applied, image, bytes, palette.centroids!, where);
}
