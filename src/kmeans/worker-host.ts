/**
 * How this environment starts the CPU backend's workers, as a replaceable host: the module imported by
 * browsers (and bundlers building for them) knows only Web Workers and imports nothing of Node's; the
 * package's Node entry (`src/index.node.ts`, chosen by the `"node"` export condition) installs the
 * worker_threads host of `node-workers.ts`. So a browser bundle has no `node:` import to externalize.
 */
import { QuantizerError } from '../errors.js';
import type { PartitionReply, PartitionRequest } from './partitions.js';

/** A worker with one request in flight at a time. */
export interface WorkerLink {
  send(request: PartitionRequest, transfer?: Transferable[]): Promise<PartitionReply>;
  terminate(): void;
}

/** Starts one worker. */
export type WorkerFactory = () => Promise<WorkerLink>;

/** Where workers come from: how many cores there are, and how to start a worker (undefined: none can be). */
export interface WorkerHost {
  readonly name: 'browser' | 'node';
  /** The cores this environment offers, up to 8. */
  cores(): Promise<number>;
  factory(): Promise<WorkerFactory | undefined>;
}

/** A worker that failed or answered out of turn (code `INVALID_STATE`). */
export function workerError(message: string): QuantizerError {
  return new QuantizerError('INVALID_STATE', message);
}

/** At most this many workers, whatever the core count. */
export const MAX_THREADS = 8;

/**
 * A request/reply channel over a worker. `setBusy(true)` while a request is in flight and `setBusy(false)`
 * once idle: Node keeps the process alive for a ref'd worker only, and an idle pool must not keep it alive.
 */
export function link(
  post: (m: unknown, t?: Transferable[]) => void,
  listen: (onReply: (r: PartitionReply) => void, onError: (e: unknown) => void) => void,
  terminate: () => void,
  setBusy: (busy: boolean) => void = () => {},
): WorkerLink {
  let pending: { resolve: (r: PartitionReply) => void; reject: (e: unknown) => void } | undefined;
  let broken: unknown;
  const settle = (): typeof pending => {
    const p = pending;
    pending = undefined;
    setBusy(false);
    return p;
  };
  listen(
    (reply) => settle()?.resolve(reply),
    (error) => {
      broken = error;
      settle()?.reject(error);
    },
  );
  return {
    send(request, transfer) {
      if (broken) return Promise.reject(broken);
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        setBusy(true);
        post(request, transfer);
      });
    },
    terminate,
  };
}

/**
 * The built browser worker script, next to the bundle that holds this module (dist/). The worker is made
 * from this constant, which the build (vite.config.ts, literalWorkerUrls) replaces by the file name
 * written out: the literal form is the one bundlers (Vite, webpack, esbuild) recognise, so an app
 * bundling this package emits the worker too (test/bundled-app.test.ts).
 */
const WORKER_FILE = './partition-worker.js';

/** Module Web Workers (browsers, Deno, and any runtime with a global `Worker`). */
const browserHost: WorkerHost = {
  name: 'browser',
  async cores() {
    const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
    return Math.max(1, Math.min(MAX_THREADS, nav?.hardwareConcurrency ?? 1));
  },
  async factory() {
    if (typeof Worker === 'undefined') return undefined;
    return async () => {
      const worker = new Worker(new URL(WORKER_FILE, import.meta.url), { type: 'module', name: 'kmeans-quantizer partition' });
      return link(
        (m, t) => worker.postMessage(m, t ?? []),
        (onReply, onError) => {
          worker.onmessage = (e: MessageEvent<PartitionReply>) => onReply(e.data);
          worker.onerror = (e) => {
            e.preventDefault();
            onError(workerError(`worker failed: ${e.message}`));
          };
        },
        () => worker.terminate(),
      );
    };
  },
};

let host: WorkerHost = browserHost;
let factory: Promise<WorkerFactory | undefined> | undefined;

/** The cores the host in use offers (Web Workers unless the Node entry installed its own). */
export function workerCores(): Promise<number> {
  return host.cores();
}

/** How the host in use starts a worker, asked once per host; undefined when none can be started. */
export function workerFactory(): Promise<WorkerFactory | undefined> {
  factory ??= host.factory().catch(() => undefined);
  return factory;
}

/** Installs a host (the Node entry does, once, before any work); workers already started stay as they are. */
export function setWorkerHost(next: WorkerHost): void {
  if (next === host) return;
  host = next;
  factory = undefined;
}
