/**
 * The CPU worker of Node (worker_threads), started by node-workers.ts; src/kmeans/partition-worker.ts is
 * the browsers'. Both answer through partition-handler.ts.
 */
import { parentPort } from 'node:worker_threads';
import { handle, type Port } from './partition-handler.js';
import type { PartitionRequest } from './partitions.js';

const port = parentPort as unknown as (Port & { on(event: 'message', listener: (request: PartitionRequest) => void): void }) | null;
port?.on('message', (request) => handle(request, port));
