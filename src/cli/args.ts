/**
 * The CLI's command line: flags, help text, and the parsing and checking of every flag into a
 * {@link Command}. Every mistake here is a {@link UsageError} (exit code 2), thrown before any file is read.
 */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SWEEP_KS, type Backend, type QuantizeOptions } from '../index.js';
import { resolveOptions } from '../options.js';

export const USAGE = `Usage: kmeans-quantizer <input.png|jpg> -k <colours> -o <output.png> [options]

Quantizes a PNG or JPEG image to k colours with k-means and writes an indexed PNG-8 (palette + indices,
bit depth 1, 2, 4 or 8 after the palette size), or runs the analyses below.

Output:
  -k, --k <n>               colours in the palette, an integer in 1..256 (default 16)
  -o, --output <file>       output PNG-8 (required unless --json or an analysis flag below is given)
      --rgba                write -o as a full-colour RGBA PNG instead of a PNG-8
      --palette <file>      write the palette; the format follows the extension: .json, .css or .gpl
      --report              print the quality report: MSE, PSNR, SSIM, mean and p95 CIEDE2000
      --heatmap <file>      write the per-pixel CIEDE2000 error as a heat-map PNG (0 black .. 20+ pale yellow)
      --resize <W>x<H>      resize the input first (lanczos3), e.g. --resize 512x512
      --json                print one JSON object on stdout:
                            {"k","paletteSize","iterations","converged","inertia","mse","psnr","backend","ms"}
                            plus "bytes" (size of -o), "quality" (--report), "sweep" (--sweep), "gif" (--gif),
                            "points" and "suggestedK" (--elbow); psnr is null when the output equals the
                            input; ms excludes file I/O

Analyses:
      --sweep <k,k,...>     quantize once per k (integers in 1..256, e.g. 1,2,4,8,16,32), each k warm-started
                            from the previous k's palette; prints k, cost (inertia), ms, PSNR and PNG-8 bytes
      --out-dir <dir>       with --sweep: write <dir>/<input name>-k<k>.png per k and <dir>/sweep.csv;
                            with --elbow: write <dir>/elbow.csv (the directory is created if missing)
      --elbow               cost (inertia), time and iterations against k, and the k at the knee of the curve
      --elbow-range <a:b:s> the ks of --elbow: from a to b in steps of s (default 2:64:2)
      --gif <file>          an animated GIF of the sweep, one frame per k (the --sweep ks, default 1,2,4,8,16,32)

Engine:
      --backend <name>      cpu, webgpu or auto (default auto: the CPU unless a hardware GPU works)
      --algorithm <name>    lloyd (full k-means iterations) or minibatch (mini-batch k-means) (default lloyd)
      --batch-size <n>      pixels per batch of --algorithm minibatch (default 1024)
      --threads <n>         CPU worker threads, an integer in 1..64 (default: one thread below a million
                            distinct colours, else every core up to 8)
      --seed <n>            seed of the random generator, an integer (default 0)
      --max-iterations <n>  most Lloyd iterations (batches with minibatch) per attempt (default 100)
      --tolerance <x>       stop when no centroid moves farther than this, in 0-255 RGB units (default 0.25)
      --sample-size <n>     fit on a random sample of n pixels (default: all pixels)
      --attempts <n>        independent runs, the lowest-inertia one wins (default 1)

  -h, --help                print this help
      --version             print the version

A progress line is drawn on stderr while working when stderr is a terminal (never with --json).
Exit codes: 0 success, 1 runtime error (files, GPU), 2 usage error.`;

/** The flags, in node:util parseArgs form. Every value flag takes a string, converted below. */
const FLAGS = {
  k: { type: 'string', short: 'k' },
  output: { type: 'string', short: 'o' },
  rgba: { type: 'boolean' },
  palette: { type: 'string' },
  report: { type: 'boolean' },
  heatmap: { type: 'string' },
  resize: { type: 'string' },
  sweep: { type: 'string' },
  'out-dir': { type: 'string' },
  elbow: { type: 'boolean' },
  'elbow-range': { type: 'string' },
  gif: { type: 'string' },
  backend: { type: 'string' },
  algorithm: { type: 'string' },
  'batch-size': { type: 'string' },
  threads: { type: 'string' },
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
  ['batch-size', 'batchSize'],
  ['threads', 'threads'],
] as const;

