/** TF.js `model.json` weight manifests (pure): tensors with their byte ranges across shard files. */
import { UserError } from '@hardwire/core';

export interface TfjsWeight {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  /** Byte offset in the concatenation of the group's shard files. */
  readonly groupOffset: number;
  readonly byteLength: number;
  readonly group: number;
}

export interface TfjsManifest {
  readonly groups: ReadonlyArray<{ paths: string[] }>;
  readonly weights: TfjsWeight[];
}

/** Parse the weightsManifest of a model.json text. */
export function parseTfjsManifest(text: string, file: string): TfjsManifest {
  let json: { weightsManifest?: unknown };
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new UserError(`${file}: no weightsManifest list (not a TF.js model.json)`);
  const groups: Array<{ paths: string[] }> = [];
  const weights: TfjsWeight[] = [];
  json.weightsManifest.forEach((g: { paths?: unknown; weights?: unknown }, gi: number) => {
    if (!Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string' && !p.includes('..'))) throw new UserError(`${file}: weightsManifest[${gi}].paths must be a list of file names`);
    if (!Array.isArray(g.weights)) throw new UserError(`${file}: weightsManifest[${gi}].weights must be a list`);
    groups.push({ paths: g.paths as string[] });
    let offset = 0;
    for (const w of g.weights as Array<{ name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown }>) {
      const name = String(w.name);
      if (w.quantization) throw new UserError(`${file}: weight ${name} is quantized in the manifest (unsupported; expected float32)`);
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new UserError(`${file}: weight ${name}: unsupported dtype ${JSON.stringify(w.dtype)} (expected float32)`);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new UserError(`${file}: weight ${name}: bad shape`);
      const byteLength = (w.shape as number[]).reduce((a, b) => a * b, 1) * 4;
      weights.push({ name, shape: w.shape as number[], dtype: w.dtype, groupOffset: offset, byteLength, group: gi });
      offset += byteLength;
    }
  });
  return { groups, weights };
}
