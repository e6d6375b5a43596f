/**
 * The worker pool of a batch: at most `size` worker threads (dist/batch-worker.js), each given one file at
 * a time and the next when it replies, so that no more than `size` images are in memory at once (the main
 * thread reads none). A worker that dies fails its file and is replaced while files remain.
 */
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchReply } from './batch-worker.js';

/** A reply, with when (ms after the pool started) its file was handed out and how long it took. */
export type Timed = BatchReply & { startMs: number; ms: number };

/**
 * The batch worker, built as its own entry (vite.config.ts) next to the bundle that holds this module
 * (dist/). The name is a constant, as the library's partition worker's is (src/kmeans/partitions.ts): Vite
 * rewrites the literal `new Worker(new URL('./batch-worker.js', import.meta.url))` as a browser worker,
 * re-bundled under dist/assets/ with the node: builtins stubbed out, which cannot run in Node. It is not named WORKER_FILE: the build's literalWorkerUrls plugin rewrites
 * the browser worker construction made from that name.
 */
const BATCH_WORKER_FILE = './batch-worker.js';

function spawn(): Worker {
  return new Worker(new URL(BATCH_WORKER_FILE, import.meta.url));
}

/** Runs every job on at most `size` workers; `onReply` hears each file as it finishes; resolves to the replies in job order. */
export function runPool(jobs: readonly BatchJob[], size: number, onReply: (reply: Timed) => void): Promise<Timed[]> {
  const replies: Timed[] = new Array(jobs.length);
  const started = performance.now();
  let next = 0;
  let done = 0;
  return new Promise((resolve) => {
    const finish = (reply: Timed): void => {
      replies[reply.index] = reply;
      done++;
      onReply(reply);
      if (done === jobs.length) resolve(replies);
    };
    const feed = (worker: Worker): void => {
      if (next >= jobs.length) {
        void worker.terminate();
        return;
      }
      const job = jobs[next++]!;
      const startMs = performance.now() - started;
      let settled = false;
      const onMessage = (reply: BatchReply): void => settle(reply, false);
      const onError = (error: Error): void => settle({ index: job.index, worker: worker.threadId, ok: false, exitCode: 1, message: `the worker failed: ${error.message}` }, true);
      const onExit = (code: number): void => settle({ index: job.index, worker: -1, ok: false, exitCode: 1, message: `the worker exited (code ${code}) before it finished` }, true);
      // Only these listeners come off (removeAllListeners() would also take Node's own, and lose later replies).
      function settle(reply: BatchReply, replace: boolean): void {
        if (settled) return;
        settled = true;
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        finish({ ...reply, startMs, ms: performance.now() - started - startMs });
        if (replace) {
          void worker.terminate();
          feed(spawn());
        } else feed(worker);
      }
      worker.once('message', onMessage).once('error', onError).once('exit', onExit);
      worker.postMessage(job);
    };
    if (jobs.length === 0) resolve(replies);
    for (let i = 0; i < Math.min(size, jobs.length); i++) feed(spawn());
  });
}
