/**
 * One layer's schedule as a dataflow diagram (pure): each step a box with its unit, lanes, area and cycles,
 * edges from each phase's steps to the next phase's, the critical path (the longest step of each phase) in red.
 * `dataflowGraph` builds the ELK graph (layered algorithm); `dataflowSvg` draws the graph ELK laid out.
 */

export interface DataflowStep {
  readonly name: string;
  readonly unit: string;
  readonly phase: number;
  readonly lanes: number;
  readonly cycles: number;
  readonly areaMm2: number;
  readonly critical: boolean;
}

export interface ElkNode {
  id: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
}

export interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  sections?: Array<{ startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: Array<{ x: number; y: number }> }>;
}

export interface ElkLayeredGraph {
  id: string;
  layoutOptions: Record<string, string>;
  children: ElkNode[];
  edges: ElkEdge[];
  width?: number;
  height?: number;
}

const BOX_W = 190;
const BOX_H = 62;

/** The ELK graph of one layer's steps: boxes of a fixed size, an edge from every step of a phase to every step of the next. */
export function dataflowGraph(steps: readonly DataflowStep[]): ElkLayeredGraph {
  const phases = [...new Set(steps.map((s) => s.phase))].sort((a, b) => a - b);
  const edges: ElkEdge[] = [];
  for (let i = 1; i < phases.length; i++) {
    for (const a of steps.filter((s) => s.phase === phases[i - 1])) for (const b of steps.filter((s) => s.phase === phases[i])) edges.push({ id: `${a.name}->${b.name}`, sources: [a.name], targets: [b.name] });
  }
  return {
    id: 'layer',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': '1.6',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.padding': '[top=20,left=20,bottom=20,right=20]',
    },
    children: steps.map((s) => ({ id: s.name, width: BOX_W, height: BOX_H })),
    edges,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const UNIT_COLORS: Record<string, string> = { weight_tiles: '#dbeafe', rom_macs: '#fef3c7', attn_dot: '#fee2e2', softmax_exp: '#fce7f3', kv_banks: '#dcfce7', reducer: '#ede9fe', norm_sumsq: '#e0f2fe', recip: '#e0f2fe', silu_mul: '#fae8ff', rope: '#ffedd5', argmax: '#f1f5f9', embedding_rom: '#fef3c7' };

/** The laid-out graph as SVG: boxes with the step, its unit and lanes, area and cycles; critical steps and edges in red. */
export function dataflowSvg(graph: ElkLayeredGraph, steps: readonly DataflowStep[], title: string, subtitle = ''): string {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const top = subtitle ? 58 : 40;
  const w = Math.ceil(graph.width ?? 800);
  const h = Math.ceil((graph.height ?? 600) + top + 30);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="DejaVu Sans, sans-serif">`, `<rect width="${w}" height="${h}" fill="#ffffff"/>`, `<text x="20" y="26" font-size="16" font-weight="bold">${esc(title)}</text>`, ...(subtitle ? [`<text x="20" y="46" font-size="13" fill="#334155">${esc(subtitle)}</text>`] : [])];
  parts.push('<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#64748b"/></marker><marker id="arrowRed" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#dc2626"/></marker></defs>');
  for (const e of graph.edges) {
    const a = byName.get(e.sources[0]);
    const b = byName.get(e.targets[0]);
    const critical = Boolean(a?.critical && b?.critical);
    for (const sec of e.sections ?? []) {
      const pts = [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint].map((p) => `${p.x.toFixed(1)},${(p.y + top).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${pts}" fill="none" stroke="${critical ? '#dc2626' : '#94a3b8'}" stroke-width="${critical ? 2.2 : 1}" marker-end="url(#${critical ? 'arrowRed' : 'arrow'})"/>`);
    }
  }
  for (const n of graph.children) {
    const s = byName.get(n.id);
    if (!s || n.x === undefined || n.y === undefined) continue;
    const x = n.x;
    const y = n.y + top;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width}" height="${n.height}" rx="6" fill="${UNIT_COLORS[s.unit] ?? '#f8fafc'}" stroke="${s.critical ? '#dc2626' : '#475569'}" stroke-width="${s.critical ? 2.5 : 1}"/>`);
    parts.push(`<text x="${(x + 8).toFixed(1)}" y="${(y + 18).toFixed(1)}" font-size="13" font-weight="bold">${esc(s.name)}</text>`);
    parts.push(`<text x="${(x + n.width - 8).toFixed(1)}" y="${(y + 18).toFixed(1)}" font-size="12" text-anchor="end" fill="${s.critical ? '#dc2626' : '#0f172a'}">${fmt(s.cycles)} cyc</text>`);
    parts.push(`<text x="${(x + 8).toFixed(1)}" y="${(y + 36).toFixed(1)}" font-size="11" fill="#334155">${esc(s.unit)} x ${fmt(s.lanes)}</text>`);
    parts.push(`<text x="${(x + 8).toFixed(1)}" y="${(y + 53).toFixed(1)}" font-size="11" fill="#334155">${s.areaMm2 >= 0.1 ? fmt(s.areaMm2, 2) : s.areaMm2.toPrecision(2)} mm² per layer</text>`);
  }
  parts.push(`<text x="20" y="${h - 10}" font-size="11" fill="#475569">red: the critical path (the longest step of each phase); steps side by side in a column run at the same time</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
