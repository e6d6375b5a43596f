/**
 * The CLI tests' shared setup: running the real launcher (bin/kmeans-quantizer.js -> dist/cli.js) as a
 * child process, a temporary directory per test file, fixture PNGs, and reading what the CLI wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { afterAll, beforeAll, expect } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = join(root, 'bin', 'kmeans-quantizer.js');
export const coffee = join(root, 'test', 'fixtures', 'coffee.png');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with these arguments (stderr is a pipe, so no progress line is drawn). */
export function cli(...args: string[]): Run {
  return cliWithEnv({}, ...args);
}

/** {@link cli} with these variables added to the environment (e.g. `KMEANS_QUANTIZER_NO_SHARP: '1'`). */
export function cliWithEnv(env: Record<string, string>, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A successful run: exit 0 and nothing on stderr (stderr is a pipe: no progress line). */
export function ok(...args: string[]): Run {
  const run = cli(...args);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return run;
}

/** A successful run with `--json` added: exactly one line on stdout, parsed. */
export function cliJson(...args: string[]): Record<string, unknown> {
  const run = ok(...args, '--json');
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** Builds dist/ once when it is missing (npm test builds it first; a lone vitest run may not have). */
export function ensureBuilt(): void {
  if (!existsSync(join(root, 'dist', 'cli.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
}

/**
 * The setup of a CLI test file, called at its top level: dist/ built and a fresh temporary directory
 * before its tests, the directory removed after them. Returns the path of a file in that directory.
 */
export function useCliTestDir(prefix: string): (...parts: string[]) => string {
  let dir: string | undefined;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return (...parts) => {
    if (!dir) throw new Error('the CLI test directory is made in beforeAll');
    return join(dir, ...parts);
  };
}

/** Writes RGBA pixels as a PNG fixture and returns its path. */
export function writePngFixture(path: string, image: { data: ArrayLike<number>; width: number; height: number }): string {
  const png = new pngjs.PNG({ width: image.width, height: image.height });
  png.data.set(Array.from(image.data));
  writeFileSync(path, pngjs.PNG.sync.write(png));
  return path;
}

/** A PNG file decoded to RGBA (with its colour type and bit depth). */
export function readPng(path: string): pngjs.PNGWithMetadata {
  return pngjs.PNG.sync.read(readFileSync(path));
}

/** Size, bit depth and colour type from a PNG's IHDR (the first chunk, right after the 8-byte signature). */
export function pngHeader(path: string): { width: number; height: number; bitDepth: number; colourType: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24]!, colourType: bytes[25]! };
}

/** A failed run: the exit code, exactly one stderr line with the prefix, no stack frames, nothing on stdout. */
export function expectCleanError(run: Run, code: number, pattern?: RegExp): void {
  expect(run.status, run.stderr).toBe(code);
  const lines = run.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kmeans-quantizer: \S/);
  expect(lines[0]).not.toMatch(/kmeans-quantizer: kmeans-quantizer:/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout).toBe('');
  if (pattern) expect(lines[0]).toMatch(pattern);
}
