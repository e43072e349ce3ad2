/**
 * Transistors per cell from a CDL/SPICE netlist (pure). Each MOSFET card (`M...`) counts its `m=`
 * multiplier (parallel devices, default 1); `X...` instances of other subcircuits in the file are
 * expanded recursively. Continuation lines (`+`) are joined.
 */
export function transistorCounts(cdlText: string): Map<string, number> {
  const lines: string[] = [];
  for (const raw of cdlText.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('+') && lines.length > 0) lines[lines.length - 1] += ' ' + line.slice(1);
    else lines.push(line);
  }
  const bodies = new Map<string, { devices: number; instances: string[] }>();
  let current: { devices: number; instances: string[] } | undefined;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('*')) continue;
    const words = trimmed.split(/\s+/);
    const head = words[0].toUpperCase();
    if (head === '.SUBCKT') {
      current = { devices: 0, instances: [] };
      bodies.set(words[1], current);
    } else if (head === '.ENDS') current = undefined;
    else if (current && head.startsWith('M')) {
      const m = words.find((w) => /^m=\d+$/i.test(w));
      current.devices += m ? Number(m.slice(2)) : 1;
    } else if (current && head.startsWith('X')) {
      const params = words.findIndex((w) => w.includes('='));
      const last = params < 0 ? words[words.length - 1] : words[params - 1];
      current.instances.push(last === '/' ? words[words.indexOf('/') + 1] : last);
    }
  }
  const counts = new Map<string, number>();
  const resolve = (name: string, stack: string[]): number => {
    const known = counts.get(name);
    if (known !== undefined) return known;
    const body = bodies.get(name);
    if (!body) throw new Error(`CDL: subcircuit ${name} is instantiated but not defined`);
    if (stack.includes(name)) throw new Error(`CDL: subcircuit ${name} instantiates itself`);
    let total = body.devices;
    for (const child of body.instances) total += resolve(child, [...stack, name]);
    counts.set(name, total);
    return total;
  };
  for (const name of bodies.keys()) resolve(name, []);
  return counts;
}

/** Transistors of a netlist given its cell counts by type; unknown cell types are listed. */
export function netlistTransistors(cellsByType: Readonly<Record<string, number>>, perCell: ReadonlyMap<string, number>): { transistors: number; unknown: string[] } {
  let transistors = 0;
  const unknown: string[] = [];
  for (const [type, count] of Object.entries(cellsByType)) {
    const t = perCell.get(type);
    if (t === undefined) unknown.push(type);
    else transistors += t * count;
  }
  return { transistors, unknown: unknown.sort() };
}
