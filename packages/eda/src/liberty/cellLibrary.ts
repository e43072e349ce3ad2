/** The logic view of a Liberty library (pure): per cell, its area, pins, output functions and storage. */
import { parseLiberty, type LibertyGroup } from './parseLiberty.ts';

export interface StorageSpec {
  readonly kind: 'ff' | 'latch';
  /** Internal state names, e.g. IQ and IQ_N. */
  readonly state: string;
  readonly stateNegated?: string;
  /** ff: clock expression; latch: enable expression. */
  readonly clock: string;
  /** ff: next_state; latch: data_in. */
  readonly data: string;
  readonly clear?: string;
  readonly preset?: string;
}

export interface CellSpec {
  readonly name: string;
  readonly area: number;
  readonly dontUse: boolean;
  readonly inputs: string[];
  /** Output pin -> Boolean function text (Liberty syntax). */
  readonly outputs: Map<string, string>;
  readonly storage?: StorageSpec;
  /** Cells with statetables (clock gates) or no functional outputs: not simulated. */
  readonly unsupported?: string;
}

/** Cells of a parsed Liberty library, by name. */
export function cellLibrary(root: LibertyGroup): Map<string, CellSpec> {
  const cells = new Map<string, CellSpec>();
  for (const g of root.groups) {
    if (g.type !== 'cell') continue;
    const name = g.args[0];
    const inputs: string[] = [];
    const outputs = new Map<string, string>();
    let storage: StorageSpec | undefined;
    let unsupported: string | undefined;
    for (const child of g.groups) {
      if (child.type === 'pin') {
        const dir = child.attrs.get('direction');
        if (dir === 'input') inputs.push(child.args[0]);
        else if (dir === 'output' || dir === 'inout') {
          const fn = child.attrs.get('function');
          if (fn !== undefined) outputs.set(child.args[0], fn);
        }
      } else if (child.type === 'ff' || child.type === 'latch') {
        storage = {
          kind: child.type,
          state: child.args[0],
          stateNegated: child.args[1],
          clock: child.attrs.get(child.type === 'ff' ? 'clocked_on' : 'enable') ?? '',
          data: child.attrs.get(child.type === 'ff' ? 'next_state' : 'data_in') ?? '',
          clear: child.attrs.get('clear'),
          preset: child.attrs.get('preset'),
        };
      } else if (child.type === 'statetable') unsupported = 'statetable';
      else if (child.type === 'bus' || child.type === 'bundle') unsupported = child.type;
    }
    cells.set(name, {
      name,
      area: Number(g.attrs.get('area') ?? 0),
      dontUse: g.attrs.get('dont_use') === 'true',
      inputs,
      outputs,
      storage,
      unsupported,
    });
  }
  return cells;
}

/** Parse Liberty text straight to its cell library. */
export function parseCellLibrary(text: string, file?: string): Map<string, CellSpec> {
  return cellLibrary(parseLiberty(text, file));
}

/** Instance area (µm²) of a netlist from its cell counts and the Liberty areas; throws on unknown cells. */
export function cellArea(cellsByType: Readonly<Record<string, number>>, cells: ReadonlyMap<string, CellSpec>): number {
  let area = 0;
  for (const [type, count] of Object.entries(cellsByType)) {
    const spec = cells.get(type);
    if (!spec) throw new Error(`cell type ${type} is not in the Liberty library`);
    area += spec.area * count;
  }
  return area;
}
