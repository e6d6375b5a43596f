/**
 * The package as consumers get it, for the tests that install it: `npm pack`'s tarball (no scripts run:
 * dist/ must be built) unpacked as `node_modules/kmeans-quantizer` of a fresh project folder, its runtime
 * dependencies linked from this checkout's node_modules (no network).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Lit's folders in node_modules: an optional peer dependency, which a Lit app (or a TypeScript user of the element's types) has. */
export const LIT = ['lit', '@lit', 'lit-html', 'lit-element'];

/** The dependency folders a consumer needs, as they sit in node_modules. */
const DEPENDENCIES = ['@webgpu', 'fflate', 'gifenc', 'jpeg-js', '@types'];

/** Links `names` from this checkout's node_modules into `projectDir`'s. */
export function linkDependencies(projectDir: string, names: readonly string[]): void {
  for (const dep of names) {
    const to = join(projectDir, 'node_modules', dep);
    if (existsSync(join(ROOT, 'node_modules', dep)) && !existsSync(to)) symlinkSync(join(ROOT, 'node_modules', dep), to);
  }
}

/**
 * Packs the package into `dir` and unpacks it into `dir/project/node_modules`, with its dependencies and,
 * when `lit` is set, Lit; returns the paths.
 */
export function packAndInstall(dir: string, project = 'project', { lit = false }: { lit?: boolean } = {}): { tarball: string; projectDir: string; unpacked: string } {
  expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is built (npm test builds it)').toBe(true);
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  expect(packed.status, packed.stderr).toBe(0);
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  const projectDir = join(dir, project);
  const unpacked = join(projectDir, 'node_modules', 'kmeans-quantizer');
  mkdirSync(unpacked, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], { encoding: 'utf8' });
  expect(untar.status, untar.stderr).toBe(0);
  linkDependencies(projectDir, lit ? [...DEPENDENCIES, ...LIT] : DEPENDENCIES);
  return { tarball, projectDir, unpacked };
}
