/** Report parsers of the physical flow (pure): magic DRC counts, netgen LVS verdict, OpenSTA slack. */

export interface DrcReport {
  readonly style: string;
  /** magic's `drc list count total`: error tiles over the whole layout. */
  readonly total: number;
  /** Error boxes per rule text, largest first. */
  readonly byRule: { rule: string; count: number }[];
  /** Where they are (µm), up to 100 per rule: `box<TAB>x0 y0 x1 y1<TAB>rule` lines. */
  readonly boxes: { rule: string; x0Um: number; y0Um: number; x1Um: number; y1Um: number }[];
}

/** Parse the report our magic script writes: `style S total N`, then `count<TAB>rule` lines, then `box<TAB>x0 y0 x1 y1<TAB>rule` lines. */
export function parseDrcReport(text: string): DrcReport {
  const head = /^style (\S+) total (\d+)/m.exec(text);
  if (!head) throw new Error('DRC report: no "style ... total N" line');
  const byRule: { rule: string; count: number }[] = [];
  const boxes: DrcReport['boxes'] = [];
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\d+)\t(.*)$/.exec(line);
    if (m) byRule.push({ rule: m[2].trim(), count: Number(m[1]) });
    const b = /^box\t(\S+) (\S+) (\S+) (\S+)\t(.*)$/.exec(line);
    if (b) boxes.push({ rule: b[5].trim(), x0Um: Number(b[1]), y0Um: Number(b[2]), x1Um: Number(b[3]), y1Um: Number(b[4]) });
  }
  byRule.sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
  return { style: head[1], total: Number(head[2]), byRule, boxes };
}

/**
 * Rules a standard cell cannot meet on its own: well taps and latch-up distances come from the tap cells of
 * the row the cell sits in (sky130 rules nwell.4, LU.2, LU.3), so every cell alone breaks them.
 */
export const ROW_CONTEXT_RULES: readonly string[] = ['nwell.4', 'LU.2', 'LU.3'];

/**
 * Cells with DRC errors of their own, from the report of `magicCellDrcScript`: cell → the rules it breaks
 * (rule code in parentheses, `(licon.8a)`), leaving out the row-context rules. A cell magic could not load is
 * reported with the rule `missing`.
 */
export function parseCellDrcReport(text: string, contextRules: readonly string[] = ROW_CONTEXT_RULES): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cell = '';
  for (const line of text.split('\n')) {
    const head = /^CELL (\S+) (\S+)/.exec(line);
    if (head) {
      cell = head[1];
      if (head[2] === 'missing') out.set(cell, ['missing']);
      continue;
    }
    const m = /^\s+(\d+)\t(.*)$/.exec(line);
    if (!m || !cell) continue;
    const code = /\(([^()]*)\)\s*$/.exec(m[2])?.[1] ?? m[2].trim();
    if (contextRules.some((r) => code === r)) continue;
    if (!out.has(cell)) out.set(cell, []);
    out.get(cell)!.push(code);
  }
  return out;
}

export interface LvsReport {
  /** netgen's final verdict: the top circuits match (uniquely, or with only symmetry-resolved ambiguity). */
  readonly matched: boolean;
  /** Device count difference + net count difference of the top circuits, plus unmatched pins; 0 when matched. */
  readonly mismatches: number;
  readonly layoutDevices?: number;
  readonly schematicDevices?: number;
  readonly layoutNets?: number;
  readonly schematicNets?: number;
  readonly verdict: string;
}

/**
 * Parse netgen's LVS output file. Subcircuits (the standard cells) are compared first and the top circuit
 * last, so the last verdict line and the last `Number of devices` / `Number of nets` pair belong to the top.
 * A top level whose pins could not be matched counts as one mismatch even when the netlists match.
 */
export function parseLvsReport(text: string): LvsReport {
  const verdicts = [...text.matchAll(/^(Netlists match uniquely\.|Netlists match with symmetries\.|Netlists do not match\.|Final result:.*)$/gm)].map((m) => m[1].trim());
  const verdict = verdicts[verdicts.length - 1] ?? 'no verdict line';
  const deviceLines = [...text.matchAll(/^Number of devices:\s*(\d+)[^|]*\|\s*Number of devices:\s*(\d+)/gm)];
  const netLines = [...text.matchAll(/^Number of nets:\s*(\d+)[^|]*\|\s*Number of nets:\s*(\d+)/gm)];
  const d = deviceLines[deviceLines.length - 1];
  const n = netLines[netLines.length - 1];
  const netlistsMatch = /match uniquely|match with symmetries|Circuits match/i.test(verdict) && !/do not match/i.test(verdict);
  const pinsFailed = /Top level cell failed pin matching/i.test(text);
  let mismatches = 0;
  if (!netlistsMatch) mismatches = Math.max(1, (d ? Math.abs(Number(d[1]) - Number(d[2])) : 0) + (n ? Math.abs(Number(n[1]) - Number(n[2])) : 0));
  else if (pinsFailed) mismatches = 1;
  return {
    matched: netlistsMatch && !pinsFailed,
    mismatches,
    layoutDevices: d ? Number(d[1]) : undefined,
    schematicDevices: d ? Number(d[2]) : undefined,
    layoutNets: n ? Number(n[1]) : undefined,
    schematicNets: n ? Number(n[2]) : undefined,
    verdict,
  };
}

export interface StaReport {
  readonly worstSlackNs: number;
  readonly totalNegativeSlackNs: number;
}

/** The `HW_WNS` / `HW_TNS` lines our OpenSTA script prints. */
export function parseStaOutput(text: string): StaReport {
  const wns = /^HW_WNS\s+(-?[\d.eE+-]+)/m.exec(text);
  const tns = /^HW_TNS\s+(-?[\d.eE+-]+)/m.exec(text);
  if (!wns || !tns) throw new Error('OpenSTA output: no HW_WNS/HW_TNS lines');
  return { worstSlackNs: Number(Number(wns[1]).toFixed(4)), totalNegativeSlackNs: Number(Number(tns[1]).toFixed(4)) };
}
