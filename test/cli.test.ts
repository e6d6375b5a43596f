/**
 * The CLI end to end: the real launcher (bin/kmeans-quantizer.js -> dist/cli.js) runs as a child process
 * on the shipped photo test/fixtures/coffee.png (600x400).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, cli, coffee, ensureBuilt, expectCleanError, root } from './helpers/cli.js';

const JSON_KEYS = ['backend', 'converged', 'inertia', 'iterations', 'k', 'ms', 'mse', 'paletteSize', 'psnr'];

let dir: string;



function decodePng(path: string): pngjs.PNGWithMetadata {
  return pngjs.PNG.sync.read(readFileSync(path));
}


beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'kmeans-cli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kmeans-quantizer CLI', () => {
  it('--json prints exactly one JSON object with the documented keys, and writes a k-colour PNG-8', () => {
    const out = join(dir, 'coffee-16.png');
    const run = cli(coffee, '-k', '16', '-o', out, '--json', '--backend', 'auto');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
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

    const png = decodePng(out);
    expect([png.width, png.height]).toEqual([600, 400]);
    // An indexed PNG (colour type 3) of 16 colours: 4 bits a pixel.
    expect([png.colorType, png.depth]).toEqual([3, 4]);
    const words = new Uint32Array(png.data.buffer, png.data.byteOffset, png.width * png.height);
    expect(new Set(words).size).toBeLessThanOrEqual(16);
  });

  it('prints a human summary without --json', () => {
    const out = join(dir, 'summary.png');
    const run = cli(coffee, '-k', '4', '-o', out, '--max-iterations', '5');
    expect(run.status, run.stderr).toBe(0);
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
    const src = join(dir, 'two-colours.png');
    const png = new pngjs.PNG({ width: 4, height: 2 });
    for (let i = 0; i < 8; i++) png.data.set(i % 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], i * 4);
    writeFileSync(src, pngjs.PNG.sync.write(png));
    const run = cli(src, '-k', '4', '--json');
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(JSON_KEYS); // no file written: no "bytes"
    expect(json.psnr).toBeNull();
    expect(json.mse).toBe(0);
    expect(json.paletteSize).toBe(2);
  });

  it('reads JPEG input, detected by its bytes rather than its name', () => {
    const png = decodePng(coffee);
    const encoded = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 90);
    const jpg = join(dir, 'coffee.jpg');
    writeFileSync(jpg, encoded.data);
    const misnamed = join(dir, 'coffee-jpeg.png');
    writeFileSync(misnamed, encoded.data);
    for (const input of [jpg, misnamed]) {
      const out = join(dir, `from-${input.endsWith('.jpg') ? 'jpg' : 'misnamed'}.png`);
      const run = cli(input, '-k', '8', '-o', out, '--json', '--max-iterations', '10');
      expect(run.status, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(json.paletteSize).toBe(8);
      const result = decodePng(out);
      expect([result.width, result.height]).toEqual([600, 400]);
    }
  });

  it('the same --seed gives byte-identical output files', () => {
    const a = join(dir, 'seed-a.png');
    const b = join(dir, 'seed-b.png');
    const args = ['-k', '6', '--seed', '42', '--max-iterations', '8', '--sample-size', '20000', '--attempts', '2', '--tolerance', '0.5'];
    expect(cli(coffee, ...args, '-o', a).status).toBe(0);
    expect(cli(coffee, ...args, '-o', b).status).toBe(0);
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
    });

    it('runtime errors exit with 1', () => {
      expectCleanError(cli(join(dir, 'does-not-exist.png'), '--json'), 1, /does-not-exist\.png.*no such file/);
      const text = join(dir, 'notes.png');
      writeFileSync(text, 'this is not an image\n');
      expectCleanError(cli(text, '--json'), 1, /not a PNG or JPEG/);
      const truncated = join(dir, 'truncated.png');
      writeFileSync(truncated, readFileSync(coffee).subarray(0, 200));
      expectCleanError(cli(truncated, '--json'), 1, /decode/);
      expectCleanError(cli(coffee, '-k', '2', '--max-iterations', '2', '-o', join(dir, 'no-such-dir', 'out.png')), 1, /cannot write/);
    });
  });

  it('the launcher explains how to build when dist/cli.js is missing', () => {
    const fake = join(dir, 'unbuilt');
    mkdirSync(join(fake, 'bin'), { recursive: true });
    copyFileSync(bin, join(fake, 'bin', 'kmeans-quantizer.js'));
    writeFileSync(join(fake, 'package.json'), '{"type": "module"}\n');
    const r = spawnSync(process.execPath, [join(fake, 'bin', 'kmeans-quantizer.js'), '--help'], { encoding: 'utf8' });
    expectCleanError({ status: r.status, stdout: r.stdout, stderr: r.stderr }, 1, /npm install.*npm run build/);
  });
});