/** Flags named after the option they set, where the two differ only in spelling. */
const OPTION_FLAGS: Record<string, string> = {
  ...Object.fromEntries(NUMERIC_FLAGS.map(([flag, option]) => [option, flag])),
  backend: 'backend',
  algorithm: 'algorithm',
};

/** A wrong command line: exit code 2. */
export class UsageError extends Error {}

export type PaletteFormat = 'json' | 'css' | 'gpl';

const PALETTE_FORMATS: Record<string, PaletteFormat> = { '.json': 'json', '.css': 'css', '.gpl': 'gpl' };

export interface ElbowRange {
  from: number;
  to: number;
  step: number;
}

export interface Command {
  input: string;
  json: boolean;
  /** Engine options, `k` included, already validated. */
  options: QuantizeOptions;
  /** The single quantization at `k` runs (for -o, --palette, --report, --heatmap, or a plain --json). */
  quantize: boolean;
  output: string | undefined;
  rgba: boolean;
  palette: { path: string; format: PaletteFormat } | undefined;
  report: boolean;
  heatmap: string | undefined;
  resize: { width: number; height: number } | undefined;
  /** The ks of a sweep: those of --sweep, or the default ones when only --gif asks for a sweep. */
  sweepKs: number[] | undefined;
  /** Whether --sweep itself was given (the table is printed), rather than a sweep for --gif alone. */
  sweepTable: boolean;
  outDir: string | undefined;
  elbow: ElbowRange | undefined;
  gif: string | undefined;
}

