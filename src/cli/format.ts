/** Text formatting of the CLI's human output and CSV files. */

/** `x` with `digits` decimals, or `Infinity`/`NaN` spelt out. */
export function formatNumber(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/**
 * A whole number with its thousands grouped by commas: `94,478`, as `toLocaleString('en-US')` writes it,
 * without that call's first use in a process loading ICU's locale data (bench/README.md, "Decode, summary
 * and colour table").
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** A byte count as KB (1 KB = 1024 bytes) with the exact count: `12.3 KB (12,595 bytes)`. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB (${groupDigits(bytes)} bytes)`;
}

/** A number rounded to `digits` decimals for JSON and CSV (no trailing zeros). */
export function round(x: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}

/** A CSV field: numbers as they are (Infinity as `inf`), text quoted when it holds a comma, quote or newline. */
function csvField(value: number | string): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : String(value);
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV file: the header line, then one line per row, each ending in a newline. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<number | string>>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * A plain-text table: columns right-aligned to their widest cell, except those listed in `left`; two spaces
 * between columns; trailing spaces trimmed.
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, left: ReadonlySet<number> = new Set()): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** A list of ks for a sentence: `1, 2, 4, 8`. */
export function listKs(ks: readonly number[]): string {
  return ks.join(', ');
}
