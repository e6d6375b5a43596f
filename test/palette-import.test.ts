/** Palette import: GIMP palettes, JSON palettes and PNGs read back into RGB bytes, with typed errors. */
import { describe, expect, it } from 'vitest';
import {
  encodeIndexedPng,
  encodePng,
  paletteFileFormat,
  paletteFromGpl,
  paletteFromJson,
  paletteFromPng,
  paletteToGpl,
  paletteToJson,
  readPalette,
} from '../src/index.js';

const PALETTE = Uint8Array.from([255, 255, 255, 0, 0, 0, 200, 100, 50, 7, 8, 9, 200, 100, 50]);

function manyColours(n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let j = 0; j < n; j++) out.set([j % 256, Math.floor(j / 256) * 40, (j * 7) % 256], j * 3);
  return out;
}

function thrown(f: () => unknown): Error & { code?: string; option?: string } {
  try {
    f();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('palette import', () => {
  it('reads back what the exports write, in order, repeats included', () => {
    expect(Array.from(paletteFromGpl(paletteToGpl(PALETTE)))).toEqual(Array.from(PALETTE));
    expect(Array.from(paletteFromJson(paletteToJson(PALETTE)))).toEqual(Array.from(PALETTE));
    expect(Array.from(readPalette(new TextEncoder().encode(paletteToGpl(PALETTE)), 'gpl'))).toEqual(Array.from(PALETTE));
  });

  it('takes GIMP palettes with comments, blank lines, CRLF and names with spaces', () => {
    const text = 'GIMP Palette\r\nName: brand colours\r\nColumns: 4\r\n# a comment\r\n\r\n 10  20  30 dark blue grey\r\n255 0 0\r\n';
    expect(Array.from(paletteFromGpl(text))).toEqual([10, 20, 30, 255, 0, 0]);
  });

  it('takes JSON arrays of hex strings and of [r, g, b]', () => {
    expect(Array.from(paletteFromJson('["#fff", "#102030", [1, 2, 3], {"hex": "#000000"}]'))).toEqual([255, 255, 255, 16, 32, 48, 1, 2, 3, 0, 0, 0]);
  });

  it("an indexed PNG gives its PLTE; another PNG its distinct colours in order of appearance", () => {
    const indexed = encodeIndexedPng({ palette: PALETTE.subarray(0, 12), labels: Uint8Array.from([3, 3, 0, 1]), width: 2, height: 2 });
    // Every PLTE entry, used or not, in its order.
    expect(Array.from(paletteFromPng(indexed))).toEqual(Array.from(PALETTE.subarray(0, 12)));
    const data = Uint8Array.from([9, 9, 9, 255, 1, 2, 3, 255, 9, 9, 9, 255, 4, 5, 6, 128]);
    expect(Array.from(paletteFromPng(encodePng({ data, width: 2, height: 2 })))).toEqual([9, 9, 9, 1, 2, 3, 4, 5, 6]);
  });

  it('refuses more than 256 colours in every format: OUT_OF_RANGE, naming the source', () => {
    const big = manyColours(300);
    const cases: Array<() => unknown> = [
      () => paletteFromGpl(paletteToGpl(big.subarray(0, 768)) + '1 2 3\n'.repeat(44), '--remap big.gpl'),
      () => paletteFromJson(JSON.stringify(Array.from({ length: 300 }, (_, j) => [big[j * 3], big[j * 3 + 1], big[j * 3 + 2]])), '--remap big.gpl'),
    ];
    const wide = new Uint8Array(300 * 4);
    for (let j = 0; j < 300; j++) wide.set([big[j * 3]!, big[j * 3 + 1]!, big[j * 3 + 2]!, 255], j * 4);
    cases.push(() => paletteFromPng(encodePng({ data: wide, width: 300, height: 1 }), '--remap big.gpl'));
    for (const f of cases) {
      const error = thrown(f);
      expect(error).toBeInstanceOf(RangeError);
      expect(error.code).toBe('OUT_OF_RANGE');
      expect(error.message).toMatch(/^--remap big\.gpl: .*256/);
    }
  });

  it('a malformed or empty file is INVALID_PALETTE, naming the source and what is wrong', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => paletteFromGpl('255 0 0\n', 'p'), /GIMP Palette/],
      [() => paletteFromGpl('GIMP Palette\n255 0 256\n', 'p'), /line 2/],
      [() => paletteFromGpl('GIMP Palette\n# nothing\n', 'p'), /no colour/],
      [() => paletteFromJson('{"colours": []}', 'p'), /array/],
      [() => paletteFromJson('[1, 2', 'p'), /not valid JSON/],
      [() => paletteFromJson('[[1, 2, 300]]', 'p'), /entry 0/],
      [() => paletteFromJson('[]', 'p'), /no colour/],
      [() => paletteFromPng(Uint8Array.from([1, 2, 3]), 'p'), /not a readable PNG/],
    ];
    for (const [f, pattern] of cases) {
      const error = thrown(f);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('INVALID_PALETTE');
      expect(error.message).toMatch(/^p: /);
      expect(error.message).toMatch(pattern);
    }
  });

  it('tells the format from the extension', () => {
    expect(paletteFileFormat('a/b.GPL')).toBe('gpl');
    expect(paletteFileFormat('x.json')).toBe('json');
    expect(paletteFileFormat('x.png')).toBe('png');
    expect(paletteFileFormat('x.css')).toBeUndefined();
    expect(paletteFileFormat('png')).toBeUndefined();
  });
});
