/**
 * The command-line interface: `kmeans-quantizer <input.png|jpg> -k 16 -o out.png [...]`, several inputs at
 * once (`kmeans-quantizer -k 64 a.jpg b.png --ext -k64.png`, src/cli/batch.ts, on a worker pool), `-` for
 * stdin and `-o -` for stdout, plus the analyses (--sweep, --elbow, --gif, --palette, --report, --heatmap,
 * --resize). This entry parses the arguments (src/cli/args.ts), runs the command (src/cli/commands.ts)
 * with a progress line on a terminal (src/cli/progress.ts), and turns every failure into one stderr line.
 * bin/kmeans-quantizer.js runs `main()` from the built dist/cli.js.
 *
 * Exit codes (src/cli/exit.ts): 0 success; 1 runtime error (unreadable, undecodable or unwritable file,
 * missing directory, no GPU for `--backend webgpu`); 2 usage error (bad flags or option values, a
 * {@link UsageError}); 3 an output exists or is the input and --force was not given (nothing written);
 * 4 the input is an image format that is not decoded (HEIF, BMP, JPEG XL; GIF, WebP, AVIF, TIFF without sharp); 5 several
 * inputs and at least one failed (the others written); 98 --skip-if-larger: the output would not be
 * smaller than the input (not written); 99 the quality floor (--min-psnr, --quality) was not reached
 * (nothing written). Errors are one stderr line starting with `kmeans-quantizer: `, added here (library
 * messages carry no prefix).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand, USAGE } from './cli/args.js';
import { displayMessage } from './errors.js';
import { runBatch } from './cli/batch.js';
import { runCommand } from './cli/commands.js';
import { exitCodeOf } from './cli/exit.js';
import { Progress } from './cli/progress.js';
import { STDIO } from './cli/write-guard.js';
import { useNodeWorkers } from './kmeans/node-workers.js';

// The CLI is Node's: its quantizers use worker_threads (src/kmeans/worker-host.ts).
useNodeWorkers();

export type { CliJson } from './cli/commands.js';

function version(): string {
  // dist/cli.js and src/cli.ts both sit one level below package.json. (A path, not `new URL('..', import.meta.url)`,
  // which Vite would inline as an asset.)
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code; never rejects. */
export async function main(argv: string[]): Promise<number> {
  let progress: Progress | undefined;
  try {
    const command = parseCommand(argv);
    if (command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command === 'version') {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    progress = new Progress(process.stderr, !command.json && process.stderr.isTTY === true);
    const out = (text: string): boolean => process.stdout.write(text);
    if (command.batch) return await runBatch(command, { out, err: (text) => process.stderr.write(text), progress });
    const { json } = await runCommand(command, { out, progress });
    // With -o -, stdout carries the PNG alone: --json goes to stderr.
    if (command.json) (command.output === STDIO ? process.stderr : process.stdout).write(`${JSON.stringify(json)}\n`);
    return 0;
  } catch (error) {
    progress?.clear();
    // One line, with the prefix once (displayMessage adds it unless the message already has it).
    process.stderr.write(`${displayMessage(error).replace(/\s*\n\s*/g, ' ')}\n`);
    return exitCodeOf(error);
  }
}

/** True when this module is the program Node was started with (`node dist/cli.js ...`). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
