/**
 * The CLI writes over no file unless `--force` is given: not an existing output, and never the input
 * (compared by real path, so `-o ./in.png` and `-o sub/../in.png` are caught). Every path a command would
 * write is checked before any work ({@link refuseOverwrites}), and each write is exclusive
 * ({@link writeGuarded}), so a file that appears meanwhile is not clobbered either. A refusal is a
 * {@link CliError} `OUTPUT_EXISTS` (exit code 3) naming the file and the flag; nothing is written.
 */
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isSameFile, writeBytes } from '../node.js';
import { UsageError } from './args.js';
import { CliError } from './exit.js';

/** The path that means stdin (as an input) or stdout (as -o). */
export const STDIO = '-';

function refusal(path: string, why: string): CliError {
  return new CliError('OUTPUT_EXISTS', `refusing to write ${JSON.stringify(path)}: ${why} (give --force to overwrite it)`);
}

/**
 * Checks the paths a command will write, before any work: none twice, and unless `force`, none that is
 * one of the `inputs` or an existing file. (A directory is left to the write's own check, which names it.)
 */
export async function refuseOverwrites(paths: readonly string[], inputs: readonly string[], force: boolean): Promise<void> {
  const files = paths.filter((path) => path !== STDIO);
  const seen = new Map<string, string>();
  for (const path of files) {
    const key = resolve(path);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new UsageError('INVALID_TYPE', `${JSON.stringify(earlier)} and ${JSON.stringify(path)} are the same output file: give each output its own path`);
    seen.set(key, path);
  }
  if (force) return;
  for (const path of files) {
    for (const input of inputs) {
      if (input !== STDIO && (await isSameFile(input, path))) throw refusal(path, `it is the input file ${JSON.stringify(input)}`);
    }
    const existing = await lstat(path).catch(() => undefined);
    if (existing && !existing.isDirectory()) throw refusal(path, 'the file exists');
  }
}

/** Writes `bytes` to `path`: replacing a file only with `force`, else exclusively (a refusal if it exists by now). */
export async function writeGuarded(path: string, bytes: Uint8Array | string, force: boolean): Promise<number> {
  try {
    return await writeBytes(path, bytes, { overwrite: force });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (!force && cause?.code === 'EEXIST') throw refusal(path, 'the file exists');
    throw error;
  }
}
