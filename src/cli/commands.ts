/**
 * What the CLI does with a parsed {@link Command}: read (and maybe resize) the image, run the single
 * quantization and its outputs (PNG-8 or RGBA PNG, palette file, quality report, heat map), the sweep
 * (files, CSV, GIF) and the elbow, then print a human summary section by section or, with --json, one
 * JSON object at the end (printed by the caller, src/cli.ts). Every output path is checked before the work
 * starts, and none is written over without --force (write-guard.ts). `-` is stdin as the input and stdout
 * as -o (stdio.ts); the quality floor (quality-floor.ts) and --skip-if-larger are judged before -o is written.
 */
import { basename, extname, join } from 'node:path';
import {
  elbow,
  encodePng,
  paletteToCss,
  paletteToGpl,
  paletteToJson,
  quantize,
  qualityReport,
  remap,
  resizeImage,
  sweep,
  sweepGif,
  type AnalysisProgress,
  type ElbowResult,
  type QualityReport,
  type QuantizeOptions,
  type QuantizeResult,
  type RgbaImage,
  type SweepResult,
} from '../index.js';
import { checkOutputPath, decodeImageAsync, encodeIndexedResultPngAsync, encodeRgbaPng, ensureDirectory, readImageFile, readPaletteFile } from '../node.js';
import type { ResolvedOptions } from '../options.js';
import { elbowKs, type Command, type PaletteFormat } from './args.js';
import { CliError } from './exit.js';
import { formatBytes, formatNumber, listKs, round, table, toCsv } from './format.js';
import { printsSummary, summaryCounts, summaryLines, type Written } from './summary.js';
import type { Progress } from './progress.js';
import { checkFloor, searchK } from './quality-floor.js';
import { checkBinaryStdout, readStdin, writeStdout } from './stdio.js';
import { refuseOverwrites, STDIO, writeGuarded } from './write-guard.js';

/** The JSON printed by `--json`. `psnr` is `null` where the library reports `Infinity` (a lossless result). */
export interface CliJson {
  // The single quantization (absent when only --sweep, --elbow or --gif ran).
  k?: number;
  paletteSize?: number;
  iterations?: number;
  converged?: boolean;
  inertia?: number;
  mse?: number;
  psnr?: number | null;
  backend?: string;
  ms?: number;
  /** Size of the file written by -o. */
  bytes?: number;
  /** --remap: the palette file applied (no fitting ran) and its number of colours. */
  remap?: { file: string; colours: number };
  /** --max-colours (or --quality without -k): the k search, each k it fitted with its PSNR, in order. */
  search?: { target: number; min: number; maxColours: number; tried: Array<{ k: number; psnr: number | null }> };
  /** --report (or --heatmap). */
  quality?: { mse: number; psnr: number | null; ssim: number; deltaE: { mean: number; p95: number; max: number } };
  /** --sweep. */
  sweep?: { warmStart: true; csv?: string; entries: SweepJsonEntry[] };
  /** --gif. */
  gif?: { file: string; frames: number; ks: number[]; bytes: number };
  /** --elbow. */
  points?: Array<{ k: number; inertia: number; ms: number; iterations: number }>;
  suggestedK?: number;
  elbowCsv?: string;
}

interface SweepJsonEntry {
  k: number;
  cost: number;
  ms: number;
  psnr: number | null;
  bytes: number;
  iterations: number;
  file?: string;
}

/** Where output goes: stdout text, and the progress line (cleared before any stdout text). */
export interface Io {
  out(text: string): void;
  progress: Progress;
}

const PALETTE_FORMAT_NAMES: Record<PaletteFormat, string> = { json: 'JSON', css: 'CSS custom properties', gpl: 'GIMP palette' };

/** Engine options without `k` and the per-run ones (for the sweep and the elbow, which set them themselves). */
function withoutK(options: QuantizeOptions): Omit<QuantizeOptions, 'k' | 'warmStart' | 'onProgress'> {
  const { k: _k, warmStart: _w, onProgress: _p, ...rest } = options;
  return rest;
}

