/**
 * The quality floor and --skip-if-larger on the real launcher: --min-psnr at a fixed k, the k search of
 * --max-colours (the smallest k reaching the floor, by bisection), --quality min-max on pngquant's scale
 * (PSNR = 15 + 0.3 q), and the exit codes 99 (floor not reached) and 98 (not smaller): nothing written.
 * The PSNR of what is written is measured here from the decoded files, not taken from the CLI's word.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit.js';
import { parseCommand } from '../src/cli/args.js';
import { psnrOfQuality } from '../src/cli/quality-floor.js';
import { cli, cliJson, expectCleanError, ok, readPng, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { crop, loadCoffee } from './helpers/images.js';

const FAST = ['--threads', '1', '--seed', '2', '--max-iterations', '15'];

const tmp = useCliTestDir('kmeans-cli-quality-');

let photoPath: string | undefined;
/** A 160x120 crop of coffee.png, written once. */
function photo(): string {
  photoPath ??= writePngFixture(tmp('photo.png'), crop(loadCoffee(), 220, 120, 160, 120));
  return photoPath;
}

/** The PSNR (RGB, dB) of a written PNG against the input, from both files decoded. */
function measuredPsnr(input: string, output: string): number {
  const a = readPng(input).data;
  const b = readPng(output).data;
  expect(b.length).toBe(a.length);
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++) sum += (a[i + c]! - b[i + c]!) ** 2;
  const mse = sum / ((a.length / 4) * 3);
  return 10 * Math.log10((255 * 255) / mse);
}

function paletteEntries(path: string): number {
  return readFileSync(path).readUInt32BE(33) / 3;
}

interface Search {
  target: number;
  min: number;
  maxColours: number;
  tried: Array<{ k: number; psnr: number }>;
}

describe('--min-psnr at a fixed k', () => {
  it('below the floor: exit 99, one line with the PSNR reached, nothing written; above it: written', () => {
    const low = tmp('low.png');
    expectCleanError(cli(photo(), '-k', '2', '--min-psnr', '30', '-o', low, '--palette', tmp('low.gpl'), ...FAST), EXIT.QUALITY_TOO_LOW,
      /"[^"]*photo\.png": PSNR \d+\.\d\d dB at k = 2 is below the floor of 30\.00 dB \(--min-psnr 30\); nothing written/);
    expect(existsSync(low)).toBe(false);
    expect(existsSync(tmp('low.gpl'))).toBe(false);

    const high = tmp('high.png');
    const json = cliJson(photo(), '-k', '64', '--min-psnr', '30', '-o', high, ...FAST);
    expect(json.psnr as number).toBeGreaterThanOrEqual(30);
    expect(measuredPsnr(photo(), high)).toBeGreaterThanOrEqual(30);
    expect(json).not.toHaveProperty('search'); // k was fixed
  });
});

