/**
 * Palette export: JSON, CSS custom properties and GIMP palettes (.gpl). Every function takes the palette
 * as RGB bytes (3 per colour, as `QuantizeResult.palette`) or as an array of [r, g, b] triples.
 */
import { checkPalette, rangeError, typeError } from './common.js';

type PaletteInput = Uint8Array | Uint8ClampedArray | ReadonlyArray<readonly [number, number, number]>;

function hex(palette: Uint8Array, j: number): string {
  let out = '#';
  for (let c = 0; c < 3; c++) out += palette[j * 3 + c]!.toString(16).padStart(2, '0');
  return out;
}

/** One entry of {@link paletteToJson}'s array. */
export interface PaletteJsonEntry {
  index: number;
  hex: string;
  rgb: [number, number, number];
}

/** The palette as pretty-printed JSON: an array of `{ index, hex: "#rrggbb", rgb: [r, g, b] }`. */
export function paletteToJson(palette: PaletteInput): string {
  const bytes = checkPalette('palette', palette);
  const entries: PaletteJsonEntry[] = [];
  for (let j = 0; j < bytes.length / 3; j++) {
    entries.push({ index: j, hex: hex(bytes, j), rgb: [bytes[j * 3]!, bytes[j * 3 + 1]!, bytes[j * 3 + 2]!] });
  }
  // One entry a line: readable and diff-friendly.
  return `[\n${entries.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]\n`;
}

/**
 * The palette as CSS custom properties on `:root`, one line a colour: `  --kmq-0: #rrggbb;`. `prefix` must
 * start with `--` and hold only letters, digits, `-` and `_`.
 */
export function paletteToCss(palette: PaletteInput, prefix = '--kmq-'): string {
  const bytes = checkPalette('palette', palette);
  if (typeof prefix !== 'string') throw typeError('prefix', 'a string', prefix);
  if (!/^--[A-Za-z0-9_-]*$/.test(prefix)) throw rangeError('prefix', 'a custom-property prefix: "--" then letters, digits, "-" or "_"', prefix);
  const lines = [':root {'];
  for (let j = 0; j < bytes.length / 3; j++) lines.push(`  ${prefix}${j}: ${hex(bytes, j)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * The palette as a GIMP palette file (also read by Inkscape and Krita): the `GIMP Palette` header, `Name:`,
 * `Columns:`, a `#` line, then one line a colour: R, G and B right-aligned in 3 columns, a tab, and a name
 * (the colour's hex). `name`: one line, no control characters.
 */
export function paletteToGpl(palette: PaletteInput, name = 'kmeans-quantizer'): string {
  const bytes = checkPalette('palette', palette);
  if (typeof name !== 'string') throw typeError('name', 'a string', name);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw rangeError('name', 'one line without control characters', name);
  const colours = bytes.length / 3;
  const lines = ['GIMP Palette', `Name: ${name}`, `Columns: ${Math.min(16, colours)}`, '#'];
  for (let j = 0; j < colours; j++) {
    const [r, g, b] = [bytes[j * 3]!, bytes[j * 3 + 1]!, bytes[j * 3 + 2]!].map((v) => String(v).padStart(3, ' '));
    lines.push(`${r!} ${g!} ${b!}\t${hex(bytes, j)}`);
  }
  return `${lines.join('\n')}\n`;
}
