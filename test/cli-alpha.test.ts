/**
 * The CLI on images with transparency: the PNG-8 it writes carries the RGBA palette's alpha as tRNS and
 * decodes back to exactly the quantized image (the --rgba output of the same run); the failures of the
 * issue (soft alpha at -k 4, two alpha levels at -k 200) are gone. Runs the real launcher on dist/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../src/analysis/png.js';
import { alphaPhoto } from './helpers/alpha-image.js';
import { cliJson, ok, readPng, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { crop, loadCoffee } from './helpers/images.js';

const FAST = ['--threads', '1', '--max-iterations', '20'];

const tmp = useCliTestDir('kmeans-cli-alpha-');

/** The chunk types of a PNG file, in order. */
function chunkTypes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (let at = 8; at < bytes.length; at += 12 + view.getUint32(at)) types.push(String.fromCharCode(...bytes.subarray(at + 4, at + 8)));
  return types;
}

describe('PNG-8 with tRNS', () => {
  it.each([4, 200])('the soft-alpha photo at -k %i: a PNG-8 with tRNS, pixel for pixel the --rgba output', (k) => {
    const input = writePngFixture(tmp(`photo-${k}.png`), alphaPhoto());
    const indexed = tmp(`photo-${k}-out.png`);
    const rgba = tmp(`photo-${k}-rgba.png`);
    const json = cliJson(input, '-k', String(k), '-o', indexed, ...FAST);
    ok(input, '-k', String(k), '-o', rgba, '--rgba', ...FAST);
    expect(json.paletteSize).toBe(k);
    const bytes = new Uint8Array(readFileSync(indexed));
    expect(chunkTypes(bytes)).toEqual(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
    const decoded = decodePng(bytes);
    expect(decoded.colourType).toBe('indexed');
    expect(decoded.palette!.length / 3).toBe(k);
    // tRNS holds only the non-opaque entries, which come first.
    const found = decoded.alpha!.findIndex((a) => a === 255);
    const firstOpaque = found < 0 ? k : found;
    expect(decoded.alpha!.subarray(firstOpaque).every((a) => a === 255)).toBe(true);
    expect(decoded.alpha!.subarray(0, firstOpaque).every((a) => a !== 255)).toBe(true);
    expect(Buffer.from(decoded.data).equals(readPng(rgba).data)).toBe(true);
    // And another decoder reads the same pixels.
    expect(readPng(indexed).data.equals(readPng(rgba).data)).toBe(true);
  }, 60_000);

  it('an image with two alpha levels at -k 200 (a RangeError before) writes a PNG-8; the summary counts its RGBA entries', () => {
    const image = crop(loadCoffee(), 100, 100, 160, 120);
    for (let i = 0; i < image.width * image.height; i++) image.data[i * 4 + 3] = i % image.width < 80 ? 255 : 128;
    const input = writePngFixture(tmp('two-levels.png'), image);
    const out = tmp('two-levels-out.png');
    const run = ok(input, '-k', '200', '-o', out, ...FAST);
    const decoded = decodePng(new Uint8Array(readFileSync(out)));
    expect(decoded.palette!.length / 3).toBe(200);
    expect(new Set(decoded.alpha)).toEqual(new Set([128, 255]));
    expect(run.stdout).toMatch(/bits\/pixel: +32 before, 8 after \(ceil\(log2 200\), 200 \(colour, alpha\) palette entries\); PNG-8 bit depth 8/);
  }, 60_000);
});
