/**
 * The CLI's command line: flags, help text, and the parsing and checking of every flag into a
 * {@link Command}. Every mistake here is a {@link UsageError} (exit code 2), thrown before any file is read.
 *
 * The engine flags are not written here: each per-call option of the table in src/options.ts that has a
 * text form becomes a flag named in kebab case (`maxIterations` -> `--max-iterations`; a one-letter name
 * also gets its short form, `-k`), read through `optionFromText()`, checked by `resolveOptions()`, and
 * listed in the help with the table's doc line and default.
 */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SWEEP_KS, type QuantizeOptions } from '../index.js';
import { errorCode, errorMessage, QuantizerError } from '../errors.js';
import { paletteFileFormat, type PaletteFileFormat } from '../analysis/palette-import.js';
import { OPTIONS, optionFromText, resolveOptions, type ResolvedOptions, type TextForm } from '../options.js';
import { psnrOfQuality, type QualityFloor } from './quality-floor.js';

/** The codes of usage errors: a malformed or unknown argument, or a value out of range. */
export type UsageCode = 'INVALID_TYPE' | 'OUT_OF_RANGE';

/** A wrong command line: exit code 2. Its `code` is stable, as the library's errors' are. */
export class UsageError extends QuantizerError {
  override name = 'UsageError';
  declare readonly code: UsageCode;
  constructor(code: UsageCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** A per-call option of the table that the command line takes (it has a text form). */
type EngineSpec = Extract<(typeof OPTIONS)[number], { scope: 'call'; text: TextForm }>;

/** The option a flag sets, the flag's long name, its short letter where it has one, and its help line. */
export interface EngineFlag {
  option: EngineSpec['name'];
  flag: string;
  short: string | undefined;
  /** Another long name for the same flag (the issue's spellings: `--colour-space`, `--fixed`). */
  alias: string | undefined;
  /** `-k, --k <n>` or `    --max-iterations <n>`, as the help shows it. */
  usage: string;
  /** The table's doc line. */
  doc: string;
  /** `(default: ...)`: the table's `defaultText`, else its default. */
  defaultNote: string;
}

const PLACEHOLDERS: Record<TextForm['kind'], string> = { integer: '<n>', number: '<x>', choice: '<name>', colours: '<colours>' };

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Flags that also answer to a second name: British spelling, and the short form of the issue's examples. */
const FLAG_ALIASES: Readonly<Record<string, string>> = { 'color-space': 'colour-space', 'fixed-colors': 'fixed' };

function kindOf(option: string): TextForm['kind'] {
  return (OPTIONS.find((spec) => spec.name === option) as EngineSpec).text.kind;
}

function engineFlag(spec: EngineSpec): EngineFlag {
  const flag = kebabCase(spec.name);
  const short = flag.length === 1 ? flag : undefined;
  const alias = FLAG_ALIASES[flag];
  const long = `--${flag} ${PLACEHOLDERS[spec.text.kind]}`;
  const defaultText = 'defaultText' in spec ? spec.defaultText : String(spec.default);
  const usage = short ? `-${short}, ${long}` : `    ${long}`;
  return { option: spec.name, flag, short, alias, usage, doc: spec.doc, defaultNote: `(default: ${defaultText})` };
}

/** The engine flags, in the table's order. */
export const ENGINE_FLAGS: readonly EngineFlag[] = OPTIONS.filter(
  (spec): spec is EngineSpec => spec.scope === 'call' && 'text' in spec,
).map(engineFlag);

const FLAG_OF_OPTION: ReadonlyMap<string, string> = new Map(ENGINE_FLAGS.map((f) => [f.option, f.flag]));

/** The engine options that still mean something when --remap applies a palette file (no fitting runs). */
const REMAP_OPTIONS: ReadonlySet<string> = new Set(['backend', 'threads', 'colorSpace', 'dither', 'ditherLevel']);

/** The column where the help's descriptions start, and the width they wrap at. */
const HELP_COLUMN = 28;
const HELP_WIDTH = 110;

/**
 * One help entry: `usage` in the left column, then `description` and `note` word-wrapped in the right one;
 * `note` (the default) is kept on one line when it fits there.
 */
export function helpEntry(usage: string, description: string, note?: string): string {
  const words = description.split(' ');
  if (note !== undefined) words.push(...(note.length <= HELP_WIDTH - HELP_COLUMN ? [note] : note.split(' ')));
  const lines: string[] = [];
  let line = `  ${usage}`.padEnd(HELP_COLUMN - 1);
  let count = 0;
  for (const word of words) {
    if (count > 0 && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(HELP_COLUMN - 1);
      count = 0;
    }
    line += ` ${word}`;
    count++;
  }
  lines.push(line);
  return lines.join('\n');
}

export const USAGE = `Usage: kmeans-quantizer <input.png|jpg|-> -k <colours> -o <output.png|-> [options]
       kmeans-quantizer <input>... -k <colours> [--ext <suffix> | --out-dir <dir>] [options]

Quantizes a PNG or JPEG image (WebP, AVIF, TIFF, GIF too when the optional package sharp is installed)
to k colours with k-means and writes an indexed PNG-8 (palette + indices, bit depth 1, 2, 4 or 8 after the
palette size), or runs the analyses below. The input's format is told by its bytes; HEIF, BMP and JPEG XL
(and without sharp GIF, WebP, AVIF, TIFF) are recognised and refused (exit 4): convert them to PNG. \`-\` as the input reads the image from stdin.

Output:
  -o, --output <file>       output PNG-8 (required unless --json or an analysis flag below is given);
                            -o - writes it to stdout, and nothing else goes there: the summary is not
                            printed and --json's object goes to stderr
  -f, --force               write over files that exist, the input included (else refused: exit 3, nothing
                            written); this holds for every file written (-o, --palette, --heatmap, --gif,
                            the files of --out-dir)
      --skip-if-larger      write nothing when the output would not be smaller than the input file (exit 98)
      --rgba                write -o as a full-colour RGBA PNG instead of a PNG-8
      --palette <file>      write the palette; the format follows the extension: .json, .css or .gpl
      --report              print the quality report: MSE, PSNR, SSIM, mean and p95 CIEDE2000
      --heatmap <file>      write the per-pixel CIEDE2000 error as a heat-map PNG (0 black .. 20+ pale yellow)
      --resize <W>x<H>      resize the input first (lanczos3), e.g. --resize 512x512
      --json                print one JSON object on stdout:
                            {"k","paletteSize","iterations","converged","inertia","mse","psnr","backend","ms"}
                            plus "bytes" (size of -o), "quality" (--report), "sweep" (--sweep), "gif" (--gif),
                            "points" and "suggestedK" (--elbow), "remap" (--remap), "search" (the k search);
                            psnr is null when the output equals the input; ms excludes file I/O

Several inputs (one output each, files run in parallel on worker threads):
      <input>...            each output is written next to its input as <name>-kmq.png (<name>: the input's
                            name without its extension); also with one input and --ext or --out-dir
      --ext <suffix>        what replaces each input's extension in its output's name (ends in .png), e.g.
                            --ext -k64.png: photo.jpg -> photo-k64.png (default: -kmq.png)
      --out-dir <dir>       (without --sweep/--elbow) write the outputs into <dir> as <name>.png, or
                            <name><suffix> with --ext; <dir> is created if missing
      --jobs <n>            files at once, one worker thread each (default and most: one per core); each
                            file runs with --threads 1 unless --threads is given
                            One line per file as it finishes and a total line; with --json, one object at the
                            end: {"files":[{"input","output","status","exitCode",...}],"total":{...}}. -o,
                            --palette, --heatmap, --report, --sweep, --elbow and --gif take one input.

Quality floor (nothing is written below it: exit 99):
      --min-psnr <dB>       the PSNR the output must reach, e.g. --min-psnr 32
      --quality <min-max>   pngquant's 0..100 scale, as PSNR = 15 + 0.3 q dB (50 -> 30 dB, 80 -> 39 dB, 100 ->
                            45 dB): the smallest k <= 256 (or --max-colours) reaching max is chosen, and the
                            image is refused below min; with -k (or --remap) k is fixed and min is checked;
                            <max> alone means 0-<max>
      --max-colours <n>     choose k: the smallest k <= n that reaches --min-psnr (or --quality's max), by
                            bisection over k, each k warm-started from the nearest k fitted; the chosen k is
                            reported (also --max-colors)

Analyses:
      --sweep <k,k,...>     quantize once per k (integers in 1..256, e.g. 1,2,4,8,16,32), each k warm-started
                            from the previous k's palette; prints k, cost (inertia), ms, PSNR and PNG-8 bytes
      --out-dir <dir>       with --sweep: write <dir>/<input name>-k<k>.png per k and <dir>/sweep.csv;
                            with --elbow: write <dir>/elbow.csv (the directory is created if missing);
                            without them, see "Several inputs" above
      --elbow               cost (inertia), time and iterations against k, and the k at the knee of the curve
      --elbow-range <a:b:s> the ks of --elbow: from a to b in steps of s (default 2:64:2)
      --gif <file>          an animated GIF of the sweep, one frame per k (the --sweep ks, default 1,2,4,8,16,32)

Remapping (no fitting):
      --remap <file>        apply the palette of a .gpl (GIMP), .json (as --palette writes it) or .png file
                            (an indexed PNG's PLTE, else its distinct colours) to the image without fitting:
                            k is the palette's size (-k is refused); takes --color-space, --dither,
                            --dither-level, --backend and --threads; at most 256 colours

Engine (the options of quantize(), with the library's defaults):
${ENGINE_FLAGS.map((f) => helpEntry(f.usage, f.doc, f.defaultNote)).join('\n')}

${ENGINE_FLAGS.filter((f) => f.alias).map((f) => helpEntry(`    --${f.alias} ${PLACEHOLDERS[kindOf(f.option)]}`, `the same as --${f.flag}`)).join('\n')}

  -h, --help                print this help
      --version             print the version

A progress line is drawn on stderr while working when stderr is a terminal (never with --json).

Examples:
  kmeans-quantizer photo.png -k 16 -o out.png --colour-space oklab --dither diffusion
  kmeans-quantizer logo.png -k 8 --fixed '#ffffff,#000000' -o out.png
  kmeans-quantizer frame.png --remap brand.gpl --dither ordered -o out.png
  kmeans-quantizer -k 64 photos/*.jpg --ext -k64.png          # photos/a.jpg -> photos/a-k64.png, ...
  kmeans-quantizer photo.png --quality 65-80 --skip-if-larger -o small.png
  cat photo.png | kmeans-quantizer - -k 16 -o - > out.png

Exit codes:
  0   success
  1   runtime error: a file (or palette file) that can't be read, decoded or written, a missing directory, no GPU
  2   usage error: bad flags or values
  3   refused: an output exists or is the input, and --force was not given; nothing written
  4   unsupported input format (HEIF, BMP, JPEG XL; GIF, WebP, AVIF, TIFF without sharp): convert it to PNG
  5   several inputs: at least one file failed (the others were written); one input with --ext or
      --out-dir exits with that file's own code
  98  --skip-if-larger: the output would not be smaller than the input, so it was not written (as pngquant)
  99  --min-psnr, --quality: the quality floor was not reached, so nothing was written (as pngquant)`;

/** The flags other than the engine's, in node:util parseArgs form. Every value flag takes a string, converted below. */
const CLI_FLAGS = {
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
  remap: { type: 'string' },
  json: { type: 'boolean' },
  force: { type: 'boolean', short: 'f' },
  ext: { type: 'string' },
  jobs: { type: 'string' },
  'skip-if-larger': { type: 'boolean' },
  'min-psnr': { type: 'string' },
  quality: { type: 'string' },
  'max-colours': { type: 'string' },
  'max-colors': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type CliFlags = typeof CLI_FLAGS;
type TextFlag = { [F in keyof CliFlags]: CliFlags[F]['type'] extends 'string' ? F : never }[keyof CliFlags];
type SwitchFlag = Exclude<keyof CliFlags, TextFlag>;

/** Every flag: those above and one string flag per engine option. */
const FLAGS: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
  ...CLI_FLAGS,
  ...Object.fromEntries(ENGINE_FLAGS.map(({ flag, short }) => [flag, short ? { type: 'string', short } : { type: 'string' }])),
  ...Object.fromEntries(ENGINE_FLAGS.filter((f) => f.alias).map(({ alias }) => [alias!, { type: 'string' }])),
};

/** The parsed flags: a string per value flag given, true per switch given. */
class Values {
  constructor(private readonly values: Readonly<Record<string, string | boolean | undefined>>) {}
  text(flag: TextFlag | string): string | undefined {
    const value = this.values[flag];
    return typeof value === 'string' ? value : undefined;
  }
  has(flag: SwitchFlag): boolean {
    return this.values[flag] === true;
  }
}

export type PaletteFormat = 'json' | 'css' | 'gpl';

const PALETTE_FORMATS: Record<string, PaletteFormat> = { '.json': 'json', '.css': 'css', '.gpl': 'gpl' };

export interface ElbowRange {
  from: number;
  to: number;
  step: number;
}

/** Several inputs (or --ext, or --out-dir without an analysis): one output per input, files run in a worker pool. */
export interface Batch {
  /** What replaces each input's extension in its output's name: --ext, else {@link DEFAULT_EXT} (`.png` with --out-dir). */
  ext: string;
  /** --out-dir: the outputs go there instead of next to their inputs. */
  outDir: string | undefined;
  /** --jobs: the most files at once (worker threads); undefined: one per core. */
  jobs: number | undefined;
}

/** The suffix of a batch's outputs next to their inputs: `photo.jpg` -> `photo-kmq.png`. */
const DEFAULT_EXT = '-kmq.png';

export interface Command {
  /** The input (`-`: stdin); the first of {@link Command.inputs} in a batch. */
  input: string;
  /** Every input given, in order. */
  inputs: string[];
  /** --force: write over existing files and over the input. */
  force: boolean;
  /** --skip-if-larger: write no output that would not be smaller than the input file (exit 98). */
  skipIfLarger: boolean;
  /** --min-psnr, --quality, --max-colours. */
  floor: QualityFloor | undefined;
  /** Several inputs: how their outputs are named, and the pool. Undefined for one input with -o (or none). */
  batch: Batch | undefined;
  json: boolean;
  /** The engine options given on the command line (`k` included), already validated; the library applies the defaults. */
  options: QuantizeOptions;
  /**
   * The single quantization at `k` (for -o, --palette, --report, --heatmap, or a plain --json): its options
   * as `resolveOptions()` resolves them, every default from the table. Undefined when it does not run.
   */
  quantize: ResolvedOptions | undefined;
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
  /** --remap: the palette file applied without fitting, and its format (from the extension). */
  remap: { path: string; format: PaletteFileFormat } | undefined;
}

function flagName(flag: string): string {
  return flag.length === 1 ? `-${flag}` : `--${flag}`;
}

/**
 * A library error about an option, as a usage error with the same code: the flag is named next to the
 * option (`option "maxIterations" (--max-iterations) must be ...`), and `context` is appended.
 */
function usageError(error: unknown, context = ''): UsageError {
  const message = errorMessage(error).replace(/option "(\w+)"/, (whole, name: string) => {
    const flag = FLAG_OF_OPTION.get(name);
    const alias = flag && FLAG_ALIASES[flag];
    return flag ? `${whole} (${flagName(flag)}${alias ? `, ${flagName(alias)}` : ''})` : whole;
  });
  return new UsageError(errorCode(error) === 'OUT_OF_RANGE' ? 'OUT_OF_RANGE' : 'INVALID_TYPE', message + context, { cause: error });
}

/** A comma-separated list of distinct ks, each an integer in 1..256. */
export function parseKList(flag: string, text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const ks = parts.map((part) => {
    const digits = /^\d+$/.test(part);
    if (!digits || Number(part) < 1 || Number(part) > 256) {
      const message = `${flagName(flag)} takes a comma-separated list of integers in 1..256, got ${JSON.stringify(part)} in ${JSON.stringify(text)}`;
      throw new UsageError(digits ? 'OUT_OF_RANGE' : 'INVALID_TYPE', message);
    }
    return Number(part);
  });
  const seen = new Set<number>();
  for (const k of ks) {
    if (seen.has(k)) throw new UsageError('OUT_OF_RANGE', `${flagName(flag)} lists k = ${k} twice in ${JSON.stringify(text)}`);
    seen.add(k);
  }
  return ks;
}

/** `from:to` or `from:to:step`, integers with 1 <= from <= to <= 256 and step >= 1. */
export function parseElbowRange(text: string): ElbowRange {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(text);
  const expected = 'from:to[:step] with integers 1 <= from <= to <= 256 and step >= 1 (e.g. 2:64:2)';
  if (!match) throw new UsageError('INVALID_TYPE', `--elbow-range must be ${expected}, got ${JSON.stringify(text)}`);
  const from = Number(match[1]);
  const to = Number(match[2]);
  const step = match[3] === undefined ? 2 : Number(match[3]);
  if (from < 1 || to > 256 || from > to || step < 1) throw new UsageError('OUT_OF_RANGE', `--elbow-range must be ${expected}, got ${JSON.stringify(text)}`);
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
    const message = `--resize must be <width>x<height> with integers in 1..65535 (e.g. 512x512), got ${JSON.stringify(text)}`;
    throw new UsageError(match ? 'OUT_OF_RANGE' : 'INVALID_TYPE', message);
  }
  return { width, height };
}

/** The palette format told by the file's extension. */
export function paletteFormat(path: string): PaletteFormat {
  const ext = extname(path).toLowerCase();
  const format = PALETTE_FORMATS[ext];
  if (!format) {
    throw new UsageError('INVALID_TYPE', `--palette: unknown palette format ${JSON.stringify(ext || path)} (the file name must end in .json, .css or .gpl)`);
  }
  return format;
}

/** Resolves engine options through the library (which validates them), as a usage error naming the flag. */
function resolveEngine(options: QuantizeOptions, context = ''): ResolvedOptions {
  try {
    return resolveOptions(options);
  } catch (error) {
    throw usageError(error, context);
  }
}

/**
 * Joins a value flag and a negative number after it (`-k -1`, `--tolerance -0.5`) into `--flag=value`,
 * which parseArgs would otherwise refuse as ambiguous: the value then reaches the option's range check.
 * The same for `--ext` and a suffix that starts with a dash (`--ext -k64.png`).
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const byShort = new Map(Object.entries(FLAGS).filter(([, f]) => f.short).map(([name, f]) => [`-${f.short}`, name]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : byShort.get(arg);
    const next = argv[i + 1];
    // --ext takes suffixes that start with a dash (-kmq.png) as its value too.
    const dashed = name === 'ext' && next !== undefined && next.startsWith('-') && next.length > 1;
    if (name !== undefined && FLAGS[name]?.type === 'string' && next !== undefined && (dashed || /^-(\d|\.\d)/.test(next))) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** node:util parseArgs, strict: an unknown flag or a missing value is a usage error. */
function parseFlags(argv: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv), options: FLAGS, strict: true, allowPositionals: true });
    return { values: new Values(values as Record<string, string | boolean | undefined>), positionals };
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec(errorMessage(error));
    throw new UsageError('INVALID_TYPE', unknown ? `unknown option ${unknown[1]} (see --help)` : errorMessage(error), { cause: error });
  }
}

