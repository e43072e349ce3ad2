/**
 * The architecture sweep's tables (pure): one row per synthesized and proven tile (arch.csv), where its
 * transistors go by category (where.csv and a markdown table), and the chart of transistors per
 * coefficient against tile size per architecture.
 */
import { lineChartSvg } from '@hardwire/render';
import { TILE_ARCHS } from './buildTile.ts';

/** What a generated tile's top-level instance groups are, for "where the transistors go". */
export const CATEGORY_OF_GROUP: Readonly<Record<string, string>> = {
  u_blk: 'block functions',
  u_select: 'digit selection',
  u_fab: 'permutation wiring',
  u_share: 'shared sub-expressions',
  u_tree: 'row sums',
  u_acc: 'accumulators',
  u_inreg: 'input register',
  fanout: 'fanout buffers',
  top: 'control',
};

export const CATEGORIES = ['block functions', 'digit selection', 'permutation wiring', 'shared sub-expressions', 'row sums', 'accumulators', 'input register', 'fanout buffers', 'control'] as const;

export interface SweepTile {
  readonly id: string;
  readonly arch: string;
  readonly rows: number;
  readonly cols: number;
  readonly cells: number;
  readonly transistors: number;
  readonly areaUm2: number;
  readonly cyclesPerVector: number;
  readonly clockMhz?: number;
  readonly mismatches: number;
  readonly synthS: number;
  readonly synthPeakMb?: number;
  readonly transistorsByGroup: Readonly<Record<string, number>>;
  /** Row-tree bits with and without sharing (bitserial-shared), serial adders. */
  readonly rowBits?: number;
  readonly rowBitsUnshared?: number;
  readonly serialAdders?: number;
}

export const ARCH_CSV_COLUMNS = ['arch', 'rows', 'cols', 'coefficients', 'cells', 'transistors', 'transistors_per_coefficient', 'area_um2_per_coefficient', 'cycles_per_vector', 'clock_mhz', 'mismatches', 'synth_s'] as const;

const archOrder = (a: string) => {
  const i = (TILE_ARCHS as readonly string[]).indexOf(a);
  return i < 0 ? TILE_ARCHS.length : i;
};

/** Tiles in sweep order: architecture, then size. */
export function sortSweep(tiles: readonly SweepTile[]): SweepTile[] {
  return [...tiles].sort((a, b) => archOrder(a.arch) - archOrder(b.arch) || a.arch.localeCompare(b.arch) || a.rows * a.cols - b.rows * b.cols || a.rows - b.rows);
}

export function archCsv(tiles: readonly SweepTile[]): string {
  const lines = [ARCH_CSV_COLUMNS.join(',')];
  for (const t of sortSweep(tiles)) {
    const n = t.rows * t.cols;
    lines.push([t.arch, t.rows, t.cols, n, t.cells, t.transistors, (t.transistors / n).toFixed(3), (t.areaUm2 / n).toFixed(3), t.cyclesPerVector, t.clockMhz?.toFixed(1) ?? '', t.mismatches, t.synthS.toFixed(1)].join(','));
  }
  return lines.join('\n') + '\n';
}

/** Transistors by category of one tile (groups the table does not know count as control). */
export function categoryTransistors(t: SweepTile): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  for (const [group, n] of Object.entries(t.transistorsByGroup)) out[CATEGORY_OF_GROUP[group] ?? 'control'] += n;
  return out;
}

export function whereCsv(tiles: readonly SweepTile[]): string {
  const lines = ['arch,rows,cols,category,transistors,transistors_per_coefficient'];
  for (const t of sortSweep(tiles)) for (const [category, n] of Object.entries(categoryTransistors(t))) lines.push([t.arch, t.rows, t.cols, category, n, (n / (t.rows * t.cols)).toFixed(3)].join(','));
  return lines.join('\n') + '\n';
}

/** Each architecture's tile with the fewest transistors per coefficient. */
export function bestPerArch(tiles: readonly SweepTile[]): SweepTile[] {
  const best = new Map<string, SweepTile>();
  for (const t of sortSweep(tiles)) {
    const b = best.get(t.arch);
    if (!b || t.transistors / (t.rows * t.cols) < b.transistors / (b.rows * b.cols)) best.set(t.arch, t);
  }
  return [...best.values()];
}

/** Markdown: transistors per coefficient by category, one column per architecture at its best size. */
export function whereTableMarkdown(tiles: readonly SweepTile[]): string {
  const best = bestPerArch(tiles);
  const head = `| transistors per coefficient | ${best.map((t) => `${t.arch} ${t.rows}x${t.cols}`).join(' | ')} |`;
  const rule = `|---|${best.map(() => '---:').join('|')}|`;
  const cats = best.map(categoryTransistors);
  const rows = CATEGORIES.map((c) => `| ${c} | ${cats.map((x, i) => (x[c] / (best[i].rows * best[i].cols)).toFixed(2)).join(' | ')} |`);
  const total = `| **total** | ${best.map((t) => `**${(t.transistors / (t.rows * t.cols)).toFixed(2)}**`).join(' | ')} |`;
  const cycles = `| cycles per vector | ${best.map((t) => String(t.cyclesPerVector)).join(' | ')} |`;
  const clock = `| clock (MHz, SKY130, OpenSTA) | ${best.map((t) => (t.clockMhz ? t.clockMhz.toFixed(0) : '')).join(' | ')} |`;
  return [head, rule, ...rows, total, cycles, clock].join('\n') + '\n';
}

const COLORS: Record<string, string> = { da: '#2563eb', parallel: '#10b981', bitserial: '#f59e0b', 'bitserial-shared': '#dc2626' };

/** Transistors per coefficient against tile size, one line per architecture. */
export function archChartSvg(tiles: readonly SweepTile[], title: string, widthPx = 1200): string {
  const sorted = sortSweep(tiles);
  const sizes = [...new Map(sorted.map((t) => [`${t.rows}x${t.cols}`, t.rows * t.cols])).entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([s]) => s);
  const archs = [...new Set(sorted.map((t) => t.arch))];
  return lineChartSvg({
    title,
    xLabels: sizes.map((s) => `${s} (${(Number(s.split('x')[0]) * Number(s.split('x')[1])).toLocaleString('en-US')})`),
    xLabel: 'tile size: rows x cols (coefficients)',
    valueLabel: 'transistors per coefficient (SKY130 netlist)',
    series: archs.map((a) => ({ name: a, color: COLORS[a] ?? '#6b7280', values: sizes.map((s) => { const t = sorted.find((x) => x.arch === a && `${x.rows}x${x.cols}` === s); return t ? Number((t.transistors / (t.rows * t.cols)).toFixed(2)) : null; }) })),
    references: [{ value: 20, label: 'target 20' }, { value: 6.6, label: 'HC1: 6.6 per parameter, whole chip' }],
    logScale: true,
    widthPx,
    heightPx: Math.round(widthPx / 2),
  });
}
