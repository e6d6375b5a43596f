/**
 * The package's entry in Node (the `"node"` export condition): the same API as src/index.ts, with the
 * CPU backend's workers started through worker_threads. Browsers and bundlers building for them get
 * src/index.ts, which imports nothing of Node's.
 */
import { useNodeWorkers } from './kmeans/node-workers.js';

useNodeWorkers();

export * from './index.js';
