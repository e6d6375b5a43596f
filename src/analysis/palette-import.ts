/**
 * Palette import: the palettes `remap()` (and the CLI's --remap) applies, read from a GIMP palette
 * (.gpl), the JSON that {@link paletteToJson} writes (or a plain array of "#rrggbb" or [r, g, b]), or a
 * PNG (an indexed PNG's PLTE, in its order; any other PNG's distinct colours, in order of first
 * appearance). Each reader takes the file's text or bytes (no file system: the caller reads the file) and
 * `source`, which the errors name (the CLI passes its flag and the path), and returns RGB bytes, 3 per
 * colour, 1 to 256 colours. A malformed file is a `QuantizerTypeError` with code `INVALID_PALETTE`; more
 * than 256 colours a `QuantizerRangeError` with code `OUT_OF_RANGE`.
 */
import { QuantizerRangeError, QuantizerTypeError } from '../errors.js';
import { decodePng, type PngDecodeOptions } from './png.js';

/** The most colours a palette may hold (a PNG-8's, and the quantizer's k). */
export const MAX_PALETTE_COLOURS = 256;

/** The palette file formats {@link readPalette} reads. */
export type PaletteFileFormat = 'gpl' | 'json' | 'png';

function malformed(source: string, what: string, cause?: unknown): QuantizerTypeError {
  return new QuantizerTypeError('INVALID_PALETTE', `${source}: ${what}`, source, cause === undefined ? undefined : { cause });
}

/** The colours as RGB bytes, after checking their number: 1 to 256. */
function paletteOf(source: string, colours: readonly number[]): Uint8Array {
  const n = colours.length / 3;
  if (n === 0) throw malformed(source, 'the palette holds no colour');
  if (n > MAX_PALETTE_COLOURS) {
    throw new QuantizerRangeError('OUT_OF_RANGE', `${source}: a palette must hold 1 to ${MAX_PALETTE_COLOURS} colours, this one holds ${n}`, source);
  }
  return Uint8Array.from(colours);
}

function isByte(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
}

/**
 * A GIMP palette: the `GIMP Palette` line, then header lines (`Name:`, `Columns:`), `#` comments, blank
 * lines, and one colour a line: R G B as integers 0..255, then an optional name.
 */
export function paletteFromGpl(text: string, source = 'palette'): Uint8Array {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== 'GIMP Palette') throw malformed(source, 'not a GIMP palette (the first line must be "GIMP Palette")');
  const colours: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || /^(Name|Columns)\s*:/i.test(line)) continue;
    const match = /^(\d+)\s+(\d+)\s+(\d+)(?:\s.*)?$/.exec(line);
    const rgb = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
    if (!match || !rgb.every(isByte)) throw malformed(source, `line ${i + 1} is not "R G B [name]" with integers 0..255: ${JSON.stringify(line)}`);
    colours.push(...rgb);
  }
  return paletteOf(source, colours);
}

/** One JSON entry: `{ rgb: [r, g, b] }` or `{ hex }` (paletteToJson's), `"#rrggbb"`/`"#rgb"`, or `[r, g, b]`. */
function jsonColour(entry: unknown): number[] | undefined {
  if (Array.isArray(entry)) return entry.length === 3 && entry.every(isByte) ? entry : undefined;
  if (typeof entry === 'string') {
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(entry.trim())?.[1];
    if (!hex) return undefined;
    const full = hex.length === 3 ? hex.replace(/./g, '$&$&') : hex;
    return [0, 2, 4].map((at) => parseInt(full.slice(at, at + 2), 16));
  }
  if (typeof entry === 'object' && entry !== null) {
    const { rgb, hex } = entry as { rgb?: unknown; hex?: unknown };
    return rgb !== undefined ? jsonColour(rgb) : hex !== undefined ? jsonColour(hex) : undefined;
  }
  return undefined;
}

/** A JSON palette: an array of colours (see `jsonColour`), in palette order. */
export function paletteFromJson(text: string, source = 'palette'): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformed(source, `not valid JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (!Array.isArray(parsed)) throw malformed(source, 'a JSON palette must be an array of colours ({ "rgb": [r, g, b] }, "#rrggbb" or [r, g, b])');
  const colours: number[] = [];
  parsed.forEach((entry, i) => {
    const rgb = jsonColour(entry);
    if (!rgb) throw malformed(source, `entry ${i} is not a colour ({ "rgb": [r, g, b] } or { "hex": "#rrggbb" } with bytes 0..255, "#rrggbb" or [r, g, b]): ${JSON.stringify(entry)}`);
    colours.push(...rgb);
  });
  return paletteOf(source, colours);
}

/**
 * A PNG's palette: an indexed PNG's PLTE colours (all of them, in order, used or not); for any other PNG,
 * its distinct colours (alpha ignored) in the order they first appear, row by row.
 */
export function paletteFromPng(bytes: Uint8Array, source = 'palette', options: PngDecodeOptions = {}): Uint8Array {
  let decoded: ReturnType<typeof decodePng>;
  try {
    decoded = decodePng(bytes, options);
  } catch (error) {
    throw malformed(source, `not a readable PNG (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (decoded.palette) return paletteOf(source, Array.from(decoded.palette));
  const seen = new Set<number>();
  const colours: number[] = [];
  const { data } = decoded;
  for (let i = 0; i < data.length; i += 4) {
    const key = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16);
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_PALETTE_COLOURS) {
      throw new QuantizerRangeError('OUT_OF_RANGE', `${source}: a palette PNG must hold 1 to ${MAX_PALETTE_COLOURS} distinct colours, this one holds more`, source);
    }
    colours.push(data[i]!, data[i + 1]!, data[i + 2]!);
  }
  return paletteOf(source, colours);
}

/** The palette format told by a file name's extension (.gpl, .json or .png), or undefined. */
export function paletteFileFormat(name: string): PaletteFileFormat | undefined {
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext === 'gpl' || ext === 'json' || ext === 'png' ? ext : undefined;
}

/** Reads a palette file's bytes in `format` (see the readers above). */
export function readPalette(bytes: Uint8Array, format: PaletteFileFormat, source = 'palette', options: PngDecodeOptions = {}): Uint8Array {
  if (format === 'png') return paletteFromPng(bytes, source, options);
  const text = new TextDecoder('utf-8').decode(bytes);
  return format === 'gpl' ? paletteFromGpl(text, source) : paletteFromJson(text, source);
}
