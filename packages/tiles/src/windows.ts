/**
 * A windows file (`--windows FILE`, pure once read): many tile windows for one run, each a tensor, a top-left
 * corner and optionally its own weight seed and size, as a YAML list:
 *
 * ```yaml
 * - { tensor: model.layers.0.self_attn.q_proj.weight, at: "0,0", seed: 1 }
 * - { tensor: model.layers.15.mlp.down_proj.weight, at: "2048,9000", seed: 1, tile: 8x16 }
 * ```
 *
 * Errors name the file, the window (1-based) and the field.
 */
import { UserError, parseFlowYaml } from '@hardwire/core';

export interface TileWindow {
  readonly tensor: string;
  readonly row: number;
  readonly col: number;
  /** Weight seed of this window (synthetic weights); default: --seed. */
  readonly seed?: number;
  /** Window size; default: --tile. */
  readonly rows?: number;
  readonly cols?: number;
}

const FIELDS = ['tensor', 'at', 'seed', 'tile'];

/** Parse a windows file's text; `file` names it in errors. */
export function parseWindowsFile(text: string, file: string): TileWindow[] {
  let doc: unknown;
  try {
    doc = parseFlowYaml(text, file);
  } catch (error) {
    throw new UserError(`--windows ${(error as Error).message}`);
  }
  if (!Array.isArray(doc) || doc.length === 0) throw new UserError(`--windows ${file}: expected a YAML list of windows ({ tensor, at: "ROW,COL", seed?, tile? })`);
  const seen = new Set<string>();
  return doc.map((entry: unknown, i) => {
    const where = `--windows ${file}: window ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UserError(`${where}: expected a mapping { tensor, at: "ROW,COL", seed?, tile? }`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !FIELDS.includes(k));
    if (unknown) throw new UserError(`${where}: unknown field ${unknown} (expected ${FIELDS.join(', ')})`);
    if (typeof e.tensor !== 'string' || e.tensor === '') throw new UserError(`${where}: field tensor: expected a tensor name, e.g. model.layers.0.self_attn.q_proj.weight`);
    const at = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(String(e.at ?? ''));
    if (!at) throw new UserError(`${where}: field at: expected "ROW,COL", e.g. "0,0", got ${JSON.stringify(e.at)}`);
    let seed: number | undefined;
    if (e.seed !== undefined) {
      if (typeof e.seed !== 'number' || !Number.isInteger(e.seed) || e.seed < 0) throw new UserError(`${where}: field seed: expected a whole number >= 0, got ${JSON.stringify(e.seed)}`);
      seed = e.seed;
    }
    let size: { rows?: number; cols?: number } = {};
    if (e.tile !== undefined) {
      const m = /^(\d+)x(\d+)$/.exec(String(e.tile));
      if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) throw new UserError(`${where}: field tile: expected ROWSxCOLS, e.g. 8x16, got ${JSON.stringify(e.tile)}`);
      size = { rows: Number(m[1]), cols: Number(m[2]) };
    }
    const w: TileWindow = { tensor: e.tensor, row: Number(at[1]), col: Number(at[2]), ...(seed !== undefined ? { seed } : {}), ...size };
    const key = `${w.tensor}|${w.row},${w.col}|${w.seed ?? ''}|${w.rows ?? ''}x${w.cols ?? ''}`;
    if (seen.has(key)) throw new UserError(`${where}: the same window as an earlier one`);
    seen.add(key);
    return w;
  });
}

/** What a window adds to its tiles' ids: its seed when it has its own (`-s3`), so two seeds of one window differ. */
export function windowSuffix(w: TileWindow, defaultSeed: number): string {
  return w.seed !== undefined && w.seed !== defaultSeed ? `-s${w.seed}` : '';
}
