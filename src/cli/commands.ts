/**
 * What the CLI does with a parsed {@link Command}: read (and maybe resize) the image, run the single
 * quantization and its outputs (PNG-8 or RGBA PNG, palette file, quality report, heat map), the sweep
 * (files, CSV, GIF) and the elbow, then print a human summary section by section or, with --json, one
 * JSON object at the end. Every output path is checked before the work starts.
 */
import { QuantizerError } from '../errors.js';
import { basename, extname, join } from 'node:path';
import {
  bitsPerPixel,
  countDistinctColours,
  elbow,
  encodePng,
  paletteToCss,
  paletteToGpl,
  paletteToJson,
  quantize,
  qualityReport,
  remap,
  resizeImage,
  resultToIndexedPng,
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
import { checkOutputPath, ensureDirectory, fileSize, isSameFile, readImage, readPaletteFile, writeBytes, writePng } from '../node.js';
import type { ResolvedOptions } from '../options.js';
import { elbowKs, type Command, type PaletteFormat } from './args.js';
import { formatBytes, formatNumber, listKs, round, table, toCsv } from './format.js';
import type { Progress } from './progress.js';

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
function indexedPng(result: QuantizeResult, what: string): Uint8Array {
  try {
    return resultToIndexedPng(result);
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

function hasAlpha(image: RgbaImage): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] !== 255) return true;
  return false;
}

function psnrOrNull(psnr: number): number | null {
  return Number.isFinite(psnr) ? psnr : null;
}

/** Runs the command; resolves when every output is written and printed. Errors propagate (one line each). */
export async function runCommand(command: Command, io: Io): Promise<void> {
  const json: CliJson = {};
  const print = (lines: string[]): void => {
    if (command.json) return;
    io.progress.clear();
    io.out(`${lines.join('\n')}\n`);
  };

  // Never write over the input: refuse before reading it.
  for (const path of [command.output, command.palette?.path, command.heatmap, command.gif]) {
    if (path !== undefined && (await isSameFile(command.input, path))) {
      throw new QuantizerError('IO', `refusing to write ${JSON.stringify(path)}: it is the input file ${JSON.stringify(command.input)}`);
    }
  }
  let image: RgbaImage = await readImage(command.input);
  const inputBytes = await fileSize(command.input);
  // The palette file of --remap, read and checked before any work (its errors name the flag).
  const palette = command.remap && (await readPaletteFile(command.remap.path, command.remap.format, '--remap'));

  // Every output path before any work: a missing directory should not cost a long sweep.
  // The directory first: other outputs may go into it.
  if (command.outDir !== undefined) await ensureDirectory(command.outDir);
  for (const path of [command.output, command.palette?.path, command.heatmap, command.gif]) {
    if (path !== undefined) await checkOutputPath(path);
  }

  if (command.resize) {
    const { width, height } = command.resize;
    const from = `${image.width}x${image.height}`;
    image = await resizeImage(image, width, height, { filter: 'lanczos3', onProgress: analysisProgress(io, 'resizing') });
    io.progress.clear();
    print([`resized:         ${from} -> ${width}x${height} (lanczos3)`]);
  }

  if (command.quantize) await runQuantize(command, command.quantize, io, image, inputBytes, json, print, palette || undefined);
  if (command.sweepKs) await runSweep(command, command.sweepKs, io, image, json, print);
  if (command.elbow) await runElbow(command, io, image, json, print);

  io.progress.clear();
  if (command.json) io.out(`${JSON.stringify(json)}\n`);
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

/** The single quantization (or --remap's mapping) and its outputs: -o, the summary, --palette, --report and --heatmap. */
async function runQuantize(command: Command, resolved: ResolvedOptions, io: Io, image: RgbaImage, inputBytes: number, json: CliJson, print: Print, palette?: Uint8Array): Promise<void> {
  const { k, attempts } = resolved;
  const started = performance.now();
  const result = palette ? await remapResult(command, image, palette, json) : await quantize(image, {
    ...command.options,
    onProgress: (event) => {
      const attempt = attempts > 1 ? `, attempt ${event.attempt}/${attempts}` : '';
      io.progress.update(`quantizing (k = ${k})`, undefined, undefined, `iteration ${event.iteration}${attempt}`);
    },
  });
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

  const written = await writeOutput(command, result, json);
  print(summaryLines(command, image, result, ms, inputBytes, written));
  if (command.palette) await writePalette(command.palette, result, print);
  if (command.report || command.heatmap !== undefined) await runQualityReport(command, io, image, result, json, print);
}

/** What -o wrote (its size), and the PNG-8 of the result when there is one to describe. */
interface Written {
  png8: Uint8Array | undefined;
  outputBytes: number | undefined;
}

/** The PNG-8 written by -o (or the RGBA PNG with --rgba), else encoded in memory for its size. */
async function writeOutput(command: Command, result: QuantizeResult, json: CliJson): Promise<Written> {
  if (command.output !== undefined) {
    if (command.rgba) {
      await writePng(command.output, { data: result.image, width: result.width, height: result.height });
      json.bytes = await fileSize(command.output);
      return { png8: undefined, outputBytes: json.bytes };
    }
    const png8 = indexedPng(result, JSON.stringify(command.output));
    json.bytes = await writeBytes(command.output, png8);
    return { png8, outputBytes: json.bytes };
  }
  if (command.json) return { png8: undefined, outputBytes: undefined };
  try {
    return { png8: resultToIndexedPng(result), outputBytes: undefined };
  } catch {
    // Alpha that needs more than 256 palette entries: no PNG-8 size to show.
    return { png8: undefined, outputBytes: undefined };
  }
}

/**
 * The bits a pixel takes after quantization: ceil(log2) of the palette entries of the PNG-8 that was made
 * ((colour, alpha) pairs when the image has alpha), and that PNG's bit depth; else of the palette.
 */
function bitsAfter(result: QuantizeResult, png8: Uint8Array | undefined): string {
  if (!png8) return `${bitsPerPixel(result.paletteSize)} after (ceil(log2 ${result.paletteSize}))`;
  // Signature (8) and IHDR (25 bytes) come first; the PLTE chunk follows with its length.
  const view = new DataView(png8.buffer, png8.byteOffset, png8.byteLength);
  const plte = view.getUint32(33);
  const next = 33 + 12 + plte;
  const alpha = String.fromCharCode(...png8.subarray(next + 4, next + 8)) === 'tRNS';
  const entries = plte / 3;
  const what = alpha ? `${entries} (colour, alpha) palette entries` : `${entries} palette entries`;
  return `${bitsPerPixel(entries)} after (ceil(log2 ${entries}), ${what}); PNG-8 bit depth ${png8[24]}`;
}

/** The human summary of the single quantization. */
function summaryLines(command: Command, image: RgbaImage, result: QuantizeResult, ms: number, inputBytes: number, { png8, outputBytes }: Written): string[] {
  const colours = countDistinctColours(image);
  const coloursAfter = countDistinctColours(result.image);
  const bitsBefore = hasAlpha(image) ? 32 : 24;
  const lines = [
    `backend:         ${result.backend}${result.fallbackReason ? ` (${result.fallbackReason})` : ''}`,
    command.remap
      ? `palette:         ${result.paletteSize} colours from ${command.remap.path} (--remap: applied, not fitted)`
      : `palette:         ${result.paletteSize} colours (k = ${result.k})`,
    command.remap ? 'iterations:      none (--remap)' : `iterations:      ${result.iterations}${result.converged ? ' (converged)' : ' (not converged)'}`,
    `MSE:             ${formatNumber(result.mse, 3)}`,
    `PSNR:            ${formatNumber(result.psnr, 2)} dB`,
    `time:            ${ms.toFixed(1)} ms`,
    `colours:         ${colours.toLocaleString('en-US')} before, ${coloursAfter.toLocaleString('en-US')} after`,
    `bits/pixel:      ${bitsBefore} before, ${bitsAfter(result, png8)}`,
    `original size:   ${formatBytes(inputBytes)}, ${command.input}`,
  ];
  if (command.output !== undefined && outputBytes !== undefined) {
    const kind = command.rgba ? 'RGBA PNG' : 'PNG-8';
    const ratio = ((outputBytes / inputBytes) * 100).toFixed(1);
    lines.push(`compressed size: ${formatBytes(outputBytes)}, ${kind}, ${ratio} % of the input file`);
    lines.push(`output:          ${command.output} (${result.width}x${result.height}, ${kind})`);
  } else if (png8) {
    const ratio = ((png8.length / inputBytes) * 100).toFixed(1);
    lines.push(`compressed size: ${formatBytes(png8.length)}, PNG-8 (in memory, not written), ${ratio} % of the input file`);
  }
  return lines;
}

/** --palette: the palette file in the format of its extension. */
async function writePalette({ path, format }: NonNullable<Command['palette']>, result: QuantizeResult, print: Print): Promise<void> {
  const text = format === 'json' ? paletteToJson(result.palette) : format === 'css' ? paletteToCss(result.palette) : paletteToGpl(result.palette);
  await writeBytes(path, text);
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
    const bytes = await writeBytes(command.heatmap, encodePng({ data: report.heatmap, width: report.width, height: report.height }));
    print([`heat map:        ${command.heatmap} (CIEDE2000 0..${report.heatmapMax}, ${report.width}x${report.height}, ${formatBytes(bytes)})`]);
  }
}

