/**
 * Vite config of the demo page (`npm run demo`, `npm run demo:build`). The page imports the library from
 * src/ (WGSL comes in through `?raw` imports), so the demo needs no prior `npm run build`.
 *
 * One wrinkle: the CPU backend starts its Web Workers from `new URL('./partition-worker.js', import.meta.url)`
 * with the file name in a variable, which bundlers do not follow. The plugins below make that URL real:
 * the dev server answers it with the TypeScript source, and the build emits the worker as
 * `assets/partition-worker.js`, next to the chunks that ask for it.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const demoRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(demoRoot, '..');
const workerSource = resolve(repoRoot, 'src/kmeans/partition-worker.ts');
/** The library imports a few Node builtins lazily, on its Node-only paths; the page never loads them. */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

function partitionWorker(): Plugin[] {
  return [
    {
      name: 'kmq-demo:partition-worker-dev',
      apply: 'serve',
      configureServer(server) {
        server.middlewares.use((req, _res, next) => {
          if (req.url && /\/src\/kmeans\/partition-worker\.js(\?|$)/.test(req.url)) {
            req.url = req.url.replace('partition-worker.js', 'partition-worker.ts');
          }
          next();
        });
      },
    },
    {
      name: 'kmq-demo:partition-worker-build',
      apply: 'build',
      buildStart() {
        this.emitFile({ type: 'chunk', id: workerSource, fileName: 'assets/partition-worker.js' });
      },
    },
  ];
}

export default defineConfig({
  root: demoRoot,
  base: './',
  publicDir: resolve(demoRoot, 'public'),
  plugins: [partitionWorker()],
  // Scan the demo page only: demo/examples/ holds apps of their own (vite-app imports the package by name).
  optimizeDeps: { entries: ['index.html'] },
  worker: { format: 'es', rolldownOptions: { external: nodeBuiltins } },
  build: {
    target: 'es2022',
    outDir: resolve(demoRoot, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: { external: nodeBuiltins },
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1' },
});
