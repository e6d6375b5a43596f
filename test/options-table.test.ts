/** The one table of options: every default passes its own check, and resolving nothing gives the table's defaults. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS, optionDefault, optionFromText, QUANTIZER_OPTION_NAMES, resolveOptions, resolveQuantizerOptions, type OptionSpec, type QuantizerOptions } from '../src/options.js';

describe('the options table', () => {
  it('lists every option once, each with a doc line', () => {
    const names = OPTIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const o of OPTIONS) expect(o.doc.length).toBeGreaterThan(10);
    // Every key of QuantizerOptions is in the table (a type error here means a key is missing from one side).
    const keys: Record<keyof QuantizerOptions, true> = Object.fromEntries(names.map((n) => [n, true])) as Record<keyof QuantizerOptions, true>;
    expect(Object.keys(keys).sort()).toEqual([...names].sort());
    expect(QUANTIZER_OPTION_NAMES).toEqual(['gpu', 'device', 'maxChunkPixels', 'gpuIterateOn']);
  });

  it('resolving no options gives the table defaults, and every defined default passes its own check', () => {
    const resolved = resolveOptions({}) as unknown as Record<string, unknown>;
    const own = resolveQuantizerOptions({}) as unknown as Record<string, unknown>;
    for (const o of OPTIONS) {
      expect(o.scope === 'call' ? resolved[o.name] : own[o.name]).toEqual(o.default);
      expect(optionDefault(o.name)).toEqual(o.default);
      if (o.default !== undefined && typeof o.default !== 'object') expect(resolveOptions({ [o.name]: o.default }) as unknown).toBeTruthy();
    }
    expect(resolved.tolerance).toBe(0.25);
    expect(resolved.k).toBe(16);
  });

  it('options written as text: numbers in full decimal, choices as they are', () => {
    expect(optionFromText('k', '32')).toBe(32);
    expect(optionFromText('tolerance', '1e-1')).toBe(0.1);
    expect(optionFromText('backend', 'cpu')).toBe('cpu');
    expect(() => optionFromText('k', '16px')).toThrow(TypeError);
    expect(() => optionFromText('k', '')).toThrow(/must be a number/);
    expect(() => optionFromText('signal', 'x')).toThrow(TypeError);
    // Text is converted, not checked: the check is resolveOptions'.
    expect(() => resolveOptions({ k: optionFromText('k', '0') as number })).toThrow(RangeError);
  });

  it("the README's options table lists every per-call option with the table's default", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const m of readme.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)) rows.set(m[1]!, m[2]!.trim());
    for (const o of OPTIONS.filter((row) => row.scope === 'call')) {
      const shown = rows.get(o.name);
      expect(shown, o.name).toBeDefined();
      if (typeof o.default === 'number') expect(Number(shown), o.name).toBe(o.default);
      else if (typeof o.default === 'string') expect(shown, o.name).toBe(`\`'${o.default}'\``);
      else expect(shown === '-' || shown === (o as OptionSpec).defaultText || shown!.length > 3, o.name).toBe(true);
    }
  });
});
