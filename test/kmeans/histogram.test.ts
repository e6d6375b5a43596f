/**
 * src/kmeans/histogram.ts: counting in Morton order agrees with hashing, and labelAndPaint labels and
 * paints every pixel through either histogram; the colour tree takes a Morton-ordered one as it is. The
 * dense table of large images counts past its bytes' 255 exactly, and comes back clean for the next image.
 * Sparse samples draw the same indices as sorting every round whole.
 */
import { describe, expect, it } from 'vitest';
import { FilteringLloyd } from '../../src/kmeans/filtering.js';
import { buildHistogram, labelAndPaint, sampleIndices, unpackColours } from '../../src/kmeans/histogram.js';
import { createRandom } from '../../src/kmeans/random.js';
import { mortonKeyOfPacked } from '../../src/kmeans/morton.js';
import { bruteStep, expectSameArray } from '../helpers/reference.js';
import { randomInt, seededRandom } from '../helpers/images.js';

describe('colour histograms', () => {
  it('colour counts in Morton order: the same colours and weights as hashing, in key order, and each pixel labelled through them', () => {
    const random = seededRandom(31);
    // 40,000 pixels of at most 8^3 colours: runs, repeats and ties of every kind.
    const pixels = new Uint32Array(40000);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (randomInt(random, 0, 7) * 31) | ((randomInt(random, 0, 7) * 33) << 8) | ((randomInt(random, 0, 7) * 35) << 16) | (0xff << 24);
    const hashed = buildHistogram(pixels, { pixelIndex: true });
    const ordered = buildHistogram(pixels, { pixelIndex: true, mortonOrder: true });
    const asMap = (h: ReturnType<typeof buildHistogram>) => new Map(Array.from(h.colours, (c, i) => [c, h.weights[i]!]));
    expect(asMap(ordered)).toEqual(asMap(hashed));
    for (let i = 1; i < ordered.colours.length; i++) expect(mortonKeyOfPacked(ordered.colours[i]!)).toBeGreaterThan(mortonKeyOfPacked(ordered.colours[i - 1]!));
    expect(ordered.index).toBeUndefined();
    // Labelled through the table from colour to label: each pixel gets its colour's label, and is painted
    // that label's palette colour with its own alpha (every alpha value occurs).
    const colourLabels = Uint8Array.from(ordered.colours, (_, j) => (j * 7) % 251);
    const palette = Uint8Array.from({ length: 256 * 3 }, (_, i) => (i * 101) % 256);
    const withAlpha = pixels.map((p, i) => ((p & 0xffffff) | ((i * 13) % 256 << 24)) >>> 0);
    const { labels, image } = labelAndPaint(withAlpha, ordered, colourLabels, palette);
    const labelOf = new Map(Array.from(ordered.colours, (c, j) => [c, colourLabels[j]!]));
    let wrong = 0;
    for (let i = 0; i < pixels.length; i++) {
      const label = labelOf.get(pixels[i]! & 0xffffff)!;
      const painted = [palette[label * 3], palette[label * 3 + 1], palette[label * 3 + 2], (i * 13) % 256];
      if (labels[i] !== label || painted.some((v, c) => image[i * 4 + c] !== v)) wrong++;
    }
    expect(image.length).toBe(pixels.length * 4);
    expect(wrong).toBe(0);
    // The hashed count (with each pixel's colour position) labels and paints the same.
    const hashedColourLabels = Uint8Array.from(hashed.colours, (c) => labelOf.get(c)!);
    const viaIndex = labelAndPaint(withAlpha, hashed, hashedColourLabels, palette);
    expect(hashed.index).toBeDefined();
    expect(Array.from(viaIndex.labels)).toEqual(Array.from(labels));
    expect(Array.from(viaIndex.image)).toEqual(Array.from(image));
    // The colour tree takes such a histogram as it is.
    const points = unpackColours(ordered.colours);
    const lloyd = new FilteringLloyd(points, ordered.weights);
    lloyd.setCentroids(points.slice(0, 5 * 3));
    lloyd.assign();
    expectSameArray(lloyd.labels, bruteStep(points, ordered.weights, points.slice(0, 5 * 3)).labels, 'labels');
  });

  it('counts of large images (the dense byte table): exact past 255, 510 and beyond, in ascending colour order, on a table reused by the next image', () => {
    const random = seededRandom(32);
    const n = 1 << 20;
    // One colour on most pixels, others exactly 255, 256, 510, 511 times, and a spread of rare ones.
    const exact = [[0x102030, 255], [0x405060, 256], [0x708090, 510], [0xa0b0c0, 511], [0x000000, 1], [0xffffff, 767]] as const;
    const make = (salt: number): Uint32Array => {
      const pixels = new Uint32Array(n);
      let at = 0;
      for (const [c, times] of exact) for (let t = 0; t < times; t++) pixels[at++] = (c ^ salt) | 0xff000000;
      for (; at < n; at++) pixels[at] = (random() < 0.6 ? 0x334455 : randomInt(random, 0, (1 << 24) - 1)) | (randomInt(random, 0, 255) << 24);
      // Shuffled, so that the counts pass 255 at scattered moments.
      for (let i = n - 1; i > 0; i--) {
        const j = randomInt(random, 0, i);
        [pixels[i], pixels[j]] = [pixels[j]!, pixels[i]!];
      }
      return pixels;
    };
    for (const salt of [0, 0x010101]) {
      const pixels = make(salt);
      const expected = new Map<number, number>();
      for (const p of pixels) expected.set(p & 0xffffff, (expected.get(p & 0xffffff) ?? 0) + 1);
      const h = buildHistogram(pixels);
      expect(h.colours.length, `salt ${salt}`).toBe(expected.size);
      let wrong = 0;
      for (let j = 0; j < h.colours.length; j++) if (expected.get(h.colours[j]!) !== h.weights[j] || (j > 0 && h.colours[j]! <= h.colours[j - 1]!)) wrong++;
      expect(wrong, `salt ${salt}`).toBe(0);
      for (const [c, times] of exact) expect(h.weights[h.colours.indexOf(c ^ salt)], `colour ${c ^ salt}`).toBe(times);
      expect(expected.get(0x334455)).toBeGreaterThan(500_000);
    }
  });
});

describe('sample indices', () => {
  /** The sparse draw as first written: every round's picks and redraws sorted together. */
  function reference(n: number, size: number, seed: number): Uint32Array {
    const random = createRandom(seed, 3);
    let picked = new Uint32Array(0);
    while (picked.length < size) {
      const draw = new Uint32Array(size - picked.length);
      for (let i = 0; i < draw.length; i++) draw[i] = random.int(n);
      const merged = new Uint32Array(picked.length + draw.length);
      merged.set(picked);
      merged.set(draw, picked.length);
      merged.sort();
      let unique = 0;
      for (let i = 0; i < merged.length; i++) if (i === 0 || merged[i] !== merged[i - 1]) merged[unique++] = merged[i]!;
      picked = merged.slice(0, unique);
    }
    return picked;
  }

  it.each([
    [2_073_600, 65_536, 1],
    [1_048_577, 16_384, 2],
    [100_000, 6_000, 3],
  ])('sparse draws from %i pixels, %i of them: the same indices as sorting every round whole, distinct and ascending', (n, size, seed) => {
    const picked = sampleIndices(n, size, createRandom(seed, 3));
    expectSameArray(picked, reference(n, size, seed), 'indices');
    expect(picked.length).toBe(size);
    for (let i = 1; i < picked.length; i++) expect(picked[i]!).toBeGreaterThan(picked[i - 1]!);
  });
});
