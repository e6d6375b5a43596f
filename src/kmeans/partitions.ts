/**
 * The CPU backend's points split into partitions, each assigned by its own colour tree: one in this
 * thread, or one per worker so that every core works. The coordinator adds the partitions' cluster sums;
 * those are integer-valued (OKLab ones too: see OKLAB_STEPS), so the result is the same whatever the
 * number of partitions.
 */
import type { ColorSpace } from '../colour-space.js';
import { FilteringLloyd } from './filtering.js';
import type { InitJob } from './init.js';
import { workerCores, workerError, workerFactory, type WorkerLink } from './worker-host.js';

/** Messages to a worker. */
export type PartitionRequest =
  | { type: 'ping' }
  | { type: 'init'; job: InitJob }
  | { type: 'load'; points: Float64Array; weights: Float64Array; space: ColorSpace }
  | { type: 'set'; centroids: Float64Array }
  | { type: 'step'; next: Float64Array | null }
  | { type: 'labels' };

/** Messages from a worker. */
export type PartitionReply =
  | { type: 'pong' }
  | { type: 'initialised'; centroids: Float64Array }
  | { type: 'loaded'; sumOfSquares: number }
  | { type: 'done' }
  | { type: 'sums'; counts: Float64Array; sums: Float64Array }
  | { type: 'labels'; labels: Uint8Array };

/** The cluster totals of one assignment. */
export interface Totals {
  counts: Float64Array;
  sums: Float64Array;
}

/** A set of partitions that together hold every point. */
export interface Partitions {
  readonly count: number;
  readonly sumOfSquares: number;
  setCentroids(centroids: Float64Array): Promise<void>;
  /** Moves to `next` (when given: loosening the bounds), assigns, and returns the totals. */
  step(next: Float64Array | null): Promise<Totals>;
  /** Labels of every point, in point order. */
  labels(): Promise<Uint8Array>;
  /** Hands the workers back to the pool. */
  release(): void;
}

/** One partition in this thread. */
export function localPartitions(points: Float64Array, weights: Float64Array, space: ColorSpace = 'srgb'): Partitions {
  const lloyd = new FilteringLloyd(points, weights, space);
  return {
    count: 1,
    sumOfSquares: lloyd.sumOfSquares,
    async setCentroids(centroids) {
      lloyd.setCentroids(centroids);
    },
    async step(next) {
      if (next) lloyd.moveTo(next);
      lloyd.assign();
      return { counts: lloyd.counts, sums: lloyd.sums };
    },
    async labels() {
      return lloyd.labels;
    },
    release() {},
  };
}

/** Starts a worker and waits (up to 5 s) for its first answer; rejects if it can't start. */
async function startWorker(): Promise<WorkerLink> {
  const make = await workerFactory();
  if (!make) throw workerError('no worker support');
  const worker = await make();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const reply = await Promise.race([
      worker.send({ type: 'ping' }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(workerError('worker did not start')), 5000);
      }),
    ]);
    if (reply.type !== 'pong') throw workerError('worker answered wrongly');
    return worker;
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Workers shared by every quantizer in this thread: started on first use, kept for later calls (they don't
 * keep Node alive), lent to one session at a time; a session that finds them busy runs in this thread.
 */
class WorkerPool {
  private workers: WorkerLink[] = [];
  private busy = false;
  private failed = false;

  private growing: Promise<void> = Promise.resolve();

  /** Brings the pool up to `count` started workers (one growth at a time); rejects if a worker can't start. */
  private grow(count: number): Promise<void> {
    const next = this.growing.then(async () => {
      while (this.workers.length < count) this.workers.push(await startWorker());
    });
    this.growing = next.catch(() => undefined);
    return next;
  }

  /** Starts workers ahead of need (while the caller counts colours); failures only turn workers off. */
  warm(count: number): void {
    if (this.failed || count < 2 || this.workers.length >= count) return;
    this.grow(count).catch(() => {
      this.failed = true;
    });
  }

  /** Up to `count` ready workers, or none (then the caller works alone). */
  async acquire(count: number): Promise<WorkerLink[] | undefined> {
    if (this.busy || this.failed || count < 2) return undefined;
    this.busy = true;
    try {
      await this.grow(count);
      return this.workers.slice(0, count);
    } catch {
      this.failed = true;
      for (const w of this.workers) w.terminate();
      this.workers = [];
      this.busy = false;
      return undefined;
    }
  }

  release(): void {
    this.busy = false;
  }
}

const pool = new WorkerPool();

