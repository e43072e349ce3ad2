/**
 * Fanout buffering of a gate-level netlist (pure), in place of the buffer trees OpenROAD's repair_design
 * and clock-tree synthesis would build. A net with more than `maxFanout` sinks (the clock, the tied-off
 * flop resets, control signals) is split into a tree of buffers, each driving at most `maxFanout` loads, so no
 * net reaches hundreds of pins: qrouter spends minutes per such net and timing would be meaningless.
 * Sinks are grouped in a stable order (by instance name), so reruns give the same netlist.
 */
import type { YosysJsonModule } from '../physical/lvsSchematic.ts';

export interface BufferOptions {
  readonly maxFanout: number;
  readonly buffer: string;
  readonly bufferIn: string;
  readonly bufferOut: string;
  /** Input pins of each cell type (everything else is an output). */
  readonly inputsOf: (cellType: string) => readonly string[];
}

export interface BufferResult {
  readonly module: YosysJsonModule;
  readonly buffersAdded: number;
  readonly netsBuffered: number;
  /** Largest fanout left (sinks of one net). */
  readonly maxFanoutAfter: number;
}

interface Sink {
  readonly cell: string;
  readonly pin: string;
  readonly index: number;
}

/** Split every net with more than `maxFanout` cell-input sinks into a buffer tree. Output ports stay on the original net. */
export function bufferFanout(input: YosysJsonModule, o: BufferOptions): BufferResult {
  if (o.maxFanout < 2) throw new Error('bufferFanout: maxFanout must be at least 2');
  const module: YosysJsonModule = structuredClone(input);
  let nextBit = 1;
  for (const net of Object.values(module.netnames)) for (const b of net.bits) if (typeof b === 'number') nextBit = Math.max(nextBit, b + 1);
  for (const cell of Object.values(module.cells)) for (const bits of Object.values(cell.connections)) for (const b of bits) if (typeof b === 'number') nextBit = Math.max(nextBit, b + 1);
  for (const p of Object.values(module.ports)) for (const b of p.bits) if (typeof b === 'number') nextBit = Math.max(nextBit, b + 1);

  const sinks = new Map<number, Sink[]>();
  for (const name of Object.keys(module.cells).sort()) {
    const cell = module.cells[name];
    const inputs = new Set(o.inputsOf(cell.type));
    for (const pin of Object.keys(cell.connections).sort()) {
      if (!inputs.has(pin)) continue;
      cell.connections[pin].forEach((bit, index) => {
        if (typeof bit !== 'number') return;
        const list = sinks.get(bit) ?? [];
        list.push({ cell: name, pin, index });
        sinks.set(bit, list);
      });
    }
  }
  let buffersAdded = 0;
  let netsBuffered = 0;
  let maxAfter = 0;
  const netName = new Map<number, string>();
  for (const [name, net] of Object.entries(module.netnames)) net.bits.forEach((b, i) => typeof b === 'number' && !netName.has(b) && netName.set(b, net.bits.length > 1 ? `${name}_${i}` : name));
  for (const bit of [...sinks.keys()].sort((a, b) => a - b)) {
    let level: Sink[] = sinks.get(bit)!;
    if (level.length <= o.maxFanout) {
      maxAfter = Math.max(maxAfter, level.length);
      continue;
    }
    netsBuffered += 1;
    const base = (netName.get(bit) ?? `n${bit}`).replace(/[^A-Za-z0-9_]/g, '_');
    let depth = 0;
    // Build bottom-up: each group of sinks gets a buffer; the buffers' inputs become the next level's sinks.
    while (level.length > o.maxFanout) {
      const next: Sink[] = [];
      for (let g = 0; g * o.maxFanout < level.length; g++) {
        const group = level.slice(g * o.maxFanout, (g + 1) * o.maxFanout);
        const out = nextBit++;
        const bufName = `fanout_${base}_${depth}_${g}`;
        module.cells[bufName] = {
          type: o.buffer,
          connections: { [o.bufferIn]: [bit], [o.bufferOut]: [out] },
        } as YosysJsonModule['cells'][string];
        module.netnames[`${bufName}_net`] = { bits: [out] };
        for (const s of group) module.cells[s.cell].connections[s.pin][s.index] = out;
        next.push({ cell: bufName, pin: o.bufferIn, index: 0 });
        buffersAdded += 1;
      }
      level = next;
      depth += 1;
    }
    maxAfter = Math.max(maxAfter, level.length);
  }
  return { module, buffersAdded, netsBuffered, maxFanoutAfter: maxAfter };
}
