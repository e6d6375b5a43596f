/**
 * The CLI's analysis flags end to end: the real launcher (bin/kmeans-quantizer.js -> dist/cli.js) runs as a
 * child process on test/fixtures/coffee.png (600x400). Runs pass `--threads 1` (no worker pool: quick to
 * start and to exit) and small k lists, to keep the file fast on two cores. The progress line is checked
 * on a fake terminal stream, since a child's stderr here is a pipe (where the CLI must print nothing).
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, coffee, expectCleanError, ok, pngHeader, readPng, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { Progress } from '../src/cli/progress.js';

const FAST = ['--threads', '1'];

const tmp = useCliTestDir('kmeans-cli-analysis-');

describe('-o writes a PNG-8', () => {
  it.each([
    [2, 1],
    [4, 2],
    [16, 4],
    [32, 8],
  ])('k = %i: colour type 3, bit depth %i, the same pixels as an --rgba run with the same seed', (k, depth) => {
    const indexed = tmp(`indexed-${k}.png`);
    const rgba = tmp(`rgba-${k}.png`);
    const args = [coffee, '-k', String(k), '--seed', '7', '--max-iterations', '20', ...FAST];
    const result = cliJson(...args, '-o', indexed);
    ok(...args, '-o', rgba, '--rgba');

    expect(result.paletteSize).toBe(k);
    expect(result.bytes).toBe(statSync(indexed).size);
    expect(pngHeader(indexed)).toEqual({ width: 600, height: 400, bitDepth: depth, colourType: 3 });
    expect(pngHeader(rgba)).toMatchObject({ bitDepth: 8, colourType: 6 });
    const a = readPng(indexed);
    const b = readPng(rgba);
    expect([a.width, a.height]).toEqual([600, 400]);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
    // Indices cost far less than RGBA.
    expect(statSync(indexed).size).toBeLessThan(statSync(rgba).size);
  });

  it('the human summary gives colours, bits per pixel, and the sizes of the input and the PNG-8', () => {
    const out = tmp('summary-8.png');
    const run = ok(coffee, '-k', '8', '-o', out, ...FAST);
    // Before: the input's distinct RGB colours (counted here from its pixels; the CLI takes them from the fit's histogram).
    const pixels = readPng(coffee).data;
    const before = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) before.add(pixels[i]! | (pixels[i + 1]! << 8) | (pixels[i + 2]! << 16));
    expect(run.stdout).toMatch(new RegExp(`colours: +${before.size.toLocaleString('en-US')} before, 8 after`));
    expect(run.stdout).toMatch(/bits\/pixel: +24 before, 3 after \(ceil\(log2 8\), 8 palette entries\); PNG-8 bit depth 4/);
    const inputBytes = statSync(coffee).size;
    const outputBytes = statSync(out).size;
    expect(run.stdout).toMatch(new RegExp(`original size: +${(inputBytes / 1024).toFixed(1)} KB \\(${inputBytes.toLocaleString('en-US')} bytes\\)`));
    expect(run.stdout).toMatch(new RegExp(`compressed size: +${(outputBytes / 1024).toFixed(1)} KB \\(${outputBytes.toLocaleString('en-US')} bytes\\), PNG-8`));
    expect(run.stdout).toMatch(/output: +.*summary-8\.png \(600x400, PNG-8\)/);
  });

  it('the summary of an image with alpha gives the PNG-8 that was written: its (colour, alpha) entries and bit depth', () => {
    const width = 64;
    const height = 32;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const x = i % width;
      data.set([(x * 4) & 255, (i * 7) & 255, 90, x < 20 ? 255 : x < 40 ? 128 : 30], i * 4);
    }
    const input = writePngFixture(tmp('alpha-in.png'), { data, width, height });
    const out = tmp('alpha-4.png');
    const run = ok(input, '-k', '4', '-o', out, ...FAST);
    const bytes = readFileSync(out);
    const entries = bytes.readUInt32BE(33) / 3;
    expect(entries).toBe(4); // an RGBA palette: one entry per colour, its alpha in tRNS
    expect(run.stdout).toMatch(new RegExp(`bits/pixel: +32 before, ${Math.ceil(Math.log2(entries))} after \\(ceil\\(log2 ${entries}\\), ${entries} \\(colour, alpha\\) palette entries\\); PNG-8 bit depth ${bytes[24]}`));
  });

  it('--algorithm minibatch with --batch-size', () => {
    const result = cliJson(coffee, '-k', '8', '--algorithm', 'minibatch', '--batch-size', '512', ...FAST);
    expect(result.paletteSize).toBe(8);
    expect(result.bytes).toBeUndefined(); // no file written
  });
});

describe('--sweep', () => {
  it('writes one PNG-8 per k and a CSV whose cost falls as k rises', () => {
    const out = tmp('sweep');
    const run = ok(coffee, '--sweep', '2,4,8', '--out-dir', out, ...FAST);
    expect(run.stdout).toMatch(/warm-started/);
    for (const [k, depth] of [
      [2, 1],
      [4, 2],
      [8, 4],
    ] as const) {
      expect(pngHeader(join(out, `coffee-k${k}.png`))).toMatchObject({ bitDepth: depth, colourType: 3 });
    }
    const lines = readFileSync(join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('k,cost,ms,psnr,bytes');
    expect(lines).toHaveLength(4);
    const rows = lines.slice(1).map((line) => line.split(',').map(Number));
    expect(rows.map((r) => r[0])).toEqual([2, 4, 8]);
    for (const row of rows) {
      expect(row).toHaveLength(5);
      expect(row.every((v) => Number.isFinite(v))).toBe(true);
      expect(row[4]).toBe(statSync(join(out, `coffee-k${row[0]}.png`)).size);
    }
    expect(rows[1]![1]!).toBeLessThan(rows[0]![1]!);
    expect(rows[2]![1]!).toBeLessThan(rows[1]![1]!);
    expect(rows[2]![3]!).toBeGreaterThan(rows[0]![3]!); // PSNR rises
  });

  it('--json gives the entries, and the sweep runs without --out-dir (sizes in memory)', () => {
    const result = cliJson(coffee, '--sweep', '2,4', ...FAST);
    const sweep = result.sweep as { warmStart: boolean; entries: Array<Record<string, unknown>> };
    expect(sweep.warmStart).toBe(true);
    expect(sweep.entries.map((e) => e.k)).toEqual([2, 4]);
    expect(sweep.entries[0]).toHaveProperty('bytes');
    expect(sweep.entries[0]).not.toHaveProperty('file');
    expect(result).not.toHaveProperty('paletteSize'); // no single quantization asked for
  });
});

describe('--elbow', () => {
  it('--json prints the points and the suggested k', () => {
    const result = cliJson(coffee, '--elbow', '--elbow-range', '2:8:2', ...FAST);
    const points = result.points as Array<Record<string, number>>;
    expect(points.map((p) => p.k)).toEqual([2, 4, 6, 8]);
    for (const p of points) expect(Object.keys(p).sort()).toEqual(['inertia', 'iterations', 'k', 'ms']);
    expect(points.map((p) => p.k)).toContain(result.suggestedK);
  });

  it('prints the table and writes elbow.csv with --out-dir', () => {
    const out = tmp('elbow');
    const run = ok(coffee, '--elbow', '--elbow-range', '2:8:2', '--out-dir', out, ...FAST);
    expect(run.stdout).toMatch(/^ +k +inertia +ms +iterations$/m);
    expect(run.stdout).toMatch(/suggested k: +[2468]\b/);
    const lines = readFileSync(join(out, 'elbow.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('k,inertia,ms,iterations');
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual([2, 4, 6, 8]);
  });
});

describe('--gif', () => {
  it('writes an animated GIF, one frame per k of --sweep', () => {
    const gif = tmp('sweep.gif');
    const result = cliJson(coffee, '--gif', gif, '--sweep', '2,4,8', ...FAST);
    const bytes = readFileSync(gif);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const reader = new GifReader(bytes);
    expect(reader.numFrames()).toBe(3);
    expect([reader.width, reader.height]).toEqual([600, 400]);
    expect(result.gif).toMatchObject({ frames: 3, ks: [2, 4, 8], bytes: bytes.length });
  });

  it('sweeps the default ks 1, 2, 4, 8, 16, 32 without --sweep', () => {
    const gif = tmp('default.gif');
    const run = ok(coffee, '--gif', gif, '--resize', '150x100', ...FAST);
    expect(run.stdout).toMatch(/6 frames, k = 1, 2, 4, 8, 16, 32/);
    expect(new GifReader(readFileSync(gif)).numFrames()).toBe(6);
  });
});

describe('--palette', () => {
  it('writes JSON, CSS and GIMP palettes with k entries, matching the PNG-8 palette', () => {
    const args = [coffee, '-k', '8', '--seed', '3', ...FAST];
    const png = tmp('palette.png');
    ok(...args, '-o', png, '--palette', tmp('palette.json'));
    const entries = JSON.parse(readFileSync(tmp('palette.json'), 'utf8')) as Array<{ index: number; hex: string; rgb: number[] }>;
    expect(entries).toHaveLength(8);
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const e of entries) expect(e.hex).toBe(`#${e.rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`);
    // The PLTE chunk of the PNG-8 lists the same colours, in the same order.
    const file = readFileSync(png);
    const plte = file.indexOf('PLTE', 0, 'latin1');
    expect(file.readUInt32BE(plte - 4)).toBe(24);
    expect([...file.subarray(plte + 4, plte + 28)]).toEqual(entries.flatMap((e) => e.rgb));

    ok(...args, '--palette', tmp('palette.css'));
    const css = readFileSync(tmp('palette.css'), 'utf8');
    const properties = css.split('\n').filter((line) => /^ {2}--kmq-\d+: #[0-9a-f]{6};$/.test(line));
    expect(properties).toHaveLength(8);
    expect(properties.map((line) => line.slice(line.indexOf('#'), -1))).toEqual(entries.map((e) => e.hex));

    const run = ok(...args, '--palette', tmp('palette.gpl'));
    expect(run.stdout).toMatch(/palette file: +.*palette\.gpl \(8 colours, GIMP palette\)/);
    const gpl = readFileSync(tmp('palette.gpl'), 'utf8').split('\n');
    expect(gpl[0]).toBe('GIMP Palette');
    const colours = gpl.filter((line) => /^ *\d+ +\d+ +\d+\t#[0-9a-f]{6}$/.test(line));
    expect(colours).toHaveLength(8);
    expect(colours.map((line) => line.split('\t')[1])).toEqual(entries.map((e) => e.hex));
  });
});

describe('--report and --heatmap', () => {
  it('prints MSE, PSNR, SSIM and CIEDE2000 lines, and writes the heat map', () => {
    const heat = tmp('heat.png');
    const run = ok(coffee, '-k', '8', '--report', '--heatmap', heat, ...FAST);
    expect(run.stdout).toMatch(/^ +SSIM: +0\.\d{4}$/m);
    expect(run.stdout).toMatch(/^ +ΔE mean: +\d+\.\d\d \(CIEDE2000\)$/m);
    expect(run.stdout).toMatch(/^ +ΔE p95: +\d+\.\d\d \(CIEDE2000/m);
    expect(run.stdout).toMatch(/^ +PSNR: +\d+\.\d\d dB$/m);
    const png = readPng(heat);
    expect([png.width, png.height]).toEqual([600, 400]);
  });

  it('--report --json adds a quality object', () => {
    const result = cliJson(coffee, '-k', '4', '--report', ...FAST);
    const quality = result.quality as { ssim: number; psnr: number; deltaE: { mean: number; p95: number } };
    expect(quality.ssim).toBeGreaterThan(0);
    expect(quality.ssim).toBeLessThan(1);
    expect(quality.psnr).toBeCloseTo(result.psnr as number, 6);
    expect(quality.deltaE.p95).toBeGreaterThanOrEqual(quality.deltaE.mean);
  });
});

describe('--resize', () => {
  it('resizes the input first', () => {
    const out = tmp('small.png');
    const run = ok(coffee, '-k', '4', '--resize', '100x50', '-o', out, ...FAST);
    expect(run.stdout).toMatch(/resized: +600x400 -> 100x50 \(lanczos3\)/);
    expect(pngHeader(out)).toMatchObject({ width: 100, height: 50, colourType: 3 });
  });
});

describe('bad arguments: one stderr line, exit 2 for usage and 1 for runtime, no stack trace', () => {
  it('usage errors exit with 2', () => {
    expectCleanError(cli(coffee, '--sweep', '0,4'), 2, /--sweep.*"0"/);
    expectCleanError(cli(coffee, '--sweep', '2,2.5'), 2, /--sweep.*"2\.5"/);
    expectCleanError(cli(coffee, '--sweep', '2,,4'), 2, /--sweep/);
    expectCleanError(cli(coffee, '--sweep', '4,4'), 2, /twice/);
    expectCleanError(cli(coffee, '--sweep', '2,300'), 2, /1\.\.256/);
    expectCleanError(cli(coffee, '--palette', tmp('p.txt')), 2, /palette format.*\.txt/);
    expectCleanError(cli(coffee, '--palette', tmp('palette')), 2, /palette format/);
    expectCleanError(cli(coffee, '--resize', '100x', '--json'), 2, /--resize.*"100x"/);
    expectCleanError(cli(coffee, '--resize', '0x50', '--json'), 2, /--resize/);
    expectCleanError(cli(coffee, '--resize', 'big', '--json'), 2, /--resize/);
    expectCleanError(cli(coffee, '--elbow', '--elbow-range', '8:2'), 2, /--elbow-range/);
    expectCleanError(cli(coffee, '--elbow-range', '2:8'), 2, /needs --elbow/);
    // --out-dir without --sweep/--elbow names a batch's output directory (test/cli-batch.test.ts), not -o's.
    expectCleanError(cli(coffee, '-o', tmp('x.png'), '--out-dir', tmp(), '--json'), 2, /-o and --out-dir both name the output/);
    expectCleanError(cli(coffee, '--rgba', '--json'), 2, /--rgba needs -o/);
    expectCleanError(cli(coffee, '--algorithm', 'fast', '--json'), 2, /algorithm/);
    expectCleanError(cli(coffee, '--batch-size', '0', '--json'), 2, /batchSize.*--batch-size/);
    expectCleanError(cli(coffee, '--threads', '0', '--json'), 2, /threads.*--threads/);
    expectCleanError(cli(coffee, '--sweep', '2,8', '--sample-size', '4'), 2, /sampleSize.*k = 8/);
  });

  it('runtime errors exit with 1, before any long work', () => {
    const missing = tmp('no-such-dir');
    expectCleanError(cli(coffee, '-k', '2', '-o', join(missing, 'out.png')), 1, /cannot write.*no-such-dir/);
    expectCleanError(cli(coffee, '--sweep', '2,4', '--out-dir', join(missing, 'sweep')), 1, /cannot create directory.*parent.*does not exist/);
    expectCleanError(cli(coffee, '--elbow', '--out-dir', join(missing, 'elbow')), 1, /cannot create directory/);
    expectCleanError(cli(coffee, '--gif', join(missing, 'a.gif')), 1, /cannot write/);
    expectCleanError(cli(coffee, '--report', '--heatmap', join(missing, 'heat.png')), 1, /cannot write/);
    expectCleanError(cli(coffee, '--palette', join(missing, 'p.gpl')), 1, /cannot write/);
    const directory = tmp('a-directory.png');
    mkdirSync(directory, { recursive: true });
    expectCleanError(cli(coffee, '-k', '2', '-o', directory), 1, /cannot write.*directory/);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('progress line', () => {
  function fakeStream(isTTY: boolean): { isTTY: boolean; columns: number; written: string[]; write(text: string): boolean } {
    return {
      isTTY,
      columns: 60,
      written: [],
      write(text: string) {
        this.written.push(text);
        return true;
      },
    };
  }

  it('draws a \\r-updated line, throttled, cut to the terminal width, and clears it', () => {
    let time = 0;
    const stream = fakeStream(true);
    const progress = new Progress(stream, true, () => time);
    progress.update('sweep', 1, 4, 'k = 2');
    progress.update('sweep', 2, 4, 'k = 4'); // within the interval: skipped
    time = 1000;
    progress.update('sweep', 3, 4, 'k = 8, iteration 12 and a long tail that does not fit in sixty columns');
    progress.clear();
    progress.clear(); // nothing drawn any more: nothing to erase
    expect(stream.written).toHaveLength(3);
    expect(stream.written[0]).toBe(`\rsweep [${'#'.repeat(6)}${'-'.repeat(18)}] 1/4 k = 2\x1b[K`);
    expect(stream.written[1]!.startsWith('\rsweep [')).toBe(true);
    expect(stream.written[1]!.length).toBe(1 + 59 + 3);
    expect(stream.written[2]).toBe('\r\x1b[K');
  });

  it('draws nothing when disabled (stderr not a terminal, or --json)', () => {
    const stream = fakeStream(false);
    const progress = new Progress(stream, false);
    progress.update('quantizing', undefined, undefined, 'iteration 1', true);
    progress.clear();
    expect(stream.written).toEqual([]);
  });
});
