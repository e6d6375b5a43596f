/**
 * How a session talks to the GPU queue: each step inside error scopes (a GPU failure becomes a
 * GpuRunError, so that the CPU takes over), and every submit and readback counted for the run's stats.
 */
import { GpuRunError, QuantizerError, throwIfAborted } from '../errors.js';
import type { GpuContext } from './context.js';
import { MAP_MODE_READ } from './usage.js';

/**
 * Runs one step of GPU work inside validation and out-of-memory error scopes; a lost device, a GPU error
 * or a failed call rejects with GpuRunError. With a `signal`, the step rejects with an AbortError as soon
 * as it fires, also while the GPU is still at work (mapping a readback, say); the work it leaves runs to
 * its end, and the context's next step waits for it.
 */
export async function guarded<T>(ctx: GpuContext, what: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  throwIfAborted(signal);
  await ctx.settled();
  throwIfAborted(signal);
  ctx.checkAlive();
  const step = scoped(ctx, what, work);
  return signal ? ctx.abandonable(step, signal) : step;
}

async function scoped<T>(ctx: GpuContext, what: string, work: () => Promise<T>): Promise<T> {
  const { device } = ctx;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = await work();
  } catch (error) {
    // A failure that the device's loss caused is told as the loss, which may be reported a little later.
    await ctx.lossReported();
    ctx.checkAlive();
    // The library's own typed errors (a misuse, a bind group named wrongly) are no GPU failure to fall back from.
    if (error instanceof QuantizerError) throw error;
    throw new GpuRunError(`${what} failed: ${(error as Error).message}`);
  } finally {
    const [validation, memory] = await Promise.all([device.popErrorScope(), device.popErrorScope()]).catch(() => [null, null]);
    const error = validation ?? memory;
    if (error) throw new GpuRunError(`${what}: ${error.message}`);
  }
  ctx.checkAlive();
  return value;
}

/** One session's submits and readbacks, counted (the run's `gpu` stats). */
export class CountedQueue {
  submits = 0;
  readbacks = 0;
  bytesRead = 0;
  /** GPU time of the timed passes, summed. */
  timestampNs = 0;
  private readonly device: GPUDevice;

  constructor(device: GPUDevice) {
    this.device = device;
  }

  submit(encoder: GPUCommandEncoder): void {
    this.device.queue.submit([encoder.finish()]);
    this.submits++;
  }

  /** The first `bytes` of a staging buffer, copied out (the buffer is unmapped again). */
  async read(staging: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.readbacks++;
    this.bytesRead += bytes;
    await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    return copy;
  }
}
