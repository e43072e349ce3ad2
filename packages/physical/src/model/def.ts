
/**
 * DEF and LEF text handling for the physical flow (pure): the few sections the flow reads and rewrites.
 * DEF 5.6 reference: the LEF/DEF Language Reference (Si2). Only what qflow's place2def, qrouter and
 * KLayout write and read here is supported: COMPONENTS with PLACED/FIXED, PINS, NETS with ROUTED
 * sections, SPECIALNETS written by this module.
 */

export interface DefComponent {
  readonly name: string;
  readonly macro: string;
  readonly xDbu: number;
  readonly yDbu: number;
  readonly orient: string;
}

export interface DefSummary {
  readonly design: string;
  readonly dbuPerUm: number;
  readonly die: { x0: number; y0: number; x1: number; y1: number };
  readonly components: DefComponent[];
}

const COMPONENT_LINE = /^- (\S+) (\S+) \+ (?:PLACED|FIXED) \( (-?\d+) (-?\d+) \) (\S+) ;/gm;

/** Design name, units, die and placed components of a DEF. Throws with the missing section's name. */
export function parseDef(text: string): DefSummary {
  const design = /^DESIGN (\S+) ;/m.exec(text)?.[1];
  const units = /UNITS DISTANCE MICRONS (\d+) ;/.exec(text)?.[1];
  const die = /DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \) ;/.exec(text);
  if (!design || !units || !die) throw new Error('DEF: DESIGN, UNITS or DIEAREA missing');
  const block = sectionBody(text, 'COMPONENTS');
  const components: DefComponent[] = [];
  for (const m of block.body.matchAll(COMPONENT_LINE)) {
    components.push({ name: m[1], macro: m[2], xDbu: Number(m[3]), yDbu: Number(m[4]), orient: m[5] });
  }
  return {
    design,
    dbuPerUm: Number(units),
    die: { x0: Number(die[1]), y0: Number(die[2]), x1: Number(die[3]), y1: Number(die[4]) },
    components,
  };
}

/** A `TRACKS X|Y start DO count STEP step LAYER name ;` line. */
const TRACKS_LINE = /^TRACKS ([XY]) (-?[\d.]+) DO (\d+) STEP (\d+) LAYER (\S+) ;$/gm;

/** Every TRACKS statement of a DEF: axis (X: vertical tracks at x positions), first track, count and pitch (DEF units), layer. */
export function defTracks(text: string): { axis: 'X' | 'Y'; startDbu: number; count: number; stepDbu: number; layer: string }[] {
  return [...text.matchAll(TRACKS_LINE)].map((m) => ({ axis: m[1] as 'X' | 'Y', startDbu: Number(m[2]), count: Number(m[3]), stepDbu: Number(m[4]), layer: m[5] }));
}

/**
 * Keep every routing track inside the die (pure). qflow writes each layer's TRACKS from the first track at or
 * below the die's lower edge up to the first at or above its upper edge, so a coarse layer (met3, met4) gets a
 * last track up to one pitch outside; qrouter routes on it and its wires and via pads end outside the die.
 */
export function clipTracksToDie(text: string): { text: string; dropped: number } {
  const { die } = parseDef(text);
  let dropped = 0;
  const out = text.replace(TRACKS_LINE, (_line, axis: string, startText: string, countText: string, stepText: string, layer: string) => {
    const step = Number(stepText);
    const [lo, hi] = axis === 'X' ? [die.x0, die.x1] : [die.y0, die.y1];
    let start = Number(startText);
    let count = Number(countText);
    const skip = start < lo ? Math.ceil((lo - start) / step) : 0;
    start += skip * step;
    count -= skip;
    const fit = Math.floor((hi - start) / step) + 1;
    const kept = Math.max(0, Math.min(count, fit));
    dropped += Number(countText) - kept;
    return `TRACKS ${axis} ${start.toFixed(1)} DO ${kept} STEP ${step} LAYER ${layer} ;`;
  });
  return { text: out, dropped };
}

