/**
 * A CPU worker (Node worker_threads or a browser module Worker): holds one slice of the colour histogram
 * and runs the filtering assignment on it each iteration, answering with the slice's cluster sums; or, as
 * the polish helper, polishes initial centroids on the init sample.
 */
import { FilteringLloyd } from './filtering.js';
import { refineOnSample } from './init.js';
import type { PartitionReply, PartitionRequest } from './partitions.js';

interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

let lloyd: FilteringLloyd | undefined;

function handle(request: PartitionRequest, port: Port): void {
  let reply: PartitionReply;
  switch (request.type) {
    case 'ping':
      reply = { type: 'pong' };
      break;
    case 'polish':
      reply = {
        type: 'polished',
        results: request.picks.map((picks) => refineOnSample(request.sample, picks, request.maxIterations, request.tolerance)),
      };
      break;
    case 'load':
      lloyd = new FilteringLloyd(request.points, request.weights);
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
