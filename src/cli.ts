/**
 * The command-line interface: `kmeans-quantizer <input.png|jpg> -k 16 -o out.png [...]`. Parses the
 * arguments, reads the image (src/node.ts), runs `quantize()`, writes the PNG and prints a summary or, with
 * `--json`, one JSON object. bin/kmeans-quantizer.js runs `main()` from the built dist/cli.js.
 *
 * Exit codes: 0 success, 1 runtime error (unreadable, undecodable or unwritable file, no GPU for
 * `--backend webgpu`), 2 usage error (bad flags or option values). Errors are one stderr line starting
 * with `kmeans-quantizer: `.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quantize, type Backend, type QuantizeOptions } from './index.js';
import { writePng, readImage } from './node.js';
import { resolveOptions } from './options.js';

const USAGE = `Usage: kmeans-quantizer <input.png|jpg> -k <colours> -o <output.png> [options]

Quantizes a PNG or JPEG image to k colours with k-means and writes an RGBA PNG.

Options:
  -k, --k <n>               colours in the palette, an integer in 1..256 (default 16)
  -o, --output <file>       output PNG (required unless --json is given)
      --backend <name>      cpu, webgpu or auto (default auto: the CPU unless a hardware GPU works)
      --seed <n>            seed of the random generator, an integer (default 0)
      --max-iterations <n>  most Lloyd iterations per attempt (default 100)
      --tolerance <x>       stop when no centroid moves farther than this, in 0-255 RGB units (default 0.1)
      --sample-size <n>     fit on a random sample of n pixels (default: all pixels)
      --attempts <n>        independent runs, the lowest-inertia one wins (default 1)
      --json                print one JSON object on stdout:
                            {"k","paletteSize","iterations","converged","inertia","mse","psnr","backend","ms"}
                            (psnr is null when the output equals the input; ms excludes file I/O)
  -h, --help                print this help
      --version             print the version`;

/** The flags, in node:util parseArgs form. Every value flag takes a string, converted below. */
const FLAGS = {
  k: { type: 'string', short: 'k' },
  output: { type: 'string', short: 'o' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  'max-iterations': { type: 'string' },
  tolerance: { type: 'string' },
  'sample-size': { type: 'string' },
  attempts: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Numeric flags and the `quantize()` option each one sets. */
const NUMERIC_FLAGS = [
  ['k', 'k'],
  ['seed', 'seed'],
  ['max-iterations', 'maxIterations'],
  ['tolerance', 'tolerance'],
  ['sample-size', 'sampleSize'],
  ['attempts', 'attempts'],
] as const;

/** A wrong command line: exit code 2. */
class UsageError extends Error {}

/** The JSON printed by `--json`. `psnr` is `null` where the library reports `Infinity` (a lossless result). */
export interface CliJson {
  k: number;
  paletteSize: number;
  iterations: number;
  converged: boolean;
  inertia: number;
  mse: number;
  psnr: number | null;
  backend: string;
  ms: number;
}

function version(): string {
  // dist/cli.js and src/cli.ts both sit one level below package.json. (A path, not `new URL('..', import.meta.url)`,
  // which Vite would inline as an asset.)
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** A decimal number (`16`, `-3`, `0.5`, `1e3`); anything else is a usage error naming the flag. */
function parseNumber(flag: string, text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
    throw new UsageError(`--${flag} must be a number, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

interface Command {
  input: string;
  output: string | undefined;
  json: boolean;
  options: QuantizeOptions;
}

/** Parses and validates the command line; returns `'help'`/`'version'` for those flags. */
function parseCommand(argv: string[]): Command | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]} (see --help)` : message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (positionals.length === 0) throw new UsageError('missing input file (see --help)');
  if (positionals.length > 1) throw new UsageError(`expected one input file, got ${positionals.length}: ${positionals.join(' ')}`);
  const input = positionals[0]!;
  if (values.output === undefined && !values.json) throw new UsageError('missing -o <output.png> (required unless --json is given)');
  if (values.output === '') throw new UsageError('-o/--output must not be empty');

  const options: QuantizeOptions = {};
  for (const [flag, option] of NUMERIC_FLAGS) {
    const text = values[flag];
    if (text !== undefined) options[option] = parseNumber(flag, text);
  }
  if (values.backend !== undefined) options.backend = values.backend as Backend;
  try {
    // The library validates every option (TypeError/RangeError naming it); do it before any file I/O.
    resolveOptions(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/option "(\w+)"/, (whole, name: string) => {
      const flag = NUMERIC_FLAGS.find(([, o]) => o === name)?.[0] ?? name;
      return `${whole} (${flag === 'k' ? '-k' : `--${flag}`})`;
    }));
  }
  return { input, output: values.output, json: values.json ?? false, options };
}

function formatNumber(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code; never rejects. */
export async function main(argv: string[]): Promise<number> {
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
    const image = await readImage(command.input);
    const started = performance.now();
    const result = await quantize(image, command.options);
    const ms = performance.now() - started;
    if (command.output !== undefined) {
      await writePng(command.output, { data: result.image, width: result.width, height: result.height });
    }
    if (command.json) {
      const json: CliJson = {
        k: result.k,
        paletteSize: result.paletteSize,
        iterations: result.iterations,
        converged: result.converged,
        inertia: result.inertia,
        mse: result.mse,
        psnr: Number.isFinite(result.psnr) ? result.psnr : null,
        backend: result.backend,
        ms: Math.round(ms * 100) / 100,
      };
      process.stdout.write(`${JSON.stringify(json)}\n`);
    } else {
      const lines = [
        `backend:    ${result.backend}${result.fallbackReason ? ` (${result.fallbackReason})` : ''}`,
        `palette:    ${result.paletteSize} colours (k = ${result.k})`,
        `iterations: ${result.iterations}${result.converged ? ' (converged)' : ' (not converged)'}`,
        `MSE:        ${formatNumber(result.mse, 3)}`,
        `PSNR:       ${formatNumber(result.psnr, 2)} dB`,
        `time:       ${ms.toFixed(1)} ms`,
        `output:     ${command.output} (${result.width}x${result.height})`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error))
      .replace(/^kmeans-quantizer: /, '')
      .replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`kmeans-quantizer: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
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
