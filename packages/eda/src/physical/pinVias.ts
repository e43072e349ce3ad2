import { parseDef, sectionBody } from './def.ts';

/**
 * li1–met1 vias pulled inside the pin they land on (pure). qrouter drops the via on its track grid; where a
 * sky130hd pin's li1 edge lies a few nanometres inside that grid (a nand2b_1 pin starting at x = 0.52 µm
 * against a via pad reaching to 0.515), the 0.17 µm pad sticks out of the pin and comes within 0.165 µm of the
 * next pin (li.3 asks for 0.17). The via moves by at most `maxShiftDbu` so its li1 pad lies inside the pin
 * rectangle under its centre; a met1 stub joins the old and the new position.
 */

export interface CellPins {
  readonly widthUm: number;
  readonly heightUm: number;
  /** Pin name → its rectangles on the layer (µm, cell coordinates). */
  readonly pins: ReadonlyMap<string, readonly [number, number, number, number][]>;
}

/** Pin rectangles of every macro on one layer, from cell LEF text. */
export function lefPinRects(lef: string, layer: string): Map<string, CellPins> {
  const out = new Map<string, CellPins>();
  for (const m of lef.matchAll(/^MACRO (\S+)\s*\n([\s\S]*?)^END \1\s*$/gm)) {
    const size = /^\s*SIZE\s+([\d.]+)\s+BY\s+([\d.]+)\s*;/m.exec(m[2]);
    if (!size) continue;
    const pins = new Map<string, [number, number, number, number][]>();
    for (const p of m[2].matchAll(/^\s*PIN (\S+)\s*\n([\s\S]*?)^\s*END \1\s*$/gm)) {
      let current = '';
      const rects: [number, number, number, number][] = [];
      for (const line of p[2].split('\n')) {
        const l = /^\s*LAYER (\S+)\s*;/.exec(line);
        if (l) current = l[1];
        const r = /^\s*RECT\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*;/.exec(line);
        if (r && current === layer) rects.push([Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4])]);
      }
      if (rects.length) pins.set(p[1], rects);
    }
    out.set(m[1], { widthUm: Number(size[1]), heightUm: Number(size[2]), pins });
  }
  return out;
}

/** A cell-coordinate rectangle placed at (x, y) with a DEF orientation (N, S, FN, FS), in DEF units. */
export function placeRect(r: readonly [number, number, number, number], cell: { widthUm: number; heightUm: number }, at: { xDbu: number; yDbu: number; orient: string }, dbuPerUm: number): [number, number, number, number] {
  const flipX = at.orient === 'S' || at.orient === 'FN';
  const flipY = at.orient === 'S' || at.orient === 'FS';
  const xs = (flipX ? [cell.widthUm - r[2], cell.widthUm - r[0]] : [r[0], r[2]]).map((v) => Math.round(at.xDbu + v * dbuPerUm));
  const ys = (flipY ? [cell.heightUm - r[3], cell.heightUm - r[1]] : [r[1], r[3]]).map((v) => Math.round(at.yDbu + v * dbuPerUm));
  return [xs[0], ys[0], xs[1], ys[1]];
}

export interface PinViaResult {
  readonly text: string;
  /** li1–met1 vias on a pin whose li1 pad stuck out of the pin rectangle. */
  readonly outside: number;
  readonly moved: number;
}

/** Move every li1–met1 via whose li1 pad sticks out of its pin by at most `maxShiftDbu` inside the pin. */
export function pullViasIntoPins(def: string, cells: ReadonlyMap<string, CellPins>, o: { via: string; padHalfDbu: number; maxShiftDbu: number }): PinViaResult {
  const d = parseDef(def);
  const at = new Map(d.components.map((c) => [c.name, c]));
  const section = sectionBody(def, 'NETS');
  let outside = 0;
  let moved = 0;
  const chunks = section.body.split(/^(?=- )/m).map((chunk) => {
    if (!chunk.startsWith('- ')) return chunk;
    const head = chunk.split(/\+ ROUTED/)[0];
    // The net's pin rectangles on li1, in DEF units.
    const rects: [number, number, number, number][] = [];
    for (const p of head.matchAll(/\(\s*(\S+)\s+(\S+)\s*\)/g)) {
      const c = at.get(p[1]);
      const cell = c && cells.get(c.macro);
      for (const r of cell?.pins.get(p[2]) ?? []) rects.push(placeRect(r, cell!, c!, d.dbuPerUm));
    }
    if (rects.length === 0) return chunk;
    const lines = chunk.split('\n');
    const out: string[] = [];
    for (const line of lines) {
      const m = new RegExp(`^(\\s*(?:\\+ ROUTED|NEW)) (\\S+) (\\(.*\\))\\s+${o.via}(\\s*;?)\\s*$`).exec(line);
      if (!m) {
        out.push(line);
        continue;
      }
      let x = NaN;
      let y = NaN;
      const points = [...m[3].matchAll(/\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)/g)];
      for (const t of points) {
        if (t[1] !== '*') x = Math.round(Number(t[1]));
        if (t[2] !== '*') y = Math.round(Number(t[2]));
      }
      // Only a via reached on met1, or standing alone on li1: an li1 wire ending here would stick out as well.
      const li1Wire = m[2] === 'li1' ? points.length > 1 : new RegExp(`li1 \\( ${x} ${y} \\) \\(|li1 \\([^;]*\\) \\( (?:${x}|\\*) (?:${y}|\\*) \\)`).test(chunk);
      const h = o.padHalfDbu;
      const pin = rects.find((r) => r[0] <= x && x <= r[2] && r[1] <= y && y <= r[3]);
      const inside = rects.some((r) => r[0] <= x - h && x + h <= r[2] && r[1] <= y - h && y + h <= r[3]);
      if (!pin || inside) {
        out.push(line);
        continue;
      }
      outside += 1;
      const shift = (lo: number, hi: number, c: number) => (hi - lo < 2 * h ? NaN : c - h < lo ? lo - (c - h) : c + h > hi ? hi - (c + h) : 0);
      const dx = shift(pin[0], pin[2], x);
      const dy = shift(pin[1], pin[3], y);
      if (li1Wire || !Number.isFinite(dx) || !Number.isFinite(dy) || Math.abs(dx) > o.maxShiftDbu || Math.abs(dy) > o.maxShiftDbu) {
        out.push(line);
        continue;
      }
      moved += 1;
      const stub = [`( ${x} ${y} )`, ...(dx !== 0 ? [`( ${x + dx} * )`] : []), ...(dy !== 0 ? [`( * ${y + dy} )`] : [])].join(' ');
      if (m[2] === 'met1') {
        out.push(`${m[1]} met1 ${m[3]}`);
        out.push(`  NEW met1 ${stub} ${o.via}${m[4]}`);
      } else out.push(`${m[1]} met1 ${stub} ${o.via}${m[4]}`);
    }
    return out.join('\n');
  });
  return { text: def.slice(0, section.start) + def.slice(section.start, section.start + def.slice(section.start).indexOf('\n') + 1) + chunks.join('') + def.slice(section.end - 'END NETS'.length), outside, moved };
}
