/**
 * Compile a yosys JSON netlist of Liberty cells into a levelized program (pure): word ops over nets, and
 * positive-edge flops. Nets are yosys bit numbers (plus constants and temporaries).
 */
import type { CellSpec } from '@hardwire/eda';
import { parseBooleanExpr, type Expr } from './booleanExpr.ts';

export const OP_AND = 0;
export const OP_OR = 1;
export const OP_XOR = 2;
export const OP_NOT = 3;
export const OP_COPY = 4;

export interface YosysNetlistJson {
  modules: Record<
    string,
    {
      ports: Record<string, { direction: 'input' | 'output' | 'inout'; bits: Array<number | string> }>;
      cells: Record<string, { type: string; connections: Record<string, Array<number | string>> }>;
      netnames?: Record<string, { bits: Array<number | string> }>;
    }
  >;
}

export interface PortInfo {
  readonly name: string;
  /** Net index per bit, LSB first. */
  readonly nets: Int32Array;
}

export interface FlopInfo {
  /** Net holding the state (the Q side). */
  readonly stateNet: number;
  /** Net with the value to load at the edge (computed by the comb program from D/clear/preset). */
  readonly nextNet: number;
}

export interface CompiledNetlist {
  readonly top: string;
  readonly netCount: number;
  /** Flat op list: [opcode, out, a, b] per op, in evaluation order. */
  readonly ops: Int32Array;
  readonly inputs: ReadonlyMap<string, PortInfo>;
  readonly outputs: ReadonlyMap<string, PortInfo>;
  readonly flops: readonly FlopInfo[];
  /** Net 0 is constant 0, net 1 constant 1. */
  readonly cellCount: number;
  /** Gate evaluations per sweep (for speed reports). */
  readonly opCount: number;
  /** The simulator net of each yosys bit (for activity per netlist net). */
  readonly bitNets: ReadonlyMap<number | string, number>;
}

