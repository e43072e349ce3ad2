/**
 * The tiles a floorplan places, in dataflow order (pure): embeddings, then per layer its attention,
 * KV-cache SRAM and MLP tiles, then the head. Areas come from the capacity estimate (each weight matrix
 * from its own block statistics through the calibrated tile model, at the node); a layer's attention
 * units join its attention group, its norms and activation buffers its MLP group. Each (layer, role)
 * group's area is split into equal square tiles no larger than `maxTileAreaMm2`.
 */

export type FloorRole = 'embed' | 'attention' | 'kv' | 'mlp' | 'head';

export interface FloorTile {
  readonly id: string;
  readonly layer: number | null;
  readonly role: FloorRole;
  readonly w: number;
  readonly h: number;
  /** Bits flowing from this tile to the next one in dataflow order. */
  readonly busBits: number;
}

export interface FloorTileInput {
  /** Weight matrices with their silicon at the node, mm². */
  readonly tensors: ReadonlyArray<{ readonly role: string; readonly layer: number | null; readonly areaMm2: number }>;
  readonly hiddenSize: number;
  /** Non-weight silicon of every transformer layer, mm² (KV-cache SRAM 0: none placed). */
  readonly perLayerMm2: { readonly attentionUnits: number; readonly kvSram: number; readonly normAndBuffers: number };
  readonly maxTileAreaMm2: number;
  /** Activation width between tiles, bits per element. */
  readonly activationBits: number;
}

function roleOf(tensorRole: string): FloorRole | undefined {
  if (tensorRole === 'embed') return 'embed';
  if (tensorRole === 'head') return 'head';
  if (tensorRole.startsWith('attn.') && !tensorRole.endsWith('_bias') && tensorRole !== 'attn.sinks') return 'attention';
  if (tensorRole.startsWith('mlp.') || tensorRole.startsWith('moe.') || tensorRole === 'proj.in') return tensorRole.endsWith('_bias') ? undefined : 'mlp';
  return undefined;
}

function layerExtra(layer: number | null, role: FloorRole, perLayer: FloorTileInput['perLayerMm2']): number {
  if (layer === null) return 0;
  return role === 'attention' ? perLayer.attentionUnits : role === 'mlp' ? perLayer.normAndBuffers : 0;
}

export function floorTiles(input: FloorTileInput): FloorTile[] {
  const groups = new Map<string, { layer: number | null; role: FloorRole; areaMm2: number; order: number }>();
  const order = (layer: number | null, role: FloorRole) => (role === 'embed' ? -1 : role === 'head' ? 1e9 : (layer ?? 0) * 10 + (role === 'attention' ? 1 : role === 'kv' ? 2 : 3));
  for (const t of input.tensors) {
    const role = roleOf(t.role);
    if (!role) continue;
    const key = `${t.layer}|${role}`;
    const g = groups.get(key) ?? { layer: t.layer, role, areaMm2: layerExtra(t.layer, role, input.perLayerMm2), order: order(t.layer, role) };
    g.areaMm2 += t.areaMm2;
    groups.set(key, g);
  }
  const bus = input.hiddenSize * input.activationBits;
  const tiles: FloorTile[] = [];
  const emit = (layer: number | null, role: FloorRole, area: number) => {
    if (area <= 0) return;
    const n = Math.max(1, Math.ceil(area / input.maxTileAreaMm2));
    const side = Math.sqrt(area / n);
    for (let i = 0; i < n; i++) tiles.push({ id: `${layer === null ? role : `l${layer}.${role}`}.${i}`, layer, role, w: side, h: side, busBits: bus });
  };
  const sorted = [...groups.values()].sort((a, b) => a.order - b.order);
  for (const g of sorted) {
    emit(g.layer, g.role, g.areaMm2);
    if (g.role === 'attention' && g.layer !== null && input.perLayerMm2.kvSram > 0) emit(g.layer, 'kv', input.perLayerMm2.kvSram);
  }
  return tiles;
}

/**
 * A path through the fields in which consecutive fields share an edge wherever possible: a Hamiltonian
 * path of the field grid found by Warnsdorff's rule (go to the neighbour with the fewest onward moves;
 * ties by row, then column) with bounded backtracking, starting at each field of the bottom row in turn.
 * Falls back to the row-by-row snake when no such path is found within the budget.
 */
export function fieldPath<T extends { row: number; col: number }>(fields: readonly T[], maxSteps = 200_000): T[] {
  const key = (r: number, c: number) => `${r},${c}`;
  const at = new Map(fields.map((f) => [key(f.row, f.col), f]));
  const neighbours = (f: T) => [[1, 0], [-1, 0], [0, 1], [0, -1]].map(([dr, dc]) => at.get(key(f.row + dr, f.col + dc))).filter((n): n is T => n !== undefined);
  const ordered = [...fields].sort((a, b) => a.row - b.row || a.col - b.col);
  let steps = 0;
  const visited = new Set<T>();
  const path: T[] = [];
  const dfs = (f: T): boolean => {
    if (++steps > maxSteps) return false;
    visited.add(f);
    path.push(f);
    if (path.length === fields.length) return true;
    const options = neighbours(f)
      .filter((n) => !visited.has(n))
      .map((n) => ({ n, degree: neighbours(n).filter((m) => !visited.has(m)).length }))
      .sort((a, b) => a.degree - b.degree || a.n.row - b.n.row || a.n.col - b.n.col);
    for (const { n } of options) if (dfs(n)) return true;
    visited.delete(f);
    path.pop();
    return false;
  };
  const bottom = ordered.filter((f) => f.row === ordered[0]?.row);
  for (const start of bottom) {
    if (dfs(start)) return path;
    if (steps > maxSteps) break;
  }
  return snakeOrder(fields);
}

/** Fields in a boustrophedon (snake) order: row by row from the bottom, alternating direction. */
export function snakeOrder<T extends { row: number; col: number }>(fields: readonly T[]): T[] {
  return [...fields].sort((a, b) => a.row - b.row || (a.row % 2 === 0 ? a.col - b.col : b.col - a.col));
}
