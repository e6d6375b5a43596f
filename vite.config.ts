import { builtinModules } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * One build serves browsers, Node and the CLI: Vite's library mode bundles src/ (WGSL inlined through
 * `?raw` imports) into ES modules under dist/. Node-only modules (the CLI and its file codecs) import
 * node: builtins and the Node codecs, which stay external, so browser entries never pull them in. Lit is
 * bundled into the element entry so that a plain HTML page needs one script import and no import map.
 */
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'jpeg-js'];

export default defineConfig({
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
