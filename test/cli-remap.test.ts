/** The CLI's --remap (a palette file applied without fitting), --fixed and --colour-space. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paletteToGpl } from '../src/index.js';
import { parseCommand, UsageError } from '../src/cli/args.js';
import { cli, cliJson, coffee, expectCleanError, ok, readPng, useCliTestDir, writePngFixture } from './helpers/cli.js';

const file = useCliTestDir('kmq-remap-');

/** The PLTE colours of a PNG-8 (the chunk right after IHDR). */
function plte(path: string): number[] {
  const bytes = readFileSync(path);
  expect(bytes.subarray(37, 41).toString('latin1')).toBe('PLTE');
  return Array.from(bytes.subarray(41, 41 + bytes.readUInt32BE(33)));
}

function pixels(path: string): Buffer {
  return readPng(path).data;
}

describe('--remap', () => {
  it('a .json palette written by --palette gives the image quantize() gave with it (nearest colours)', () => {
    const fitted = file('fitted.png');
    ok(coffee, '-k', '6', '--palette', file('p.json'), '-o', fitted);
    const remapped = file('remapped-json.png');
    const json = cliJson(coffee, '--remap', file('p.json'), '-o', remapped);
    expect(json).toMatchObject({ k: 6, paletteSize: 6, iterations: 0, remap: { file: file('p.json'), colours: 6 } });
    expect(plte(remapped)).toEqual(plte(fitted));
    expect(pixels(remapped).equals(pixels(fitted))).toBe(true);
    // An indexed PNG as the palette file: its PLTE, so the same image again.
    const fromPng = file('remapped-png.png');
    ok(coffee, '--remap', fitted, '-o', fromPng);
    expect(pixels(fromPng).equals(pixels(fitted))).toBe(true);
  });

  it('a .gpl palette: the PNG-8 holds exactly its colours, in its order', () => {
    const colours = Uint8Array.from([255, 0, 255, 250, 250, 250, 20, 10, 5, 140, 90, 50]);
    writeFileSync(file('brand.gpl'), paletteToGpl(colours));
    const out = file('gpl.png');
    const run = ok(coffee, '--remap', file('brand.gpl'), '-o', out);
    expect(run.stdout).toMatch(/palette: +4 colours from .*brand\.gpl \(--remap: applied, not fitted\)/);
    expect(plte(out)).toEqual(Array.from(colours));
  });

  it('a truecolour .png: its distinct colours are the palette', () => {
    const data = [9, 9, 9, 255, 200, 150, 100, 255, 9, 9, 9, 255, 30, 60, 90, 255];
    writePngFixture(file('swatch.png'), { data, width: 2, height: 2 });
    const out = file('swatch-out.png');
    const json = cliJson(coffee, '--remap', file('swatch.png'), '-o', out);
    expect(json.paletteSize).toBe(3);
    expect(plte(out)).toEqual([9, 9, 9, 200, 150, 100, 30, 60, 90]);
  });

  it('a palette file of 300 colours, a malformed or a missing one: one error line naming --remap, exit 1', () => {
    const big = Array.from({ length: 300 }, (_, j) => `${j % 256} ${(j * 3) % 256} ${Math.floor(j / 256)}`);
    writeFileSync(file('big.gpl'), `GIMP Palette\nName: big\n#\n${big.join('\n')}\n`);
    expectCleanError(cli(coffee, '--remap', file('big.gpl'), '-o', file('x.png')), 1, /--remap ".*big\.gpl": a palette must hold 1 to 256 colours, this one holds 300/);
    writeFileSync(file('bad.json'), '{"not": "a palette"}');
    expectCleanError(cli(coffee, '--remap', file('bad.json'), '-o', file('x.png')), 1, /--remap ".*bad\.json": a JSON palette must be an array/);
    writeFileSync(file('bad.png'), 'not a png');
    expectCleanError(cli(coffee, '--remap', file('bad.png'), '-o', file('x.png')), 1, /--remap ".*bad\.png": not a readable PNG/);
    expectCleanError(cli(coffee, '--remap', file('missing.gpl'), '-o', file('x.png')), 1, /--remap: cannot read ".*missing\.gpl": no such file/);
  });

  it('refuses -k, fitting flags, the analyses and unknown formats with it (usage errors, exit 2)', () => {
    const gpl = file('brand.gpl');
    expectCleanError(cli(coffee, '--remap', gpl, '-k', '4', '-o', file('x.png')), 2, /-k cannot be used with --remap \(k is the number of colours in the palette file\)/);
    expectCleanError(cli(coffee, '--remap', gpl, '--max-iterations', '4', '-o', file('x.png')), 2, /--max-iterations cannot be used with --remap/);
    expectCleanError(cli(coffee, '--remap', gpl, '--fixed', '#fff', '-o', file('x.png')), 2, /--fixed cannot be used with --remap \(no palette is fitted\)/);
    expectCleanError(cli(coffee, '--remap', gpl, '--sweep', '2,4'), 2, /cannot be combined with --sweep/);
    expectCleanError(cli(coffee, '--remap', file('p.css'), '-o', file('x.png')), 2, /--remap: unknown palette format "\.css"/);
    // What remapping does take.
    const command = parseCommand([coffee, '--remap', gpl, '--dither', 'ordered', '--colour-space', 'oklab', '--backend', 'cpu', '-o', 'x.png']);
    expect(command).toMatchObject({ remap: { path: gpl, format: 'gpl' }, options: { dither: 'ordered', colorSpace: 'oklab', backend: 'cpu' } });
  });
});

