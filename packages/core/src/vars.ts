/**
 * Typed, defaulted, documented configuration variables (pure).
 * A stage declares its vars with `defineVars({ name: num({...}) })`; the runner resolves them from
 * stage defaults < flow-file defaults < command-line flags, once, at flow start.
 */
import { ConfigError } from './errors.ts';
import { camelToKebab } from './naming.ts';

/** Raw value as it arrives from a flag (string or true) or a YAML file (any scalar). */
export type RawValue = string | number | boolean | null | undefined;

export interface VarSpec<T> {
  /** Type name shown in help and errors, e.g. `number`, `integer`, `int3|int4`. */
  readonly typeName: string;
  readonly default?: T;
  /** True when the run cannot start without a value. */
  readonly required?: boolean;
  readonly unit?: string;
  /** One line: what it is and when to change it. */
  readonly doc: string;
  /** Turns a raw value into T, or returns an error text ("expected ..."). */
  parse(raw: Exclude<RawValue, null | undefined>): T | { error: string };
  /** A value as it would be typed (for help and the README), where `String` would not do (objects). */
  show?(value: T): string;
}

export type VarSpecs = Readonly<Record<string, VarSpec<unknown>>>;

/** The resolved config type of a set of var specs. */
export type ConfigOf<V extends VarSpecs> = {
  -readonly [K in keyof V]: V[K] extends VarSpec<infer T> ? (V[K] extends { default: unknown } | { required: true } ? T : T | undefined) : never;
};

interface Common<T> {
  default?: T;
  required?: boolean;
  unit?: string;
  doc: string;
  show?: (value: T) => string;
}

/** Identity helper that keeps the literal types of a var-spec object. */
export function defineVars<V extends VarSpecs>(vars: V): V {
  return vars;
}

/** A finite number, optionally bounded. */
export function num<O extends Common<number> & { min?: number; max?: number }>(opts: O): VarSpec<number> & O {
  return {
    typeName: 'number',
    ...opts,
    parse(raw) {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value)) return { error: 'expected a number' };
      return checkRange(value, opts.min, opts.max);
    },
  };
}

/** An integer, optionally bounded. */
export function int<O extends Common<number> & { min?: number; max?: number }>(opts: O): VarSpec<number> & O {
  return {
    typeName: 'integer',
    ...opts,
    parse(raw) {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value)) return { error: 'expected an integer' };
      return checkRange(value, opts.min, opts.max);
    },
  };
}

function checkRange(value: number, min?: number, max?: number): number | { error: string } {
  if (min !== undefined && value < min) return { error: `expected a value >= ${min}` };
  if (max !== undefined && value > max) return { error: `expected a value <= ${max}` };
  return value;
}

/** A free string (optionally matching a pattern). */
export function str<O extends Common<string> & { pattern?: RegExp; patternDoc?: string }>(opts: O): VarSpec<string> & O {
  return {
    typeName: 'string',
    ...opts,
    parse(raw) {
      if (typeof raw === 'boolean') return { error: 'expected a value' };
      const value = String(raw);
      if (opts.pattern && !opts.pattern.test(value)) return { error: `expected ${opts.patternDoc ?? `a value matching ${opts.pattern}`}` };
      return value;
    },
  };
}

/** A boolean flag: `--x`, `--x=true|false`, `--no-x`. */
export function bool<O extends Common<boolean>>(opts: O): VarSpec<boolean> & O {
  return {
    typeName: 'boolean',
    ...opts,
    parse(raw) {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).toLowerCase();
      if (['true', '1', 'yes'].includes(text)) return true;
      if (['false', '0', 'no'].includes(text)) return false;
      return { error: 'expected true or false' };
    },
  };
}

/** One of a fixed set of strings. */
export function oneOf<const C extends readonly string[], O extends Common<C[number]>>(choices: C, opts: O): VarSpec<C[number]> & O {
  return {
    typeName: choices.join('|'),
    ...opts,
    parse(raw) {
      const value = String(raw);
      return (choices as readonly string[]).includes(value) ? (value as C[number]) : { error: `expected one of ${choices.join(', ')}` };
    },
  };
}

/** A comma-separated list of items from a fixed set (or any, when `choices` is omitted). */
export function list<O extends Common<string[]> & { choices?: readonly string[] }>(opts: O): VarSpec<string[]> & O {
  return {
    typeName: opts.choices ? `list of ${opts.choices.join('|')}` : 'comma-separated list',
    ...opts,
    parse(raw) {
      if (typeof raw === 'boolean') return { error: 'expected a comma-separated list' };
      const items = String(raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length === 0) return { error: 'expected a non-empty comma-separated list' };
      if (opts.choices) {
        const bad = items.find((item) => !opts.choices!.includes(item));
        if (bad !== undefined) return { error: `expected items from ${opts.choices.join(', ')}, got ${bad}` };
      }
      return items;
    },
  };
}

/** A var with its own parser, for forms like `--group 32|row`. */
export function custom<T, O extends Common<T>>(typeName: string, parse: (raw: string) => T | { error: string }, opts: O): VarSpec<T> & O {
  return { typeName, ...opts, parse: (raw) => parse(String(raw)) };
}

function isError(value: unknown): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value && typeof (value as { error: unknown }).error === 'string';
}

/** Where a raw value came from, for error messages: `--block` or `flows/tile.yaml: defaults.block`. */
export type DescribeSource = (name: string) => string;

/** The default description: the CLI flag. */
export const describeAsFlag: DescribeSource = (name) => `--${camelToKebab(name)}`;

/**
 * Resolve layered raw values (later layers win) into a typed config.
 * Throws ConfigError naming the flag or file field and what was expected.
 */
export function resolveVars<V extends VarSpecs>(
  specs: V,
  layers: ReadonlyArray<{ values: Readonly<Record<string, RawValue>>; describe: DescribeSource }>,
): ConfigOf<V> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let value: unknown = spec.default;
    for (const layer of layers) {
      const raw = layer.values[name];
      if (raw === undefined || raw === null) continue;
      const parsed = spec.parse(raw);
      if (isError(parsed)) {
        const got = parsed.error.includes(String(raw)) ? '' : `, got ${JSON.stringify(raw)}`;
        throw new ConfigError(`${layer.describe(name)}: ${parsed.error}${got}`);
      }
      value = parsed;
    }
    if (value === undefined && spec.required) {
      throw new ConfigError(`${describeAsFlag(name)} is required (${spec.doc})`);
    }
    out[name] = value;
  }
  return out as ConfigOf<V>;
}

/** Markdown table of vars, for READMEs and `--help` (generated from the specs; `overrides` are a flow's defaults). */
export function varsTable(specs: VarSpecs, overrides: Readonly<Record<string, RawValue>> = {}): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = overrides[name] ?? spec.default;
    const def = value === undefined || value === null ? (spec.required ? '(required)' : '') : Array.isArray(value) ? value.join(',') : typeof value === 'object' ? (spec.show?.(value) ?? JSON.stringify(value)) : String(value);
    return `| \`--${camelToKebab(name)}\` | ${spec.typeName} | ${def} | ${spec.unit ?? ''} | ${spec.doc} |`;
  });
  return ['| flag | type | default | unit | what |', '|---|---|---|---|---|', ...rows].join('\n');
}
