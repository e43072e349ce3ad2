import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { componentLine, lefMacros, netRouting, parseDef, powerGrid, refillRows, destackFlops, railObstructions, routingTechLef, clipTracksToDie, powerPinsAsObstructions, replaceSection, type DefComponent } from '../src/index.ts';
import { cdlAsDeviceCalls, cdlPinOrder, findKit, kitAvailable, parseDrcReport, parseLvsReport, parseStaOutput, qflowObstructions, graywolfNetFile, graywolfPar, qrouterScript, topSubcircuit, orfsDesignFiles, parseOrfsMetadata, type YosysJsonModule } from '@hardwire/eda';
import { bufferFanout } from '@hardwire/eda';

const DEF = `VERSION 5.6 ;
DESIGN t ;
UNITS DISTANCE MICRONS 200 ;
DIEAREA ( 0 0 ) ( 4000 1088 ) ;
TRACKS X 46 DO 40 STEP 92 LAYER met2 ;
COMPONENTS 4 ;
- a cellA + PLACED ( 92 0 ) N ;
- d1 sky130_fd_sc_hd__decap_4 + PLACED ( 644 0 ) N ;
- b cellB + PLACED ( 1012 0 ) N ;
- c cellA + PLACED ( 92 544 ) FS ;
END COMPONENTS
PINS 1 ;
- x + NET x + DIRECTION INPUT ;
END PINS
NETS 3 ;
- n1
  ( a Y ) ( b A )
  + ROUTED met1 ( 100 100 ) ( 900 * ) ;
- n2
  ( a Z ) ( c A ) ;
- lonely
  ( b Y ) ;
END NETS
END DESIGN
`;

const widths: Record<string, number> = { cellA: 552, cellB: 276, sky130_fd_sc_hd__tapvpwrvgnd_1: 92, sky130_fd_sc_hd__decap_4: 368 };
for (const s of [1, 2, 4, 8]) widths[`sky130_fd_sc_hd__fill_${s}`] = 92 * s;
const widthDbu = (m: string) => widths[m];
const fills = [8, 4, 2, 1].map((sites) => ({ macro: `sky130_fd_sc_hd__fill_${sites}`, sites }));

describe('DEF handling', () => {
  it('parses design, units, die and placed components', () => {
    const d = parseDef(DEF);
    expect(d.design).toBe('t');
    expect(d.dbuPerUm).toBe(200);
    expect(d.die).toEqual({ x0: 0, y0: 0, x1: 4000, y1: 1088 });
    expect(d.components.map((c) => c.name)).toEqual(['a', 'd1', 'b', 'c']);
    expect(d.components[3]).toEqual({ name: 'c', macro: 'cellA', xDbu: 92, yDbu: 544, orient: 'FS' });
  });

  it('finds nets without wiring (single-pin nets do not count)', () => {
    expect(netRouting(DEF)).toEqual({ nets: 3, unrouted: ['n2'] });
  });

  it('replaces a section and inserts a missing one before END DESIGN', () => {
    const d = parseDef(DEF);
    const out = replaceSection(DEF, 'COMPONENTS', d.components.slice(0, 1).map(componentLine));
    expect(parseDef(out).components).toHaveLength(1);
    const withSpecial = replaceSection(out, 'SPECIALNETS', ['- VPWR ( * VPWR )', ' ;'], 1);
    expect(withSpecial).toMatch(/SPECIALNETS 1 ;\n- VPWR \( \* VPWR \)\n ;\nEND SPECIALNETS\n\nEND DESIGN/);
  });
});