/** The PNG-8 of a result; a one-line error pointing to --rgba when its alpha cannot fit a palette. */
async function indexedPng(result: QuantizeResult, what: string): Promise<Uint8Array> {
  try {
    return await encodeIndexedResultPngAsync(result);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new Error(`cannot encode ${what} as a PNG-8: its alpha needs more than 256 (colour, alpha) palette entries (write -o with --rgba instead)`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** The progress callback of an analysis function, drawn on the progress line. */
function analysisProgress(io: Io, label: string): (event: AnalysisProgress) => void {
  return (event) => {
    const detail = event.k === undefined ? undefined : `k = ${event.k}${event.lloyd ? `, iteration ${event.lloyd.iteration}` : ''}`;
    io.progress.update(label, event.done, event.total, detail, event.done === event.total);
  };
}

function psnrOrNull(psnr: number): number | null {
  return Number.isFinite(psnr) ? psnr : null;
}

/** What a run leaves to its caller: the JSON (printed by the caller with --json), and the sizes of the input and of -o. */
export interface RunOutcome {
  json: CliJson;
  inputBytes: number;
  outputBytes: number | undefined;
}

/** The name an output file takes from the input: its base name without extension (`stdin` for `-`). */
export function inputStem(input: string): string {
  return input === STDIO ? 'stdin' : basename(input, extname(input));
}

/** Every file the command will write: -o, --palette, --heatmap, --gif, and the sweep's and elbow's files in --out-dir. */
function outputPaths(command: Command): string[] {
  const paths = [command.output, command.palette?.path, command.heatmap, command.gif].filter((p): p is string => p !== undefined);
  if (command.outDir !== undefined) {
    if (command.sweepTable) paths.push(...command.sweepKs!.map((k) => sweepFile(command, k)), join(command.outDir, 'sweep.csv'));
    if (command.elbow) paths.push(join(command.outDir, 'elbow.csv'));
  }
  return paths;
}

function sweepFile(command: Command, k: number): string {
  return join(command.outDir!, `${inputStem(command.input)}-k${k}.png`);
}

/** The input image (a file, or stdin for `-`) and its size in bytes. */
async function readInput(input: string): Promise<{ image: RgbaImage; bytes: number }> {
  if (input !== STDIO) {
    const { image, fileBytes } = await readImageFile(input);
    return { image, bytes: fileBytes };
  }
  const bytes = await readStdin();
  return { image: await decodeImageAsync(bytes, 'stdin'), bytes: bytes.length };
}

/** Runs the command; resolves when every output is written and printed. Errors propagate (one line each). */
export async function runCommand(command: Command, io: Io): Promise<RunOutcome> {
  const json: CliJson = {};
  // With -o -, stdout carries the PNG alone: the summary is not printed (and the caller prints --json on stderr).
  const print = (lines: string[]): void => {
    if (!printsSummary(command)) return;
    io.progress.clear();
    io.out(`${lines.join('\n')}\n`);
  };

  // No file written over without --force, the input least of all: refused before the input is read.
  if (command.output === STDIO) checkBinaryStdout();
  const paths = outputPaths(command);
  await refuseOverwrites(paths, [command.input], command.force);
  const input = await readInput(command.input);
  let image = input.image;
  // The palette file of --remap, read and checked before any work (its errors name the flag).
  const palette = command.remap && (await readPaletteFile(command.remap.path, command.remap.format, '--remap'));

  // Every output path before any work: a missing directory should not cost a long sweep.
  // The directory first: other outputs may go into it.
  if (command.outDir !== undefined) await ensureDirectory(command.outDir);
  for (const path of paths) if (path !== STDIO) await checkOutputPath(path);

  if (command.resize) {
    const { width, height } = command.resize;
    const from = `${image.width}x${image.height}`;
    image = await resizeImage(image, width, height, { filter: 'lanczos3', onProgress: analysisProgress(io, 'resizing') });
    io.progress.clear();
    print([`resized:         ${from} -> ${width}x${height} (lanczos3)`]);
  }

  let outputBytes: number | undefined;
  if (command.quantize) outputBytes = await runQuantize(command, command.quantize, io, image, input.bytes, json, print, palette || undefined);
  if (command.sweepKs) await runSweep(command, command.sweepKs, io, image, json, print);
  if (command.elbow) await runElbow(command, io, image, json, print);

  io.progress.clear();
  return { json, inputBytes: input.bytes, outputBytes };
}

type Print = (lines: string[]) => void;

/**
 * --remap: the palette applied without fitting (the engine flags given are those remap() takes, checked
 * when parsing), as a result the outputs take: k is the palette's size, no iteration ran.
 */
async function remapResult(command: Command, image: RgbaImage, palette: Uint8Array, json: CliJson): Promise<QuantizeResult> {
  const applied = await remap(image, palette, command.options);
  json.remap = { file: command.remap!.path, colours: applied.paletteSize };
  const { setup, assignment, total } = applied.timings;
  return { ...applied, k: applied.paletteSize, exactPalette: false, iterations: 0, converged: true, attempt: 1, initInWorker: false, timings: { setup, init: 0, iterations: 0, assignment, total } };
}

/** How the input is named in messages. */
function sourceName(command: Command): string {
  return command.input === STDIO ? 'stdin' : JSON.stringify(command.input);
}

/**
 * The result of the single quantization: --remap's mapping, the k search of --max-colours (or --quality
 * without -k), or one quantize() at k; judged against the quality floor (a CliError: nothing written).
 */
async function quantizedResult(command: Command, resolved: ResolvedOptions, io: Io, image: RgbaImage, json: CliJson, palette?: Uint8Array): Promise<QuantizeResult> {
  const { floor } = command;
  if (floor?.maxColours !== undefined) {
    const label = `choosing k (PSNR >= ${floor.target.toFixed(2)} dB, k <= ${floor.maxColours})`;
    const { result, tried } = await searchK(image, command.options, floor, sourceName(command), (k) => io.progress.update(label, undefined, undefined, `k = ${k}`, true));
    json.search = { target: round(floor.target, 4), min: round(floor.min, 4), maxColours: floor.maxColours, tried: tried.map((t) => ({ k: t.k, psnr: psnrOrNull(t.psnr) })) };
    return result;
  }
  const { k, attempts } = resolved;
  const result = palette ? await remapResult(command, image, palette, json) : await quantize(image, {
    ...command.options,
    onProgress: (event) => {
      const attempt = attempts > 1 ? `, attempt ${event.attempt}/${attempts}` : '';
      io.progress.update(`quantizing (k = ${k})`, undefined, undefined, `iteration ${event.iteration}${attempt}`);
    },
  });
  if (floor) checkFloor(floor, result, sourceName(command));
  return result;
}

/** The single quantization (or --remap's mapping) and its outputs: -o, the summary, --palette, --report and --heatmap; resolves to the size of -o. */
async function runQuantize(command: Command, resolved: ResolvedOptions, io: Io, image: RgbaImage, inputBytes: number, json: CliJson, print: Print, palette?: Uint8Array): Promise<number | undefined> {
  const started = performance.now();
  const result = await quantizedResult(command, resolved, io, image, json, palette);
  const ms = performance.now() - started;
  io.progress.clear();

  Object.assign(json, {
    k: result.k,
    paletteSize: result.paletteSize,
    iterations: result.iterations,
    converged: result.converged,
    inertia: result.inertia,
    mse: result.mse,
    psnr: psnrOrNull(result.psnr),
    backend: result.backend,
    ms: round(ms, 2),
  } satisfies CliJson);

  const writing = writeOutput(command, result, json, inputBytes);
  // The summary's counts (a pass over the labels, and over the pixels where the run has not counted them):
  // made only when the summary is printed, and while the output compresses on the thread pool
  // (writeOutput has handed it over by now).
  const counts = printsSummary(command) ? summaryCounts(image, result, { remapped: command.remap !== undefined }) : undefined;
  const written = await writing;
  if (counts) print(summaryLines(command, counts, result, ms, inputBytes, written));
  if (json.search) print([searchLine(command, json.search, result.k)]);
  if (command.palette) await writePalette(command, result, print);
  if (command.report || command.heatmap !== undefined) await runQualityReport(command, io, image, result, json, print);
  return written.outputBytes;
}

/** The k search in one line: the k chosen, the floor, and the ks fitted with their PSNR. */
function searchLine(command: Command, search: NonNullable<CliJson['search']>, k: number): string {
  const reached = search.tried.find((t) => t.k === k)!.psnr;
  const how = reached === null || reached >= search.target ? `the smallest k <= ${search.maxColours} with PSNR >= ${search.target.toFixed(2)} dB` : `k = ${search.maxColours} falls short of ${search.target.toFixed(2)} dB but reaches the floor of ${search.min.toFixed(2)} dB`;
  const tried = search.tried.map((t) => `${t.k} (${t.psnr === null ? 'inf' : t.psnr.toFixed(2)})`).join(', ');
  return `k search:        k = ${k}, ${how} (${command.floor!.flag}); tried ${tried}`;
}

/**
 * The PNG-8 written by -o (or the RGBA PNG with --rgba; to stdout for `-o -`), else encoded in memory for
 * its size. With --skip-if-larger, an output not smaller than the input is not written (a CliError).
 */
async function writeOutput(command: Command, result: QuantizeResult, json: CliJson, inputBytes: number): Promise<Written> {
  const { output } = command;
  if (output !== undefined) {
    const png8 = command.rgba ? undefined : await indexedPng(result, output === STDIO ? 'the output' : JSON.stringify(output));
    const bytes = png8 ?? encodeRgbaPng({ data: result.image, width: result.width, height: result.height });
    if (command.skipIfLarger && bytes.length >= inputBytes) {
      const kind = png8 ? 'PNG-8' : 'RGBA PNG';
      throw new CliError('NOT_SMALLER', `${sourceName(command)}: the ${kind} would be ${formatBytes(bytes.length)}, not smaller than the input's ${formatBytes(inputBytes)}; nothing written (--skip-if-larger)`);
    }
    if (output === STDIO) await writeStdout(bytes);
    else await writeGuarded(output, bytes, command.force);
    json.bytes = bytes.length;
    return { png8, outputBytes: bytes.length };
  }
  if (command.json) return { png8: undefined, outputBytes: undefined };
  try {
    return { png8: await encodeIndexedResultPngAsync(result), outputBytes: undefined };
  } catch {
    // Alpha that needs more than 256 palette entries: no PNG-8 size to show.
    return { png8: undefined, outputBytes: undefined };
  }
}

/** --palette: the palette file in the format of its extension. */
async function writePalette(command: Command, result: QuantizeResult, print: Print): Promise<void> {
  const { path, format } = command.palette!;
  const text = format === 'json' ? paletteToJson(result.palette) : format === 'css' ? paletteToCss(result.palette) : paletteToGpl(result.palette);
  await writeGuarded(path, text, command.force);
  print([`palette file:    ${path} (${result.paletteSize} colours, ${PALETTE_FORMAT_NAMES[format]})`]);
}

/** --report and --heatmap: the quality report of the single quantization. */
async function runQualityReport(command: Command, io: Io, image: RgbaImage, result: QuantizeResult, json: CliJson, print: Print): Promise<void> {
  const quantized = { data: result.image, width: result.width, height: result.height };
  const report: QualityReport = await qualityReport(image, quantized, { onProgress: analysisProgress(io, 'quality report') });
  io.progress.clear();
  if (command.report) {
    json.quality = {
      mse: report.mse,
      psnr: psnrOrNull(report.psnr),
      ssim: report.ssim,
      deltaE: { ...report.deltaE },
    };
    print([
      'quality (original vs quantized):',
      `  MSE:            ${formatNumber(report.mse, 3)}`,
      `  PSNR:           ${formatNumber(report.psnr, 2)} dB`,
      `  SSIM:           ${formatNumber(report.ssim, 4)}`,
      `  ΔE mean:        ${formatNumber(report.deltaE.mean, 2)} (CIEDE2000)`,
      `  ΔE p95:         ${formatNumber(report.deltaE.p95, 2)} (CIEDE2000, 95th percentile)`,
    ]);
  }
  if (command.heatmap !== undefined) {
    const bytes = await writeGuarded(command.heatmap, encodePng({ data: report.heatmap, width: report.width, height: report.height }), command.force);
    print([`heat map:        ${command.heatmap} (CIEDE2000 0..${report.heatmapMax}, ${report.width}x${report.height}, ${formatBytes(bytes)})`]);
  }
}

async function runSweep(command: Command, ks: number[], io: Io, image: RgbaImage, json: CliJson, print: Print): Promise<void> {
  const swept: SweepResult = await sweep(image, { ...withoutK(command.options), ks, onProgress: analysisProgress(io, 'sweep') });
  io.progress.clear();

  if (command.sweepTable) {
    const write = command.outDir !== undefined;
    const entries: SweepJsonEntry[] = [];
    for (const { k, result, inertia, ms } of swept.results) {
      const file = write ? sweepFile(command, k) : undefined;
      const png = await indexedPng(result, file ? JSON.stringify(file) : `the k = ${k} image`);
      if (file) await writeGuarded(file, png, command.force);
      entries.push({ k, cost: inertia, ms, psnr: psnrOrNull(result.psnr), bytes: png.length, iterations: result.iterations, ...(file ? { file } : {}) });
    }
    let csv: string | undefined;
    if (write) {
      csv = join(command.outDir!, 'sweep.csv');
      const rows = entries.map((e) => [e.k, round(e.cost, 3), round(e.ms, 2), e.psnr === null ? Infinity : round(e.psnr, 4), e.bytes]);
      await writeGuarded(csv, toCsv(['k', 'cost', 'ms', 'psnr', 'bytes'], rows), command.force);
    }
    json.sweep = {
      warmStart: true,
      ...(csv ? { csv } : {}),
      entries: entries.map((e) => ({ ...e, cost: round(e.cost, 3), ms: round(e.ms, 2) })),
    };
    const rows = entries.map((e) => [
      String(e.k),
      e.cost.toFixed(0),
      e.ms.toFixed(1),
      e.psnr === null ? 'inf' : e.psnr.toFixed(2),
      String(e.bytes),
      ...(write ? [e.file ?? ''] : []),
    ]);
    const header = ['k', 'cost (inertia)', 'ms', 'PSNR dB', 'PNG-8 bytes', ...(write ? ['file'] : [])];
    print([
      `sweep:           k = ${listKs(ks)}, warm-started (each k starts from the previous k's centroids)`,
      ...table(header, rows, new Set(write ? [5] : [])).map((line) => `  ${line}`),
      ...(csv ? [`sweep table:     ${csv}`] : []),
    ]);
  }

  if (command.gif !== undefined) {
    const bytes = await writeGuarded(command.gif, sweepGif(swept), command.force);
    json.gif = { file: command.gif, frames: swept.results.length, ks, bytes };
    print([`gif:             ${command.gif} (${swept.results.length} frames, k = ${listKs(ks)}, warm-started sweep; ${formatBytes(bytes)})`]);
  }
}

async function runElbow(command: Command, io: Io, image: RgbaImage, json: CliJson, print: Print): Promise<void> {
  const range = command.elbow!;
  const result: ElbowResult = await elbow(image, { ...withoutK(command.options), ...range, onProgress: analysisProgress(io, 'elbow') });
  io.progress.clear();
  const points = result.points.map((p) => ({ k: p.k, inertia: round(p.inertia, 3), ms: round(p.ms, 2), iterations: p.iterations }));
  json.points = points;
  json.suggestedK = result.suggestedK;
  let csv: string | undefined;
  if (command.outDir !== undefined) {
    csv = join(command.outDir, 'elbow.csv');
    await writeGuarded(csv, toCsv(['k', 'inertia', 'ms', 'iterations'], points.map((p) => [p.k, p.inertia, p.ms, p.iterations])), command.force);
    json.elbowCsv = csv;
  }
  const ks = elbowKs(range);
  const rows = result.points.map((p) => [String(p.k), p.inertia.toFixed(0), p.ms.toFixed(1), String(p.iterations)]);
  print([
    `elbow:           k = ${ks[0]}..${ks[ks.length - 1]} step ${range.step}, warm-started (each k starts from the previous k's centroids)`,
    ...table(['k', 'inertia', 'ms', 'iterations'], rows).map((line) => `  ${line}`),
    `suggested k:     ${result.suggestedK} (the knee of the cost curve)`,
    ...(csv ? [`elbow table:     ${csv}`] : []),
  ]);
}
