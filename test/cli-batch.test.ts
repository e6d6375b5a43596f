/**
 * Several inputs at once on the real launcher: one output per input (--ext, the default -kmq.png suffix,
 * --out-dir), each file once, on a bounded pool of worker threads, one line per file and a total line,
 * a failed file that does not stop the others (exit 5), and the same bytes as one run per file.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit.js';
import { cli, coffee, expectCleanError, ok, readPng, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { crop, loadCoffee } from './helpers/images.js';

const ENGINE = ['-k', '8', '--seed', '3', '--max-iterations', '10'];

const tmp = useCliTestDir('kmeans-cli-batch-');

/** `count` small photos (different crops of coffee.png) in a fresh directory; returns their paths. */
function photos(dir: string, count: number): string[] {
  mkdirSync(tmp(dir));
  const coffeeImage = loadCoffee();
  return Array.from({ length: count }, (_, i) => writePngFixture(tmp(dir, `photo${i}.png`), crop(coffeeImage, 30 * i, 20 * i, 120, 90)));
}

interface BatchJson {
  files: Array<{ input: string; output: string; status: string; exitCode: number; worker: number; startMs: number; endMs: number; totalMs: number; k?: number; bytes?: number; inputBytes?: number; error?: string }>;
  total: { files: number; written: number; skipped: number; failed: number; workers: number; inputBytes: number; outputBytes: number };
}

function batchJson(stdout: string): BatchJson {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as BatchJson;
}

function colours(path: string): number {
  const png = readPng(path);
  return new Set(new Uint32Array(png.data.buffer, png.data.byteOffset, png.width * png.height)).size;
}

