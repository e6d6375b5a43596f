import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** The worker constructions to write out literally in the built chunks: source text -> output text. */
const WORKER_URLS: Record<string, string> = {
  'new Worker(new URL(WORKER_FILE, import.meta.url), {': "new Worker(new URL('./partition-worker.js', import.meta.url), {",
};

/**
 * Bundlers find a worker only in the literal form `new Worker(new URL('./file.js', import.meta.url))`. Our
 * own build must not bundle it (Vite would inline a second copy under assets/ with an absolute URL), so
 * the source names the file through a constant and this writes the literal into the output chunks,
 * where an app's bundler meets it. Fails the build if a construction named here is not found.
 */
function literalWorkerUrls(): Plugin {
  const seen = new Set<string>();
  return {
    name: 'kmq-literal-worker-urls',
    renderChunk(code) {
      let out = code;
      for (const [from, to] of Object.entries(WORKER_URLS)) {
        if (!out.includes(from)) continue;
        seen.add(from);
        out = out.replaceAll(from, to);
      }
      return out === code ? null : { code: out, map: null };
    },
    generateBundle() {
      for (const from of Object.keys(WORKER_URLS)) if (!seen.has(from)) this.error(`literalWorkerUrls: "${from}" is in no chunk`);
    },
  };
}

/** The public declaration entries (dist/types/<entry>.d.ts), each given a TypeScript 5 wrapper. */
const TYPE_ENTRIES = ['index', 'element/index', 'node'];

/**
 * The declarations name WebGPU's types (GPUDevice, GPUBuffer). TypeScript 6 and later have them in their
 * "dom" lib, and there @webgpu/types' copies collide with it (duplicate identifiers), so the declarations
 * themselves reference nothing. TypeScript 5 has none: its consumers are sent (package.json exports,
 * condition "types", after "types@>=6.0") to these wrappers, which reference @webgpu/types (a dependency)
 * and re-export the entry. Emitted under dist/types/ts5/, beside tsc's declarations.
 */
function typeScript5Wrappers(): Plugin {
  return {
    name: 'kmq-typescript-5-wrappers',
    generateBundle() {
      for (const entry of TYPE_ENTRIES) {
        const up = '../'.repeat(entry.split('/').length);
        this.emitFile({
          type: 'asset',
          fileName: `types/ts5/${entry}.d.ts`,
          source: `/// <reference types="@webgpu/types" />\nexport * from '${up}${entry}.js';\n`,
        });
      }
    },
  };
}

/**
 * One build serves browsers, Node and the CLI: Vite's library mode bundles src/ (WGSL inlined through
 * `?raw` imports) into ES modules under dist/. Node-only modules (the CLI, its file codecs, the
 * worker_threads host) import node: builtins and the Node codecs, which stay external, and only the Node
 * entries import them. Lit stays external here: `dist/element-lit.js` imports the app's `lit`, so a Lit
 * app has one copy of it. `vite.element.config.ts` then makes the bundled `dist/element.js` from that
 * file, with Lit inlined, for pages without a build step.
 */
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'jpeg-js', 'sharp', /^lit(\/|$)/, /^@lit\//];

export default defineConfig({
  plugins: [literalWorkerUrls(), typeScript5Wrappers()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        'index.node': 'src/index.node.ts',
        'element-lit': 'src/element/index.ts',
        'partition-worker': 'src/kmeans/partition-worker.ts',
        'partition-worker-node': 'src/kmeans/partition-worker-node.ts',
        cli: 'src/cli.ts',
        'batch-worker': 'src/cli/batch-worker.ts',
        node: 'src/node.ts',
      },
      formats: ['es'],
    },
    rolldownOptions: { external },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
