/**
 * What a CPU worker does, whatever starts it (partition-worker.ts in browsers, partition-worker-node.ts in
 * Node): it holds one slice of the colour histogram and runs the filtering assignment on it each
 * iteration, answering with the slice's cluster sums; or, as the init helper, works out initial centroids
 * from the init samples.
 */
import { FilteringLloyd } from './filtering.js';
import { runInitJob } from './init.js';
import type { PartitionReply, PartitionRequest } from './partitions.js';

/** Where replies go: a worker scope or a worker_threads parent port. */
export interface Port {
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

/** Answers one request. */
export function handle(request: PartitionRequest, port: Port): void {
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
