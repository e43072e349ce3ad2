/** Config vars of the tile stages. */
import { UserError, custom, int, list, str } from '@hardwire/core';
import { TILE_ARCHS, type TileArch } from './buildTile.ts';

const SIZE = /^(\d+)x(\d+)$/;

export const tileVar = custom<{ rows: number; cols: number }, { default: { rows: number; cols: number }; doc: string; show: (t: { rows: number; cols: number }) => string }>(
  'ROWSxCOLS',
  (raw) => {
    const m = SIZE.exec(raw);
    return m && Number(m[1]) > 0 && Number(m[2]) > 0 ? { rows: Number(m[1]), cols: Number(m[2]) } : { error: 'expected ROWSxCOLS, e.g. 16x32' };
  },
  { default: { rows: 16, cols: 32 }, doc: 'Tile window: rows (outputs) x cols (inputs) of the layer matrix.', show: (t) => `${t.rows}x${t.cols}` },
);
export const tileAtVar = custom<{ row: number; col: number }, { default: { row: number; col: number }; doc: string; show: (t: { row: number; col: number }) => string }>(
  'ROW,COL',
  (raw) => {
    const m = /^(\d+),(\d+)$/.exec(raw);
    return m ? { row: Number(m[1]), col: Number(m[2]) } : { error: 'expected ROW,COL, e.g. 0,0' };
  },
  { default: { row: 0, col: 0 }, doc: 'Top-left corner of the tile window in the matrix.', show: (t) => `${t.row},${t.col}` },
);
export const tileSizesVar = custom<Array<{ rows: number; cols: number }>, { doc: string; show: (t: Array<{ rows: number; cols: number }>) => string }>(
  'list of ROWSxCOLS',
  (raw) => {
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const sizes = items.map((s) => SIZE.exec(s));
    const bad = items.find((_, i) => !sizes[i] || Number(sizes[i]![1]) === 0 || Number(sizes[i]![2]) === 0);
    if (items.length === 0 || bad !== undefined) return { error: `expected ROWSxCOLS[,ROWSxCOLS...], e.g. 16x64,32x256${bad ? `, got ${bad}` : ''}` };
    return sizes.map((m) => ({ rows: Number(m![1]), cols: Number(m![2]) }));
  },
  { doc: 'Several tile windows (each cut at --tile-at), for sweeps; replaces --tile.', show: (t) => t.map((s) => `${s.rows}x${s.cols}`).join(',') },
);
export const windowsVar = str({ doc: 'A YAML file of tile windows to cut in one run (a list of { tensor, at: "ROW,COL", seed?, tile? }; seed: that window\'s weight seed, tile: its size), instead of --tensor and --tile-at. Tiles of a window with its own seed get -sN in their ids.' });
export const tensorVar = str({ doc: "Tensor to cut tiles from (default: layer 0's q_proj, or the first layer matrix)." });
export const tileArchsVar = list({ default: ['da', 'parallel'], choices: [...TILE_ARCHS, 'all'], doc: `Tile micro-architectures to build (${TILE_ARCHS.join(', ')}; all: every one).` });
export const shareMinUsesVar = int({ default: 3, min: 2, doc: 'bitserial-shared: extract a pair of streams only when this many rows use it (a serial adder costs about two tree bits).' });
export const shareLevelsVar = int({ default: 2, min: 1, max: 8, doc: 'bitserial-shared: levels of sums of sums; each level adds one cycle per vector.' });
export const checkVectorsVar = int({ default: 10_000, min: 10_000, doc: 'Vectors (corners plus seeded random) the gate-level check drives through each tile.' });
export const checkSeedVar = int({ default: 1, min: 0, doc: 'Seed of the check vectors.' });
export const crosscheckVectorsVar = int({ default: 1000, min: 0, doc: 'Of those, how many Icarus also simulates on the kit cell models (0: no cross-check).' });
export const crosscheckCellVectorsVar = int({ default: 200_000, min: 0, doc: 'Icarus budget: at most this many cells x vectors per tile (Icarus is event-driven and slow on deep adder trees), so big tiles get fewer cross-check vectors; 0: no limit.' });

/** The architectures a --tile-archs list names ('all' expands, order kept, duplicates dropped). */
export function expandTileArchs(list: readonly string[]): TileArch[] {
  const out: TileArch[] = [];
  for (const item of list) {
    const archs = item === 'all' ? [...TILE_ARCHS] : [item as TileArch];
    for (const a of archs) {
      if (!(TILE_ARCHS as readonly string[]).includes(a)) throw new UserError(`--tile-archs: unknown architecture ${a} (expected ${TILE_ARCHS.join(', ')} or all)`);
      if (!out.includes(a)) out.push(a);
    }
  }
  return out;
}
