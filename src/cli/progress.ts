/**
 * A one-line progress display on stderr: redrawn in place with `\r`, at most every {@link INTERVAL_MS} ms,
 * and erased by {@link Progress.clear}. It draws only when enabled (stderr is a terminal and --json is off);
 * otherwise every call does nothing, so that pipes and logs never see it.
 */

/** The part of a stream the display needs (process.stderr fits). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const INTERVAL_MS = 80;
const BAR_WIDTH = 24;

export class Progress {
  private shown = false;
  private last = -Infinity;

  constructor(
    private readonly stream: ProgressStream,
    readonly enabled: boolean,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Draws `label`, then a bar when `total` is known (`done` of `total`), then `detail`. Skipped when the last
   * draw was under {@link INTERVAL_MS} ms ago, unless `force`.
   */
  update(label: string, done?: number, total?: number, detail?: string, force = false): void {
    if (!this.enabled) return;
    const time = this.clock();
    if (!force && time - this.last < INTERVAL_MS) return;
    this.last = time;
    let line = label;
    if (done !== undefined && total !== undefined && total > 0) {
      const fraction = Math.min(1, Math.max(0, done / total));
      const filled = Math.round(fraction * BAR_WIDTH);
      line += ` [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
    }
    if (detail) line += ` ${detail}`;
    const columns = this.stream.columns || 80;
    if (line.length > columns - 1) line = line.slice(0, Math.max(0, columns - 1));
    // \x1b[K erases what a longer previous line left to the right.
    this.stream.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  /** Erases the line (when one is drawn), so that what follows starts on a clean line. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
    this.last = -Infinity;
  }
}
