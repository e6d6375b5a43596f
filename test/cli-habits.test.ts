/**
 * The CLI's habits of the tools people know (issue 15), end to end on the real launcher: no file written
 * over without --force (the input caught by real path), `-` for stdin and `-o -` for stdout (binary safe),
 * inputs of formats that are not decoded refused by name, and the exit codes documented in `--help` and
 * the README. Batches are in test/cli-batch.test.ts, the quality floor in test/cli-quality.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit.js';
import { bin, cli, cliJson, cliWithEnv, coffee, expectCleanError, ok, readPng, root, useCliTestDir, writePngFixture } from './helpers/cli.js';
import { crop, loadCoffee } from './helpers/images.js';

const FAST = ['--threads', '1', '--seed', '5', '--max-iterations', '10'];

const tmp = useCliTestDir('kmeans-cli-habits-');

/** A small photo (a 160x120 crop of coffee.png) as a PNG file of its own. */
function photo(name: string): string {
  return writePngFixture(tmp(name), crop(loadCoffee(), 200, 100, 160, 120));
}

/** Runs the CLI in `cwd`, with `input` on stdin; stdout and stderr as bytes. */
function raw(cwd: string, args: string[], input?: Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

const REFUSAL = /^kmeans-quantizer: refusing to write "[^"]+": .*\(give --force to overwrite it\)$/;

describe('no file written over without --force', () => {
  it('-o onto an existing file: exit 3, one line naming the file and --force, the file untouched; --force replaces it', () => {
    const input = photo('guard-in.png');
    const out = tmp('guard-out.png');
    writeFileSync(out, 'an earlier output\n');
    const refused = cli(input, '-k', '4', '-o', out, ...FAST);
    expectCleanError(refused, EXIT.REFUSED, REFUSAL);
    expect(refused.stderr).toContain(`"${out}": the file exists`);
    expect(readFileSync(out, 'utf8')).toBe('an earlier output\n');

    ok(input, '-k', '4', '-o', out, '--force', ...FAST);
    const png = readPng(out);
    expect([png.width, png.height, png.colorType]).toEqual([160, 120, 3]);
    // -f is --force's short form.
    ok(input, '-k', '4', '-o', out, '-f', ...FAST);
  });

  it('the input under other spellings (./in.png, sub/../in.png, a symbolic link) is refused; --force writes over it', () => {
    const dir = tmp('spellings');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    copyFileSync(photo('spell-src.png'), join(dir, 'in.png'));
    symlinkSync(join(dir, 'in.png'), join(dir, 'link.png'));
    const original = readFileSync(join(dir, 'in.png'));
    for (const spelling of ['./in.png', 'sub/../in.png', 'link.png', join(dir, 'in.png')]) {
      const run = raw(dir, ['in.png', '-k', '4', '-o', spelling, ...FAST]);
      expect(run.status, `${spelling}: ${run.stderr}`).toBe(EXIT.REFUSED);
      expect(run.stderr.trim()).toMatch(REFUSAL);
      expect(run.stderr).toMatch(/it is the input file "in\.png"/);
      expect(run.stdout.length).toBe(0);
      expect(readFileSync(join(dir, 'in.png')).equals(original), spelling).toBe(true);
    }
    const forced = raw(dir, ['in.png', '-k', '4', '-o', './in.png', '--force', ...FAST]);
    expect(forced.status, forced.stderr).toBe(0);
    const written = readPng(join(dir, 'in.png'));
    expect(written.colorType).toBe(3);
    const words = new Uint32Array(written.data.buffer, written.data.byteOffset, written.width * written.height);
    expect(new Set(words).size).toBeLessThanOrEqual(4);
  });

  it('every other output too: --palette, --heatmap, --gif and the --sweep files; nothing at all is written', () => {
    const input = photo('others-in.png');
    const existing = (name: string): string => {
      writeFileSync(tmp(name), 'keep me\n');
      return tmp(name);
    };
    const cases: Array<[string[], string]> = [
      [['--palette', existing('p.gpl')], 'p.gpl'],
      [['--report', '--heatmap', existing('heat.png')], 'heat.png'],
      [['--gif', existing('s.gif'), '--sweep', '2,4'], 's.gif'],
    ];
    for (const [flags, name] of cases) {
      const fresh = tmp(`fresh-${name}.png`);
      const run = cli(input, '-k', '4', '-o', fresh, ...flags, ...FAST);
      expectCleanError(run, EXIT.REFUSED, new RegExp(`refusing to write ".*${name.replace('.', '\\.')}": the file exists`));
      expect(readFileSync(tmp(name), 'utf8')).toBe('keep me\n');
      expect(existsSync(fresh), `${fresh} was written`).toBe(false);
    }
    const sweep = tmp('sweep-dir');
    mkdirSync(sweep);
    writeFileSync(join(sweep, 'others-in-k4.png'), 'keep me\n');
    expectCleanError(cli(input, '--sweep', '2,4', '--out-dir', sweep, ...FAST), EXIT.REFUSED, /others-in-k4\.png": the file exists/);
    expect(existsSync(join(sweep, 'others-in-k2.png'))).toBe(false);
    expect(existsSync(join(sweep, 'sweep.csv'))).toBe(false);
    ok(input, '--sweep', '2,4', '--out-dir', sweep, '--force', ...FAST);
    expect(readPng(join(sweep, 'others-in-k4.png')).colorType).toBe(3);
  });

  it('the same file named twice as outputs is a usage error', () => {
    const input = photo('twice-in.png');
    expectCleanError(cli(input, '-k', '4', '-o', tmp('twice.png'), '--heatmap', tmp('twice.png'), ...FAST), EXIT.USAGE, /same output file/);
    expect(existsSync(tmp('twice.png'))).toBe(false);
  });
});

describe('- is stdin, -o - is stdout', () => {
  it('stdin in, stdout out: the same PNG bytes as a run on files; stdout holds the PNG alone', () => {
    const input = photo('pipe-in.png');
    const file = tmp('pipe-file.png');
    ok(input, '-k', '8', '-o', file, ...FAST);
    const bytes = readFileSync(file);

    const fromStdin = tmp('pipe-stdin.png');
    const run = raw(root, ['-', '-k', '8', '-o', fromStdin, ...FAST], readFileSync(input));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.toString('utf8')).toMatch(/original size: +.*, stdin$/m);
    expect(readFileSync(fromStdin).equals(bytes)).toBe(true);

    const piped = raw(root, ['-', '-k', '8', '-o', '-', ...FAST], readFileSync(input));
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stderr).toBe(''); // the summary is not printed
    expect(piped.stdout.equals(bytes)).toBe(true); // binary safe: byte for byte the file
    expect(readPng(file).data.equals(readPng(fromStdin).data)).toBe(true);
  });

  it('-o - with --json: the JSON object goes to stderr, stdout holds only the PNG (--rgba too)', () => {
    const input = photo('json-in.png');
    const run = raw(root, [input, '-k', '4', '-o', '-', '--json', '--rgba', ...FAST]);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stderr) as Record<string, unknown>;
    expect(json.bytes).toBe(run.stdout.length);
    expect(json.paletteSize).toBe(4);
    expect(run.stdout.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    const out = tmp('json-out.png');
    writeFileSync(out, run.stdout);
    expect(readPng(out).colorType).toBe(6); // RGBA
  });

  it('stdin holding no image, and - among several inputs, are errors', () => {
    const text = raw(root, ['-', '-k', '4', '-o', tmp('never.png')], Buffer.from('not an image\n'));
    expect(text.status).toBe(EXIT.RUNTIME);
    expect(text.stderr.trim()).toBe('kmeans-quantizer: stdin is not a PNG or JPEG file');
    expect(existsSync(tmp('never.png'))).toBe(false);
    expectCleanError(cli('-', coffee, '-k', '4'), EXIT.USAGE, /- \(stdin\) can only be the one input/);
  });
});

