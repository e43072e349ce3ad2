/**
 * Pack tiles into one field with ELK rectpacking (pure apart from the layout call, which is injected):
 * tiles are taken in order while their area fits the target utilization; ELK lays them out; while the
 * result exceeds the field's usable box, the last tile is handed back to the next field (legalization,
 * since ELK knows no bounds).
 */
import type { FloorTile } from './floorTiles.ts';

export interface ElkNode {
  id: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
}

export interface ElkGraph {
  id: string;
  layoutOptions: Record<string, string>;
  children: ElkNode[];
  edges: [];
  width?: number;
  height?: number;
}

export type ElkLayout = (graph: ElkGraph) => Promise<ElkGraph>;

export interface PlacedTile extends FloorTile {
  /** Position inside the field's usable box, mm (lower-left). */
  readonly fx: number;
  readonly fy: number;
}

/** The ELK graph for tiles in a usable box (pure). Ids are the tile ids. */
export function toElkGraph(tiles: readonly FloorTile[], usableW: number, usableH: number, spacingMm: number): ElkGraph {
  return {
    id: 'field',
    layoutOptions: {
      'elk.algorithm': 'rectpacking',
      'elk.aspectRatio': String(usableW / usableH),
      'elk.spacing.nodeNode': String(spacingMm),
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
      'elk.rectpacking.widthApproximation.strategy': 'TARGET_WIDTH',
      'elk.rectpacking.widthApproximation.targetWidth': String(usableW),
    },
    children: tiles.map((t) => ({ id: t.id, width: t.w, height: t.h })),
    edges: [],
  };
}

/** Read positions back (pure); ELK's y grows downwards, ours upwards. */
export function fromElkGraph(tiles: readonly FloorTile[], laidOut: ElkGraph): { placed: PlacedTile[]; width: number; height: number } {
  const byId = new Map(laidOut.children.map((c) => [c.id, c]));
  let width = 0;
  let height = 0;
  for (const c of laidOut.children) {
    width = Math.max(width, (c.x ?? 0) + c.width);
    height = Math.max(height, (c.y ?? 0) + c.height);
  }
  const placed = tiles.map((t) => {
    const c = byId.get(t.id)!;
    return { ...t, fx: c.x ?? 0, fy: height - (c.y ?? 0) - t.h };
  });
  return { placed, width, height };
}

/**
 * Take tiles from the front of `queue` for one field: up to `targetUtilization` of the usable area, then
 * shrink until ELK's layout fits the box. Returns the placed tiles; the queue keeps the rest.
 */
export async function packField(queue: FloorTile[], usableW: number, usableH: number, targetUtilization: number, spacingMm: number, layout: ElkLayout): Promise<PlacedTile[]> {
  const budget = usableW * usableH * targetUtilization;
  let take = 0;
  let area = 0;
  while (take < queue.length && area + queue[take].w * queue[take].h <= budget) {
    area += queue[take].w * queue[take].h;
    take++;
  }
  if (take === 0 && queue.length > 0) {
    const t = queue[0];
    if (t.w > usableW || t.h > usableH) throw new RangeError(`tile ${t.id} (${t.w.toFixed(2)} x ${t.h.toFixed(2)} mm) is larger than a field's usable box (${usableW} x ${usableH} mm)`);
    take = 1;
  }
  while (take > 0) {
    const tiles = queue.slice(0, take);
    const { placed, width, height } = fromElkGraph(tiles, await layout(toElkGraph(tiles, usableW, usableH, spacingMm)));
    if (width <= usableW + 1e-9 && height <= usableH + 1e-9) {
      queue.splice(0, take);
      return placed;
    }
    // Rectpacking keeps the input order: keep the tiles before the first one that leaves the box.
    // (ELK's y grows downwards: a tile is inside when its ELK top + height <= usableH.)
    let inside = 0;
    while (inside < placed.length && elkBottom(placed[inside], height) <= usableH + 1e-9 && placed[inside].fx + placed[inside].w <= usableW + 1e-9) inside++;
    take = Math.min(take - 1, Math.max(1, inside));
  }
  return [];
}

/** A placed tile's lower edge in ELK's top-down frame. */
function elkBottom(t: PlacedTile, layoutHeight: number): number {
  return layoutHeight - t.fy;
}
