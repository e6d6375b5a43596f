/**
 * Several inputs at once (`kmeans-quantizer -k 64 a.jpg b.png c.png`): each file once (inputs named twice,
 * also under other spellings, are run once), its output named by --ext next to it or put in --out-dir,
 * the files run in parallel on a pool of worker threads (pool.ts: at most one per core, --jobs fewer),
 * each with `threads: 1` unless --threads is given (the pool already fills the cores). One summary line
 * per file as it finishes, then a total line; with --json, one JSON object at the end instead.
 *
 * Exit code: 0 when every file was written; 5 ({@link EXIT.BATCH_FAILED}) when any failed (the others are
 * still written; each failure is one stderr line); else 98 when some were skipped by --skip-if-larger. A
 * batch of one file (one input with --ext or --out-dir) exits with that file's own code.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { displayMessage } from '../errors.js';
import { ensureDirectory, realOrResolved } from '../node.js';
import { UsageError, type Command } from './args.js';
import type { BatchJob } from './batch-worker.js';
import { inputStem, type CliJson } from './commands.js';
import { EXIT } from './exit.js';
import { formatNumber, round } from './format.js';
import { runPool, type Timed } from './pool.js';
import type { Progress } from './progress.js';

/** Where a batch's text goes. */
export interface BatchIo {
  out(text: string): void;
  err(text: string): void;
  progress: Progress;
}

/** One file of the batch in the --json output. */
export interface BatchFileJson extends CliJson {
  input: string;
  output: string;
  status: 'written' | 'skipped' | 'failed';
  exitCode: number;
  /** The size of the input file (the output's is `bytes`). */
  inputBytes?: number;
  /** The worker thread that ran the file, when (ms after the pool started) it was handed out and answered, and how long that took. */
  worker: number;
  startMs: number;
  endMs: number;
  totalMs: number;
  error?: string;
}

/** The inputs once each (by real path), and each one's output: in --out-dir, else next to it, named `<stem><ext>`. */
async function planBatch(command: Command): Promise<Array<{ input: string; output: string }>> {
  const { ext, outDir } = command.batch!;
  const seen = new Set<string>();
  const plan: Array<{ input: string; output: string }> = [];
  for (const input of command.inputs) {
    const real = await realOrResolved(input);
    if (seen.has(real)) continue;
    seen.add(real);
    plan.push({ input, output: join(outDir ?? dirname(input), `${inputStem(input)}${ext}`) });
  }
  const outputs = new Map<string, string>();
  for (const { input, output } of plan) {
    const real = await realOrResolved(output);
    const other = outputs.get(real);
    if (other !== undefined) throw new UsageError('INVALID_TYPE', `${JSON.stringify(other)} and ${JSON.stringify(input)} would both be written to ${JSON.stringify(output)}: rename one, or give another --ext`);
    if (seen.has(real)) throw new UsageError('INVALID_TYPE', `the output ${JSON.stringify(output)} of ${JSON.stringify(input)} is another input of this batch: give another --ext or --out-dir`);
    outputs.set(real, input);
  }
  return plan;
}

/** The command one worker runs for one file: its input and output, --json (it prints nothing), one thread unless --threads. */
function fileCommand(command: Command, input: string, output: string): Command {
  const options = { ...command.options, threads: command.options.threads ?? 1 };
  const quantize = command.quantize && { ...command.quantize, threads: command.quantize.threads ?? 1 };
  return { ...command, input, inputs: [input], output, json: true, batch: undefined, options, quantize };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A file's entry in the JSON, from its worker's reply. */
function fileJson(reply: Timed, input: string, output: string): BatchFileJson {
  const timing = { worker: reply.worker, startMs: round(reply.startMs, 1), endMs: round(reply.startMs + reply.ms, 1), totalMs: round(reply.ms, 1) };
  if (reply.ok) return { input, output, status: 'written', exitCode: EXIT.OK, ...reply.json, inputBytes: reply.inputBytes, ...timing };
  const status = reply.exitCode === EXIT.NOT_SMALLER ? 'skipped' : 'failed';
  return { input, output, status, exitCode: reply.exitCode, ...timing, error: reply.message };
}

/** A file's summary line: what was written and how well, or why not. */
function fileLine(file: BatchFileJson): string {
  if (file.status === 'written') {
    const ratio = ((file.bytes! / file.inputBytes!) * 100).toFixed(1);
    const psnr = file.psnr === null || file.psnr === undefined ? 'inf' : formatNumber(file.psnr, 2);
    return `${file.input} -> ${file.output}: k = ${file.k}, PSNR ${psnr} dB, ${kb(file.inputBytes!)} -> ${kb(file.bytes!)} (${ratio} %), ${(file.totalMs / 1000).toFixed(2)} s`;
  }
  return `${file.input}: skipped, the original kept: ${file.error}`;
}

/** Runs the batch; resolves to the exit code. */
export async function runBatch(command: Command, io: BatchIo): Promise<number> {
  const started = performance.now();
  const plan = await planBatch(command);
  if (command.batch!.outDir !== undefined) await ensureDirectory(command.batch!.outDir);
  const jobs: BatchJob[] = plan.map(({ input, output }, index) => ({ index, command: fileCommand(command, input, output) }));
  const size = Math.max(1, Math.min(command.batch!.jobs ?? Infinity, availableParallelism(), jobs.length));
  let finished = 0;
  const files: BatchFileJson[] = new Array(jobs.length);
  await runPool(jobs, size, (reply) => {
    const file = fileJson(reply, plan[reply.index]!.input, plan[reply.index]!.output);
    files[reply.index] = file;
    io.progress.clear();
    if (file.status === 'failed') io.err(`${displayMessage(file.error).replace(/\s*\n\s*/g, ' ')}\n`);
    else if (!command.json) io.out(`${fileLine(file)}\n`);
    io.progress.update('files', ++finished, jobs.length, undefined, true);
  });
  io.progress.clear();
  const count = (status: BatchFileJson['status']): number => files.filter((f) => f.status === status).length;
  const written = files.filter((f) => f.status === 'written');
  const total = {
    files: files.length, written: written.length, skipped: count('skipped'), failed: count('failed'), workers: size,
    inputBytes: written.reduce((n, f) => n + f.inputBytes!, 0), outputBytes: written.reduce((n, f) => n + f.bytes!, 0), ms: round(performance.now() - started, 1),
  };
  if (command.json) io.out(`${JSON.stringify({ files, total })}\n`);
  else {
    const sizes = total.written > 0 ? `; ${kb(total.inputBytes)} -> ${kb(total.outputBytes)} for those written` : '';
    io.out(`total: ${total.files} files, ${total.written} written, ${total.skipped} skipped, ${total.failed} failed${sizes}; ${(total.ms / 1000).toFixed(2)} s on ${size} worker${size === 1 ? '' : 's'}\n`);
  }
  // One file (--ext or --out-dir on one input) exits as that file's run would; several say whether any failed.
  if (files.length === 1) return files[0]!.exitCode;
  return total.failed > 0 ? EXIT.BATCH_FAILED : total.skipped > 0 ? EXIT.NOT_SMALLER : EXIT.OK;
}
