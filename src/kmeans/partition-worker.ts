/**
 * The CPU worker of browsers (a module Web Worker); src/kmeans/partition-worker-node.ts is Node's. Both
 * answer through partition-handler.ts.
 */
import { handle, type Port } from './partition-handler.js';
import type { PartitionRequest } from './partitions.js';

const scope = globalThis as unknown as Port & { onmessage: ((e: MessageEvent<PartitionRequest>) => void) | null };
scope.onmessage = (event) => handle(event.data, scope);
