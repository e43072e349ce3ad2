/** Per-tensor, per-layer and overall block statistics and their CSV form (pure). */
import { summarizeHistogram } from './BlockStatsAccumulator.ts';
import { FORMATS, foldedValues, levelCount } from './formats.ts';
import { kindCount, unrankMultiset } from './multisetRank.ts';
import { errorMetrics } from './quantizeRows.ts';
import type { StatsSpec, TensorStatsResult } from './tensorStats.ts';

export interface TensorEntry {
  readonly name: string;
  readonly role: string;
  readonly layer: number | null;
  readonly shape: readonly number[];
  readonly result: TensorStatsResult;
}

export interface GroupSummary {
  coefficients: number;
  blocks: number;
  kindsUsed: number;
  top10Share: number;
  entropyBits: number;
  relRmse: number;
  snrDb: number | null;
  /** Mean over input groups of the distinct ordered signed tuples the rows use. */
  distinctTuplesPerGroup: number;
  /** Block instances one input group needs if identical tuples share, over rows: 1 means no sharing. */
  sharedInstanceFraction: number;
  topKinds: Array<{ rank: number; levels: number[]; count: number; share: number }>;
}

/** Level values of a kind (magnitudes when sign-folded), for reports. */
export function kindLevels(spec: StatsSpec, rank: number): number[] {
  const values = spec.signFold ? foldedValues(spec.format) : [...FORMATS[spec.format].levelValues];
  return unrankMultiset(rank, levelCount(spec.format, spec.signFold), spec.k).map((i) => values[i]);
}

function summarize(results: readonly TensorStatsResult[], spec: StatsSpec): GroupSummary {
  const kinds = kindCount(levelCount(spec.format, spec.signFold), spec.k);
  const histogram = new Float64Array(kinds);
  let coefficients = 0;
  let sumSq = 0;
  let errSq = 0;
  let groups = 0;
  let distinct = 0;
  let blocks = 0;
  for (const r of results) {
    for (let i = 0; i < kinds; i++) histogram[i] += r.histogram[i];
    coefficients += r.coefficients;
    sumSq += r.sumSq;
    errSq += r.errSq;
    groups += r.groups;
    distinct += r.distinctTuples;
    blocks += r.blocks;
  }
  const summary = summarizeHistogram(histogram);
  const error = errorMetrics({ sumSq, errSq });
  return {
    coefficients,
    blocks,
    kindsUsed: summary.kindsUsed,
    top10Share: summary.top10Share,
    entropyBits: summary.entropyBits,
    relRmse: error.relRmse,
    snrDb: Number.isFinite(error.snrDb) ? error.snrDb : null,
    distinctTuplesPerGroup: groups > 0 ? distinct / groups : 0,
    sharedInstanceFraction: blocks > 0 ? distinct / blocks : 0,
    topKinds: summary.topKinds.map((k) => ({ rank: k.rank, levels: kindLevels(spec, k.rank), count: k.count, share: k.count / summary.blocks })),
  };
}

export interface StatsReport {
  overall: GroupSummary & { histogram: number[] };
  layers: Array<{ layer: number | null } & GroupSummary>;
  tensors: Array<{ name: string; role: string; layer: number | null; shape: readonly number[] } & GroupSummary>;
}

/** Build the report: overall (with the full histogram), per layer (embeddings and head as layer null), per tensor. */
export function buildStatsReport(entries: readonly TensorEntry[], spec: StatsSpec): StatsReport {
  const overall = summarize(entries.map((e) => e.result), spec);
  const kinds = kindCount(levelCount(spec.format, spec.signFold), spec.k);
  const histogram = new Array<number>(kinds).fill(0);
  for (const e of entries) for (let i = 0; i < kinds; i++) histogram[i] += e.result.histogram[i];
  const layerIds = [...new Set(entries.map((e) => e.layer))].sort((a, b) => (a ?? -1) - (b ?? -1));
  return {
    overall: { ...overall, histogram },
    layers: layerIds.map((layer) => ({ layer, ...summarize(entries.filter((e) => e.layer === layer).map((e) => e.result), spec) })),
    tensors: entries.map((e) => ({ name: e.name, role: e.role, layer: e.layer, shape: e.shape, ...summarize([e.result], spec) })),
  };
}

/** CSV: one line per tensor and used kind: tensor, layer, role, kind rank, kind levels, blocks. */
export function statsCsv(entries: readonly TensorEntry[], spec: StatsSpec): string {
  const lines = ['tensor,layer,role,kind,levels,blocks'];
  const labels = new Map<number, string>();
  for (const e of entries) {
    const h = e.result.histogram;
    for (let rank = 0; rank < h.length; rank++) {
      if (h[rank] === 0) continue;
      let label = labels.get(rank);
      if (label === undefined) {
        label = kindLevels(spec, rank).join(' ');
        labels.set(rank, label);
      }
      lines.push(`${e.name},${e.layer ?? ''},${e.role},${rank},${label},${h[rank]}`);
    }
  }
  return lines.join('\n') + '\n';
}
