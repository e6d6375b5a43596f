/**
 * The human summary of the CLI's single quantization (backend, palette, MSE, colours, bits a pixel, sizes),
 * made only when it is printed: not with --json, nor with `-o -` (stdout carries the PNG). Its figures come
 * from what the run already holds where they can: the colours after quantization are those of the palette
 * entries the labels use (the quantized image paints each pixel with its label's colour), the colours
 * before from the result where the run counted them (the CPU path's histogram), and alpha from the fitted
 * palette; only what the run does not hold costs a pass over the pixels.
 */
import { bitsPerPixel, countDistinctColours, type QuantizeResult, type RgbaImage } from '../index.js';
import type { Command } from './args.js';
import { formatBytes, formatNumber, groupDigits } from './format.js';
import { STDIO } from './write-guard.js';

/** What -o wrote (its size), and the PNG-8 of the result when there is one to describe. */
export interface Written {
  png8: Uint8Array | undefined;
  outputBytes: number | undefined;
}

/** Whether the command prints its human summary: not with --json, nor when stdout carries the PNG (`-o -`). */
export function printsSummary(command: Command): boolean {
  return !command.json && command.output !== STDIO;
}

function hasAlpha(image: RgbaImage): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] !== 255) return true;
  return false;
}

/**
 * The distinct RGB colours of the quantized image (what `countDistinctColours(result.image)` counts), from
 * its labels and palette: the distinct colours of the palette entries some pixel uses. One read of the
 * labels (a byte a pixel) instead of the image (four).
 */
export function coloursAfter(result: Pick<QuantizeResult, 'labels' | 'palette'>): number {
  const used = new Uint8Array(result.palette.length / 3);
  for (let i = 0; i < result.labels.length; i++) used[result.labels[i]!] = 1;
  const colours = new Set<number>();
  for (let j = 0; j < used.length; j++) {
    if (used[j]) colours.add(result.palette[j * 3]! | (result.palette[j * 3 + 1]! << 8) | (result.palette[j * 3 + 2]! << 16));
  }
  return colours.size;
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

/** The summary's counts: distinct colours before and after, and whether the input has alpha. */
export interface SummaryCounts {
  before: number;
  after: number;
  alpha: boolean;
}

/**
 * The summary's counts, from the result where it holds them, else from a pass over the pixels (the CLI makes
 * them while its PNG-8 compresses on the thread pool, so that they cost no wall time there). A fitted palette says whether the image has alpha: it
 * has `paletteAlpha` exactly when some pixel is below 255 (quantize takes the RGBA path then); a palette
 * applied with `remapped` may be RGB on an image with alpha, so its pixels are looked at.
 */
export function summaryCounts(image: RgbaImage, result: Pick<QuantizeResult, 'distinctColours' | 'labels' | 'palette' | 'paletteAlpha'>, { remapped }: { remapped: boolean }): SummaryCounts {
  return {
    before: result.distinctColours ?? countDistinctColours(image),
    after: coloursAfter(result),
    alpha: remapped ? hasAlpha(image) : result.paletteAlpha !== undefined,
  };
}

/** The human summary of the single quantization. */
export function summaryLines(command: Command, counts: SummaryCounts, result: QuantizeResult, ms: number, inputBytes: number, { png8, outputBytes }: Written): string[] {
  const { before: colours, after } = counts;
  const bitsBefore = counts.alpha ? 32 : 24;
  const lines = [
    `backend:         ${result.backend}${result.fallbackReason ? ` (${result.fallbackReason})` : ''}`,
    command.remap
      ? `palette:         ${result.paletteSize} colours from ${command.remap.path} (--remap: applied, not fitted)`
      : `palette:         ${result.paletteSize} colours (k = ${result.k})`,
    command.remap ? 'iterations:      none (--remap)' : `iterations:      ${result.iterations}${result.converged ? ' (converged)' : ' (not converged)'}`,
    `MSE:             ${formatNumber(result.mse, 3)}`,
    `PSNR:            ${formatNumber(result.psnr, 2)} dB`,
    `time:            ${ms.toFixed(1)} ms`,
    `colours:         ${groupDigits(colours)} before, ${groupDigits(after)} after`,
    `bits/pixel:      ${bitsBefore} before, ${bitsAfter(result, png8)}`,
    `original size:   ${formatBytes(inputBytes)}, ${command.input === STDIO ? 'stdin' : command.input}`,
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

