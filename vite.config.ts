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

/**
 * One build serves browsers, Node and the CLI: Vite's library mode bundles src/ (WGSL inlined through
 * `?raw` imports) into ES modules under dist/. Node-only modules (the CLI and its file codecs) import
 * node: builtins and the Node codecs, which stay external, so browser entries never pull them in. Lit is
 * bundled into the element entry so that a plain HTML page needs one script import and no import map.
 */
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'jpeg-js', 'sharp'];

export default defineConfig({
  plugins: [literalWorkerUrls()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        element: 'src/element/index.ts',
        'partition-worker': 'src/kmeans/partition-worker.ts',
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
