/**
 * Colour difference: sRGB bytes to CIELAB (D65) and the CIEDE2000 difference, implemented from the
 * formulas of G. Sharma, W. Wu and E. N. Dalal, "The CIEDE2000 colour-difference formula: implementation
 * notes, supplementary test data, and mathematical observations", Color Research & Application 30(1),
 * 2005 (hue angles in degrees in [0, 360); a hue is 0 where the chroma is 0, and hue differences and means
 * follow the paper's cases for chroma 0 and for hues more than 180 degrees apart).
 */
import { rangeError, typeError } from '../errors.js';

/** A CIELAB colour: L* in 0..100, a* and b* roughly -128..127. */
export type Lab = readonly [number, number, number];

/** Parametric weights of CIEDE2000 (1, 1, 1 for the reference conditions). */
export interface Ciede2000Weights {
  kL?: number;
  kC?: number;
  kH?: number;
}

const DEG = Math.PI / 180;
const POW25_7 = 25 ** 7;

let linearTable: Float64Array | undefined;

/** sRGB byte -> linear light in 0..1 (IEC 61966-2-1 transfer function), tabulated once. */
export function srgbByteToLinear(value: number): number {
  if (!linearTable) {
    linearTable = new Float64Array(256);
    for (let v = 0; v < 256; v++) {
      const c = v / 255;
      linearTable[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }
  }
  return linearTable[value & 255]!;
}

// CIE XYZ of the D65 white point, normalised to Y = 1 (the row sums of the sRGB matrix below).
const XN = 0.95047;
const YN = 1;
const ZN = 1.08883;
const EPSILON = (6 / 29) ** 3;
const KAPPA_SLOPE = 1 / (3 * (6 / 29) ** 2);

function labF(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : t * KAPPA_SLOPE + 4 / 29;
}

/** Writes the CIELAB (D65, 2 degree observer) of an sRGB colour given as bytes into `out` at `at`. */
export function srgbToLabInto(r: number, g: number, b: number, out: Float64Array, at: number): void {
  const R = srgbByteToLinear(r);
  const G = srgbByteToLinear(g);
  const B = srgbByteToLinear(b);
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / XN;
  const y = (0.2126729 * R + 0.7151522 * G + 0.072175 * B) / YN;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / ZN;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  out[at] = 116 * fy - 16;
  out[at + 1] = 500 * (fx - fy);
  out[at + 2] = 200 * (fy - fz);
}

/** CIELAB (D65) of an sRGB colour given as bytes 0..255. */
export function srgbToLab(r: number, g: number, b: number): Lab {
  const out = new Float64Array(3);
  srgbToLabInto(r, g, b, out, 0);
  return [out[0]!, out[1]!, out[2]!];
}

/** Hue angle in degrees in [0, 360); 0 for a zero vector. */
function hueDegrees(b: number, a: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) / DEG;
  return h < 0 ? h + 360 : h;
}

/** CIEDE2000 difference of two CIELAB colours given as six numbers (no checks: the hot path). */
export function deltaE2000(L1: number, a1: number, b1: number, L2: number, a2: number, b2: number, kL = 1, kC = 1, kH = 1): number {
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const cBar7 = cBar ** 7;
  const g = 0.5 * (1 - Math.sqrt(cBar7 / (cBar7 + POW25_7)));
  const a1p = (1 + g) * a1;
  const a2p = (1 + g) * a2;
  const c1p = Math.hypot(a1p, b1);
  const c2p = Math.hypot(a2p, b2);
  const h1p = hueDegrees(b1, a1p);
  const h2p = hueDegrees(b2, a2p);

  const dLp = L2 - L1;
  const dCp = c2p - c1p;
  const chromaProduct = c1p * c2p;
  let dhp = 0;
  if (chromaProduct !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(chromaProduct) * Math.sin((dhp / 2) * DEG);

  const lBarP = (L1 + L2) / 2;
  const cBarP = (c1p + c2p) / 2;
  let hBarP: number;
  if (chromaProduct === 0) hBarP = h1p + h2p;
  else if (Math.abs(h1p - h2p) <= 180) hBarP = (h1p + h2p) / 2;
  else if (h1p + h2p < 360) hBarP = (h1p + h2p + 360) / 2;
  else hBarP = (h1p + h2p - 360) / 2;

  const t =
    1 -
    0.17 * Math.cos((hBarP - 30) * DEG) +
    0.24 * Math.cos(2 * hBarP * DEG) +
    0.32 * Math.cos((3 * hBarP + 6) * DEG) -
    0.2 * Math.cos((4 * hBarP - 63) * DEG);
  const dTheta = 30 * Math.exp(-(((hBarP - 275) / 25) ** 2));
  const cBarP7 = cBarP ** 7;
  const rC = 2 * Math.sqrt(cBarP7 / (cBarP7 + POW25_7));
  const lOff = (lBarP - 50) ** 2;
  const sL = 1 + (0.015 * lOff) / Math.sqrt(20 + lOff);
  const sC = 1 + 0.045 * cBarP;
  const sH = 1 + 0.015 * cBarP * t;
  const rT = -Math.sin(2 * dTheta * DEG) * rC;

  const l = dLp / (kL * sL);
  const c = dCp / (kC * sC);
  const h = dHp / (kH * sH);
  return Math.sqrt(l * l + c * c + h * h + rT * c * h);
}

/** CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1 unless given). */
export function ciede2000(lab1: Lab, lab2: Lab, weights: Ciede2000Weights = {}): number {
  for (const [name, lab] of [['lab1', lab1], ['lab2', lab2]] as const) {
    if (!Array.isArray(lab) && !ArrayBuffer.isView(lab)) throw typeError(name, 'an [L, a, b] triple', lab);
    for (let i = 0; i < 3; i++) {
      if (typeof lab[i] !== 'number' || !Number.isFinite(lab[i])) throw typeError(`${name}[${i}]`, 'a finite number', lab[i]);
    }
  }
  const { kL = 1, kC = 1, kH = 1 } = weights;
  for (const [name, k] of [['kL', kL], ['kC', kC], ['kH', kH]] as const) {
    if (typeof k !== 'number' || !(k > 0) || !Number.isFinite(k)) throw rangeError(`weights.${name}`, 'a finite number > 0', k);
  }
  return deltaE2000(lab1[0], lab1[1], lab1[2], lab2[0], lab2[1], lab2[2], kL, kC, kH);
}
