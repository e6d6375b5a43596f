/**
 * The worker host of Node (worker_threads): installed by the package's Node entries (`src/index.node.ts`,
 * the CLI), never imported by the browser build.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { link, MAX_THREADS, setWorkerHost, type WorkerHost } from './worker-host.js';

/** The built Node worker script (src/kmeans/partition-worker-node.ts), next to this module's bundle (dist/). */
const NODE_WORKER_FILE = './partition-worker-node.js';

/**
 * The Node flags a worker starts with: the parent's, inherited, except under `--input-type` (a script from
 * `node -e` or stdin), which Node refuses in a worker that runs a file: then none.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] | undefined {
  return execArgv.some((flag) => flag === '--input-type' || flag.startsWith('--input-type=')) ? [] : undefined;
}

export const nodeWorkerHost: WorkerHost = {
  name: 'node',
  async cores() {
    return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
  },
  async factory() {
    const url = new URL(NODE_WORKER_FILE, import.meta.url);
    // Running from src/ (the tests), there is no built worker next to this file: one thread.
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
    return async () => {
      const worker = new Worker(url, { execArgv: workerExecArgv() });
      const linked = link(
        (m, t) => worker.postMessage(m, t as never),
        (onReply, onError) => {
          worker.on('message', onReply);
          worker.on('error', onError);
        },
        () => void worker.terminate(),
        (busy) => (busy ? worker.ref() : worker.unref()),
      );
      // After the listeners: adding a 'message' listener refs the worker again.
      worker.unref();
      return linked;
    };
  },
};

/** Makes this process's quantizers use worker_threads. */
export function useNodeWorkers(): void {
  setWorkerHost(nodeWorkerHost);
}
