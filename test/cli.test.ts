/**
 * The CLI end to end: the real launcher (bin/kmeans-quantizer.js -> dist/cli.js) runs as a child process
 * on the shipped photo test/fixtures/coffee.png (600x400).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { quantize } from '../src/index.js';
import { QuantizerError } from '../src/errors.js';
import { OPTIONS, type OptionSpec } from '../src/options.js';
import { parseCommand, UsageError } from '../src/cli/args.js';
import { bin, cli, cliJson, coffee, expectCleanError, ok, readPng, root, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { randomImage } from './helpers/images.js';

const JSON_KEYS = ['backend', 'converged', 'inertia', 'iterations', 'k', 'ms', 'mse', 'paletteSize', 'psnr'];

const tmp = useCliTestDir('kmeans-cli-');

describe('kmeans-quantizer CLI', () => {
  it('--json prints exactly one JSON object with the documented keys, and writes a k-colour PNG-8', () => {
    const out = tmp('coffee-16.png');
    const json = cliJson(coffee, '-k', '16', '-o', out, '--backend', 'auto');
    // -o wrote a file: its size is added as "bytes".
    expect(Object.keys(json).sort()).toEqual([...JSON_KEYS, 'bytes'].sort());
    expect(json.bytes).toBe(readFileSync(out).length);
    expect(json.backend).toBe('cpu'); // auto in Node: no navigator.gpu, so the CPU
    expect(json.k).toBe(16);
    expect(json.paletteSize).toBe(16);
    expect(json.mse).toBeGreaterThan(0);
    expect(typeof json.psnr).toBe('number');
    expect(json.iterations).toBeGreaterThanOrEqual(1);
    expect(typeof json.converged).toBe('boolean');
    expect(json.inertia).toBeGreaterThan(0);
    expect(json.ms).toBeGreaterThanOrEqual(0);

    const png = readPng(out);
    expect([png.width, png.height]).toEqual([600, 400]);
    // An indexed PNG (colour type 3) of 16 colours: 4 bits a pixel.
    expect([png.colorType, png.depth]).toEqual([3, 4]);
    const words = new Uint32Array(png.data.buffer, png.data.byteOffset, png.width * png.height);
    expect(new Set(words).size).toBeLessThanOrEqual(16);
  });

  it('prints a human summary without --json', () => {
    const out = tmp('summary.png');
    const run = ok(coffee, '-k', '4', '-o', out, '--max-iterations', '5');
    expect(run.stdout).toMatch(/backend: +cpu \(.*navigator\.gpu.*\)/);
    expect(run.stdout).toMatch(/iterations: +[1-5]\b/);
    expect(run.stdout).toMatch(/MSE: +\d/);
    expect(run.stdout).toMatch(/PSNR: +\d+\.\d+ dB/);
    expect(run.stdout).toMatch(/ ms\b/);
    expect(run.stdout).toContain(out);
    expect(run.stdout).toMatch(/original size: +\d+\.\d KB/);
    expect(run.stdout).toMatch(/compressed size: +\d+\.\d KB .*PNG-8/);
    expect(existsSync(out)).toBe(true);
  });

  it('prints psnr as null when the output equals the input (lossless)', () => {
    const data = Array.from({ length: 8 }, (_, i) => (i % 2 ? [255, 0, 0, 255] : [0, 0, 255, 255])).flat();
    const src = writePngFixture(tmp('two-colours.png'), { data, width: 4, height: 2 });
    const json = cliJson(src, '-k', '4');
    expect(Object.keys(json).sort()).toEqual(JSON_KEYS); // no file written: no "bytes"
    expect(json.psnr).toBeNull();
    expect(json.mse).toBe(0);
    expect(json.paletteSize).toBe(2);
  });

  it('reads JPEG input, detected by its bytes rather than its name', () => {
    const png = readPng(coffee);
    const encoded = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 90);
    const jpg = tmp('coffee.jpg');
    writeFileSync(jpg, encoded.data);
    const misnamed = tmp('coffee-jpeg.png');
    writeFileSync(misnamed, encoded.data);
    for (const input of [jpg, misnamed]) {
      const out = tmp(`from-${input.endsWith('.jpg') ? 'jpg' : 'misnamed'}.png`);
      const json = cliJson(input, '-k', '8', '-o', out, '--max-iterations', '10');
      expect(json.paletteSize).toBe(8);
      const result = readPng(out);
      expect([result.width, result.height]).toEqual([600, 400]);
    }
  });

  it('the same --seed gives byte-identical output files', () => {
    const a = tmp('seed-a.png');
    const b = tmp('seed-b.png');
    const args = ['-k', '6', '--seed', '42', '--max-iterations', '8', '--sample-size', '20000', '--attempts', '2', '--tolerance', '0.5'];
    ok(coffee, ...args, '-o', a);
    ok(coffee, ...args, '-o', b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('--help and --version', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kmeans-quantizer /);
    expect(cli('-h').stdout).toBe(help.stdout);
    const version = cli('--version');
    expect(version.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every engine option of the table (per call, with a text form): its flag, doc line and default', () => {
    const help = ok('--help').stdout;
    const start = help.indexOf('\nEngine');
    const section = help.slice(start, help.indexOf('\n\n', start + 1));
    const entries = new Map<string, string>();
    for (const entry of section.split(/\n(?= {2}(?:-\w, | {4})--)/).slice(1)) {
      const [, flag, text] = /^ {2}(?:-\w, | {4})--([\w-]+) <\w+> +([\s\S]*)$/.exec(entry)!;
      entries.set(flag!, text!.replace(/\s+/g, ' ').trim());
    }
    const specs = (OPTIONS as readonly OptionSpec[]).filter((spec) => spec.scope === 'call' && spec.text !== undefined);
    const flagOf = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    // One flag per row, in the table's order, and none other.
    expect([...entries.keys()]).toEqual(specs.map((spec) => flagOf(spec.name)));
    for (const spec of specs) {
      expect(entries.get(flagOf(spec.name))).toBe(`${spec.doc} (default: ${spec.defaultText ?? String(spec.default)})`);
    }
    expect(section).toMatch(/^ {2}-k, --k <n> /m);
  });

  it('with no engine flags, the CLI gives what quantize() gives with no options (the same defaults)', async () => {
    const image = randomImage(48, 32, 5);
    const json = cliJson(writePngFixture(tmp('defaults.png'), image));
    const result = await quantize(image);
    const fields = ['k', 'paletteSize', 'iterations', 'converged', 'inertia', 'mse'] as const;
    expect(Object.fromEntries(fields.map((f) => [f, json[f]]))).toEqual(Object.fromEntries(fields.map((f) => [f, result[f]])));
  });

  it('usage errors are typed, with a stable code, and carry no prefix (the CLI adds it once)', () => {
    const cases: Array<[string[], string]> = [
      [['in.png', '-k', '0', '--json'], 'OUT_OF_RANGE'],
      [['in.png', '-k', 'abc', '--json'], 'INVALID_TYPE'],
      [['in.png', '--backend', 'gpu', '--json'], 'INVALID_TYPE'],
      [['in.png', '--frobnicate'], 'INVALID_TYPE'],
      [['in.png', '--sweep', '2,300'], 'OUT_OF_RANGE'],
      [['in.png', '-k', '4'], 'INVALID_TYPE'],
    ];
    for (const [args, code] of cases) {
      expect(() => parseCommand(args), args.join(' ')).toThrow(UsageError);
      try {
        parseCommand(args);
      } catch (error) {
        expect(error).toBeInstanceOf(QuantizerError);
        expect((error as UsageError).code, args.join(' ')).toBe(code);
        expect((error as Error).message).not.toMatch(/^kmeans-quantizer:/);
      }
    }
  });

  describe('bad input: one stderr line, non-zero exit, no stack trace', () => {
    it('usage errors exit with 2', () => {
      expectCleanError(cli(coffee, '-k', '0', '--json'), 2, /"k".*1\.\.256.*got 0/);
      expectCleanError(cli(coffee, '-k', '257', '--json'), 2, /"k"/);
      expectCleanError(cli(coffee, '-k', '2.5', '--json'), 2, /"k"/);
      expectCleanError(cli(coffee, '-k', 'abc', '--json'), 2, /-k.*"abc"/);
      expectCleanError(cli(coffee, '--frobnicate', '--json'), 2, /--frobnicate/);
      expectCleanError(cli(coffee, '-k'), 2);
      expectCleanError(cli(coffee, '-k', '4'), 2, /-o/); // no -o and no --json
      expectCleanError(cli('--json'), 2, /input/);
      expectCleanError(cli(coffee, '--max-iterations', '0', '--json'), 2, /maxIterations.*--max-iterations/);
      expectCleanError(cli(coffee, '--backend', 'gpu', '--json'), 2, /backend/);
      // Negative numbers after a flag are values, answered by the option's range check.
      expectCleanError(cli(coffee, '-k', '-1', '--json'), 2, /"k" \(-k\) must be an integer in 1\.\.256, got -1/);
      expectCleanError(cli(coffee, '--tolerance', '-0.5', '--json'), 2, /"tolerance".*>= 0, got -0\.5/);
      expect(cliJson(coffee, '-k', '2', '--seed', '-3', '--max-iterations', '2').k).toBe(2);
    });

    it('runtime errors exit with 1', () => {
      expectCleanError(cli(tmp('does-not-exist.png'), '--json'), 1, /does-not-exist\.png.*no such file/);
      const text = tmp('notes.png');
      writeFileSync(text, 'this is not an image\n');
      expectCleanError(cli(text, '--json'), 1, /not a PNG or JPEG/);
      const truncated = tmp('truncated.png');
      writeFileSync(truncated, readFileSync(coffee).subarray(0, 200));
      expectCleanError(cli(truncated, '--json'), 1, /cannot decode PNG .*: the PNG is truncated$/);
      expectCleanError(cli(coffee, '-k', '2', '--max-iterations', '2', '-o', tmp('no-such-dir', 'out.png')), 1, /cannot write/);
    });
  });

  it('the launcher explains how to build when dist/cli.js is missing', () => {
    const fake = tmp('unbuilt');
    mkdirSync(join(fake, 'bin'), { recursive: true });
    copyFileSync(bin, join(fake, 'bin', 'kmeans-quantizer.js'));
    writeFileSync(join(fake, 'package.json'), '{"type": "module"}\n');
    const r = spawnSync(process.execPath, [join(fake, 'bin', 'kmeans-quantizer.js'), '--help'], { encoding: 'utf8' });
    expectCleanError({ status: r.status, stdout: r.stdout, stderr: r.stderr }, 1, /npm install.*npm run build/);
  });
});
