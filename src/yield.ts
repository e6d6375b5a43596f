/**
 * Cooperative yielding: long CPU work on the main thread gives the event loop a turn every few
 * milliseconds, so that a page stays responsive and a new input (a k slider moving) can cancel the run.
 */

/** Milliseconds from a monotonic clock where there is one. */
export function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** Resolves in a later macrotask (scheduler.yield, setImmediate in Node, else a MessageChannel). */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(0);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A function that yields to the event loop when more than `budgetMs` passed since it last did. */
export function createYielder(budgetMs = 8): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < budgetMs) return;
    await nextTask();
    last = now();
  };
}