async function runSweep(command: Command, ks: number[], io: Io, image: RgbaImage, json: CliJson, print: Print): Promise<void> {
  const swept: SweepResult = await sweep(image, { ...withoutK(command.options), ks, onProgress: analysisProgress(io, 'sweep') });
  io.progress.clear();

  if (command.sweepTable) {
    const write = command.outDir !== undefined;
    const stem = basename(command.input, extname(command.input));
    const entries: SweepJsonEntry[] = [];
    for (const { k, result, inertia, ms } of swept.results) {
      const file = write ? join(command.outDir!, `${stem}-k${k}.png`) : undefined;
      const png = indexedPng(result, file ? JSON.stringify(file) : `the k = ${k} image`);
      if (file) await writeBytes(file, png);
      entries.push({ k, cost: inertia, ms, psnr: psnrOrNull(result.psnr), bytes: png.length, iterations: result.iterations, ...(file ? { file } : {}) });
    }
    let csv: string | undefined;
    if (write) {
      csv = join(command.outDir!, 'sweep.csv');
      const rows = entries.map((e) => [e.k, round(e.cost, 3), round(e.ms, 2), e.psnr === null ? Infinity : round(e.psnr, 4), e.bytes]);
      await writeBytes(csv, toCsv(['k', 'cost', 'ms', 'psnr', 'bytes'], rows));
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
    const bytes = await writeBytes(command.gif, sweepGif(swept));
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
    await writeBytes(csv, toCsv(['k', 'inertia', 'ms', 'iterations'], points.map((p) => [p.k, p.inertia, p.ms, p.iterations])));
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