describe('input formats that are not decoded are refused by name (exit 4); without sharp, also those it reads', () => {
  const headers: Array<[string, Uint8Array]> = [
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00', 'latin1')],
    ['WebP', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00', 'latin1')],
    ['AVIF', Buffer.from('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf', 'latin1')],
    ['HEIF', Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'latin1')],
    ['TIFF', Buffer.from('II*\x00\x08\x00\x00\x00', 'latin1')],
    ['TIFF', Buffer.from('MM\x00*\x00\x00\x00\x08', 'latin1')],
    ['BMP', Buffer.from('BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x01\x00\x00\x00', 'latin1')],
    ['JPEG XL', Buffer.from('\xff\x0a\xfa\x7f', 'latin1')],
  ];
  it.each(headers.map(([format, bytes], i) => [format, i, bytes] as const))('%s (#%i): one line naming the format, nothing written', (format, i, bytes) => {
    const input = tmp(`format-${i}.png`); // the name says PNG: the bytes decide
    writeFileSync(input, bytes);
    const out = tmp(`format-${i}-out.png`);
    // As when the optional dependency sharp is absent (test/node-formats.test.ts: what it reads when present).
    const run = cliWithEnv({ KMEANS_QUANTIZER_NO_SHARP: '1' }, input, '-k', '4', '-o', out);
    expectCleanError(run, EXIT.UNSUPPORTED_FORMAT, new RegExp(`is a ${format} image: ${format} input is not supported; convert it to PNG`));
    // The formats sharp reads say so; the others do not promise it.
    expect(run.stderr.includes('install the optional dependency sharp')).toBe(['GIF', 'WebP', 'AVIF', 'TIFF'].includes(format));
    expect(existsSync(out)).toBe(false);
  });

  it('text that starts like a BMP is not called one', () => {
    writeFileSync(tmp('bm.txt'), 'BM is how this note starts\n');
    expectCleanError(cli(tmp('bm.txt'), '-k', '4', '--json'), EXIT.RUNTIME, /is not a PNG or JPEG file/);
  });
});

describe('exit codes are documented', () => {
  it('--help and the README list every exit code with its meaning', () => {
    const help = ok('--help').stdout;
    const section = help.slice(help.indexOf('\nExit codes:'));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const cliSection = readme.slice(readme.indexOf('\n## CLI'), readme.indexOf('\n## ', readme.indexOf('\n## CLI') + 1));
    for (const code of Object.values(EXIT)) {
      expect(section, `--help: ${code}`).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
      expect(cliSection, `README: ${code}`).toMatch(new RegExp(`\\| ${code} \\|`));
    }
  });

  it('a plain run still writes its PNG-8 and exits 0', () => {
    const json = cliJson(coffee, '-k', '16', '-o', tmp('plain.png'), ...FAST);
    expect(json.paletteSize).toBe(16);
  });
});
