/**
 * The package as consumers get it: `npm pack`'s tarball, unpacked as node_modules/kmeans-quantizer of a
 * small consumer project, linted by publint (strict) and Are the Types Wrong (the repository's
 * .attw.json: ESM only, which Node >= 20.19 can also require()), holding no sources twice, and compiled
 * against by TypeScript with `skipLibCheck: false` under `moduleResolution` bundler and node16.
 * Needs dist/ (`npm test` builds it first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIT, linkDependencies, packAndInstall, ROOT as root } from './helpers/packed.js';

const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
let dir = '';
let tarball = '';
let unpacked = '';

function run(command: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Every file below `from`, relative to it. */
function filesBelow(from: string, prefix = ''): string[] {
  return readdirSync(join(from, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesBelow(from, join(prefix, e.name)) : [join(prefix, e.name)]));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kmq-package-'));
  ({ tarball, unpacked } = packAndInstall(dir, 'consumer'));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds dist/, bin/, the manifest and LICENSE, and no sources or shaders next to their built copies', () => {
    const files = filesBelow(unpacked);
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/partition-worker.js');
    expect(files).toContain('dist/index.node.js');
    expect(files).toContain('dist/partition-worker-node.js');
    expect(files).toContain('dist/element-lit.js');
    expect(files).toContain('dist/types/ts5/index.d.ts');
    expect(files).toContain('bin/kmeans-quantizer.js');
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('shaders/') || f.endsWith('.d.ts.map'))).toEqual([]);
  });

  it('passes publint --strict and Are the Types Wrong', () => {
    const lint = run(bin('publint'), ['--strict', '--pack', 'false', unpacked], root);
    expect(lint.status, lint.out).toBe(0);
    expect(lint.out).not.toMatch(/warning|error|suggestion/i);
    const attw = run(bin('attw'), [tarball, '--config-path', join(root, '.attw.json'), '--format', 'ascii'], root);
    expect(attw.status, attw.out).toBe(0);
    expect(attw.out).toMatch(/No problems found/);
  });

  it('in Node, without Lit installed, it resolves to its Node entry, whose quantizers run on worker threads', () => {
    const project = join(dir, 'consumer');
    expect(existsSync(join(project, 'node_modules', 'lit'))).toBe(false);
    const script = [
      "import { quantize } from 'kmeans-quantizer';",
      "const side = 2048;",
      'const data = new Uint8ClampedArray(side * side * 4);',
      'for (let i = 0; i < side * side; i++) data.set([i & 255, (i >>> 8) & 255, (i >>> 16) & 255, 255], i * 4);',
      "const r = await quantize({ data, width: side, height: side }, { k: 16, backend: 'cpu', threads: 2, maxIterations: 3 });",
      "console.log(JSON.stringify({ entry: import.meta.resolve('kmeans-quantizer'), threads: r.threads }));",
    ].join('\n');
    writeFileSync(join(project, 'threads.mjs'), script);
    const node = run(process.execPath, ['threads.mjs'], project);
    expect(node.status, node.out).toBe(0);
    const outcome = JSON.parse(node.out.trim().split('\n')[0]!) as { entry: string; threads: number };
    expect(outcome.entry).toMatch(/node_modules\/kmeans-quantizer\/dist\/index\.node\.js$/);
    expect(outcome.threads).toBe(2);
  });

  /** The TypeScript compilers checked: 5.9 (the project's) and 7 (the native one, installed as typescript-7). */
  const COMPILERS = { '5.9': 'typescript', '7': 'typescript-7' } as const;
  for (const [version, compiler] of Object.entries(COMPILERS))
  for (const resolution of ['bundler', 'node16'] as const) {
    it(`a TypeScript ${version} consumer compiles against it (moduleResolution ${resolution}, skipLibCheck false)`, () => {
      const project = join(dir, 'consumer');
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      writeFileSync(
        join(project, 'main.ts'),
        [
          "import { createQuantizer, quantize, type QuantizeResult } from 'kmeans-quantizer';",
          "import 'kmeans-quantizer/element';",
          "import { KmeansQuantizerElement } from 'kmeans-quantizer/element/lit';",
          'export const tag: typeof KmeansQuantizerElement | undefined = undefined;',
          "import { readImage } from 'kmeans-quantizer/node';",
          'const image = await readImage(process.argv[2] ?? "in.png");',
          'const result: QuantizeResult = await quantize(image, { k: 16, dither: "diffusion", colorSpace: "oklab" });',
          '// The README\'s line: the result\'s pixels straight into an ImageData.',
          'export const shown = new ImageData(result.image, result.width, result.height);',
          'const quantizer = createQuantizer({ backend: "auto" });',
          'export const device: GPUDevice | undefined = undefined;',
          'quantizer.destroy();',
          '',
        ].join('\n'),
      );
      const tsconfig = {
        compilerOptions: {
          target: 'ES2022',
          module: resolution === 'bundler' ? 'ESNext' : 'Node16',
          moduleResolution: resolution,
          lib: ['ES2022', 'DOM'],
          types: ['node'],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['main.ts'],
      };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
      // The element's declarations extend LitElement: its types come from the (optional peer) lit.
      linkDependencies(project, LIT);
      const tsc = run(process.execPath, [join(root, 'node_modules', compiler, 'bin', 'tsc'), '-p', project], project);
      expect(tsc.out).not.toMatch(/error TS/);
      expect(tsc.status, tsc.out).toBe(0);
    });
  }
});
