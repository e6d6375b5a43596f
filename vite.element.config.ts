import { defineConfig } from 'vite';

/**
 * The bundled element, `dist/element.js`, for pages without a build step: the main build's
 * `dist/element-lit.js` (which imports `lit`) with Lit inlined. The engine stays in the main build's
 * chunks, imported by relative path, so a page that also imports `dist/index.js` loads it once. Runs after
 * `vite build` (package.json "build").
 */
export default defineConfig({
  configFile: false,
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    lib: { entry: { element: 'dist/element-lit.js' }, formats: ['es'] },
    rolldownOptions: {
      // The main build's own chunks, imported from dist/element-lit.js: kept as they are.
      external: (id, importer) => id.startsWith('./') && importer !== undefined && importer.endsWith('/dist/element-lit.js'),
    },
  },
});
