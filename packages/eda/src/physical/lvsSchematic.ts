/**
 * The schematic side of LVS (pure): the kit CDL with its MOS cards written as calls of the
 * `sky130_fd_pr__*` device subcircuits (the names magic's extraction gives), plus a top subcircuit built
 * from the gate-level netlist that was placed (yosys JSON), with the cells' bulk pins tied to the rails.
 */

export interface YosysJsonModule {
  ports: Record<string, { direction: string; bits: (number | string)[] }>;
  cells: Record<string, { type: string; connections: Record<string, (number | string)[]> }>;
  netnames: Record<string, { bits: (number | string)[]; hide_distance?: number; hide_name?: number }>;
}

/**
 * CDL with `M<name> d g s b model params` turned into `XM<name> d g s b sky130_fd_pr__model params`, and the
 * tie cell's zero-ohm `short` resistors (`r<name> a b short`, conb_1) into the poly resistor magic extracts
 * from their layout (`R<name> a b sky130_fd_pr__res_generic_po`).
 */
export function cdlAsDeviceCalls(cdl: string): string {
  return cdl
    .replace(/^M(\S+)(\s+\S+\s+\S+\s+\S+\s+\S+\s+)(\S+)/gm, (_w, name: string, nodes: string, model: string) => `XM${name}${nodes}sky130_fd_pr__${model}`)
    .replace(/^r(\S+)(\s+\S+\s+\S+\s+)short[ \t]*$/gim, (_w, name: string, nodes: string) => `R${name}${nodes}sky130_fd_pr__res_generic_po`);
}

/** Pin order of every subcircuit in a CDL. */
export function cdlPinOrder(cdl: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of cdl.matchAll(/^\.SUBCKT\s+(\S+)\s+([^\n]*)$/gim)) out.set(m[1], m[2].trim().split(/\s+/));
  return out;
}

const RAILS: Record<string, string> = { VPWR: 'VPWR', VPB: 'VPWR', VGND: 'VGND', VNB: 'VGND' };

/**
 * Top subcircuit of the placed netlist: ports in declaration order (bus bits as `name[i]`), then VPWR VGND.
 * Every cell becomes `X<cell> nodes... <type>`; constants become the rails (yosys writes ties as cells, so
 * none should remain). Physical-only cells are not in the netlist and are ignored by the netgen setup.
 */
export function topSubcircuit(top: string, module: YosysJsonModule, pins: Map<string, string[]>): string {
  const names = new Map<number, string>();
  const ranked = Object.entries(module.netnames).sort(([a, na], [b, nb]) => (na.hide_name ?? 0) - (nb.hide_name ?? 0) || a.localeCompare(b));
  for (const [name, net] of ranked) {
    net.bits.forEach((bit, i) => {
      if (typeof bit === 'number' && !names.has(bit)) names.set(bit, net.bits.length > 1 ? `${name}[${i}]` : name);
    });
  }
  const node = (bit: number | string): string => (typeof bit === 'number' ? (names.get(bit) ?? `n${bit}`) : bit === '1' ? 'VPWR' : 'VGND');
  const ports: string[] = [];
  for (const [name, p] of Object.entries(module.ports)) {
    p.bits.forEach((_b, i) => ports.push(p.bits.length > 1 ? `${name}[${i}]` : name));
  }
  const lines = [`.SUBCKT ${top} ${[...ports, 'VPWR', 'VGND'].join(' ')}`];
  let unconnected = 0;
  for (const [instance, cell] of Object.entries(module.cells).sort(([a], [b]) => a.localeCompare(b))) {
    const order = pins.get(cell.type);
    if (!order) throw new Error(`LVS schematic: cell ${cell.type} of ${instance} is not in the CDL`);
    const nodes = order.map((pin) => {
      if (RAILS[pin]) return RAILS[pin];
      const bits = cell.connections[pin];
      return bits && bits.length > 0 ? node(bits[0]) : `nc${unconnected++}`;
    });
    lines.push(`X${instance.replace(/^\\/, '').replace(/[^A-Za-z0-9_]/g, '_')} ${nodes.join(' ')} ${cell.type}`);
  }
  lines.push('.ENDS');
  return lines.join('\n') + '\n';
}
