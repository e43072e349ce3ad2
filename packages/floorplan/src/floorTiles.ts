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
  readonly tensors: ReadonlyArray<{ readonly role: string; readonly layer: number | null; readonly areaMm2: number; readonly params?: number }>;
  readonly hiddenSize: number;
  /** Non-weight silicon of every transformer layer, mm² (KV-cache SRAM 0: none placed). */
  readonly perLayerMm2: { readonly attentionUnits: number; readonly kvSram: number; readonly normAndBuffers: number; readonly macUnits?: number };
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
  return role === 'attention' ? perLayer.attentionUnits : role === 'mlp' ? perLayer.normAndBuffers + (perLayer.macUnits ?? 0) : 0;
}

/** The (layer, role) groups of the model in dataflow order, with their areas (pure); KV-cache SRAM after its layer's attention. */
export function floorGroups(input: Omit<FloorTileInput, 'maxTileAreaMm2'>): Array<{ layer: number | null; role: FloorRole; areaMm2: number; params: number; busBits: number }> {
  const groups = new Map<string, { layer: number | null; role: FloorRole; areaMm2: number; params: number; order: number }>();
  const order = (layer: number | null, role: FloorRole) => (role === 'embed' ? -1 : role === 'head' ? 1e9 : (layer ?? 0) * 10 + (role === 'attention' ? 1 : role === 'kv' ? 2 : 3));
  for (const t of input.tensors) {
    const role = roleOf(t.role);
    if (!role) continue;
    const key = `${t.layer}|${role}`;
    const g = groups.get(key) ?? { layer: t.layer, role, areaMm2: layerExtra(t.layer, role, input.perLayerMm2), params: 0, order: order(t.layer, role) };
    g.areaMm2 += t.areaMm2;
    g.params += t.params ?? 0;
    groups.set(key, g);
  }
  const busBits = input.hiddenSize * input.activationBits;
  const out: Array<{ layer: number | null; role: FloorRole; areaMm2: number; params: number; busBits: number }> = [];
  for (const g of [...groups.values()].sort((a, b) => a.order - b.order)) {
    if (g.areaMm2 > 0) out.push({ layer: g.layer, role: g.role, areaMm2: g.areaMm2, params: g.params, busBits });
    if (g.role === 'attention' && g.layer !== null && input.perLayerMm2.kvSram > 0) out.push({ layer: g.layer, role: 'kv', areaMm2: input.perLayerMm2.kvSram, params: 0, busBits });
  }
  return out;
}

/** The groups split into equal square tiles no larger than `maxTileAreaMm2` (pure; the benchmark's hard-tile view). */
export function floorTiles(input: FloorTileInput): FloorTile[] {
  const tiles: FloorTile[] = [];
  for (const g of floorGroups(input)) {
    const n = Math.max(1, Math.ceil(g.areaMm2 / input.maxTileAreaMm2));
    const side = Math.sqrt(g.areaMm2 / n);
    for (let i = 0; i < n; i++) tiles.push({ id: `${g.layer === null ? g.role : `l${g.layer}.${g.role}`}.${i}`, layer: g.layer, role: g.role, w: side, h: side, busBits: g.busBits });
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