describe('several inputs', () => {
  it('--ext: each output next to its input, a line per file and a total line, the same bytes as one run per file', () => {
    const inputs = photos('ext', 3);
    const run = ok(...ENGINE, ...inputs, '--ext', '.k8.png');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const input of inputs) {
      const output = input.replace(/\.png$/, '.k8.png');
      expect(lines.filter((line) => line.startsWith(`${input} -> ${output}: k = 8, PSNR `))).toHaveLength(1);
      expect(colours(output)).toBeLessThanOrEqual(8);
      // A worker runs the file as a single run with --threads 1 does: byte for byte.
      const single = tmp('ext', `single-${inputs.indexOf(input)}.png`);
      ok(...ENGINE, '--threads', '1', input, '-o', single);
      expect(readFileSync(output).equals(readFileSync(single)), output).toBe(true);
    }
    expect(lines[3]).toMatch(/^total: 3 files, 3 written, 0 skipped, 0 failed; .* KB -> .* KB for those written; \d+\.\d\d s on [12] workers?$/);
  });

  it('the default suffix is -kmq.png; --out-dir puts <name>.png there (made if missing); --json gives one object', () => {
    const inputs = photos('default', 2);
    ok(...ENGINE, ...inputs);
    for (const input of inputs) expect(readPng(input.replace(/\.png$/, '-kmq.png')).colorType).toBe(3);

    const outDir = tmp('default', 'out');
    const json = batchJson(ok(...ENGINE, ...inputs, '--out-dir', outDir, '--json').stdout);
    expect(readdirSync(outDir).sort()).toEqual(['photo0.png', 'photo1.png']);
    expect(json.files.map((f) => [f.input, f.output, f.status, f.exitCode])).toEqual(inputs.map((input, i) => [input, join(outDir, `photo${i}.png`), 'written', 0]));
    for (const file of json.files) {
      expect(file.k).toBe(8);
      expect(file.bytes).toBe(readFileSync(file.output).length);
      expect(file.inputBytes).toBe(readFileSync(file.input).length);
    }
    expect(json.total).toMatchObject({ files: 2, written: 2, skipped: 0, failed: 0 });
    expect(json.total.outputBytes).toBe(json.files.reduce((n, f) => n + f.bytes!, 0));
    // One input with --out-dir (or --ext) runs as a batch of one.
    const one = tmp('default', 'one');
    ok(...ENGINE, inputs[0]!, '--out-dir', one);
    expect(readdirSync(one)).toEqual(['photo0.png']);
  });

  it('a file that fails does not stop the others: they are written, its error is one stderr line, exit 5', () => {
    const inputs = photos('failing', 2);
    const broken = tmp('failing', 'broken.png');
    writeFileSync(broken, 'not an image\n');
    const existing = tmp('failing', 'photo1-kmq.png');
    writeFileSync(existing, 'keep me\n');
    const run = cli(...ENGINE, inputs[0]!, broken, inputs[1]!);
    expect(run.status, run.stderr).toBe(EXIT.BATCH_FAILED);
    const errors = run.stderr.trimEnd().split('\n');
    expect(errors.sort()).toEqual([
      `kmeans-quantizer: "${broken}" is not a PNG or JPEG file`,
      `kmeans-quantizer: refusing to write "${existing}": the file exists (give --force to overwrite it)`,
    ]);
    expect(colours(inputs[0]!.replace(/\.png$/, '-kmq.png'))).toBeLessThanOrEqual(8);
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
    expect(existsSync(tmp('failing', 'broken-kmq.png'))).toBe(false);
    expect(run.stdout).toMatch(/^total: 3 files, 1 written, 0 skipped, 2 failed;/m);
    // --force writes over the existing output; the broken file still fails the batch.
    const forced = cli(...ENGINE, inputs[0]!, broken, inputs[1]!, '--force', '--json');
    expect(forced.status).toBe(EXIT.BATCH_FAILED);
    const json = batchJson(forced.stdout);
    expect(json.files.map((f) => [f.status, f.exitCode])).toEqual([['written', 0], ['failed', EXIT.RUNTIME], ['written', 0]]);
    expect(json.files[1]!.error).toMatch(/is not a PNG or JPEG file/);
    expect(colours(existing)).toBeLessThanOrEqual(8);
  });

  it('each file once: the same input under two spellings runs once', () => {
    const [input] = photos('once', 1);
    symlinkSync(input!, tmp('once', 'link.png'));
    const json = batchJson(ok(...ENGINE, input!, tmp('once', '..', 'once', 'photo0.png'), tmp('once', 'link.png'), '--ext', '-x.png', '--json').stdout);
    expect(json.files.map((f) => f.input)).toEqual([input]);
    expect(readdirSync(tmp('once')).sort()).toEqual(['link.png', 'photo0-x.png', 'photo0.png']);
  });

  it('the pool: at most --jobs files in flight at once, on at most that many workers, never more than the cores', () => {
    const inputs = photos('pool', 6);
    const json = batchJson(ok(...ENGINE, ...inputs, '--jobs', '2', '--json').stdout);
    expect(json.total.workers).toBe(Math.min(2, availableParallelism()));
    expect(new Set(json.files.map((f) => f.worker)).size).toBeLessThanOrEqual(json.total.workers);
    // Whenever a file is handed out, fewer than `workers` others are still in flight.
    for (const file of json.files) {
      const inFlight = json.files.filter((other) => other.startMs <= file.startMs && file.startMs < other.endMs);
      expect(inFlight.length, `at ${file.startMs} ms`).toBeLessThanOrEqual(json.total.workers);
    }
    const serial = batchJson(ok(...ENGINE, ...inputs, '--jobs', '1', '--json', '--force').stdout);
    expect(serial.total.workers).toBe(1);
    const order = [...serial.files].sort((a, b) => a.startMs - b.startMs);
    for (let i = 1; i < order.length; i++) expect(order[i]!.startMs).toBeGreaterThanOrEqual(order[i - 1]!.endMs);
    const capped = batchJson(ok(...ENGINE, ...inputs, '--jobs', '64', '--json', '--force').stdout);
    expect(capped.total.workers).toBe(Math.min(6, availableParallelism()));
  });

  it('usage errors: -o with several inputs, colliding outputs, an output that is another input, flags for one input', () => {
    const inputs = photos('usage', 2);
    expectCleanError(cli(...ENGINE, ...inputs, '-o', tmp('usage', 'out.png')), EXIT.USAGE, /-o names one output file, but 2 inputs were given: name their outputs with --ext or --out-dir/);
    mkdirSync(tmp('usage', 'jpeg'));
    copyFileSync(inputs[0]!, tmp('usage', 'jpeg', 'photo0.jpg'));
    expectCleanError(cli(...ENGINE, inputs[0]!, tmp('usage', 'jpeg', 'photo0.jpg'), '--out-dir', tmp('usage', 'o')), EXIT.USAGE, /would both be written to/);
    copyFileSync(inputs[0]!, tmp('usage', 'photo0-kmq.png'));
    expectCleanError(cli(...ENGINE, inputs[0]!, tmp('usage', 'photo0-kmq.png')), EXIT.USAGE, /is another input of this batch/);
    expectCleanError(cli(...ENGINE, ...inputs, '--palette', tmp('usage', 'p.gpl')), EXIT.USAGE, /--palette takes a single input/);
    expectCleanError(cli(...ENGINE, ...inputs, '--ext', '.jpg'), EXIT.USAGE, /--ext must be a file-name suffix ending in \.png/);
    expectCleanError(cli(...ENGINE, coffee, '-o', tmp('usage', 'x.png'), '--jobs', '2'), EXIT.USAGE, /--jobs needs several inputs/);
    expectCleanError(cli(...ENGINE, ...inputs, '--jobs', '0'), EXIT.USAGE, /--jobs must be an integer/);
    expect(readdirSync(tmp('usage')).sort()).toEqual(['jpeg', 'photo0-kmq.png', 'photo0.png', 'photo1.png']);
  });
});