/** A decimal number (`16`, `-3`, `0.5`, `1e3`); anything else is a usage error naming the flag. */
function parseNumber(flag: string, text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
    throw new UsageError(`${flagName(flag)} must be a number, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function flagName(flag: string): string {
  return flag === 'k' ? '-k' : `--${flag}`;
}

/** A comma-separated list of distinct ks, each an integer in 1..256. */
export function parseKList(flag: string, text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const ks = parts.map((part) => {
    if (!/^\d+$/.test(part) || Number(part) < 1 || Number(part) > 256) {
      throw new UsageError(`${flagName(flag)} takes a comma-separated list of integers in 1..256, got ${JSON.stringify(part)} in ${JSON.stringify(text)}`);
    }
    return Number(part);
  });
  const seen = new Set<number>();
  for (const k of ks) {
    if (seen.has(k)) throw new UsageError(`${flagName(flag)} lists k = ${k} twice in ${JSON.stringify(text)}`);
    seen.add(k);
  }
  return ks;
}

/** `from:to` or `from:to:step`, integers with 1 <= from <= to <= 256 and step >= 1. */
export function parseElbowRange(text: string): ElbowRange {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(text);
  const expected = 'from:to[:step] with integers 1 <= from <= to <= 256 and step >= 1 (e.g. 2:64:2)';
  if (!match) throw new UsageError(`--elbow-range must be ${expected}, got ${JSON.stringify(text)}`);
  const from = Number(match[1]);
  const to = Number(match[2]);
  const step = match[3] === undefined ? 2 : Number(match[3]);
  if (from < 1 || to > 256 || from > to || step < 1) throw new UsageError(`--elbow-range must be ${expected}, got ${JSON.stringify(text)}`);
  return { from, to, step };
}

/** The ks of an elbow range, in order. */
export function elbowKs({ from, to, step }: ElbowRange): number[] {
  const ks: number[] = [];
  for (let k = from; k <= to; k += step) ks.push(k);
  return ks;
}

/** `<width>x<height>`, both integers in 1..65535. */
export function parseResize(text: string): { width: number; height: number } {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  const width = match ? Number(match[1]) : NaN;
  const height = match ? Number(match[2]) : NaN;
  if (!(width >= 1 && width <= 65535 && height >= 1 && height <= 65535)) {
    throw new UsageError(`--resize must be <width>x<height> with integers in 1..65535 (e.g. 512x512), got ${JSON.stringify(text)}`);
  }
  return { width, height };
}

/** The palette format told by the file's extension. */
export function paletteFormat(path: string): PaletteFormat {
  const ext = extname(path).toLowerCase();
  const format = PALETTE_FORMATS[ext];
  if (!format) {
    throw new UsageError(`--palette: unknown palette format ${JSON.stringify(ext || path)} (the file name must end in .json, .css or .gpl)`);
  }
  return format;
}

/** Validates engine options at one k through the library, as a usage error naming the flag. */
function checkOptions(options: QuantizeOptions, context = ''): void {
  try {
    resolveOptions(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      message.replace(/option "(\w+)"/, (whole, name: string) => {
        const flag = OPTION_FLAGS[name];
        return flag ? `${whole} (${flagName(flag)})` : whole;
      }) + context,
    );
  }
}

/** Parses and validates the command line; returns `'help'`/`'version'` for those flags. */
export function parseCommand(argv: string[]): Command | 'help' | 'version' {
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

  for (const flag of ['output', 'palette', 'heatmap', 'out-dir', 'gif'] as const) {
    if (values[flag] === '') throw new UsageError(`${flag === 'output' ? '-o/--output' : `--${flag}`} must not be empty`);
  }

  const options: QuantizeOptions = {};
  for (const [flag, option] of NUMERIC_FLAGS) {
    const text = values[flag];
    if (text !== undefined) options[option] = parseNumber(flag, text);
  }
  if (values.backend !== undefined) options.backend = values.backend as Backend;
  if (values.algorithm !== undefined) options.algorithm = values.algorithm as 'lloyd' | 'minibatch';
  const json = values.json ?? false;
  const sweepTable = values.sweep !== undefined;
  const gif = values.gif;
  const sweepKs = values.sweep !== undefined ? parseKList('sweep', values.sweep) : gif !== undefined ? [...DEFAULT_SWEEP_KS] : undefined;
  if (values['elbow-range'] !== undefined && !values.elbow) throw new UsageError('--elbow-range needs --elbow');
  const elbow = values.elbow ? parseElbowRange(values['elbow-range'] ?? '2:64:2') : undefined;
  const outDir = values['out-dir'];
  if (outDir !== undefined && !sweepTable && !elbow) throw new UsageError('--out-dir needs --sweep or --elbow');
  const palette = values.palette !== undefined ? { path: values.palette, format: paletteFormat(values.palette) } : undefined;
  const resize = values.resize !== undefined ? parseResize(values.resize) : undefined;
  const report = values.report ?? false;
  const heatmap = values.heatmap;
  const output = values.output;
  const rgba = values.rgba ?? false;
  if (rgba && output === undefined) throw new UsageError('--rgba needs -o <output.png>');

  const analyses = sweepKs !== undefined || elbow !== undefined;
  const quantize = output !== undefined || palette !== undefined || report || heatmap !== undefined || !analyses;
  if (quantize && output === undefined && !json && palette === undefined && !report && heatmap === undefined) {
    throw new UsageError('missing -o <output.png> (required unless --json, --report, --palette, --heatmap, --sweep, --elbow or --gif is given)');
  }

  // The library validates every option (TypeError/RangeError naming it); do it before any file I/O. Without
  // the single quantization, -k is unused: check the rest at k = 1 (sample sizes are checked per k below).
  checkOptions(quantize ? options : { ...options, k: options.k ?? 1 });
  // Options that depend on k (a sample size of at least k) must hold for every k that will run.
  for (const k of sweepKs ?? []) checkOptions({ ...options, k }, ` (with k = ${k} of ${sweepTable ? '--sweep' : 'the --gif sweep'})`);
  if (elbow) for (const k of elbowKs(elbow)) checkOptions({ ...options, k }, ` (with k = ${k} of --elbow)`);

  return {
    input,
    json,
    options,
    quantize,
    output,
    rgba,
    palette,
    report,
    heatmap,
    resize,
    sweepKs,
    sweepTable,
    outDir,
    elbow,
    gif,
  };
}