describe('--fixed and --colour-space', () => {
  it('--fixed puts the colours first in the palette, byte for byte', () => {
    ok(coffee, '-k', '8', '--fixed', '#ffffff,#000', '--palette', file('fixed.json'), '-o', file('fixed.png'));
    const entries = JSON.parse(readFileSync(file('fixed.json'), 'utf8')) as Array<{ hex: string }>;
    expect(entries).toHaveLength(8);
    expect(entries.slice(0, 2).map((e) => e.hex)).toEqual(['#ffffff', '#000000']);
    expect(plte(file('fixed.png')).slice(0, 6)).toEqual([255, 255, 255, 0, 0, 0]);
  });

  it('parses like --fixed-colors and --color-space; bad values and both spellings at once are usage errors', () => {
    expect(parseCommand([coffee, '--fixed', '#f00, #00ff00', '--colour-space', 'oklab', '--json'])).toMatchObject({
      options: { fixedColors: [[255, 0, 0], [0, 255, 0]], colorSpace: 'oklab' },
    });
    const usage = (...args: string[]): UsageError => {
      try {
        parseCommand([coffee, '--json', ...args]);
      } catch (error) {
        if (error instanceof UsageError) return error;
      }
      throw new Error('expected a usage error');
    };
    expect(usage('--fixed', '#ggg').message).toMatch(/^--fixed must be comma-separated colours/);
    expect(usage('--fixed', '#fff,#fff').message).toMatch(/fixedColors\[1\]/);
    const over = usage('-k', '1', '--fixed', '#fff,#000');
    expect(over.code).toBe('OUT_OF_RANGE');
    expect(over.message).toMatch(/option "fixedColors" \(--fixed-colors, --fixed\) must be at most k = 1 colours/);
    expect(usage('--fixed', '#fff', '--fixed-colors', '#000').message).toMatch(/same flag/);
    expect(usage('--colour-space', 'lab').message).toMatch(/--colour-space|colorSpace/);
    expectCleanError(cli(coffee, '--fixed', 'white', '--json'), 2, /--fixed must be comma-separated colours/);
  });

  it('--help lists the aliases, --remap and the examples', () => {
    const help = ok('--help').stdout;
    expect(help).toMatch(/^ {6}--colour-space <name> +the same as --color-space$/m);
    expect(help).toMatch(/^ {6}--fixed <colours> +the same as --fixed-colors$/m);
    expect(help).toMatch(/--remap <file>/);
    expect(help).toMatch(/--fixed '#ffffff,#000000'/);
  });
});