/** One routing statement of a DEF net: its layer, width (SPECIALNETS) and points, each with the via placed there. */
export interface RoutingStatement { net: string; layer: string; special: boolean; widthDbu?: number; points: { x: number; y: number; via?: string }[] }

const statementsCache = new Map<string, { text: string; statements: readonly RoutingStatement[] }>();

/**
 * Every routing statement (`+ ROUTED`/`FIXED`/`COVER` and each `NEW`) of a DEF's NETS or SPECIALNETS section,
 * `*` resolved; parsed once per DEF text (the passes that read one text share it; nobody may change them).
 */
export function routingStatements(def: string, section: 'NETS' | 'SPECIALNETS'): readonly RoutingStatement[] {
  const cached = statementsCache.get(section);
  if (cached?.text === def) return cached.statements;
  const out: RoutingStatement[] = [];
  if (new RegExp(`^${section} \\d+ ;`, 'm').test(def)) {
    for (const item of sectionItems(def, section).items) {
      for (const stmt of item.text.split(/\+ (?:ROUTED|FIXED|COVER) |\bNEW /).slice(1)) {
        const head = /^(\S+)(?:\s+(\d+))?\s*\(/.exec(stmt);
        if (!head) continue;
        const s: RoutingStatement = { net: item.name, layer: head[1], special: section === 'SPECIALNETS', widthDbu: head[2] ? Number(head[2]) : undefined, points: [] };
        let x = 0;
        let y = 0;
        for (const t of stmt.matchAll(/\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)|([A-Za-z_]\w*)/g)) {
          if (t[1] !== undefined) {
            if (t[1] !== '*') x = Math.round(Number(t[1]));
            if (t[2] !== '*') y = Math.round(Number(t[2]));
            s.points.push({ x, y });
          } else if (s.points.length > 0) s.points[s.points.length - 1].via = t[3];
        }
        out.push(s);
      }
    }
  }
  statementsCache.set(section, { text: def, statements: out });
  return out;
}

/** The `( x y )` points of one routing statement's text, each `*` resolved to the point before (DEF units, rounded). */
export function statementPoints(text: string): [number, number][] {
  let x = NaN;
  let y = NaN;
  return [...text.matchAll(/\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)/g)].map((t) => {
    if (t[1] !== '*') x = Math.round(Number(t[1]));
    if (t[2] !== '*') y = Math.round(Number(t[2]));
    return [x, y];
  });
}

/** The text between `NAME n ;` and `END NAME`, with its offsets. */
export function sectionBody(text: string, name: string): { start: number; end: number; body: string } {
  const open = new RegExp(`^${name} (\\d+) ;\\n`, 'm').exec(text);
  if (!open) throw new Error(`DEF: no ${name} section`);
  const endAt = text.indexOf(`\nEND ${name}`, open.index);
  if (endAt < 0) throw new Error(`DEF: ${name} section not closed`);
  return { start: open.index, end: endAt + `\nEND ${name}`.length, body: text.slice(open.index + open[0].length, endAt + 1) };
}

/** One item of a DEF section (a net of NETS or SPECIALNETS): its name and its text from `- ` up to the next item. */
export interface DefItem {
  readonly name: string;
  readonly text: string;
}

