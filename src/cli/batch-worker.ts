/**
 * The worker of a batch (src/cli/pool.ts): takes one file's {@link Command} at a time, runs it as the CLI
 * runs a single input (src/cli/commands.ts; --json set, so it prints nothing), and replies with what
 * happened: the JSON and sizes, or the error's message and exit code. It holds one image at a time.
 * Built as its own entry (vite.config.ts), dist/batch-worker.js, as the library's partition worker is.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { Command } from './args.js';
import { runCommand, type RunOutcome } from './commands.js';
import { exitCodeOf } from './exit.js';
import { Progress } from './progress.js';
import { useNodeWorkers } from '../kmeans/node-workers.js';

useNodeWorkers();

/** A file to run: its place in the batch, and its command (one input, one output). */
export interface BatchJob {
  index: number;
  command: Command;
}

/** The reply: the run's outcome, or its failure as text and an exit code. `worker` is the worker's thread id. */
export type BatchReply =
  | ({ index: number; worker: number; ok: true } & RunOutcome)
  | { index: number; worker: number; ok: false; exitCode: number; message: string };

const quiet = { out: (): void => {}, progress: new Progress(process.stderr, false) };

async function run(job: BatchJob): Promise<BatchReply> {
  try {
    return { index: job.index, worker: threadId, ok: true, ...(await runCommand(job.command, quiet)) };
  } catch (error) {
    return { index: job.index, worker: threadId, ok: false, exitCode: exitCodeOf(error), message: errorMessage(error).replace(/\s*\n\s*/g, ' ') };
  }
}

parentPort?.on('message', (job: BatchJob) => {
  void run(job).then((reply) => parentPort!.postMessage(reply));
});
