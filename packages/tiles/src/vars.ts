/** Config vars of the tile stages. */
import { custom, int, list, str } from '@hardwire/core';

export const tileVar = custom<{ rows: number; cols: number }, { default: { rows: number; cols: number }; doc: string; show: (t: { rows: number; cols: number }) => string }>(
  'ROWSxCOLS',
  (raw) => {
    const m = /^(\d+)x(\d+)$/.exec(raw);
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
export const tensorVar = str({ doc: "Tensor to cut tiles from (default: layer 0's q_proj, or the first layer matrix)." });
export const tileArchsVar = list({ default: ['da', 'parallel'], choices: ['da', 'parallel'], doc: 'Tile architectures to build.' });
export const checkVectorsVar = int({ default: 10_000, min: 10_000, doc: 'Vectors (corners plus seeded random) the gate-level check drives through each tile.' });
export const checkSeedVar = int({ default: 1, min: 0, doc: 'Seed of the check vectors.' });
export const crosscheckVectorsVar = int({ default: 1000, min: 0, doc: 'Of those, how many Icarus also simulates on the kit cell models (0: no cross-check).' });
