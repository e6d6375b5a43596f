/**
 * Input formats read through the optional dependency sharp (src/sharp-decode.ts): WebP, AVIF, TIFF and GIF
 * decode to the pixels they were written from (lossless files), a JPEG to what jpeg-js decodes within a
 * few levels, PNG never through sharp; without sharp (KMEANS_QUANTIZER_NO_SHARP=1) the CLI refuses those
 * formats by name (test/cli-habits.test.ts) and reads JPEG through jpeg-js. Skipped where sharp is not installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit.js';
import { decodeImage, decodeImageAsync, readImage } from '../src/node.js';
import { loadSharp } from '../src/sharp-decode.js';
import { cliJson, cliWithEnv, expectCleanError, root, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { crop, loadCoffee } from './helpers/images.js';

const tmp = useCliTestDir('kmeans-node-formats-');
const sharpModule = await loadSharp();

/** 24x10 RGBA, 240 colours (a GIF holds them all), every seventh pixel transparent. */
function testImage(): { data: Buffer; width: number; height: number } {
  const width = 24;
  const height = 10;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i * 37) & 255, (i * 11) & 255, (i * 5) & 255, i % 7 === 0 ? 0 : 255], i * 4);
  return { data, width, height };
}

/** Same alpha everywhere, same colour where opaque (a transparent pixel's colour is not kept by every format). */
function expectSamePixels(got: { data: Uint8Array; width: number; height: number }, want: { data: Uint8Array; width: number; height: number }): void {
  expect([got.width, got.height]).toEqual([want.width, want.height]);
  for (let i = 0; i < want.width * want.height; i++) {
    const alpha = want.data[i * 4 + 3]!;
    const channels = alpha === 0 ? [3] : [0, 1, 2, 3];
    for (const c of channels) expect(got.data[i * 4 + c], `pixel ${i} channel ${c}`).toBe(want.data[i * 4 + c]);
  }
}

describe.skipIf(!sharpModule)('formats read through sharp', () => {
  type SharpEncoder = { webp(o: object): SharpEncoder; avif(o: object): SharpEncoder; tiff(o: object): SharpEncoder; gif(o: object): SharpEncoder; jpeg(o: object): SharpEncoder; toBuffer(): Promise<Buffer> };
  const encoder = (image: { data: Buffer; width: number; height: number }): SharpEncoder =>
    (sharpModule as unknown as (d: Buffer, o: object) => SharpEncoder)(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });

  it.each([
    ['WebP', (e: SharpEncoder) => e.webp({ lossless: true })],
    ['AVIF', (e: SharpEncoder) => e.avif({ lossless: true })],
    ['TIFF', (e: SharpEncoder) => e.tiff({ compression: 'lzw' })],
    ['GIF', (e: SharpEncoder) => e.gif({ colours: 256, dither: 0 })],
  ] as const)('%s (lossless) decodes to the pixels it was written from, through the CLI too', async (format, encode) => {
    const image = testImage();
    const bytes = await encode(encoder(image)).toBuffer();
    expect(() => decodeImage(bytes, 'x')).toThrow(/not supported/); // the synchronous pure-JS path refuses it
    expectSamePixels(await decodeImageAsync(bytes, 'x'), image);
    const file = tmp(`image.${format.toLowerCase()}`);
    writeFileSync(file, bytes);
    expectSamePixels(await readImage(file), image);
    const json = cliJson(file, '-k', '4', '-o', tmp(`${format}.png`));
    expect(json.paletteSize).toBe(4);
  });

  it('a JPEG decodes within a few levels of jpeg-js (they upsample and transform differently)', async () => {
    const photo = crop(loadCoffee(), 0, 0, 320, 240);
    const bytes = jpeg.encode({ data: photo.data, width: photo.width, height: photo.height }, 90).data;
    const viaSharp = await decodeImageAsync(bytes, 'x');
    const viaJs = decodeImage(bytes, 'x');
    expect([viaSharp.width, viaSharp.height]).toEqual([320, 240]);
    let sum = 0;
    for (let i = 0; i < viaJs.data.length; i++) sum += Math.abs(viaSharp.data[i]! - viaJs.data[i]!);
    expect(sum / viaJs.data.length).toBeLessThan(1.5);
    for (let i = 3; i < viaSharp.data.length; i += 4) if (viaSharp.data[i] !== 255) throw new Error(`alpha ${viaSharp.data[i]} at ${i}`);
  });

  it('a truncated file is INVALID_IMAGE naming the format and the file, exit 1', async () => {
    const bytes = await encoder(testImage()).webp({ lossless: true }).toBuffer();
    const file = tmp('cut.webp');
    writeFileSync(file, bytes.subarray(0, 60));
    await expect(readImage(file)).rejects.toMatchObject({ code: 'INVALID_IMAGE', message: expect.stringMatching(/cannot decode WEBP ".*cut\.webp": the file is truncated or corrupt/) });
    expectCleanError(cliWithEnv({}, file, '-k', '4', '--json'), EXIT.RUNTIME, /cannot decode WEBP/);
  });

  it('a PNG is never decoded through sharp: sharp is not even loaded', () => {
    // Importing sharp loads its native addon; a PNG run must not. The child reports what it loaded.
    const script = `const { main } = await import(${JSON.stringify(`${root}/dist/cli.js`)});
      await main([${JSON.stringify(`${root}/test/fixtures/coffee.png`)}, '-k', '2', '--max-iterations', '1', '--json']);
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('/sharp/'));
      process.stderr.write(loaded ? 'sharp loaded' : 'sharp not loaded');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('sharp not loaded');
  });
});

describe('without sharp', () => {
  it('a JPEG is read through jpeg-js (loaded only then), and gives the palette of its jpeg-js pixels', () => {
    const photo = crop(loadCoffee(), 0, 0, 160, 120);
    const file = tmp('nosharp.jpg');
    writeFileSync(file, jpeg.encode({ data: photo.data, width: photo.width, height: photo.height }, 90).data);
    const run = cliWithEnv({ KMEANS_QUANTIZER_NO_SHARP: '1' }, file, '-k', '4', '--json', '--seed', '3');
    expect(run.status, run.stderr).toBe(0);
    const viaJs = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: true });
    const direct = cliJson(writePngFixture(tmp('nosharp-pixels.png'), { data: viaJs.data, width: 160, height: 120 }), '-k', '4', '--seed', '3');
    expect(JSON.parse(run.stdout).mse).toBe(direct.mse);
  });
});