describe('row refill', () => {
  it('drops decaps, keeps logic in place, fills every gap on the site grid with taps no further apart than asked', () => {
    const d = parseDef(DEF);
    const r = refillRows(d.components, widthDbu, { siteDbu: 92, tapSpacingUm: 5, dbuPerUm: 200, tapMacro: 'sky130_fd_sc_hd__tapvpwrvgnd_1', fills });
    expect(r.components.some((c) => c.macro.includes('decap'))).toBe(false);
    for (const name of ['a', 'b', 'c']) expect(r.components.find((c) => c.name === name)).toEqual(d.components.find((c) => c.name === name));
    // Every row is covered exactly once from x0 to x1, with no overlap and no hole.
    const x0 = 92;
    const x1 = Math.max(...d.components.map((c) => c.xDbu + widthDbu(c.macro)));
    let worstGapUm = 0;
    for (const y of [0, 544]) {
      const row = r.components.filter((c) => c.yDbu === y).sort((a, b) => a.xDbu - b.xDbu);
      let at = x0;
      for (const c of row) {
        expect(c.xDbu).toBe(at);
        expect((c.xDbu - x0) % 92).toBe(0);
        at = c.xDbu + widthDbu(c.macro);
      }
      expect(at).toBe(x1);
      // Taps and fills take the row's orientation.
      for (const c of row) if (c.name.startsWith('TAP_') || c.name.startsWith('FILL_')) expect(c.orient).toBe(y === 0 ? 'N' : 'FS');
      // Tap spans: between consecutive taps (and the row ends) at most spacing + one cell + one fill_8.
      const taps = row.filter((c) => c.macro.includes('tapvpwrvgnd')).map((c) => c.xDbu);
      expect(taps.length).toBeGreaterThan(0);
      // The gaps from the row start to the first tap, between taps (right edge to left edge) and from the last tap to the row end.
      const tapW = widthDbu('sky130_fd_sc_hd__tapvpwrvgnd_1');
      const gaps = [taps[0] - x0, ...taps.slice(1).map((t, i) => t - (taps[i] + tapW)), x1 - (taps[taps.length - 1] + tapW)];
      worstGapUm = Math.max(worstGapUm, ...gaps.map((g) => g / 200));
    }
    expect(worstGapUm).toBeLessThanOrEqual(5 + (8 * 92) / 200);
    expect(r.worstTapSpanUm).toBeCloseTo(worstGapUm, 9);
    expect(r.taps + r.fills + r.logicCells).toBe(r.components.length);
    expect(r.logicCells).toBe(3);
  });
});

describe('pin-access legalization', () => {
  const w = (m: string) => (m === 'FF' ? 920 : 276);
  const rules = { siteDbu: 92, haloDbu: 92, isFlop: (m: string) => m === 'FF', pinWindow: (c: DefComponent, width: number) => [c.xDbu + 322 - 200, c.xDbu + 322 + 200] as const };
  it('moves flops off the column of the flop below, and cells off the D-pin window of a flop below', () => {
    const comps: DefComponent[] = [
      { name: 'f0', macro: 'FF', xDbu: 1840, yDbu: 0, orient: 'N' },
      { name: 'f1', macro: 'FF', xDbu: 1840, yDbu: 544, orient: 'FS' },
      { name: 'g1', macro: 'G', xDbu: 920, yDbu: 544, orient: 'FS' },
      { name: 'f2', macro: 'FF', xDbu: 1840, yDbu: 1088, orient: 'N' },
      { name: 'edge', macro: 'G', xDbu: 9200, yDbu: 0, orient: 'N' },
    ];
    const r = destackFlops(comps, w, rules);
    const at = (n: string) => r.components.find((c) => c.name === n)!;
    const overlap = (a: DefComponent, b: DefComponent) => a.xDbu - 92 < b.xDbu + 920 && a.xDbu + 920 + 92 > b.xDbu;
    expect(overlap(at('f1'), at('f0'))).toBe(false);
    expect(overlap(at('f2'), at('f1'))).toBe(false);
    expect(r.stackedBefore).toBeGreaterThanOrEqual(1);
    expect(r.stackedLeft).toBe(0);
    // Nothing sits on f0's D-pin window in the row above.
    const [a, b] = rules.pinWindow(at('f0'), 920);
    for (const c of r.components.filter((c) => c.yDbu === 544)) expect(c.xDbu < b && c.xDbu + w(c.macro) > a).toBe(false);
    // Order within a row is kept, on the site grid, no overlaps, inside the extent.
    for (const y of [0, 544, 1088]) {
      const row = r.components.filter((c) => c.yDbu === y).sort((p, q) => p.xDbu - q.xDbu);
      for (let i = 1; i < row.length; i++) expect(row[i].xDbu).toBeGreaterThanOrEqual(row[i - 1].xDbu + w(row[i - 1].macro));
      for (const c of row) expect((c.xDbu - 920) % 92).toBe(0);
      for (const c of row) expect(c.xDbu + w(c.macro)).toBeLessThanOrEqual(9476);
    }
    expect(destackFlops(comps, w, rules)).toEqual(r);
  });
});

