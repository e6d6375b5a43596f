/**
 * The element's engine properties (`k`, `backend`, `seed`, `max-iterations`, `tolerance`, `sample-size`)
 * come from the library's one table of options (src/options.ts): their defaults, their attribute
 * converters (text read by `optionFromText`) and the options a run passes to the quantizer. Nothing here
 * writes a default of its own.
 */
import type { ComplexAttributeConverter } from 'lit';
import { optionDefault, optionFromText, type QuantizeOptions, type ResolvedOptions } from '../options.js';

/** The options the element takes as properties and attributes; a change of any starts a new run. */
export const ENGINE_OPTIONS = ['k', 'backend', 'seed', 'maxIterations', 'tolerance', 'sampleSize'] as const;

export type EngineOption = (typeof ENGINE_OPTIONS)[number];

/** The attribute of each engine property (the property name in kebab case). */
export const ENGINE_ATTRIBUTES: Readonly<Record<EngineOption, string>> = {
  k: 'k',
  backend: 'backend',
  seed: 'seed',
  maxIterations: 'max-iterations',
  tolerance: 'tolerance',
  sampleSize: 'sample-size',
};

/** An element that has the engine properties (null or undefined: the table's default). */
export type EngineHost = Element & { [N in EngineOption]: ResolvedOptions[N] | null | undefined };

/**
 * The attribute converter of an engine option: a removed attribute is the table's default, text is read
 * by `optionFromText`. Text that is not a number becomes NaN here (a converter cannot throw without the
 * error escaping to the page); {@link engineOptions} then reports it as a TypeError naming the attribute.
 */
export function optionAttribute<N extends EngineOption>(name: N): ComplexAttributeConverter<ResolvedOptions[N]> {
  return {
    fromAttribute(text: string | null): ResolvedOptions[N] {
      if (text === null) return optionDefault(name);
      try {
        return optionFromText(name, text) as ResolvedOptions[N];
      } catch {
        return Number.NaN as ResolvedOptions[N];
      }
    },
    toAttribute: (value: ResolvedOptions[N]): string | null => (value === undefined || value === null ? null : String(value)),
  };
}

/**
 * The options of the host's next run, from its engine properties (null or undefined: the engine's
 * default). A NaN that came from bad attribute text throws the typed error of that text, naming the
 * attribute (`attribute "tolerance" must be a number, got "abc"`); any other bad value is left to the
 * engine, which rejects it naming the option.
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
  return options as QuantizeOptions;
}
