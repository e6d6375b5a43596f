/** Synthetic test images, the coffee.png fixture, and small pixel helpers for the CPU-path tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import type { RawImage } from '../../src/index.js';

/** A raw RGBA8 image with plain `Uint8Array` data. */
export interface TestImage extends RawImage {
  data: Uint8Array;
}

/** Mulberry32: a tiny seeded generator for test data (independent of the library's own generator). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi], both inclusive. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

let coffee: TestImage | undefined;

/** test/fixtures/coffee.png (600x400), decoded once; callers get a fresh copy of the bytes. */
export function loadCoffee(): TestImage {
  if (!coffee) {
    const png = PNG.sync.read(readFileSync(fileURLToPath(new URL('../fixtures/coffee.png', import.meta.url))));
    coffee = { data: new Uint8Array(png.data), width: png.width, height: png.height };
  }
  return { data: coffee.data.slice(), width: coffee.width, height: coffee.height };
}

/** A w x h rectangle of an image, starting at (x, y). */
export function crop(image: RawImage, x: number, y: number, width: number, height: number): TestImage {
  if (x < 0 || y < 0 || x + width > image.width || y + height > image.height) throw new Error('crop out of bounds');
  const data = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 4;
    data.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return { data, width, height };
}

/** Uniformly random RGB pixels; alpha 255 unless `randomAlpha`. */
export function randomImage(width: number, height: number, seed: number, { randomAlpha = false }: { randomAlpha?: boolean } = {}): TestImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = randomInt(random, 0, 255);
    data[i * 4 + 1] = randomInt(random, 0, 255);
    data[i * 4 + 2] = randomInt(random, 0, 255);
    data[i * 4 + 3] = randomAlpha ? randomInt(random, 0, 255) : 255;
  }
  return { data, width, height };
}

/** An image made of blobs: blob b is a `block` x `block` square filled with colours[b] (plus noise). */
export interface BlobImage {
  image: TestImage;
  /** For each pixel, the index of the blob (= true colour) it belongs to. */
  blobOf: Uint8Array;
}

/**
 * Blobs laid out left to right, one square block each. With `noise > 0` every channel of every pixel gets
 * a deterministic offset in [-noise, noise] (seeded); the true colours must stay inside [noise, 255 - noise].
 */
export function blobImage(colours: ReadonlyArray<readonly [number, number, number]>, block: number, noise: number, seed = 1): BlobImage {
  const random = seededRandom(seed);
  const width = block * colours.length;
  const height = block;
  const data = new Uint8Array(width * height * 4);
  const blobOf = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const b = Math.floor(x / block);
      const colour = colours[b]!;
      blobOf[i] = b;
      for (let c = 0; c < 3; c++) {
        const v = colour[c]! + (noise > 0 ? randomInt(random, -noise, noise) : 0);
        if (v < 0 || v > 255) throw new Error('blob colour + noise leaves 0..255');
        data[i * 4 + c] = v;
      }
      data[i * 4 + 3] = 255;
    }
  }
  return { image: { data, width, height }, blobOf };
}

/** The RGB channels of every pixel as float64 triples. */
export function rgbOf(image: RawImage): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = image.data[i * 4]!;
    out[i * 3 + 1] = image.data[i * 4 + 1]!;
    out[i * 3 + 2] = image.data[i * 4 + 2]!;
  }
  return out;
}

/** Squared distance between triple i of `a` and triple j of `b`. */
export function dist2(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const dr = a[i * 3]! - b[j * 3]!;
  const dg = a[i * 3 + 1]! - b[j * 3 + 1]!;
  const db = a[i * 3 + 2]! - b[j * 3 + 2]!;
  return dr * dr + dg * dg + db * db;
}

/** `count` distinct pixel colours of an image, picked at seeded random positions, as an `init` array. */
export function distinctPixelColours(image: RawImage, count: number, seed: number): [number, number, number][] {
  const random = seededRandom(seed);
  const n = image.width * image.height;
  const seen = new Set<number>();
  const out: [number, number, number][] = [];
  for (let tries = 0; out.length < count; tries++) {
    if (tries > 100 * count) throw new Error('not enough distinct colours');
    const i = Math.floor(random() * n);
    const r = image.data[i * 4]!;
    const g = image.data[i * 4 + 1]!;
    const b = image.data[i * 4 + 2]!;
    const key = r | (g << 8) | (b << 16);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([r, g, b]);
  }
  return out;
}
