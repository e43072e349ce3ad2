/** GSRC Bookshelf hard-block benchmarks (pure): `.blocks` (W x H per block), `.nets` (pins with % offsets from block centres). */

export interface BookshelfBlock {
  readonly name: string;
  readonly w: number;
  readonly h: number;
}

export interface BookshelfPin {
  readonly node: string;
  /** Offset from the block centre as fractions of width and height (0 for terminals and n-series pins). */
  readonly dx: number;
  readonly dy: number;
}

/** Hard blocks of a `.blocks` file (terminals are skipped). */
export function parseBlocks(text: string): BookshelfBlock[] {
  const blocks: BookshelfBlock[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+hardrectilinear\s+4\s+(.*)$/.exec(line);
    if (!m) continue;
    const points = [...m[2].matchAll(/\(\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\)/g)].map((p) => [Number(p[1]), Number(p[2])]);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    blocks.push({ name: m[1], w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) });
  }
  return blocks;
}

/** Nets of a `.nets` file. */
export function parseNets(text: string): BookshelfPin[][] {
  const nets: BookshelfPin[][] = [];
  let current: BookshelfPin[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('UCLA') || line.startsWith('NumNets') || line.startsWith('NumPins')) continue;
    const degree = /^NetDegree\s*:\s*(\d+)/.exec(line);
    if (degree) {
      current = [];
      nets.push(current);
      continue;
    }
    const pin = /^(\S+)\s+\S+(?:\s*:\s*%(-?[\d.]+)\s+%(-?[\d.]+))?/.exec(line);
    if (pin && current) current.push({ node: pin[1], dx: pin[2] ? Number(pin[2]) / 100 : 0, dy: pin[3] ? Number(pin[3]) / 100 : 0 });
  }
  return nets;
}

/** Half-perimeter wirelength over block pins (nets' terminals are left out; nets with < 2 block pins skipped). */
export function hpwl(nets: readonly BookshelfPin[][], placed: ReadonlyMap<string, { x: number; y: number; w: number; h: number }>): number {
  let total = 0;
  for (const net of nets) {
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    let pins = 0;
    for (const p of net) {
      const b = placed.get(p.node);
      if (!b) continue;
      const x = b.x + b.w / 2 + p.dx * b.w;
      const y = b.y + b.h / 2 + p.dy * b.h;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      pins++;
    }
    if (pins >= 2) total += maxX - minX + (maxY - minY);
  }
  return total;
}
