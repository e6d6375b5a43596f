/**
 * An X display for the few tests that need a headed Chromium. Headless Chromium on SwiftShader loses the
 * device as soon as a WebGPU canvas is configured; a headed one on a virtual display (Xvfb) keeps it, and
 * a canvas's current texture can then be read back (COPY_SRC, added by the test) though it is never
 * composited. Uses $DISPLAY when set, else starts Xvfb (Debian's `xvfb` package) on a free display.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const XVFB = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';

export interface Display {
  /** The DISPLAY value, e.g. ':99'. */
  name: string;
  close(): Promise<void>;
}

/** $DISPLAY, or a fresh Xvfb; undefined when neither is at hand. */
export async function openDisplay(): Promise<Display | undefined> {
  if (process.env.DISPLAY) return { name: process.env.DISPLAY, close: async () => {} };
  if (!existsSync(XVFB)) return undefined;
  // -displayfd: Xvfb picks a free display and writes its number to fd 3 once it accepts connections.
  const child = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const name = await new Promise<string>((resolve, reject) => {
    let text = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start in 10 s: ${errors.trim()}`)), 10_000);
    child.stderr!.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) { clearTimeout(timer); resolve(`:${text.trim()}`); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${errors.trim()}`)); });
  });
  return { name, close: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