describe('--max-colours: the smallest k that reaches the floor', () => {
  it('chooses k by bisection: it reaches the floor, every smaller k tried fell short, and the file holds k colours', () => {
    const out = tmp('auto.png');
    const json = cliJson(photo(), '--max-colours', '128', '--min-psnr', '33', '-o', out, ...FAST);
    const search = json.search as Search;
    const k = json.k as number;
    expect(search).toMatchObject({ target: 33, min: 33, maxColours: 128 });
    expect(search.tried[0]!.k).toBe(128); // the top first: if it falls short, nothing smaller is tried
    expect(search.tried.length).toBeLessThanOrEqual(Math.ceil(Math.log2(128)) + 1);
    expect(search.tried.find((t) => t.k === k)!.psnr).toBeGreaterThanOrEqual(33);
    for (const t of search.tried.filter((t) => t.k < k)) expect(t.psnr, `k = ${t.k}`).toBeLessThan(33);
    expect(search.tried.some((t) => t.k === k - 1), 'k - 1 was tried').toBe(true);
    expect(k).toBeGreaterThan(2);
    expect(k).toBeLessThan(128);
    expect(paletteEntries(out)).toBe(k);
    expect(measuredPsnr(photo(), out)).toBeGreaterThanOrEqual(33);
    // The human summary reports the chosen k and the ks tried.
    const run = ok(photo(), '--max-colors', '128', '--min-psnr', '33', '-o', tmp('auto-2.png'), ...FAST);
    expect(run.stdout).toMatch(new RegExp(`^k search: +k = ${k}, the smallest k <= 128 with PSNR >= 33\\.00 dB \\(--min-psnr 33\\); tried 128 \\(\\d+\\.\\d\\d\\), `, 'm'));
  });

  it('a floor that no k <= n reaches: exit 99 after one fit, nothing written', () => {
    const out = tmp('never.png');
    expectCleanError(cli(photo(), '--max-colours', '4', '--min-psnr', '40', '-o', out, ...FAST), EXIT.QUALITY_TOO_LOW,
      /PSNR \d+\.\d\d dB at k = 4 is below the floor of 40\.00 dB \(--min-psnr 40\); nothing written \(no k up to 4 reaches it\)/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('--quality min-max (pngquant scale)', () => {
  it('maps q to PSNR = 15 + 0.3 q; without -k the smallest k <= 256 reaching max is chosen', () => {
    expect([0, 50, 80, 100].map(psnrOfQuality)).toEqual([15, 30, 39, 45]);
    const out = tmp('quality.png');
    const json = cliJson(photo(), '--quality', '50-60', '-o', out, ...FAST);
    const search = json.search as Search;
    expect(search).toMatchObject({ target: 33, min: 30, maxColours: 256 });
    expect(measuredPsnr(photo(), out)).toBeGreaterThanOrEqual(33);
    for (const t of search.tried.filter((t) => t.k < (json.k as number))) expect(t.psnr).toBeLessThan(33);
  });

  it('when no k reaches max, the n-colour result is written if it reaches min, refused (99) if not; with -k only min is checked', () => {
    const between = tmp('between.png');
    const json = cliJson(photo(), '--quality', '40-100', '--max-colours', '16', '-o', between, ...FAST);
    expect(json.k).toBe(16);
    expect((json.search as Search).tried.map((t) => t.k)).toEqual([16]);
    expect(measuredPsnr(photo(), between)).toBeGreaterThanOrEqual(psnrOfQuality(40));

    expectCleanError(cli(photo(), '--quality', '90-100', '--max-colours', '16', '-o', tmp('below.png'), ...FAST), EXIT.QUALITY_TOO_LOW, /below the floor of 42\.00 dB \(--quality 90-100\)/);
    expect(existsSync(tmp('below.png'))).toBe(false);

    const fixed = cliJson(photo(), '-k', '8', '--quality', '20-100', '-o', tmp('fixed.png'), ...FAST);
    expect(fixed.k).toBe(8);
    expect(fixed).not.toHaveProperty('search');
    expectCleanError(cli(photo(), '-k', '2', '--quality', '60-70', '-o', tmp('fixed-low.png'), ...FAST), EXIT.QUALITY_TOO_LOW, /at k = 2 is below the floor of 33\.00 dB \(--quality 60-70\)/);
    // <max> alone is 0-<max>: the floor is 15 dB, which k = 2 reaches (about 16 dB here).
    expect(cliJson(photo(), '-k', '2', '--quality', '60', '-o', tmp('fixed-max.png'), ...FAST).k).toBe(2);
  });

  it('usage errors: bad ranges, two floors, --max-colours without a floor or with -k', () => {
    const usage = [
      [['--quality', '80-60'], /--quality must be min-max/],
      [['--quality', '50-101'], /--quality must be min-max/],
      [['--quality', 'high'], /--quality must be min-max/],
      [['--min-psnr', '0'], /--min-psnr must be a PSNR in dB above 0/],
      [['--min-psnr', '-3'], /--min-psnr must be/],
      [['--min-psnr', '30', '--quality', '60-80'], /give one/],
      [['--max-colours', '64'], /--max-colours needs --min-psnr or --quality/],
      [['--max-colours', '64', '-k', '8', '--min-psnr', '30'], /-k fixes k and --max-colours chooses it/],
      [['--max-colours', '300', '--min-psnr', '30'], /--max-colours must be an integer in 1\.\.256/],
    ] as const;
    for (const [flags, pattern] of usage) expectCleanError(cli(photo(), ...flags, '-o', tmp('usage.png')), EXIT.USAGE, pattern);
    expectCleanError(cli(photo(), '--min-psnr', '30', '--sweep', '2,4'), EXIT.USAGE, /--min-psnr judges the single quantization/);
    expect(existsSync(tmp('usage.png'))).toBe(false);
    // The parsed floor.
    expect(parseCommand([photo(), '--quality', '65-80', '--json'])).toMatchObject({ floor: { min: 34.5, target: 39, maxColours: 256, flag: '--quality 65-80' } });
    expect(parseCommand([photo(), '--quality', '70', '-k', '8', '--json'])).toMatchObject({ floor: { min: 15, target: 36, maxColours: undefined } });
  });
});

describe('--skip-if-larger', () => {
  it('an output not smaller than the input is not written (exit 98); a smaller one is', () => {
    // A PNG-8 of 2 colours is tiny: its 64-colour RGBA rewrite cannot be smaller.
    const small = tmp('small-k2.png');
    ok(photo(), '-k', '2', '-o', small, ...FAST);
    const out = tmp('skipped.png');
    const run = cli(small, '-k', '64', '--rgba', '--skip-if-larger', '-o', out, ...FAST);
    expectCleanError(run, EXIT.NOT_SMALLER, /"[^"]*small-k2\.png": the RGBA PNG would be .* not smaller than the input's .*; nothing written \(--skip-if-larger\)/);
    expect(existsSync(out)).toBe(false);
    // Equal is not smaller either: the same PNG-8 again.
    expectCleanError(cli(small, '-k', '2', '--skip-if-larger', '-o', tmp('same.png'), ...FAST), EXIT.NOT_SMALLER, /PNG-8 would be/);
    expect(existsSync(tmp('same.png'))).toBe(false);

    const written = tmp('written.png');
    const json = cliJson(photo(), '-k', '8', '--skip-if-larger', '-o', written, ...FAST);
    expect(json.bytes).toBe(statSync(written).size);
    expect(statSync(written).size).toBeLessThan(statSync(photo()).size);
  });

  it('in a batch, a skipped file keeps its original and is reported; only skips exit 98', () => {
    const small = tmp('batch-small.png');
    ok(photo(), '-k', '2', '-o', small, ...FAST);
    const run = cli(photo(), small, '-k', '2', '--skip-if-larger', ...FAST);
    expect(run.status, run.stderr).toBe(EXIT.NOT_SMALLER);
    expect(run.stdout).toMatch(/batch-small\.png: skipped, the original kept: .*not smaller/);
    expect(run.stdout).toMatch(/^total: 2 files, 1 written, 1 skipped, 0 failed;/m);
    expect(existsSync(tmp('batch-small-kmq.png'))).toBe(false);
    expect(readPng(tmp('photo-kmq.png')).colorType).toBe(3);
    expectCleanError(cli(photo(), '-k', '2', '--skip-if-larger', '--json'), EXIT.USAGE, /--skip-if-larger needs an output/);
  });
});