export interface InitInWorkerOptions {
  /**
   * Boot the helper worker on this job already, not on the second: the caller will quantize again (a
   * quantizer kept for a k slider or video).
   */
  bootNow: boolean;
}

/**
 * One more worker, beside the pool, that works out initial centroids while this thread counts the colours.
 * It starts in the background on the first job of a quantizer made for repeated use, else on the second
 * job asked of it (a single quantization, such as one CLI run, would only pay for its boot: bench/README.md,
 * "Measurements behind the constants"). Until it has answered, and while it is busy, callers do that work
 * in their own thread (never waiting for it to boot).
 */
class InitHelper {
  private worker: WorkerLink | undefined;
  private state: 'off' | 'starting' | 'ready' | 'busy' | 'failed' = 'off';
  private asked = 0;

  /** Runs the job in the helper, or returns undefined when it can't right now. */
  async run(job: InitJob, { bootNow }: InitInWorkerOptions): Promise<Float64Array | undefined> {
    this.asked++;
    if (this.state === 'off' && (bootNow || this.asked >= 2)) {
      this.state = 'starting';
      startWorker().then(
        (worker) => {
          this.worker = worker;
          this.state = 'ready';
        },
        () => {
          this.state = 'failed';
        },
      );
    }
    if (this.state !== 'ready' || !this.worker) return undefined;
    this.state = 'busy';
    try {
      const reply = await this.worker.send({ type: 'init', job });
      this.state = 'ready';
      return reply.type === 'initialised' ? reply.centroids : undefined;
    } catch {
      this.worker.terminate();
      this.worker = undefined;
      this.state = 'failed';
      return undefined;
    }
  }
}

const helper = new InitHelper();

/**
 * Runs an initialisation job in a worker, so that it overlaps the caller's own work; undefined when no
 * worker is ready (the caller then runs it itself: the centroids are the same).
 */
export function initInWorker(job: InitJob, options: InitInWorkerOptions): Promise<Float64Array | undefined> {
  return helper.run(job, options);
}

/** Starts the workers a later createPartitions() will want, so that they boot while colours are counted. */
export async function prewarmPartitions(threads: number | undefined): Promise<void> {
  pool.warm(threads ?? (await workerCores()));
}

/**
 * Splits the points over `threads` workers when that is worth it, else one local partition. Each worker
 * gets a contiguous slice (copied to it); results come back in point order.
 */
export async function createPartitions(points: Float64Array, weights: Float64Array, threads: number | undefined, space: ColorSpace = 'srgb'): Promise<Partitions> {
  const count = threads ?? (await workerCores());
  const workers = count > 1 ? await pool.acquire(count) : undefined;
  if (!workers) return localPartitions(points, weights, space);
  try {
    const m = weights.length;
    const bounds = workers.map((_, i) => Math.round((m * i) / workers.length)).concat(m);
    const loaded = await Promise.all(
      workers.map((w, i) => {
        const p = points.slice(bounds[i]! * 3, bounds[i + 1]! * 3);
        const wt = weights.slice(bounds[i]!, bounds[i + 1]!);
        return w.send({ type: 'load', points: p, weights: wt, space }, [p.buffer, wt.buffer]);
      }),
    );
    let sumOfSquares = 0;
    for (const r of loaded) if (r.type === 'loaded') sumOfSquares += r.sumOfSquares;
    return {
      count: workers.length,
      sumOfSquares,
      async setCentroids(centroids) {
        await Promise.all(workers.map((w) => w.send({ type: 'set', centroids })));
      },
      async step(next) {
        const replies = await Promise.all(workers.map((w) => w.send({ type: 'step', next })));
        const k = replies[0]!.type === 'sums' ? replies[0]!.counts.length : 0;
        const counts = new Float64Array(k);
        const sums = new Float64Array(k * 3);
        for (const r of replies) {
          if (r.type !== 'sums') throw workerError('worker answered wrongly');
          for (let j = 0; j < k; j++) counts[j]! += r.counts[j]!;
          for (let j = 0; j < k * 3; j++) sums[j]! += r.sums[j]!;
        }
        return { counts, sums };
      },
      async labels() {
        const replies = await Promise.all(workers.map((w) => w.send({ type: 'labels' })));
        const labels = new Uint8Array(m);
        replies.forEach((r, i) => {
          if (r.type === 'labels') labels.set(r.labels, bounds[i]!);
        });
        return labels;
      },
      release() {
        pool.release();
      },
    };
  } catch (error) {
    pool.release();
    throw error;
  }
}