describe('routing technology', () => {
  it('keeps one via per layer pair, and blocks li1 on every rail', () => {
    const tlef = ['LAYER li1', 'END li1', 'VIA L1M1_PR DEFAULT', '  LAYER mcon ;', 'END L1M1_PR', 'VIARULE L1M1_PR GENERATE', 'END L1M1_PR', 'VIA L1M1_PR_R DEFAULT', '  LAYER mcon ;', 'END L1M1_PR_R', 'VIARULE L1M1_PR_R GENERATE', 'END L1M1_PR_R', 'VIA M1M2_PR_MR DEFAULT', 'END M1M2_PR_MR', 'END LIBRARY', ''].join('\n');
    const r = routingTechLef(tlef);
    expect(r.removed).toEqual(['L1M1_PR_R', 'M1M2_PR_MR', 'L1M1_PR (rule)', 'L1M1_PR_R (rule)']);
    expect(r.text).toContain('VIA L1M1_PR DEFAULT');
    expect(r.text).not.toContain('VIARULE');
    expect(r.text).not.toMatch(/_R|_MR/);
    expect(r.text).toContain('END LIBRARY');
    const lines = railObstructions([{ name: 'a', macro: 'x', xDbu: 0, yDbu: 34, orient: 'N' }, { name: 'b', macro: 'x', xDbu: 0, yDbu: 578, orient: 'FS' }], { dbuPerUm: 200, rowHeightDbu: 544, x0Dbu: -276, x1Dbu: 4000, halfBandUm: 0.1 });
    expect(lines).toEqual(['obstruction -1.38 0.070 20 0.270 li1', 'obstruction -1.38 2.790 20 2.990 li1', 'obstruction -1.38 5.510 20 5.710 li1']);
  });
  it('drops the vias above the top route layer from the real kit tlef (their pads size qrouter\'s patches)', () => {
    const tlef = readFileSync(findKit().techLef, 'utf8');
    const five = routingTechLef(tlef, 5);
    expect(five.removed.filter((r) => r.endsWith('(above the route layers)'))).toEqual(['M4M5_PR (above the route layers)', 'M4M5_PR_R (above the route layers)', 'M4M5_PR_M (above the route layers)', 'M4M5_PR_MR (above the route layers)', 'M4M5_PR_C (above the route layers)']);
    expect([...five.text.matchAll(/^VIA (\S+) DEFAULT/gm)].map((m) => m[1])).toEqual(['L1M1_PR', 'M1M2_PR', 'M2M3_PR', 'M3M4_PR']);
    expect([...routingTechLef(tlef, 6).text.matchAll(/^VIA (\S+) DEFAULT/gm)].map((m) => m[1])).toEqual(['L1M1_PR', 'M1M2_PR', 'M2M3_PR', 'M3M4_PR', 'M4M5_PR']);
    expect([...routingTechLef(tlef, 4).text.matchAll(/^VIA (\S+) DEFAULT/gm)].map((m) => m[1])).toEqual(['L1M1_PR', 'M1M2_PR', 'M2M3_PR']);
  });
  it('clips every TRACKS line to the die and counts the tracks dropped', () => {
    const def = ['DESIGN t ;', 'UNITS DISTANCE MICRONS 200 ;', 'DIEAREA ( -276 -204 ) ( 48668 48076 ) ;', 'TRACKS X -276.0 DO 533 STEP 92 LAYER li1 ;', 'TRACKS Y -136.0 DO 356 STEP 136 LAYER met3 ;', 'TRACKS X -460.0 DO 269 STEP 184 LAYER met4 ;', 'COMPONENTS 0 ;', 'END COMPONENTS', ''].join('\n');
    const r = clipTracksToDie(def);
    const tracks = [...r.text.matchAll(/^TRACKS ([XY]) (\S+) DO (\d+) STEP (\d+) LAYER (\S+) ;$/gm)].map((m) => ({ axis: m[1], start: Number(m[2]), count: Number(m[3]), step: Number(m[4]), layer: m[5] }));
    expect(tracks.map((t) => t.layer)).toEqual(['li1', 'met3', 'met4']);
    for (const t of tracks) {
      const [lo, hi] = t.axis === 'X' ? [-276, 48668] : [-204, 48076];
      expect(t.start).toBeGreaterThanOrEqual(lo);
      expect(t.start + (t.count - 1) * t.step).toBeLessThanOrEqual(hi);
      expect(t.start + t.count * t.step).toBeGreaterThan(hi); // nothing inside the die is lost
      expect(t.start - t.step).toBeLessThan(lo);
    }
    expect(tracks[0]).toEqual({ axis: 'X', start: -276, count: 533, step: 92, layer: 'li1' }); // already inside: unchanged
    expect(r.dropped).toBe(0 + 1 + 2); // met3's last track; met4's first (below the die) and last
    expect(clipTracksToDie(r.text)).toEqual({ text: r.text, dropped: 0 });
  });
  it('routes on a bounded schedule and writes the DEF whatever is left unrouted', () => {
    const tcl = qrouterScript({ techLef: 'route.tlef', cellLef: '/k/cells.lef', def: 'placed.def', out: 'routed.def', obstructions: ['obstruction 0 0 1 1 li1'], layers: 4, cleanup: false, powerNets: false });
    const order = ['read_lef route.tlef', 'read_lef /k/cells.lef', 'catch {layers 4}', 'obstruction 0 0 1 1 li1', 'read_def placed.def', 'set result [stage1]', 'stage2 mask $msize effort 10', 'effort {20 40}', 'cleanup all', 'write_def routed.def', 'quit'];
    const at = order.map((line) => tcl.indexOf(line));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(tcl).not.toContain('standard_route'); // its open-ended rip-up tail can hold a tile for an hour
    expect(tcl).not.toContain('stage3');
    expect(qrouterScript({ techLef: 't', cellLef: 'c', def: 'd', out: 'o', obstructions: [], layers: 4, cleanup: true, powerNets: true })).toMatch(/stage3[\s\S]*vdd VPWR|vdd VPWR[\s\S]*stage3/);
  });
  it('turns the power and ground pins of every cell into obstructions, on the real kit LEF', () => {
    const kit = findKit();
    const lef = readFileSync(kit.cellLef, 'utf8');
    const r = powerPinsAsObstructions(lef);
    expect(r.text).not.toMatch(/USE (POWER|GROUND) ;/);
    expect(lefMacros(r.text).size).toBe(lefMacros(lef).size);
    // Signal pins stay; each macro's power geometry (li1 straps and met1 rails) is now OBS.
    const nand = /^MACRO sky130_fd_sc_hd__nand2_1\n[\s\S]*?^END sky130_fd_sc_hd__nand2_1/m.exec(r.text)![0];
    expect(nand).toMatch(/PIN A\n/);
    expect(nand).not.toMatch(/PIN (VPWR|VGND)/);
    const obs = nand.slice(nand.indexOf('  OBS'));
    expect(obs).toContain('RECT 0.085000  0.085000 0.395000 0.885000 ;'); // VGND's li1 strap into the cell
    expect(obs).toContain('RECT 0.000000 2.480000 1.380000 2.960000 ;'); // VPWR's met1 rail
    expect(r.moved).toBeGreaterThanOrEqual(2 * lefMacros(lef).size - 10);
  });
});

