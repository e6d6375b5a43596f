/**
 * The element's engine properties (`k`, `backend`, `seed`, `max-iterations`, `tolerance`, `sample-size`,
 * `color-space`, `dither`, `dither-level`, `fixed-colors`) come from the library's one table of options
 * (src/options.ts): their defaults, their attribute converters (text read by `optionFromText`), their
 * checks and the options a run passes to the quantizer. Nothing here writes a default of its own.
 */
import type { ComplexAttributeConverter } from 'lit';
import { QuantizerRangeError, QuantizerTypeError } from '../errors.js';
import { optionDefault, optionFromText, resolveOptions, type QuantizeOptions } from '../options.js';

/** The options the element takes as properties and attributes; a change of any starts a new run. */
export const ENGINE_OPTIONS = ['k', 'backend', 'seed', 'maxIterations', 'tolerance', 'sampleSize', 'colorSpace', 'dither', 'ditherLevel', 'fixedColors'] as const;

export type EngineOption = (typeof ENGINE_OPTIONS)[number];

/** The attribute of each engine property (the property name in kebab case). */
export const ENGINE_ATTRIBUTES: Readonly<Record<EngineOption, string>> = {
  k: 'k',
  backend: 'backend',
  seed: 'seed',
  maxIterations: 'max-iterations',
  tolerance: 'tolerance',
  sampleSize: 'sample-size',
  colorSpace: 'color-space',
  dither: 'dither',
  ditherLevel: 'dither-level',
  fixedColors: 'fixed-colors',
};

/** The value of an engine property: what `quantize()` takes for that option. */
export type EngineValue<N extends EngineOption> = Exclude<QuantizeOptions[N], undefined>;

/** An element that has the engine properties (null or undefined: the table's default). */
export type EngineHost = Element & { [N in EngineOption]: EngineValue<N> | null | undefined };

/** The table's default of an engine property, typed as the property takes it (undefined: unset). */
export function engineDefault<N extends EngineOption>(name: N): QuantizeOptions[N] {
  return optionDefault(name) as unknown as QuantizeOptions[N];
}

/** `#rrggbb` of one colour when it is a byte triple; anything else as `String()` writes it. */
function colourText(colour: unknown): string {
  const bytes = Array.isArray(colour) && colour.length === 3 && colour.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
  return bytes ? `#${(colour as number[]).map((v) => v.toString(16).padStart(2, '0')).join('')}` : String(colour);
}

/** An engine value as attribute text: colour lists as `#rrggbb,#rrggbb`, the rest as `String()` writes it. */
function attributeText(name: EngineOption, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (name === 'fixedColors' && Array.isArray(value)) return value.map(colourText).join(',');
  return String(value);
}

/**
 * The attribute converter of an engine option: a removed attribute is the table's default, text is read
 * by `optionFromText`. Text that does not read (not a number, not a colour list) becomes NaN here (a
 * converter cannot throw without the error escaping to the page); {@link engineOptions} then reports it
 * as a TypeError naming the attribute.
 */
export function optionAttribute<N extends EngineOption>(name: N): ComplexAttributeConverter<EngineValue<N>> {
  return {
    fromAttribute(text: string | null): EngineValue<N> {
      if (text === null) return engineDefault(name) as EngineValue<N>;
      try {
        return optionFromText(name, text) as EngineValue<N>;
      } catch {
        return Number.NaN as EngineValue<N>;
      }
    },
    toAttribute: (value: EngineValue<N>): string | null => attributeText(name, value),
  };
}

/**
 * The error of a rejected engine value, naming the attribute instead of the option: `option "dither"
 * must be ...` becomes `attribute "dither" must be ...`, `option "fixedColors[1]"` becomes
 * `attribute "fixed-colors[1]"`; same class and code, the library's error as its cause.
 */
function renamed(error: unknown): unknown {
  if (!(error instanceof QuantizerTypeError || error instanceof QuantizerRangeError) || !error.option) return error;
  const match = /^option "(\w+)(.*)"$/.exec(error.option);
  const name = match?.[1] as EngineOption | undefined;
  if (!match || !name || !(name in ENGINE_ATTRIBUTES) || !error.message.startsWith(error.option)) return error;
  const where = `attribute "${ENGINE_ATTRIBUTES[name]}${match[2]}"`;
  const message = where + error.message.slice(error.option.length);
  const Class = error instanceof QuantizerTypeError ? QuantizerTypeError : QuantizerRangeError;
  return new Class(error.code, message, where, { cause: error });
}

/**
 * The options of the host's next run, from its engine properties (null or undefined: the engine's
 * default), checked by the table. A NaN that came from bad attribute text throws the typed error of that
 * text (`attribute "tolerance" must be a number, got "abc"`); a value the table's check rejects throws
 * that check's error, naming the attribute (`attribute "dither" must be "none", "diffusion" or
 * "ordered", got "fs2"`; the properties reflect to their attributes, so the attribute holds the value).
 */
export function engineOptions(host: EngineHost): QuantizeOptions {
  const options: Record<string, unknown> = {};
  for (const name of ENGINE_OPTIONS) {
    const value = host[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' && Number.isNaN(value)) {
      const attribute = ENGINE_ATTRIBUTES[name];
      const text = host.getAttribute(attribute);
      if (text !== null) optionFromText(name, text, `attribute "${attribute}"`);
    }
    options[name] = value;
  }
  try {
    resolveOptions(options as QuantizeOptions);
  } catch (error) {
    throw renamed(error);
  }
  return options as QuantizeOptions;
}
