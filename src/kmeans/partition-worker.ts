/**
 * A CPU worker (Node worker_threads or a browser module Worker): holds one slice of the colour histogram
 * and runs the filtering assignment on it each iteration, answering with the slice's cluster sums; or, as
 * the init helper, works out initial centroids from the init samples.
 */
import { FilteringLloyd } from './filtering.js';
import { runInitJob } from './init.js';
import type { PartitionReply, PartitionRequest } from './partitions.js';

interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

let lloyd: FilteringLloyd | undefined;

/**
 * Runs the colour-tree code on made-up colours before the worker says it is ready, so that its first real
 * job runs compiled code rather than the interpreter (which made a fresh worker slower than this thread).
 */
function warmUp(): void {
  let state = 1;
  const size = 4096;
  const points = new Float64Array(size * 3);
  const weights = new Float64Array(size).fill(1);
  for (let i = 0; i < size * 3; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    points[i] = state >>> 24;
  }
  const sample = { points, weights };
  runInitJob({ seedSample: sample, refineSample: sample, k: 16, method: 'kmeans++', candidates: 2, seed: 1, stream: 0, maxIterations: 8, tolerance: 0, relocations: 2 });
}

function handle(request: PartitionRequest, port: Port): void {
  let reply: PartitionReply;
  switch (request.type) {
    case 'ping':
      warmUp();
      reply = { type: 'pong' };
      break;
    case 'init':
      reply = { type: 'initialised', centroids: runInitJob(request.job) };
      break;
    case 'load':
      lloyd = new FilteringLloyd(request.points, request.weights, request.space);
      reply = { type: 'loaded', sumOfSquares: lloyd.sumOfSquares };
      break;
    case 'set':
      lloyd!.setCentroids(request.centroids);
      reply = { type: 'done' };
      break;
    case 'step':
      if (request.next) lloyd!.moveTo(request.next);
      lloyd!.assign();
      reply = { type: 'sums', counts: lloyd!.counts, sums: lloyd!.sums };
      break;
    case 'labels':
      reply = { type: 'labels', labels: lloyd!.labels };
      break;
  }
  port.postMessage(reply);
}

async function start(): Promise<void> {
  const isBrowserWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  if (isBrowserWorker) {
    const scope = globalThis as unknown as Port & { onmessage: ((e: MessageEvent<PartitionRequest>) => void) | null };
    scope.onmessage = (event) => handle(event.data, scope);
    return;
  }
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) return;
  parentPort.on('message', (request: PartitionRequest) => handle(request, parentPort as unknown as Port));
}

void start();
