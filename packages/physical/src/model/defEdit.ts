import { sectionBody, sectionItems, statementPoints, writeItems } from './def.ts';
import type { ViaDef } from './lef.ts';

/**
 * Edits to a routed DEF's text the passes share (pure): wires appended to SPECIALNETS or to a net's routing
 * in NETS, and the NETS section rewritten net by net from its parsed statements.
 */

export function appendSpecial(def: string, wires: ReadonlyMap<string, readonly string[]>): string {
  if (wires.size === 0) return def;
  const entries = [...wires].map(([net, list]) => `- ${net}\n${list.map((w, i) => `${i === 0 ? '+ ROUTED' : '  NEW'} ${w}`).join('\n')} ;`);
  if (!/^SPECIALNETS \d+ ;/m.test(def)) {
    const at = def.indexOf('\nNETS ');
    return `${def.slice(0, at + 1)}SPECIALNETS ${entries.length} ;\n${entries.join('\n')}\nEND SPECIALNETS\n\n${def.slice(at + 1)}`;
  }
  const section = sectionBody(def, 'SPECIALNETS');
  const count = Number(/^SPECIALNETS (\d+) ;/m.exec(def.slice(section.start))![1]);
  return `${def.slice(0, section.start)}SPECIALNETS ${count + entries.length} ;\n${section.body}${entries.join('\n')}\n${def.slice(section.end - 'END SPECIALNETS'.length)}`;
}

/** Append routing statements (`  NEW ...` lines) to the named nets of a DEF's NETS section. */

export function appendToNets(def: string, patches: ReadonlyMap<string, readonly string[]>): string {
  if (patches.size === 0) return def;
  const section = sectionItems(def, 'NETS');
  const body = section.items.map(({ name: net, text: chunk }) => {
    const add = patches.get(net);
    if (!add) return chunk;
    const end = chunk.lastIndexOf(';');
    return `${chunk.slice(0, end).replace(/\s+$/, '')}\n${add.join('\n')} ;${chunk.slice(end + 1)}`;
  });
  return writeItems(def, section, body);
}

export function flushRect(layer: string, r: { x0: number; y0: number; x1: number; y1: number }): string {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  return w >= h ? `${layer} ${h} ( ${r.x0} ${(r.y0 + r.y1) / 2} ) ( ${r.x1} ${(r.y0 + r.y1) / 2} )` : `${layer} ${w} ( ${(r.x0 + r.x1) / 2} ${r.y0} ) ( ${(r.x0 + r.x1) / 2} ${r.y1} )`;
}

/** Groups of shapes that touch or overlap (union-find over a sweep in x). */

export interface NetStatement {
  readonly head: string;
  readonly layer: string;
  readonly body: string;
  readonly via?: string;
  readonly tail: string;
  readonly pts: [number, number][];
}

/**
 * Rewrite the NETS section net by net (pure): `edit` gets each net's name, its lines and their parsed
 * statements, and returns replacement lines by line index (lines it leaves out stay as they are).
 */
export function rewriteNets(def: string, vias: ReadonlyMap<string, ViaDef>, edit: (net: string, lines: readonly string[], parsed: readonly (NetStatement | undefined)[]) => ReadonlyMap<number, readonly string[]>): string {
  const section = sectionItems(def, 'NETS');
  const chunks = section.items.map(({ name: net, text: chunk }) => {
    const lines = chunk.split('\n');
    const parsed = lines.map((line): NetStatement | undefined => {
      // The token after the points is a via name (or some other word), never the `;` that ends the net.
      const m = /^(\s*(?:\+ ROUTED|NEW)) (\S+) ((?:\(.*?\)\s*)+?)([^\s;]+)?(\s*;?)\s*$/.exec(line);
      if (!m) return undefined;
      const via = m[4] && vias.has(m[4]) ? m[4] : undefined;
      return { head: m[1], layer: m[2], body: m[3].trim(), via, tail: m[5], pts: statementPoints(m[3]) };
    });
    const edits = edit(net, lines, parsed);
    return lines.flatMap((line, i) => edits.get(i) ?? [line]).join('\n');
  });
  return writeItems(def, section, chunks);
}