/** A section split into its items once; `writeItems` puts it back byte for byte. */
export interface DefItems {
  /** Text after the `NAME n ;` line and before the first item (usually empty). */
  readonly lead: string;
  readonly items: readonly DefItem[];
  /** Where the section's `NAME n ;` line starts, where its items start, and where `END NAME` starts. */
  readonly start: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

const itemsCache = new Map<string, { text: string; items: DefItems }>();

/** The items of a section (NETS, SPECIALNETS, PINS, COMPONENTS), split once per DEF text (the last text read per section is kept). */
export function sectionItems(text: string, name: string): DefItems {
  const cached = itemsCache.get(name);
  if (cached?.text === text) return cached.items;
  const s = sectionBody(text, name);
  const bodyEnd = s.end - `END ${name}`.length;
  const parts = s.body.split(/^(?=- )/m);
  const lead = parts.length > 0 && !parts[0].startsWith('- ') ? parts.shift()! : '';
  const items = { lead, items: parts.map((chunk) => ({ name: chunk.slice(2, 2 + chunk.slice(2).search(/\s/)), text: chunk })), start: s.start, bodyStart: bodyEnd - s.body.length, bodyEnd };
  itemsCache.set(name, { text, items });
  return items;
}

/** The DEF with a section's items replaced by `texts` (each a whole item, `- ` to its end), the rest untouched. */
export function writeItems(text: string, section: DefItems, texts: readonly string[]): string {
  return text.slice(0, section.bodyStart) + section.lead + texts.join('') + text.slice(section.bodyEnd);
}

/** The `( instance pin )` connections of a NETS item, read before its routing. */
export function netConnections(item: DefItem): [string, string][] {
  const head = item.text.split(/\+ ROUTED|\+ FIXED|\+ COVER|\+ NOSHIELD|;/)[0];
  return [...head.slice(2).matchAll(/\(\s*(\S+)\s+(\S+)\s*\)/g)].map((p) => [p[1], p[2]]);
}

/** Replace a section (or insert it before `END DESIGN` when absent) with `lines` holding `count` items (default: one per line). */
export function replaceSection(text: string, name: string, lines: readonly string[], count = lines.length): string {
  const section = `${name} ${count} ;\n${lines.join('\n')}${lines.length ? '\n' : ''}END ${name}`;
  if (new RegExp(`^${name} \\d+ ;`, 'm').test(text)) {
    const s = sectionBody(text, name);
    return text.slice(0, s.start) + section + text.slice(s.end);
  }
  const endDesign = text.lastIndexOf('END DESIGN');
  if (endDesign < 0) throw new Error('DEF: END DESIGN missing');
  return text.slice(0, endDesign) + section + '\n\n' + text.slice(endDesign);
}

export function componentLine(c: DefComponent): string {
  return `- ${c.name} ${c.macro} + PLACED ( ${c.xDbu} ${c.yDbu} ) ${c.orient} ;`;
}

export interface NetRouting {
  /** Nets in the NETS section. */
  readonly nets: number;
  /** Nets with at least two connections and no ROUTED wiring. */
  readonly unrouted: string[];
}

/**
 * Which nets of a routed DEF carry wiring. qrouter skips some nets without saying so (names with `$`,
 * pins whose name differs from their net), so this reads the result rather than the router's log.
 */
export function netRouting(text: string): NetRouting {
  const { items } = sectionItems(text, 'NETS');
  const unrouted = items.filter((net) => netConnections(net).length >= 2 && !/\+ (ROUTED|FIXED|COVER|NOSHIELD) /.test(net.text)).map((net) => net.name);
  return { nets: items.length, unrouted };
}

/** The netlist a DEF declares, in yosys JSON's shape (what an LVS schematic is written from). */
export interface DefNetlist {
  ports: Record<string, { direction: string; bits: number[] }>;
  cells: Record<string, { type: string; connections: Record<string, number[]> }>;
  netnames: Record<string, { bits: number[] }>;
}

/**
 * The connectivity a DEF declares (COMPONENTS, PINS and each net's `( instance pin )` list), independent of
 * its routing: one bit per net, ports from PINS (power pins left out, the rails are implicit), every logic
 * cell with its connected pins. Physical-only cells (fill, decap, taps) are left out unless a net names them.
 * A placed DEF and its routed, patched versions declare the same netlist; LVS holds their wiring to it.
 */
export function defNetlist(text: string): DefNetlist {
  const { components } = parseDef(text);
  const nets = sectionItems(text, 'NETS').items;
  const netnames: DefNetlist['netnames'] = {};
  const cells: DefNetlist['cells'] = {};
  const pinNet = new Map<string, number>();
  nets.forEach((net, i) => {
    const bit = i + 2;
    netnames[net.name] = { bits: [bit] };
    for (const [instance, pin] of netConnections(net)) {
      if (instance === 'PIN') {
        pinNet.set(pin, bit);
        continue;
      }
      const cell = (cells[instance] ??= { type: '', connections: {} });
      if (cell.connections[pin]) throw new Error(`DEF: pin ${instance}/${pin} is on two nets (${net.name})`);
      cell.connections[pin] = [bit];
    }
  });
  for (const c of components) {
    const cell = cells[c.name];
    if (cell) cell.type = c.macro;
    else if (!isPhysicalCell(c.macro)) cells[c.name] = { type: c.macro, connections: {} };
  }
  const unplaced = Object.entries(cells).find(([, c]) => c.type === '');
  if (unplaced) throw new Error(`DEF: net connection names instance ${unplaced[0]}, which COMPONENTS does not place`);
  const ports: DefNetlist['ports'] = {};
  for (const pin of sectionItems(text, 'PINS').items) {
    if (/\+ USE (POWER|GROUND)/.test(pin.text)) continue;
    const net = /\+ NET (\S+)/.exec(pin.text)?.[1] ?? pin.name;
    const bit = pinNet.get(pin.name) ?? netnames[net]?.bits[0];
    if (bit === undefined) throw new Error(`DEF: pin ${pin.name} is on no net of NETS`);
    const direction = /\+ DIRECTION (\S+)/.exec(pin.text)?.[1]?.toLowerCase() ?? 'inout';
    ports[pin.name] = { direction, bits: [bit] };
  }
  return { ports, cells, netnames };
}

/** Physical-only cells: fill, decap, antenna diodes and well taps. */
export function isPhysicalCell(macro: string): boolean {
  return /__(fill|decap|diode|tapvpwrvgnd)_/.test(macro);
}

/** The placement's x extent and its rows (components grouped by y), shared by the row passes below. */
export function rowsAndExtent(components: readonly DefComponent[], widthDbu: (macro: string) => number): { x0: number; x1: number; rows: Map<number, DefComponent[]> } {
  let x0 = Infinity;
  let x1 = -Infinity;
  const rows = new Map<number, DefComponent[]>();
  for (const c of components) {
    x0 = Math.min(x0, c.xDbu);
    x1 = Math.max(x1, c.xDbu + widthDbu(c.macro));
    const row = rows.get(c.yDbu);
    if (row) row.push(c);
    else rows.set(c.yDbu, [c]);
  }
  return { x0, x1, rows };
}

export interface RefillOptions {
  /** Site width in DEF units. */
  readonly siteDbu: number;
  /** Target distance between well taps in a row (µm): a tap goes in at the first free site this far past the last one. sky130 needs every point within ~15 µm of a tap (LU.2/LU.3). */
  readonly tapSpacingUm: number;
  readonly dbuPerUm: number;
  readonly tapMacro: string;
  /** Fill cells by width in sites, widest first. */
  readonly fills: readonly { macro: string; sites: number }[];
}

export interface RefillResult {
  readonly components: DefComponent[];
  readonly taps: number;
  readonly fills: number;
  readonly logicCells: number;
  /** Widest stretch in any row without a tap: between taps, or a tap and the row end (µm). */
  readonly worstTapSpanUm: number;
}

/**
 * Keep the logic cells where the placer put them, drop every physical-only cell (qflow's decongest
 * and addspacers fill gaps with antenna diodes and decaps whose pins and obstructions block qrouter's pin
 * access), and refill every row's gaps on the site grid: a well tap at the first free site once the last
 * one is `tapSpacingUm` behind, plain fill elsewhere. Rows are the distinct y of the placement, flipped
 * alike ({N, FN} keep N, {S, FS} become FS: taps and fills are symmetric in x); their x extent is the placement's.
 */
export function refillRows(components: readonly DefComponent[], widthDbu: (macro: string) => number, o: RefillOptions): RefillResult {
  const tapWidth = widthDbu(o.tapMacro);
  const spacing = Math.round(o.tapSpacingUm * o.dbuPerUm);
  const { x0, x1, rows } = rowsAndExtent(components, widthDbu);
  const out: DefComponent[] = [];
  let taps = 0;
  let fills = 0;
  let worst = 0;
  for (const y of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(y)!;
    const logic = row.filter((c) => !isPhysicalCell(c.macro)).sort((a, b) => a.xDbu - b.xDbu);
    out.push(...logic);
    const orient = /^F?N$/.test((logic[0] ?? row[0]).orient) ? 'N' : 'FS';
    const gaps: [number, number][] = [];
    let at = x0;
    for (const c of logic) {
      if (c.xDbu > at) gaps.push([at, c.xDbu]);
      at = Math.max(at, c.xDbu + widthDbu(c.macro));
    }
    if (at < x1) gaps.push([at, x1]);
    let spanStart = x0;
    let first = true;
    for (const [a, b] of gaps) {
      let pos = alignUp(a, x0, o.siteDbu);
      while (pos + o.siteDbu <= b) {
        if ((first || pos - spanStart >= spacing) && pos + tapWidth <= b) {
          out.push({ name: `TAP_${taps}`, macro: o.tapMacro, xDbu: pos, yDbu: y, orient });
          worst = Math.max(worst, pos - spanStart);
          taps += 1;
          first = false;
          spanStart = pos + tapWidth;
          pos += tapWidth;
          continue;
        }
        const limit = Math.min(b, Math.max(pos + o.siteDbu, alignUp(spanStart + spacing, x0, o.siteDbu)));
        for (const f of o.fills) {
          const w = f.sites * o.siteDbu;
          while (pos + w <= limit) {
            out.push({ name: `FILL_${fills}`, macro: f.macro, xDbu: pos, yDbu: y, orient });
            fills += 1;
            pos += w;
          }
        }
        if (pos < limit) pos = limit; // narrower than the narrowest fill: leave it (never happens on the site grid with fill_1)
      }
    }
    worst = Math.max(worst, x1 - spanStart);
  }
  return { components: out, taps, fills, logicCells: out.length - taps - fills, worstTapSpanUm: worst / o.dbuPerUm };
}

function alignUp(x: number, origin: number, step: number): number {
  return origin + Math.ceil((x - origin) / step) * step;
}

export interface PowerGridOptions {
  readonly dbuPerUm: number;
  readonly rowHeightDbu: number;
  /** x of the met2 tracks (DEF units): straps sit on them. */
  readonly trackX0Dbu: number;
  readonly trackStepDbu: number;
  /** Distance between strap pairs (µm). */
  readonly strapPitchUm: number;
  /** Strap width (DEF units). */
  readonly strapWidthDbu: number;
  readonly powerNet: string;
  readonly groundNet: string;
  /** met1 → met2 via of the technology LEF. */
  readonly via: string;
}

export interface PowerGrid {
  /** SPECIALNETS lines (both nets). */
  readonly lines: string[];
  readonly straps: { net: string; xDbu: number }[];
  readonly vias: number;
  /** Extent of the straps in y. */
  readonly y0Dbu: number;
  readonly y1Dbu: number;
}

/**
 * Power straps (pure): vertical met2 pairs, power and ground, every `strapPitchUm`, each tied with one
 * met1→met2 via to every rail of its net. Cells in a row abut, so their met1 rails run the whole row;
 * rows flip alternately, so a rail between two rows is shared. Rails: a row in N has ground at its bottom and
 * power at its top; FS the other way round. Only met2 and via1 are drawn (no li1/mcon level over the
 * cells' own rail contacts).
 */
export function powerGrid(components: readonly DefComponent[], widthDbu: (macro: string) => number, o: PowerGridOptions): PowerGrid {
  const rails = new Map<number, string>();
  let x0 = Infinity;
  let x1 = -Infinity;
  for (const c of components) {
    const n = /^F?N$/.test(c.orient);
    rails.set(c.yDbu, n ? o.groundNet : o.powerNet);
    rails.set(c.yDbu + o.rowHeightDbu, n ? o.powerNet : o.groundNet);
    x0 = Math.min(x0, c.xDbu);
    x1 = Math.max(x1, c.xDbu + widthDbu(c.macro));
  }
  const ys = [...rails.keys()].sort((a, b) => a - b);
  const y0 = ys[0];
  const y1 = ys[ys.length - 1];
  const pitch = Math.round(o.strapPitchUm * o.dbuPerUm);
  const onTrack = (x: number) => o.trackX0Dbu + Math.round((x - o.trackX0Dbu) / o.trackStepDbu) * o.trackStepDbu;
  const straps: { net: string; xDbu: number }[] = [];
  const margin = Math.round(2 * o.dbuPerUm);
  const pairGap = 6 * o.trackStepDbu;
  const count = Math.max(1, Math.floor((x1 - x0 - 2 * margin - pairGap) / pitch) + 1);
  const used = (count - 1) * pitch + pairGap;
  const start = x0 + Math.round((x1 - x0 - used) / 2);
  for (let i = 0; i < count; i++) {
    const x = onTrack(start + i * pitch);
    straps.push({ net: o.powerNet, xDbu: x }, { net: o.groundNet, xDbu: x + pairGap });
  }
  const lines: string[] = [];
  let vias = 0;
  for (const net of [o.powerNet, o.groundNet]) {
    const mine = straps.filter((s) => s.net === net);
    const use = net === o.powerNet ? 'POWER' : 'GROUND';
    lines.push(`- ${net} ( * ${net} ) + USE ${use}`);
    mine.forEach((s, i) => lines.push(`  ${i === 0 ? '+ FIXED' : 'NEW'} met2 ${o.strapWidthDbu} ( ${s.xDbu} ${y0} ) ( ${s.xDbu} ${y1} )`));
    for (const s of mine) {
      for (const y of ys) {
        if (rails.get(y) !== net) continue;
        lines.push(`  NEW met1 0 ( ${s.xDbu} ${y} ) ${o.via}`);
        vias += 1;
      }
    }
    lines.push(' ;');
  }
  return { lines, straps, vias, y0Dbu: y0, y1Dbu: y1 };
}

export interface DestackResult {
  readonly components: DefComponent[];
  /** Cells moved; flops whose neighbourhood still breaks the rules (no room to move); flops that broke them before. */
  readonly moved: number;
  readonly stackedLeft: number;
  readonly stackedBefore: number;
}

export interface PinAccessRules {
  readonly siteDbu: number;
  /** Extra x margin around a flop that no flop in the next row may enter. */
  readonly haloDbu: number;
  /** Is this cell a flop (its D pin has few on-grid access points)? */
  readonly isFlop: (macro: string) => boolean;
  /** x span (absolute) that must stay free in the rows above and below a flop: around its D pin. */
  readonly pinWindow: (c: DefComponent, widthDbu: number) => readonly [number, number];
}

/**
 * Pin-access-aware legalization (pure). qrouter reaches a sky130 flop's D pin only through a few grid points,
 * and graywolf likes to stack flops in columns: a flop with flops right above and below it lost its D net
 * about half the time, one with a free side rarely (measured on an 8x16 DA tile: 19 of 40 sandwiched flops
 * failed, 14 of 146 with one neighbour, 3 of 229 with none); the few left had some other cell right over
 * the D pin. Rows bottom-up, each cell keeps its order and moves as little as it can so that (1) no flop,
 * widened by `haloDbu`, overlaps a flop in the row below, (2) no cell in the row below covers a flop's D-pin
 * window, and (3) no cell covers the D-pin window of a flop in the row below. Cells never leave the
 * placement's x extent; a row that would overflow is left as placed. Run on logic cells, before the refill.
 */
export function destackFlops(components: readonly DefComponent[], widthDbu: (macro: string) => number, rules: PinAccessRules): DestackResult {
  const { x0, x1, rows } = rowsAndExtent(components, widthDbu);
  const ys = [...rows.keys()].sort((a, b) => a - b);
  let rowHeight = Infinity;
  for (let i = 1; i < ys.length; i++) rowHeight = Math.min(rowHeight, ys[i] - ys[i - 1]);
  type Span = readonly [number, number];
  const hit = (a: number, b: number, spans: readonly Span[]) => spans.some(([s, e]) => a < e && b > s);
  const out: DefComponent[] = [];
  let moved = 0;
  let stackedLeft = 0;
  let stackedBefore = 0;
  let below: DefComponent[] = [];
  let belowY = -Infinity;
  for (const y of ys) {
    const row = [...rows.get(y)!].sort((a, b) => a.xDbu - b.xDbu || a.name.localeCompare(b.name));
    const adjacent = belowY === y - rowHeight ? below : [];
    const flopSpans: Span[] = adjacent.filter((c) => rules.isFlop(c.macro)).map((c) => [c.xDbu - rules.haloDbu, c.xDbu + widthDbu(c.macro) + rules.haloDbu]);
    const windowsBelow: Span[] = adjacent.filter((c) => rules.isFlop(c.macro)).map((c) => rules.pinWindow(c, widthDbu(c.macro)));
    const cellSpans: Span[] = adjacent.map((c) => [c.xDbu, c.xDbu + widthDbu(c.macro)]);
    const legal = (c: DefComponent, x: number): boolean => {
      const w = widthDbu(c.macro);
      if (hit(x, x + w, windowsBelow)) return false;
      if (!rules.isFlop(c.macro)) return true;
      if (hit(x, x + w, flopSpans)) return false;
      const [a, b] = rules.pinWindow({ ...c, xDbu: x }, w);
      return !hit(a, b, cellSpans);
    };
    for (const c of row) if (rules.isFlop(c.macro) && !legal(c, c.xDbu)) stackedBefore += 1;
    const placed = legalizeRow(row, widthDbu, legal, rules.siteDbu, x0, x1);
    for (let i = 0; i < row.length; i++) {
      if (placed[i].xDbu !== row[i].xDbu) moved += 1;
      if (rules.isFlop(placed[i].macro) && !legal(placed[i], placed[i].xDbu)) stackedLeft += 1;
    }
    out.push(...placed);
    below = placed;
    belowY = y;
  }
  return { components: out, moved, stackedLeft, stackedBefore };
}

/** One row, left to right: every cell as close to its spot as order and `legal` allow; the input when the row would overflow. */
function legalizeRow(row: readonly DefComponent[], widthDbu: (macro: string) => number, legal: (c: DefComponent, x: number) => boolean, site: number, x0: number, x1: number): DefComponent[] {
  const out: DefComponent[] = [];
  let at = x0;
  for (const c of row) {
    const w = widthDbu(c.macro);
    let x = Math.max(c.xDbu, at);
    if (!legal(c, x)) {
      for (let step = 1; step * site <= x1 - x0; step++) {
        const left = x - step * site;
        const right = x + step * site;
        if (left >= at && legal(c, left)) { x = left; break; }
        if (right + w <= x1 && legal(c, right)) { x = right; break; }
        if (right + w > x1 && left < at) break;
      }
    }
    out.push({ ...c, xDbu: x });
    at = x + w;
  }
  return at > x1 ? [...row] : out;
}

/**
 * The technology LEF qrouter routes with (pure): the kit's, keeping one fixed via per layer pair (the
 * default `*_PR`) and dropping the other variants (`*_R`, `*_M`, `*_MR`, `*_C`) and every `VIARULE ... GENERATE`.
 * Given a choice, qrouter picks or generates an li1–met1 via whose met1 pad (0.23 × 0.29 µm) stands across
 * the horizontal met1 tracks: on the 0.34 µm pitch that leaves 0.125 µm to the next wire, under met1.2's
 * 0.14 µm. The default vias have their long pads along each layer's routing direction. Measured on an 8x16 DA
 * tile: magic DRC error tiles 8,686 with the kit LEF and six layers, 7,006 without the variants on four
 * layers, 1,767 without the generate rules.
 *
 * With `routeLayers` given, vias reaching above the top route layer go too: qrouter sizes the patches it writes
 * on a layer (SPECIALNETS wires) by the largest via pad there, and the met4–met5 via's 1.18 µm met4 pad made
 * 1.18 µm wide met4 patches that shorted two pairs of nets on the 8x16 parallel tile routed on li1–met4.
 */
export function routingTechLef(tlef: string, routeLayers?: number, layerOrder: readonly string[] = ['li1', 'met1', 'met2', 'met3', 'met4', 'met5']): { text: string; removed: string[] } {
  const removed: string[] = [];
  const above = routeLayers === undefined ? [] : layerOrder.slice(routeLayers);
  const text = tlef
    .replace(/^VIA (\S+) DEFAULT\n([\s\S]*?)^END \1[ \t]*\n/gm, (whole, name: string, body: string) => {
      if (!above.some((layer) => new RegExp(`^\\s*LAYER ${layer} ;`, 'm').test(body))) return whole;
      removed.push(`${name} (above the route layers)`);
      return '';
    })
    .replace(/^VIA (\S+?_(?:R|M|MR|C)) DEFAULT\n[\s\S]*?^END \1[ \t]*\n/gm, (_whole, name: string) => {
      removed.push(name);
      return '';
    })
    .replace(/^VIARULE (\S+) GENERATE\n[\s\S]*?^END \1[ \t]*\n/gm, (_whole, name: string) => {
      removed.push(`${name} (rule)`);
      return '';
    });
  return { text, removed };
}

/**
 * qrouter obstructions on li1 along every row boundary (pure): li1 rails run there in every cell, and
 * qrouter otherwise draws li1 wires across them (shorting signals to power, and li.3 errors). The band
 * covers only the grid points on the rail itself; li1 routes never need to cross a row (met2 does that).
 */
export function railObstructions(components: readonly DefComponent[], o: { dbuPerUm: number; rowHeightDbu: number; x0Dbu: number; x1Dbu: number; halfBandUm: number }): string[] {
  const ys = new Set<number>();
  for (const c of components) {
    ys.add(c.yDbu);
    ys.add(c.yDbu + o.rowHeightDbu);
  }
  const um = (v: number) => Number((v / o.dbuPerUm).toFixed(3));
  return [...ys]
    .sort((a, b) => a - b)
    .map((y) => `obstruction ${um(o.x0Dbu)} ${(um(y) - o.halfBandUm).toFixed(3)} ${um(o.x1Dbu)} ${(um(y) + o.halfBandUm).toFixed(3)} li1`);
}

/**
 * The cell LEF qrouter routes against (pure): every power and ground pin (USE POWER / USE GROUND) becomes
 * obstruction geometry of its macro. The sky130hd power pins are not only the met1 rails: their li1 ports run
 * along the rails and reach into the cell (source straps, e.g. nand2_1's VGND li1 at x 0.085-0.395 up to
 * y 0.885). qrouter routes no power net here (the rails abut, the straps are ours), and it leaves the pins of
 * nets it does not route unguarded: signal li1 then crossed rails and straps (power-to-signal shorts,
 * li.3/li.c2 errors). As obstructions they are blocked like any cell-internal layer.
 */
export function powerPinsAsObstructions(lef: string): { text: string; moved: number } {
  let moved = 0;
  const text = lef.replace(/^MACRO (\S+)\s*\n[\s\S]*?^END \1[ \t]*$/gm, (macro) => {
    const obstructions: string[] = [];
    const stripped = macro.replace(/^  PIN (\S+)\s*\n([\s\S]*?)^  END \1[ \t]*\n/gm, (pin, _name: string, body: string) => {
      if (!/^\s*USE (POWER|GROUND) ;/m.test(body)) return pin;
      for (const port of body.matchAll(/^\s*PORT\s*\n([\s\S]*?)^\s*END\s*\n/gm)) obstructions.push(port[1]);
      moved++;
      return '';
    });
    if (obstructions.length === 0) return macro;
    const geometry = obstructions.join('');
    if (/^  OBS\s*\n/m.test(stripped)) return stripped.replace(/^  OBS\s*\n/m, (obs) => obs + geometry);
    return stripped.replace(/^END (\S+)[ \t]*$/m, (end) => `  OBS\n${geometry}  END\n${end}`);
  });
  return { text, moved };
}
