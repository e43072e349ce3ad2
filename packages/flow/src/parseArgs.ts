/** Command-line parsing (pure): `<flow> [--key value | --key=value | --flag | --no-flag]...`. */
import { ConfigError } from '@hardwire/core';

export interface ParsedArgs {
  flowName: string | undefined;
  /** Flag name (kebab-case, without dashes) -> raw value; `--no-x` gives x = false, a bare `--x` gives true. */
  options: Map<string, string | boolean>;
}

/** Split argv into the flow name and options. Repeated options join with commas (`--skip a --skip b`). */
export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const options = new Map<string, string | boolean>();
  let flowName: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (flowName !== undefined) throw new ConfigError(`unexpected argument '${arg}'; options are written --name value`);
      flowName = arg;
      continue;
    }
    const body = arg.slice(2);
    if (body === '') throw new ConfigError(`empty option '--'`);
    const eq = body.indexOf('=');
    let name: string;
    let value: string | boolean;
    if (eq >= 0) {
      name = body.slice(0, eq);
      value = body.slice(eq + 1);
    } else if (body.startsWith('no-') && booleanFlags.has(body.slice(3))) {
      name = body.slice(3);
      value = false;
    } else if (booleanFlags.has(body)) {
      name = body;
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') {
        value = next;
        i++;
      } else value = true;
    } else {
      name = body;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new ConfigError(`--${name}: expected a value`);
      value = next;
      i++;
    }
    const previous = options.get(name);
    options.set(name, typeof previous === 'string' && typeof value === 'string' ? `${previous},${value}` : value);
  }
  return { flowName, options };
}
