/** What placing every block costs, per layer and kind (pure): counts from the statistics, transistors from the library. */

export interface PlacementRow {
  layer: number | null;
  kind: number;
  coefficients: readonly number[];
  blocks: number;
  transistorsEach: number;
  areaEachUm2: number;
}

/** Parse blocks.csv (`tensor,layer,role,kind,levels,blocks`) into per-layer kind counts. */
export function layerKindCounts(csv: string): Map<string, number> {
  const counts = new Map<string, number>();
  const lines = csv.trim().split('\n');
  if (lines[0] !== 'tensor,layer,role,kind,levels,blocks') throw new Error('blocks.csv: unexpected header');
  for (const line of lines.slice(1)) {
    const parts = line.split(',');
    const key = `${parts[1]}|${parts[3]}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(parts[5]));
  }
  return counts;
}

/** Join counts with the library: one row per (layer, kind) used. */
export function placementRows(counts: ReadonlyMap<string, number>, library: ReadonlyArray<{ rank: number; coefficients: readonly number[]; transistors: number; areaUm2: number }>): PlacementRow[] {
  const byRank = new Map(library.map((k) => [k.rank, k]));
  const rows: PlacementRow[] = [];
  for (const [key, blocks] of counts) {
    const [layerText, kindText] = key.split('|');
    const kind = byRank.get(Number(kindText));
    if (!kind) throw new Error(`kind ${kindText} is not in the library`);
    rows.push({ layer: layerText === '' ? null : Number(layerText), kind: kind.rank, coefficients: kind.coefficients, blocks, transistorsEach: kind.transistors, areaEachUm2: kind.areaUm2 });
  }
  return rows.sort((a, b) => (a.layer ?? -1) - (b.layer ?? -1) || a.kind - b.kind);
}

/** placement.csv text. */
export function placementCsv(rows: readonly PlacementRow[]): string {
  const lines = ['layer,kind,coefficients,blocks,transistors_each,transistors,area_each_um2,area_um2'];
  for (const r of rows) lines.push(`${r.layer ?? ''},${r.kind},${r.coefficients.join(' ')},${r.blocks},${r.transistorsEach},${r.blocks * r.transistorsEach},${r.areaEachUm2},${(r.blocks * r.areaEachUm2).toFixed(4)}`);
  return lines.join('\n') + '\n';
}
