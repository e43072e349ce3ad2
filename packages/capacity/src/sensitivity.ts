/**
 * Which assumption the answer hangs on (pure): every constant of kind `assumption` that the estimate reads,
 * moved alone to its low and its high value, and how much the headline area and tokens/s move.
 */
import { CONSTANTS, NODE_CONSTANTS, type Constant } from './constants.ts';
import { estimateModel, type EstimateOptions, type ModelShape } from './estimate.ts';

export interface SensitivityRow {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly why: string;
  /** Percent change of the area and of tokens/s at the low and at the high value. */
  readonly areaLowPct: number;
  readonly areaHighPct: number;
  readonly tokensLowPct: number;
  readonly tokensHighPct: number;
  /** Percent change of the power at batch 1 (0 without measured power). */
  readonly powerLowPct: number;
  readonly powerHighPct: number;
}

/** Constants the estimate does not read (they enter through the calibration's measurements). */
const NOT_READ = new Set(['switchingActivity']);

export function sensitivity(shape: ModelShape, o: EstimateOptions): SensitivityRow[] {
  const base = estimateModel(shape, o);
  const candidates: Array<[string, Constant]> = [
    ...Object.entries(CONSTANTS).filter(([name]) => !NOT_READ.has(name)),
    ...Object.entries(NODE_CONSTANTS[o.node]).filter((e): e is [string, Constant] => Boolean(e[1])).map(([name, k]) => [`${o.node}.${name}`, k] as [string, Constant]),
  ];
  const pct = (v: number, b: number) => Number(((100 * (v - b)) / b).toFixed(2));
  const rows: SensitivityRow[] = [];
  for (const [name, k] of candidates) {
    if (k.kind !== 'assumption' || !k.range) continue;
    // rom's MAC lanes are its configuration, set by romMacsPerHidden when given.
    if (name === 'romMacsPerHidden' && o.romMacsPerHidden !== undefined) continue;
    const at = (value: number) => estimateModel(shape, { ...o, overrides: { ...o.overrides, [name]: value } });
    const lo = at(k.range.low);
    const hi = at(k.range.high);
    const powerPct = (e: typeof lo) => (base.power && e.power ? pct(e.power.batch1W, base.power.batch1W) : 0);
    rows.push({ name, unit: k.unit, value: k.value, low: k.range.low, high: k.range.high, why: k.range.why, areaLowPct: pct(lo.areaMm2, base.areaMm2), areaHighPct: pct(hi.areaMm2, base.areaMm2), tokensLowPct: pct(lo.tokensPerS, base.tokensPerS), tokensHighPct: pct(hi.tokensPerS, base.tokensPerS), powerLowPct: powerPct(lo), powerHighPct: powerPct(hi) });
  }
  const swing = (r: SensitivityRow) => Math.max(Math.abs(r.areaLowPct), Math.abs(r.areaHighPct), Math.abs(r.tokensLowPct), Math.abs(r.tokensHighPct), Math.abs(r.powerLowPct), Math.abs(r.powerHighPct));
  return rows.sort((a, b) => swing(b) - swing(a) || a.name.localeCompare(b.name));
}

export function sensitivityCsv(rows: readonly SensitivityRow[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['constant,unit,value,low,high,area_low_pct,area_high_pct,tokens_per_s_low_pct,tokens_per_s_high_pct,power_low_pct,power_high_pct,why', ...rows.map((r) => [r.name, q(r.unit), r.value, r.low, r.high, r.areaLowPct, r.areaHighPct, r.tokensLowPct, r.tokensHighPct, r.powerLowPct, r.powerHighPct, q(r.why)].join(','))].join('\n') + '\n';
}
