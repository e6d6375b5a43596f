/**
 * The colour space the clustering measures distances in. `'srgb'`: the 8-bit sRGB values themselves (the
 * seed notebooks' k-means). `'oklab'`: Björn Ottosson's OKLab, a perceptual space where equal distances
 * look about equally different; its coordinates are scaled by {@link OKLAB_SCALE} so that black to white
 * is 255 units, as in sRGB, and tolerances and inertias keep their magnitude.
 *
 * Points in a space are interleaved triples in a Float64Array. Palettes are always sRGB bytes: centroids
 * are converted back, rounded and clamped to 0..255 once, at the end of a fit.
 */

/** The space distances are measured in while clustering and labelling. */
export type ColorSpace = 'srgb' | 'oklab';

/** OKLab coordinates (L in 0..1, a and b within about ±0.4) times this: L of white is 255. */
export const OKLAB_SCALE = 255;

/**
 * Scaled OKLab coordinates from {@link srgbToOklab} are multiples of 1 / OKLAB_STEPS (2^-12 of a unit, far
 * below any visible difference: about 1e-6 of OKLab's own units). Then a coordinate is an integer count of
 * steps below 2^21, a pixel count times it stays below 2^47 up to 64 MP, and every cluster sum (of weights
 * times coordinates) is exact in float64, whatever the order it is added in: the CPU's sums do not depend
 * on how its colours are split over threads, and the GPU's integer fixed-point sums use the same steps.
 */
export const OKLAB_STEPS = 4096;

/** Unscaled OKLab to steps of the grid. */
const STEP_SCALE = OKLAB_SCALE * OKLAB_STEPS;

/** sRGB byte to linear light (0..1), the standard transfer function. */
function linearOf(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Linear light to an sRGB value in 0..255 (not clamped: out-of-gamut values stay outside). */
function srgbOf(linear: number): number {
  const a = Math.abs(linear);
  const c = a <= 0.0031308 ? a * 12.92 : 1.055 * a ** (1 / 2.4) - 0.055;
  return Math.sign(linear) * c * 255;
}

/** The 256 linear values of the sRGB bytes, computed once. */
const LINEAR: Float64Array = Float64Array.from({ length: 256 }, (_, v) => linearOf(v));

function linearOfValue(v: number): number {
  return Number.isInteger(v) && v >= 0 && v <= 255 ? LINEAR[v]! : Math.sign(v) * linearOf(Math.abs(v));
}

/**
 * Writes the scaled OKLab coordinates of the sRGB colour (r, g, b in 0..255, bytes or floats) at out[o..o+2],
 * rounded to the grid of {@link OKLAB_STEPS}.
 */
export function srgbToOklab(r: number, g: number, b: number, out: Float64Array | Float32Array, o: number): void {
  oklabOfLinear(linearOfValue(r), linearOfValue(g), linearOfValue(b), out, o);
}

/** The grid-rounded scaled OKLab coordinates of a linear-light RGB colour, at out[o..o+2]. */
function oklabOfLinear(lr: number, lg: number, lb: number, out: Float64Array | Float32Array, o: number): void {
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  // Rounded to the nearest step by floor(x + 0.5): Math.round cost more than the cube roots here.
  out[o] = Math.floor(STEP_SCALE * (0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s) + 0.5) / OKLAB_STEPS;
  out[o + 1] = Math.floor(STEP_SCALE * (1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s) + 0.5) / OKLAB_STEPS;
  out[o + 2] = Math.floor(STEP_SCALE * (0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s) + 0.5) / OKLAB_STEPS;
}

/** Writes the sRGB colour (0..255 floats, not clamped) of scaled OKLab coordinates at out[o..o+2]. */
export function oklabToSrgb(L: number, a: number, b: number, out: Float64Array | Float32Array, o: number): void {
  const Ls = L / OKLAB_SCALE;
  const as = a / OKLAB_SCALE;
  const bs = b / OKLAB_SCALE;
  const l = (Ls + 0.3963377774 * as + 0.2158037573 * bs) ** 3;
  const m = (Ls - 0.1055613458 * as - 0.0638541728 * bs) ** 3;
  const s = (Ls - 0.0894841775 * as - 1.291485548 * bs) ** 3;
  out[o] = srgbOf(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s);
  out[o + 1] = srgbOf(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s);
  out[o + 2] = srgbOf(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s);
}

/** RGB triples (0..255: bytes, or float sRGB centroids) as points of `space`. */
export function toSpace(rgb: Uint8Array | Float64Array, space: ColorSpace): Float64Array {
  if (space === 'srgb') return Float64Array.from(rgb);
  const out = new Float64Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) srgbToOklab(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!, out, i);
  return out;
}

/** Points of `space` as float sRGB triples (0..255, not clamped). */
export function fromSpace(points: Float64Array, space: ColorSpace): Float64Array {
  if (space === 'srgb') return Float64Array.from(points);
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 3) oklabToSrgb(points[i]!, points[i + 1]!, points[i + 2]!, out, i);
  return out;
}

/** Packed colours (r | g << 8 | b << 16, alpha ignored) as points of `space`. */
export function packedToSpace(colours: Uint32Array, space: ColorSpace): Float64Array {
  const out = new Float64Array(colours.length * 3);
  for (let i = 0; i < colours.length; i++) {
    const c = colours[i]!;
    const r = c & 255;
    const g = (c >>> 8) & 255;
    const b = (c >>> 16) & 255;
    if (space === 'oklab') {
      // Bytes: straight to the table (what srgbToOklab does after checking its inputs).
      oklabOfLinear(LINEAR[r]!, LINEAR[g]!, LINEAR[b]!, out, i * 3);
    } else {
      out[i * 3] = r;
      out[i * 3 + 1] = g;
      out[i * 3 + 2] = b;
    }
  }
  return out;
}
