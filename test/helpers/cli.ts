/** Running the real CLI launcher (bin/kmeans-quantizer.js -> dist/cli.js) as a child process, for the CLI tests. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

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
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Builds dist/ once when it is missing (npm test builds it first; a lone vitest run may not have). */
export function ensureBuilt(): void {
  if (!existsSync(join(root, 'dist', 'cli.js'))) {
    execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
  }
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
