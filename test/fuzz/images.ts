/**
 * Images for the fuzz suite, as small specs (size, content kind, seed, alpha mode, container) that are
 * rendered deterministically: fast-check shrinks the spec (a smaller size, a simpler kind) rather than
 * megabytes of pixels, and a counterexample prints in one line. Bad inputs are specs too.
 */
import { seededRandom } from '../helpers/images.js';
import fc from 'fast-check';

/** Most pixels of a generated image ("sizes 1x1 to a few hundred"). */
export const MAX_PIXELS = 300 * 300;

export const IMAGE_KINDS = ['flat', 'few', 'noise', 'gradient', 'ramp', 'blocks', 'near', 'dominant'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];
export const ALPHA_MODES = ['opaque', 'random', 'binary', 'few'] as const;
export type AlphaMode = (typeof ALPHA_MODES)[number];
/** How the bytes are held: Uint8Array, Uint8ClampedArray, or a Uint8Array at an odd byte offset. */
export const CONTAINERS = ['u8', 'u8c', 'unaligned'] as const;
export type Container = (typeof CONTAINERS)[number];

export interface ImageSpec {
  width: number;
  height: number;
  kind: ImageKind;
  /** Colours of the 'few', 'blocks', 'near' and 'dominant' kinds. */
  colours: number;
  alpha: AlphaMode;
  container: Container;
  seed: number;
  /** Explicit RGB colours, row by row, in place of the kind's (written-out repros only). */
  pixels?: ReadonlyArray<readonly [number, number, number]>;
}

/** Inputs that are not valid images, each with the error class the README promises. */
export const BAD_IMAGES = [
  'null', 'number', 'string', 'empty-array-of-images', 'plain-array-data', 'float32-data', 'short-data', 'long-data',
  'fractional-width', 'negative-height', 'nan-width', 'infinite-height', 'string-width', 'zero-size', 'no-data',
] as const;
export type BadImage = (typeof BAD_IMAGES)[number];