/** Compile `top` of a yosys JSON netlist; `cells` gives the Liberty functions. */
export function compileNetlist(json: YosysNetlistJson, top: string, cells: ReadonlyMap<string, CellSpec>): CompiledNetlist {
  const module = json.modules[top];
  if (!module) throw new Error(`netlist has no module ${top}`);
  const netOf = new Map<number | string, number>([['0', 0], ['1', 1], ['x', 0], ['z', 0]]);
  let netCount = 2;
  const net = (bit: number | string): number => {
    let n = netOf.get(bit);
    if (n === undefined) {
      n = netCount++;
      netOf.set(bit, n);
    }
    return n;
  };
  const temp = () => netCount++;

  const inputs = new Map<string, PortInfo>();
  const outputs = new Map<string, PortInfo>();
  for (const [name, port] of Object.entries(module.ports)) {
    const info = { name, nets: Int32Array.from(port.bits.map(net)) };
    if (port.direction === 'input') inputs.set(name, info);
    else outputs.set(name, info);
  }

  // Each cell becomes a node with its input nets, and per output a compiled expression.
  interface Node { inputs: number[]; emit: (ops: number[]) => void; outputs: number[] }
  const nodes: Node[] = [];
  const flops: FlopInfo[] = [];
  const stateNets = new Set<number>();
  const exprCache = new Map<string, Expr>();
  const parsed = (text: string) => {
    let e = exprCache.get(text);
    if (!e) {
      e = parseBooleanExpr(text);
      exprCache.set(text, e);
    }
    return e;
  };
  const emitExpr = (e: Expr, env: (name: string) => number, ops: number[]): number => {
    switch (e.op) {
      case 'var': return env(e.name);
      case 'const': return e.value;
      case 'not': {
        const out = temp();
        ops.push(OP_NOT, out, emitExpr(e.a, env, ops), 0);
        return out;
      }
      default: {
        const a = emitExpr(e.a, env, ops);
        const b = emitExpr(e.b, env, ops);
        const out = temp();
        ops.push(e.op === 'and' ? OP_AND : e.op === 'or' ? OP_OR : OP_XOR, out, a, b);
        return out;
      }
    }
  };

  let cellCount = 0;
  for (const [instance, cell] of Object.entries(module.cells)) {
    cellCount++;
    const spec = cells.get(cell.type);
    if (!spec) throw new Error(`cell ${instance}: type ${cell.type} is not in the Liberty library`);
    if (spec.unsupported) throw new Error(`cell ${instance}: ${cell.type} has a ${spec.unsupported} (not simulated)`);
    const pin = (name: string): number => {
      const bits = cell.connections[name];
      if (!bits || bits.length !== 1) throw new Error(`cell ${instance} (${cell.type}): pin ${name} is not connected to one bit`);
      return net(bits[0]);
    };
    if (spec.storage) {
      const s = spec.storage;
      if (s.kind !== 'ff') throw new Error(`cell ${instance}: latch ${cell.type} is not simulated`);
      if (s.clock.trim() !== 'CLK' && !/^[A-Z_]+$/.test(s.clock.trim())) throw new Error(`cell ${instance}: ${cell.type} clocked on "${s.clock}" (only positive edges are simulated)`);
      const stateNet = temp();
      stateNets.add(stateNet);
      const stateNegNet = temp();
      const env = (name: string) => (name === s.state ? stateNet : name === s.stateNegated ? stateNegNet : pin(name));
      const next = temp();
      const deps = spec.inputs.filter((p) => p !== s.clock.trim()).map(pin);
      // Next state = clear ? 0 : preset ? 1 : next_state (clear wins, as in the SKY130 models).
      nodes.push({
        inputs: deps,
        outputs: [next],
        emit: (ops) => {
          let value = emitExpr(parsed(s.data), env, ops);
          if (s.preset) {
            const withPreset = temp();
            ops.push(OP_OR, withPreset, value, emitExpr(parsed(s.preset), env, ops));
            value = withPreset;
          }
          if (s.clear) {
            const notClear = temp();
            const cleared = temp();
            ops.push(OP_NOT, notClear, emitExpr(parsed(s.clear), env, ops), 0, OP_AND, cleared, value, notClear);
            value = cleared;
          }
          ops.push(OP_COPY, next, value, 0);
        },
      });
      flops.push({ stateNet, nextNet: next });
      // Outputs of the flop are functions of the state only: evaluated each sweep from the state.
      const outNets = [...spec.outputs.keys()].filter((p) => cell.connections[p]).map(pin);
      nodes.push({
        inputs: [stateNet],
        outputs: outNets,
        emit: (ops) => {
          ops.push(OP_NOT, stateNegNet, stateNet, 0);
          for (const [p, fn] of spec.outputs) if (cell.connections[p]) ops.push(OP_COPY, pin(p), emitExpr(parsed(fn), env, ops), 0);
        },
      });
      continue;
    }
    const outPins = [...spec.outputs.keys()].filter((p) => cell.connections[p]);
    nodes.push({
      inputs: spec.inputs.filter((p) => cell.connections[p]).map(pin),
      outputs: outPins.map(pin),
      emit: (ops) => {
        for (const p of outPins) ops.push(OP_COPY, pin(p), emitExpr(parsed(spec.outputs.get(p)!), pin, ops), 0);
      },
    });
  }

  // Levelize: a node is ready when every input net is a primary input, constant, state or already driven.
  const driver = new Map<number, number>();
  nodes.forEach((node, i) => node.outputs.forEach((o) => driver.set(o, i)));
  const indegree = new Int32Array(nodes.length);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const input of new Set(node.inputs)) {
      const d = driver.get(input);
      if (d !== undefined && !stateNets.has(input)) {
        indegree[i]++;
        users[d].push(i);
      }
    }
  });
  const order: number[] = [];
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  while (queue.length > 0) {
    const i = queue.shift()!;
    order.push(i);
    for (const u of users[i]) if (--indegree[u] === 0) queue.push(u);
  }
  if (order.length !== nodes.length) throw new Error(`netlist ${top} has a combinational loop (${nodes.length - order.length} cells in it)`);
  const ops: number[] = [];
  for (const i of order) nodes[i].emit(ops);
  // Output ports driven directly by constants or inputs need no ops; nets are shared.
  return { top, netCount, ops: Int32Array.from(ops), inputs, outputs, flops, cellCount, opCount: ops.length / 4, bitNets: netOf };
}