describe('power grid', () => {
  it('ties each strap to every rail of its own net only', () => {
    const comps: DefComponent[] = [
      { name: 'a', macro: 'cellA', xDbu: 0, yDbu: 0, orient: 'N' },
      { name: 'b', macro: 'cellA', xDbu: 0, yDbu: 544, orient: 'FS' },
      { name: 'c', macro: 'cellA', xDbu: 0, yDbu: 1088, orient: 'N' },
      { name: 'w', macro: 'cellB', xDbu: 20000, yDbu: 0, orient: 'N' },
    ];
    const g = powerGrid(comps, widthDbu, { dbuPerUm: 200, rowHeightDbu: 544, trackX0Dbu: 46, trackStepDbu: 92, strapPitchUm: 40, strapWidthDbu: 96, powerNet: 'VPWR', groundNet: 'VGND', via: 'M1M2_PR' });
    // Rails: y=0 VGND (row 0 N), 544 VPWR (shared), 1088 VGND (shared), 1632 VPWR.
    expect(g.straps.length % 2).toBe(0);
    for (const s of g.straps) expect((s.xDbu - 46) % 92).toBe(0);
    const text = g.lines.join('\n');
    const vpwr = text.slice(0, text.indexOf('- VGND'));
    const vgnd = text.slice(text.indexOf('- VGND'));
    const viaYs = (block: string) => [...new Set([...block.matchAll(/NEW met1 0 \( -?\d+ (\d+) \) M1M2_PR/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    expect(viaYs(vpwr)).toEqual([544, 1632]);
    expect(viaYs(vgnd)).toEqual([0, 1088]);
    expect(g.vias).toBe((g.straps.length / 2) * 4);
    expect([g.y0Dbu, g.y1Dbu]).toEqual([0, 1632]);
  });
});

describe('fanout buffering', () => {
  const module = (): YosysJsonModule => {
    const cells: YosysJsonModule['cells'] = { drv: { type: 'INV', connections: { A: [2], Y: [3] } } };
    for (let i = 0; i < 30; i++) cells[`s${String(i).padStart(2, '0')}`] = { type: 'INV', connections: { A: [3], Y: [100 + i] } };
    return { ports: { a: { direction: 'input', bits: [2] }, y: { direction: 'output', bits: [3] } }, cells, netnames: { a: { bits: [2] }, mid: { bits: [3] } } };
  };
  const o = { maxFanout: 4, buffer: 'BUF', bufferIn: 'A', bufferOut: 'X', inputsOf: (t: string) => (t === 'INV' || t === 'BUF' ? ['A'] : []) };

  it('leaves no net with more sinks than asked, and every old sink still hangs off the old driver through buffers', () => {
    const r = bufferFanout(module(), o);
    expect(r.maxFanoutAfter).toBeLessThanOrEqual(4);
    expect(r.netsBuffered).toBe(1);
    // 30 sinks -> 8 buffers -> 2 buffers -> driver: 10 buffers.
    expect(r.buffersAdded).toBe(10);
    const driverOf = new Map<number, string>();
    for (const [name, c] of Object.entries(r.module.cells)) driverOf.set((c.connections.Y ?? c.connections.X)[0] as number, name);
    const sinkCount = new Map<number, number>();
    for (const c of Object.values(r.module.cells)) sinkCount.set(c.connections.A[0] as number, (sinkCount.get(c.connections.A[0] as number) ?? 0) + 1);
    for (const n of sinkCount.values()) expect(n).toBeLessThanOrEqual(4);
    for (let i = 0; i < 30; i++) {
      let bit = r.module.cells[`s${String(i).padStart(2, '0')}`].connections.A[0] as number;
      let hops = 0;
      while (bit !== 3) {
        const buf = r.module.cells[driverOf.get(bit)!];
        expect(buf.type).toBe('BUF');
        bit = buf.connections.A[0] as number;
        hops += 1;
      }
      expect(hops).toBe(2);
    }
    // The output port stays on the original net.
    expect(r.module.ports.y.bits).toEqual([3]);
  });

  it('is deterministic and leaves small nets alone', () => {
    expect(JSON.stringify(bufferFanout(module(), o).module)).toBe(JSON.stringify(bufferFanout(module(), o).module));
    const small = bufferFanout(module(), { ...o, maxFanout: 64 });
    expect(small.buffersAdded).toBe(0);
    expect(small.module).toEqual(module());
  });
});

describe('LVS schematic', () => {
  const cdl = ['.SUBCKT sky130_fd_sc_hd__inv_1 A VGND VNB VPB VPWR Y', 'MMIN1 Y A VGND VNB nfet_01v8 m=1 w=0.65 l=0.15', 'MMIP1 Y A VPWR VPB pfet_01v8_hvt m=1 w=1.0 l=0.15', '.ENDS'].join('\n');
  it('renames MOS cards to the device subcircuits magic extracts and keeps pin order', () => {
    expect(cdlAsDeviceCalls(cdl)).toContain('XMMIN1 Y A VGND VNB sky130_fd_pr__nfet_01v8 m=1');
    expect(cdlAsDeviceCalls(cdl)).toContain('XMMIP1 Y A VPWR VPB sky130_fd_pr__pfet_01v8_hvt m=1');
    expect(cdlPinOrder(cdl).get('sky130_fd_sc_hd__inv_1')).toEqual(['A', 'VGND', 'VNB', 'VPB', 'VPWR', 'Y']);
    // The tie cell's zero-ohm shorts become the poly resistors magic extracts from its layout.
    const conb = ['.SUBCKT sky130_fd_sc_hd__conb_1 VGND VNB VPB VPWR HI LO', 'rI12 VGND LO short', 'rI11 HI VPWR short', '.ENDS'].join('\n');
    expect(cdlAsDeviceCalls(conb).split('\n').slice(1, 3)).toEqual(['RI12 VGND LO sky130_fd_pr__res_generic_po', 'RI11 HI VPWR sky130_fd_pr__res_generic_po']);
  });
  it('writes the placed netlist as a top subcircuit with bulk pins on the rails', () => {
    const m: YosysJsonModule = {
      ports: { a: { direction: 'input', bits: [2] }, y: { direction: 'output', bits: [3, 4] } },
      cells: { u1: { type: 'sky130_fd_sc_hd__inv_1', connections: { A: [2], Y: [3] } }, u2: { type: 'sky130_fd_sc_hd__inv_1', connections: { A: [3], Y: [4] } } },
      netnames: { a: { bits: [2] }, y: { bits: [3, 4] } },
    };
    const top = topSubcircuit('t', m, cdlPinOrder(cdl));
    expect(top.split('\n')).toEqual(['.SUBCKT t a y[0] y[1] VPWR VGND', 'Xu1 a VGND VGND VPWR VPWR y[0] sky130_fd_sc_hd__inv_1', 'Xu2 y[0] VGND VGND VPWR VPWR y[1] sky130_fd_sc_hd__inv_1', '.ENDS', '']);
    expect(() => topSubcircuit('t', { ...m, cells: { u: { type: 'nope', connections: {} } } }, cdlPinOrder(cdl))).toThrow(/nope/);
  });
});

describe('OpenROAD-flow-scripts backend files', () => {
  it('config.mk names the design, platform, RTL and constraints; metadata maps onto the flow metric names', () => {
    const f = orfsDesignFiles({ top: 'tile_x', verilog: '/r/rtl.v', sdc: '/r/constraint.sdc', clockNs: 10, coreUtilizationPct: 25, placeDensity: 0.35 });
    expect(f.configMk).toMatch(/^export DESIGN_NAME = tile_x$/m);
    expect(f.configMk).toMatch(/^export PLATFORM = sky130hd$/m);
    expect(f.configMk).toMatch(/^export VERILOG_FILES = \/r\/rtl.v$/m);
    expect(f.configMk).toMatch(/^export SDC_FILE = \/r\/constraint.sdc$/m);
    expect(f.configMk).toMatch(/^export CORE_UTILIZATION = 25$/m);
    expect(f.constraintSdc).toContain('create_clock -name clk -period 10 [get_ports clk]');
    expect(parseOrfsMetadata(JSON.stringify({ 'detailedroute__route__drc_errors': 0, 'finish__design__die__area': 1234.5, 'finish__timing__setup__ws': 1.2, 'globalroute__route__net': 99, other: 'x' }))).toEqual({ drc__error__count: 0, finish__design__die__area: 1234.5, timing__setup__ws: 1.2, route__net__count: 99 });
  });
});

describe('reports', () => {
  it('DRC counts per rule, largest first', () => {
    const r = parseDrcReport('style drc(full) total 7\n2\tmet1.2 spacing\n5\tli.3 spacing\n');
    expect(r).toEqual({ style: 'drc(full)', total: 7, byRule: [{ rule: 'li.3 spacing', count: 5 }, { rule: 'met1.2 spacing', count: 2 }], boxes: [] });
    const where = parseDrcReport('style drc(full) total 1\n1\tLocal interconnect spacing < 0.17um (li.3)\nbox\t121.685 235.690 121.855 235.705\tLocal interconnect spacing < 0.17um (li.3)\n');
    expect(where.byRule).toEqual([{ rule: 'Local interconnect spacing < 0.17um (li.3)', count: 1 }]);
    expect(where.boxes).toEqual([{ rule: 'Local interconnect spacing < 0.17um (li.3)', x0Um: 121.685, y0Um: 235.69, x1Um: 121.855, y1Um: 235.705 }]);
    expect(() => parseDrcReport('nothing')).toThrow(/total/);
  });
  it('netgen verdicts: the top circuit is the last one compared', () => {
    const cell = 'Number of devices: 4 | Number of devices: 4\nNumber of nets: 8 | Number of nets: 8\nCircuits match uniquely.\nNetlists match uniquely.\n';
    const ok = parseLvsReport(cell + 'Number of devices: 10                      |Number of devices: 10\nNumber of nets: 7 |Number of nets: 7\nCircuits match uniquely.\nNetlists match uniquely.\n');
    expect(ok).toMatchObject({ matched: true, mismatches: 0, layoutDevices: 10, schematicDevices: 10, layoutNets: 7 });
    const bad = parseLvsReport(cell + 'Number of devices: 1602 **Mismatch**       |Number of devices: 2360 **Mismatch**\nNumber of nets: 1017 **Mismatch**          |Number of nets: 2506 **Mismatch**\nNetlists do not match.\n');
    expect(bad).toMatchObject({ matched: false, mismatches: 758 + 1489, layoutDevices: 1602, schematicNets: 2506, verdict: 'Netlists do not match.' });
    const pins = parseLvsReport(cell + 'Number of devices: 3 | Number of devices: 3\nNetlists match uniquely.\nTop level cell failed pin matching.\n');
    expect(pins).toMatchObject({ matched: false, mismatches: 1 });
    expect(parseLvsReport('')).toMatchObject({ matched: false, mismatches: 1, verdict: 'no verdict line' });
  });
  it('OpenSTA slack lines', () => {
    expect(parseStaOutput('...\nHW_WNS 4.3125\nHW_TNS 0\n')).toEqual({ worstSlackNs: 4.3125, totalNegativeSlackNs: 0 });
    expect(() => parseStaOutput('')).toThrow(/HW_WNS/);
  });
  it('graywolf net file from the .cel: nets contiguous in first-use order, feedthroughs and equiv left out', () => {
    const cel = [
      'cell 0 sky130_fd_sc_hd__nand2_1_1',
      'left -69 right 69 bottom -136 top 136',
      'pin name twfeed1 signal TW_PASS_THRU layer 1 0 -136',
      '   equiv name twfeed1 layer 1 0 136',
      'pin name A signal a layer 1 -20 0',
      'pin name B signal b layer 1 20 0',
      'pin name Y signal y layer 1 40 0',
      'cell 1 sky130_fd_sc_hd__inv_1_1',
      'pin name A signal y layer 1 0 0',
      'pin name Y signal a layer 1 0 0',
      'pad 1 name twpin_b',
      'corners 4 -46 -34 -46 34 46 34 46 -34',
      'pin name b signal b layer 1 0 0',
    ].join('\n');
    const nets = graywolfNetFile(cel);
    expect(nets).toMatchObject({ nets: 3, pins: 6 });
    expect(nets.text.trim().split('\n')).toEqual([
      'a 1 sky130_fd_sc_hd__nand2_1_1 A 0 0 0 0 1',
      'a 2 sky130_fd_sc_hd__inv_1_1 Y 0 0 0 0 1',
      'b 1 sky130_fd_sc_hd__nand2_1_1 B 0 0 0 0 1',
      'b 2 twpin_b b 0 0 0 0 1',
      'y 1 sky130_fd_sc_hd__nand2_1_1 Y 0 0 0 0 1',
      'y 2 sky130_fd_sc_hd__inv_1_1 A 0 0 0 0 1',
    ]);
    // place2def's line pattern: net, numeric subnet, instance, pin, then five more fields.
    for (const line of nets.text.trim().split('\n')) expect(line).toMatch(/^\S+ \d+ \S+ \S+ \S+ \S+ \S+ \S+ \S+$/);
    expect(() => graywolfNetFile('pin name A signal a layer 1 0 0')).toThrow(/before any cell/);
    expect(graywolfPar(1, false)).toMatch(/do\.global\.route\s+: off/);
    expect(graywolfPar(1)).toMatch(/do\.global\.route\s+: on/);
  });
  it('qflow obstruction lines', () => {
    expect(qflowObstructions('verbose 1\nobstruction 0 0 1 1 met1\n  obstruction 1 2 3 4 li1\nread_def x')).toEqual(['obstruction 0 0 1 1 met1', 'obstruction 1 2 3 4 li1']);
  });
});

describe.runIf(kitAvailable())('kit LEF', () => {
  it('reads macro sizes with the kit LEF spacing', () => {
    const kit = findKit();
    const macros = lefMacros(readFileSync(kit.cellLefRouting ?? kit.cellLef, 'utf8'));
    expect(macros.get('sky130_fd_sc_hd__nand2_1')).toMatchObject({ widthUm: 1.38, heightUm: 2.72 });
    expect(macros.get('sky130_fd_sc_hd__dfrtp_1')!.widthUm).toBeCloseTo(9.2, 6);
    expect(macros.get('sky130_fd_sc_hd__tapvpwrvgnd_1')!.widthUm).toBeCloseTo(0.46, 6);
  });
});