export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** Mulberry32 (independent of the library's generator): the test helpers' seeded generator. */
export const rng = seededRandom;

function byte(random: () => number): number {
  return Math.floor(random() * 256);
}

function colourTable(spec: ImageSpec, random: () => number): number[][] {
  const base = [byte(random), byte(random), byte(random)];
  return Array.from({ length: spec.colours }, (_, i) => {
    // 'near': colours one step apart in each channel (ties, rounding); the others: anywhere.
    if (spec.kind === 'near') return base.map((v, c) => Math.min(255, v + ((i >> c) & 1) + (i >> 3)));
    return [byte(random), byte(random), byte(random)];
  });
}

function pixelColour(spec: ImageSpec, x: number, y: number, random: () => number, table: number[][]): number[] {
  const { width: w, height: h } = spec;
  switch (spec.kind) {
    case 'flat': return table[0]!;
    case 'noise': return [byte(random), byte(random), byte(random)];
    case 'gradient': return [Math.round((x * 255) / Math.max(1, w - 1)), Math.round((y * 255) / Math.max(1, h - 1)), table[0]![2]!];
    case 'ramp': { const v = Math.round(((y * w + x) * 255) / Math.max(1, w * h - 1)); return [v, v, v]; }
    case 'blocks': {
      const c = table[(Math.floor(x / 8) + Math.floor(y / 8) * 7) % table.length]!;
      return c.map((v) => Math.max(0, Math.min(255, v + Math.floor(random() * 7) - 3)));
    }
    case 'dominant': return random() < 0.98 ? table[0]! : table[Math.floor(random() * table.length)]!;
    default: return table[Math.floor(random() * table.length)]!;
  }
}

function alphaOf(mode: AlphaMode, random: () => number): number {
  if (mode === 'opaque') return 255;
  if (mode === 'binary') return random() < 0.5 ? 0 : 255;
  if (mode === 'few') return [0, 128, 255][Math.floor(random() * 3)]!;
  return byte(random);
}

/** The pixels of a spec, in the container it names. */
export function renderImage(spec: ImageSpec): RawImage {
  const random = rng(spec.seed);
  const table = colourTable(spec, random);
  const n = spec.width * spec.height;
  const bytes = new Uint8Array(n * 4);
  for (let y = 0; y < spec.height; y++) {
    for (let x = 0; x < spec.width; x++) {
      const i = (y * spec.width + x) * 4;
      bytes.set(spec.pixels?.[y * spec.width + x] ?? pixelColour(spec, x, y, random, table), i);
      bytes[i + 3] = alphaOf(spec.alpha, random);
    }
  }
  if (spec.container === 'u8c') return { data: new Uint8ClampedArray(bytes.buffer), width: spec.width, height: spec.height };
  if (spec.container === 'unaligned') {
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    return { data: shifted.subarray(1), width: spec.width, height: spec.height };
  }
  return { data: bytes, width: spec.width, height: spec.height };
}

/** A bad input, made fresh (some are not objects at all). */
export function renderBadImage(bad: BadImage): unknown {
  const ok = (width: unknown, height: unknown, data: unknown = new Uint8Array(16)) => ({ data, width, height });
  switch (bad) {
    case 'null': return null;
    case 'number': return 42;
    case 'string': return 'photo.png';
    case 'empty-array-of-images': return [];
    case 'plain-array-data': return ok(2, 2, Array.from({ length: 16 }, () => 7));
    case 'float32-data': return ok(2, 2, new Float32Array(16));
    case 'short-data': return ok(2, 2, new Uint8Array(15));
    case 'long-data': return ok(2, 2, new Uint8Array(20));
    case 'fractional-width': return ok(2.5, 2);
    case 'negative-height': return ok(2, -2);
    case 'nan-width': return ok(NaN, 2);
    case 'infinite-height': return ok(2, Infinity);
    case 'string-width': return ok('2', 2);
    case 'zero-size': return ok(0, 0, new Uint8Array(0));
    case 'no-data': return { width: 2, height: 2 };
  }
}

/** The error class a bad input must reject with ('either' where the README leaves it open). */
export function badImageClass(bad: BadImage): 'type' | 'range' | 'either' {
  if (bad === 'short-data' || bad === 'long-data' || bad === 'zero-size') return 'range';
  if (bad === 'negative-height' || bad === 'fractional-width' || bad === 'nan-width' || bad === 'infinite-height') return 'either';
  return 'type';
}

const side = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }) },
);

/** A valid image spec: 1x1 up to 300x300 (at most {@link MAX_PIXELS} pixels). */
export const imageSpecArb: fc.Arbitrary<ImageSpec> = fc
  .record({
    width: side,
    height: side,
    kind: fc.constantFrom(...IMAGE_KINDS),
    colours: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 })),
    alpha: fc.constantFrom(...ALPHA_MODES),
    container: fc.constantFrom(...CONTAINERS),
    seed: fc.integer({ min: 0, max: 0xffff }),
  })
  .map((s) => ({ ...s, height: Math.max(1, Math.min(s.height, Math.floor(MAX_PIXELS / s.width))) }));

export const badImageArb: fc.Arbitrary<BadImage> = fc.constantFrom(...BAD_IMAGES);

/** The RGB colours of an image (alpha ignored: RGB is clustered), packed r | g << 8 | b << 16. */
export function distinctRgb(images: readonly RawImage[]): Set<number> {
  const set = new Set<number>();
  for (const { data } of images) {
    for (let i = 0; i < data.length; i += 4) set.add(data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16));
  }
  return set;
}

/** A copy of an image's bytes in a plain Uint8Array (what the caller handed in, kept for the oracle). */
export function snapshot(image: RawImage): RawImage {
  return { data: Uint8Array.from(image.data), width: image.width, height: image.height };
}
