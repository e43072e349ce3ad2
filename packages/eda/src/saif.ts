/**
 * SAIF (IEEE 1801 Annex I), backward, flat (pure): one NET per net of a flat netlist with its time at 0 (T0),
 * time at 1 (T1) and toggle count (TC) over DURATION, so other tools can read the activity we measured.
 * Names with `[ ] .` are escaped with a backslash.
 */

export interface SaifNet {
  readonly name: string;
  readonly t0: number;
  readonly t1: number;
  readonly tc: number;
}

const escapeName = (n: string) => n.replace(/^\\/, '').trim().replace(/([[\].\\/])/g, '\\$1');

export function saifText(o: { design: string; timescalePs: number; duration: number; nets: readonly SaifNet[] }): string {
  const lines = ['(SAIFILE', '(SAIFVERSION "2.0")', '(DIRECTION "backward")', `(DESIGN "${o.design}")`, '(DIVIDER / )', `(TIMESCALE ${o.timescalePs} ps)`, `(DURATION ${o.duration})`, `(INSTANCE ${escapeName(o.design)}`, '  (NET'];
  for (const n of o.nets) lines.push(`    (${escapeName(n.name)} (T0 ${Math.round(n.t0)}) (T1 ${Math.round(n.t1)}) (TC ${Math.round(n.tc)}))`);
  lines.push('  )', ')', ')', '');
  return lines.join('\n');
}

/** Read back the NET entries of a SAIF file written by `saifText` (name unescaped, T0, T1, TC). */
export function parseSaifNets(text: string): SaifNet[] {
  const out: SaifNet[] = [];
  for (const m of text.matchAll(/^\s*\(((?:\\.|[^\s()])+) \(T0 (\d+)\) \(T1 (\d+)\) \(TC (\d+)\)\)$/gm)) out.push({ name: m[1].replace(/\\(.)/g, '$1'), t0: Number(m[2]), t1: Number(m[3]), tc: Number(m[4]) });
  return out;
}