/** The engine options given: numbers through the table's text form, choices as text (both checked later). */
function engineOptions(values: Values): QuantizeOptions {
  const options: Record<string, ReturnType<typeof optionFromText>> = {};
  for (const { option, flag, alias } of ENGINE_FLAGS) {
    const given = alias !== undefined && values.text(alias) !== undefined ? alias : flag;
    if (given === alias && values.text(flag) !== undefined) throw new UsageError('INVALID_TYPE', `${flagName(flag)} and ${flagName(alias)} are the same flag: give it once`);
    const text = values.text(given);
    if (text === undefined) continue;
    try {
      options[option] = optionFromText(option, text, flagName(given));
    } catch (error) {
      throw usageError(error);
    }
  }
  return options as QuantizeOptions;
}

/** The positional arguments: at least one input, `-` (stdin) only alone. */
function inputFiles(positionals: string[]): string[] {
  if (positionals.length === 0) throw new UsageError('INVALID_TYPE', 'missing input file (see --help)');
  if (positionals.length > 1 && positionals.includes('-')) throw new UsageError('INVALID_TYPE', '- (stdin) can only be the one input, not one of several');
  return positionals;
}

/** An integer flag value in `min..max`. */
function integerFlag(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max) {
    throw new UsageError(/^\s*\d+\s*$/.test(text) ? 'OUT_OF_RANGE' : 'INVALID_TYPE', `${flag} must be an integer in ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `min-max` or `max` (min 0), integers in 0..100 with min <= max, as pngquant's --quality. */
function parseQuality(text: string): { min: number; max: number } {
  const match = /^\s*(?:(\d+)\s*-\s*)?(\d+)\s*$/.exec(text);
  const min = match?.[1] === undefined ? 0 : Number(match[1]);
  const max = match ? Number(match[2]) : NaN;
  if (!match || min > 100 || max > 100 || min > max) {
    throw new UsageError(match ? 'OUT_OF_RANGE' : 'INVALID_TYPE', `--quality must be min-max (or max) with integers 0 <= min <= max <= 100 (e.g. 65-80), got ${JSON.stringify(text)}`);
  }
  return { min, max };
}

type Analyses = Pick<Command, 'sweepKs' | 'sweepTable' | 'outDir' | 'elbow' | 'gif'>;

/** --sweep, --gif, --elbow, --elbow-range and --out-dir, checked against each other. */
function analysisFlags(values: Values): Analyses {
  const sweep = values.text('sweep');
  const gif = values.text('gif');
  const sweepKs = sweep !== undefined ? parseKList('sweep', sweep) : gif !== undefined ? [...DEFAULT_SWEEP_KS] : undefined;
  const range = values.text('elbow-range');
  if (range !== undefined && !values.has('elbow')) throw new UsageError('INVALID_TYPE', '--elbow-range needs --elbow');
  const elbow = values.has('elbow') ? parseElbowRange(range ?? '2:64:2') : undefined;
  // --out-dir belongs to --sweep and --elbow when given; otherwise it names where a batch's outputs go.
  const outDir = sweep !== undefined || elbow ? values.text('out-dir') : undefined;
  return { sweepKs, sweepTable: sweep !== undefined, outDir, elbow, gif };
}

/** The flags that write one file per run (or print one report), which a batch does not take. */
const SINGLE_ONLY = ['palette', 'heatmap', 'report', 'sweep', 'elbow', 'gif', 'elbow-range'] as const;

/**
 * A batch: several inputs, or one with --ext or --out-dir (without --sweep/--elbow), and no -o. Checks
 * --ext, --jobs, and the flags that name one output (-o) or write one file per run (refused in a batch).
 */
function batchFlags(values: Values, analyses: Analyses, inputs: string[], output: string | undefined): Batch | undefined {
  const ext = values.text('ext');
  // analysisFlags took --out-dir when --sweep or --elbow is given.
  const outDir = analyses.sweepTable || analyses.elbow ? undefined : values.text('out-dir');
  const jobs = values.text('jobs');
  if (output !== undefined) {
    if (inputs.length > 1) throw new UsageError('INVALID_TYPE', `-o names one output file, but ${inputs.length} inputs were given: name their outputs with --ext or --out-dir`);
    if (ext !== undefined) throw new UsageError('INVALID_TYPE', '--ext and -o both name the output: give one');
    if (outDir !== undefined) throw new UsageError('INVALID_TYPE', '-o and --out-dir both name the output: give one (--out-dir with -o needs --sweep or --elbow)');
  }
  if (output !== undefined || (inputs.length === 1 && ext === undefined && outDir === undefined)) {
    if (jobs !== undefined) throw new UsageError('INVALID_TYPE', '--jobs needs several inputs (or --ext, --out-dir)');
    return undefined;
  }
  if (inputs.includes('-')) throw new UsageError('INVALID_TYPE', '- (stdin) has no name to make an output name from: give -o <file> or -o -');
  for (const flag of SINGLE_ONLY) {
    if (values.text(flag) !== undefined || values.has(flag as SwitchFlag)) {
      throw new UsageError('INVALID_TYPE', `--${flag} takes a single input with -o; it cannot be used with several inputs, --ext or --out-dir`);
    }
  }
  if (ext !== undefined && (!/\.png$/i.test(ext) || /[/\\]/.test(ext))) {
    throw new UsageError('INVALID_TYPE', `--ext must be a file-name suffix ending in .png (e.g. -k64.png), got ${JSON.stringify(ext)}`);
  }
  return { ext: ext ?? (outDir !== undefined ? '.png' : DEFAULT_EXT), outDir, jobs: jobs === undefined ? undefined : integerFlag('--jobs', jobs, 1, 1024) };
}

/** A PSNR in dB, > 0. */
function parsePsnr(text: string): number {
  const value = Number(text);
  if (!/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(text) || !(value > 0)) {
    throw new UsageError(Number.isFinite(value) ? 'OUT_OF_RANGE' : 'INVALID_TYPE', `--min-psnr must be a PSNR in dB above 0 (e.g. 30), got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * --min-psnr, --quality and --max-colours (or --max-colors). k is searched with --max-colours, or with
 * --quality when neither -k nor --remap fixes it (up to 256, as pngquant); otherwise the fixed k is checked.
 */
function floorFlags(values: Values, options: QuantizeOptions, remap: boolean): QualityFloor | undefined {
  const minText = values.text('min-psnr');
  const qualityText = values.text('quality');
  const british = values.text('max-colours');
  if (british !== undefined && values.text('max-colors') !== undefined) throw new UsageError('INVALID_TYPE', '--max-colours and --max-colors are the same flag: give it once');
  const colours = british ?? values.text('max-colors');
  const maxColours = colours === undefined ? undefined : integerFlag(british !== undefined ? '--max-colours' : '--max-colors', colours, 1, 256);
  if (minText !== undefined && qualityText !== undefined) throw new UsageError('INVALID_TYPE', '--min-psnr and --quality both set the quality floor: give one');
  if (minText === undefined && qualityText === undefined) {
    if (maxColours !== undefined) throw new UsageError('INVALID_TYPE', '--max-colours needs --min-psnr or --quality (it chooses the smallest k that reaches them)');
    return undefined;
  }
  if (maxColours !== undefined && options.k !== undefined) throw new UsageError('INVALID_TYPE', '-k fixes k and --max-colours chooses it: give one');
  if (maxColours !== undefined && remap) throw new UsageError('INVALID_TYPE', '--max-colours cannot be used with --remap (k is the number of colours in the palette file)');
  if (minText !== undefined) {
    const min = parsePsnr(minText);
    return { min, target: min, maxColours, flag: `--min-psnr ${minText}` };
  }
  const quality = parseQuality(qualityText!);
  const search = maxColours ?? (options.k === undefined && !remap ? 256 : undefined);
  return { min: psnrOfQuality(quality.min), target: psnrOfQuality(quality.max), maxColours: search, flag: `--quality ${qualityText}` };
}

type Outputs = Pick<Command, 'output' | 'rgba' | 'palette' | 'report' | 'heatmap' | 'resize'>;

/** -o, --rgba, --palette, --report, --heatmap and --resize. */
function outputFlags(values: Values): Outputs {
  const palettePath = values.text('palette');
  const resize = values.text('resize');
  const output = values.text('output');
  const rgba = values.has('rgba');
  return {
    output,
    rgba,
    palette: palettePath !== undefined ? { path: palettePath, format: paletteFormat(palettePath) } : undefined,
    report: values.has('report'),
    heatmap: values.text('heatmap'),
    resize: resize !== undefined ? parseResize(resize) : undefined,
  };
}

/** Whether the single quantization runs: for an output of its own, in a batch, or when no analysis is asked for. */
function runsQuantize(outputs: Outputs, analyses: Analyses, json: boolean, batch: Batch | undefined): boolean {
  if (batch) return true;
  const { output, palette, report, heatmap } = outputs;
  const quantize = output !== undefined || palette !== undefined || report || heatmap !== undefined || (analyses.sweepKs === undefined && !analyses.elbow);
  if (quantize && output === undefined && !json && palette === undefined && !report && heatmap === undefined) {
    throw new UsageError('INVALID_TYPE', 'missing -o <output.png> (required unless --json, --report, --palette, --heatmap, --sweep, --elbow or --gif is given)');
  }
  return quantize;
}

/**
 * The library validates every option (TypeError/RangeError naming it); do it before any file I/O. Returns
 * the single quantization's resolved options when it runs. Without it, -k is unused: the rest is checked at
 * k = 1; options that depend on k (a sample size of at least k) must hold for every k of the analyses.
 */
function checkEngine(options: QuantizeOptions, quantize: boolean, { sweepKs, sweepTable, elbow }: Analyses): ResolvedOptions | undefined {
  let resolved: ResolvedOptions | undefined;
  if (quantize) resolved = resolveEngine(options);
  else resolveEngine({ ...options, k: options.k ?? 1 });
  for (const k of sweepKs ?? []) resolveEngine({ ...options, k }, ` (with k = ${k} of ${sweepTable ? '--sweep' : 'the --gif sweep'})`);
  if (elbow) for (const k of elbowKs(elbow)) resolveEngine({ ...options, k }, ` (with k = ${k} of --elbow)`);
  return resolved;
}

/**
 * --remap <file>: its format from the extension; refused with the analyses (which fit) and with engine
 * flags that only fitting uses, -k among them (the palette file gives k), so that none is ignored unsaid.
 */
function remapFlag(values: Values, options: QuantizeOptions, analyses: Analyses): Command['remap'] {
  const path = values.text('remap');
  if (path === undefined) return undefined;
  const format = paletteFileFormat(path);
  if (!format) throw new UsageError('INVALID_TYPE', `--remap: unknown palette format ${JSON.stringify(extname(path) || path)} (the file name must end in .gpl, .json or .png)`);
  const analysis = analyses.sweepKs !== undefined ? (analyses.sweepTable ? '--sweep' : '--gif') : analyses.elbow ? '--elbow' : undefined;
  if (analysis) throw new UsageError('INVALID_TYPE', `--remap applies a palette without fitting; it cannot be combined with ${analysis}`);
  for (const { option, flag, short, alias } of ENGINE_FLAGS) {
    if (!(option in options) || REMAP_OPTIONS.has(option)) continue;
    const name = short ? `-${short}` : flagName(alias !== undefined && values.text(alias) !== undefined ? alias : flag);
    const why = option === 'k' ? 'k is the number of colours in the palette file' : 'no palette is fitted';
    throw new UsageError('INVALID_TYPE', `${name} cannot be used with --remap (${why})`);
  }
  return { path, format };
}

/** --skip-if-larger needs an output to skip; the quality floor needs the single quantization it judges. */
function checkHabits(values: Values, outputs: Outputs, batch: Batch | undefined, floor: QualityFloor | undefined, quantize: boolean): void {
  if (outputs.rgba && outputs.output === undefined && !batch) throw new UsageError('INVALID_TYPE', '--rgba needs -o <output.png> (or several inputs, --ext, --out-dir)');
  if (values.has('skip-if-larger') && outputs.output === undefined && !batch) {
    throw new UsageError('INVALID_TYPE', '--skip-if-larger needs an output to skip: -o <file> (or several inputs, --ext, --out-dir)');
  }
  if (floor && !quantize) throw new UsageError('INVALID_TYPE', `${floor.flag.split(' ')[0]} judges the single quantization (-o, --json, --palette, ...), which this command does not run`);
}

/** Parses and validates the command line; returns `'help'`/`'version'` for those flags. */
export function parseCommand(argv: string[]): Command | 'help' | 'version' {
  const { values, positionals } = parseFlags(argv);
  if (values.has('help')) return 'help';
  if (values.has('version')) return 'version';
  const inputs = inputFiles(positionals);
  for (const flag of ['output', 'palette', 'heatmap', 'out-dir', 'gif', 'remap', 'ext'] as const) {
    if (values.text(flag) === '') throw new UsageError('INVALID_TYPE', `${flag === 'output' ? '-o/--output' : `--${flag}`} must not be empty`);
  }
  const options = engineOptions(values);
  const json = values.has('json');
  const analyses = analysisFlags(values);
  const outputs = outputFlags(values);
  const batch = batchFlags(values, analyses, inputs, outputs.output);
  const remap = remapFlag(values, options, analyses);
  const floor = floorFlags(values, options, remap !== undefined);
  const runs = runsQuantize(outputs, analyses, json, batch);
  checkHabits(values, outputs, batch, floor, runs);
  const quantize = checkEngine(floor?.maxColours !== undefined ? { ...options, k: floor.maxColours } : options, runs, analyses);
  const habits = { force: values.has('force'), skipIfLarger: values.has('skip-if-larger'), floor, batch };
  return { input: inputs[0]!, inputs, json, options, quantize, ...outputs, ...analyses, remap, ...habits };
}
