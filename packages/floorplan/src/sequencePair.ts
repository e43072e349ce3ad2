/**
 * Hard-block floorplanning by simulated annealing over sequence pairs (pure, seeded). A sequence pair
 * (Γ+, Γ−) of the blocks encodes a packing: a before b in both means a left of b; a after b in Γ+ and
 * before it in Γ− means a below b (Murata et al. 1995). Every pair decodes to a compacted, overlap-free
 * placement, and every packing has a pair, so a search over pairs with 90° rotations can reach the best
 * packing. Decoding is the longest-common-subsequence evaluation with a Fenwick tree of prefix maxima,
 * O(n log n) per pair (Tang and Wong, FAST-SP, 2001). The annealer's moves: swap two blocks in Γ+, swap
 * them in both sequences, move one block to another position of Γ−, rotate a block; cost: the area of the
 * bounding box (optionally plus a weight times the half-perimeter wire length of the nets).
 *
 * This is what ELK lacks: its rectpacking places rectangles in rows in a given order and cannot rotate or
 * trade one block's position against another's; the wafer floorplan needs neither (its tiles are soft,
 * see fillField.ts), the published hard-block benchmarks need both.
 */
import { mulberry32 } from '@hardwire/core';

export interface HardBlock {
  readonly name: string;
  readonly w: number;
  readonly h: number;
}

export interface PlacedBlock {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  /** Width and height after rotation. */
  readonly w: number;
  readonly h: number;
}

export interface AnnealOptions {
  readonly seed: number;
  /** Moves in all (the run's length). */
  readonly moves: number;
  /** Allow 90° rotation of each block. */
  readonly rotate: boolean;
  /** Nets as lists of block indices with pin offsets from the block centre (fractions of w and h); used when wireWeight > 0. */
  readonly nets?: ReadonlyArray<ReadonlyArray<{ readonly block: number; readonly dx: number; readonly dy: number }>>;
  /** Cost = area + wireWeight x HPWL x sqrt(block area) (both terms in area units). 0: area only. */
  readonly wireWeight?: number;
}

export interface AnnealResult {
  readonly blocks: PlacedBlock[];
  readonly width: number;
  readonly height: number;
  readonly area: number;
  /** 1 - block area / bounding-box area. */
  readonly deadFraction: number;
  readonly movesTried: number;
  readonly movesAccepted: number;
}

/** The project's seeded generator (mulberry32) as fractions in [0, 1). */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Decoder state for n blocks: the pair, rotations and scratch arrays. */
class SequencePair {
  readonly plus: Int32Array;
  readonly minus: Int32Array;
  readonly posMinus: Int32Array;
  readonly rotated: Uint8Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  private readonly tree: Float64Array;

  constructor(
    readonly w: Float64Array,
    readonly h: Float64Array,
  ) {
    const n = w.length;
    this.plus = new Int32Array(n);
    this.minus = new Int32Array(n);
    this.posMinus = new Int32Array(n);
    this.rotated = new Uint8Array(n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.tree = new Float64Array(n + 1);
  }

  width(b: number): number {
    return this.rotated[b] ? this.h[b] : this.w[b];
  }

  height(b: number): number {
    return this.rotated[b] ? this.w[b] : this.h[b];
  }

  /** Decode into x, y; returns the bounding box. */
  decode(): { width: number; height: number } {
    const n = this.plus.length;
    const tree = this.tree;
    for (let i = 0; i < n; i++) this.posMinus[this.minus[i]] = i + 1;
    const query = (p: number) => {
      let m = 0;
      for (let i = p; i > 0; i -= i & -i) if (tree[i] > m) m = tree[i];
      return m;
    };
    const update = (p: number, v: number) => {
      for (let i = p; i <= n; i += i & -i) if (tree[i] < v) tree[i] = v;
    };
    tree.fill(0);
    let width = 0;
    for (let i = 0; i < n; i++) {
      const b = this.plus[i];
      const p = this.posMinus[b];
      const x = query(p - 1);
      this.x[b] = x;
      const right = x + this.width(b);
      update(p, right);
      if (right > width) width = right;
    }
    tree.fill(0);
    let height = 0;
    for (let i = n - 1; i >= 0; i--) {
      const b = this.plus[i];
      const p = this.posMinus[b];
      const y = query(p - 1);
      this.y[b] = y;
      const top = y + this.height(b);
      update(p, top);
      if (top > height) height = top;
    }
    return { width, height };
  }
}

function wireLength(sp: SequencePair, nets: NonNullable<AnnealOptions['nets']>): number {
  let total = 0;
  for (const net of nets) {
    if (net.length < 2) continue;
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const p of net) {
      const w = sp.width(p.block);
      const h = sp.height(p.block);
      const [dx, dy] = sp.rotated[p.block] ? [-p.dy, p.dx] : [p.dx, p.dy];
      const px = sp.x[p.block] + w / 2 + dx * w;
      const py = sp.y[p.block] + h / 2 + dy * h;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
    total += maxX - minX + (maxY - minY);
  }
  return total;
}

/** Anneal a floorplan of hard blocks (pure, deterministic for a seed). */
export function annealFloorplan(blocks: readonly HardBlock[], o: AnnealOptions): AnnealResult {
  const n = blocks.length;
  if (n === 0) return { blocks: [], width: 0, height: 0, area: 0, deadFraction: 0, movesTried: 0, movesAccepted: 0 };
  const random = rng(o.seed);
  const sp = new SequencePair(Float64Array.from(blocks, (b) => b.w), Float64Array.from(blocks, (b) => b.h));
  const blockArea = blocks.reduce((s, b) => s + b.w * b.h, 0);
  const wireWeight = o.wireWeight ?? 0;
  const scale = Math.sqrt(blockArea);
  // Start: a random pair (a grid-like packing appears quickly under annealing).
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  sp.plus.set(order);
  sp.minus.set(order);
  const cost = () => {
    const { width, height } = sp.decode();
    return width * height + (wireWeight > 0 && o.nets ? wireWeight * wireLength(sp, o.nets) * scale : 0);
  };
  let current = cost();
  let best = current;
  const bestPlus = Int32Array.from(sp.plus);
  const bestMinus = Int32Array.from(sp.minus);
  const bestRotated = Uint8Array.from(sp.rotated);

  // One move, applied in place; returns its undo.
  const move = (): (() => void) => {
    const kind = random();
    if (o.rotate && kind < 0.2) {
      const b = Math.floor(random() * n);
      sp.rotated[b] ^= 1;
      return () => {
        sp.rotated[b] ^= 1;
      };
    }
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) j++;
    if (kind < 0.5) {
      const s = sp.plus;
      [s[i], s[j]] = [s[j], s[i]];
      return () => {
        [s[i], s[j]] = [s[j], s[i]];
      };
    }
    if (kind < 0.8) {
      // Swap blocks a and b in both sequences.
      const a = sp.plus[i];
      const b = sp.plus[j];
      const p = sp.plus;
      const m = sp.minus;
      const ma = m.indexOf(a);
      const mb = m.indexOf(b);
      [p[i], p[j]] = [p[j], p[i]];
      [m[ma], m[mb]] = [m[mb], m[ma]];
      return () => {
        [p[i], p[j]] = [p[j], p[i]];
        [m[ma], m[mb]] = [m[mb], m[ma]];
      };
    }
    // Move the block at Γ− position i to position j.
    const m = sp.minus;
    const saved = Int32Array.from(m);
    const b = m[i];
    if (i < j) m.copyWithin(i, i + 1, j + 1);
    else m.copyWithin(j + 1, j, i);
    m[j] = b;
    return () => {
      m.set(saved);
    };
  };

  // Initial temperature: uphill moves of a short random walk accepted with probability about 0.9.
  let uphill = 0;
  let uphillCount = 0;
  for (let k = 0; k < Math.min(500, 20 * n); k++) {
    move();
    const c = cost();
    if (c > current) {
      uphill += c - current;
      uphillCount++;
    }
    current = c;
    if (c < best) {
      best = c;
      bestPlus.set(sp.plus);
      bestMinus.set(sp.minus);
      bestRotated.set(sp.rotated);
    }
  }
  let temperature = uphillCount > 0 ? -(uphill / uphillCount) / Math.log(0.9) : blockArea * 0.01;
  const steps = 200;
  const perStep = Math.max(1, Math.floor(o.moves / steps));
  const cooling = Math.pow(1e-5, 1 / steps); // from T0 to T0 / 100,000 over the run
  let tried = 0;
  let accepted = 0;
  for (let step = 0; step < steps; step++) {
    for (let k = 0; k < perStep; k++) {
      const undo = move();
      const c = cost();
      tried++;
      const delta = c - current;
      if (delta <= 0 || random() < Math.exp(-delta / temperature)) {
        current = c;
        accepted++;
        if (c < best - 1e-12) {
          best = c;
          bestPlus.set(sp.plus);
          bestMinus.set(sp.minus);
          bestRotated.set(sp.rotated);
        }
      } else undo();
    }
    temperature *= cooling;
  }
  sp.plus.set(bestPlus);
  sp.minus.set(bestMinus);
  sp.rotated.set(bestRotated);
  const { width, height } = sp.decode();
  const placed = blocks.map((b, i) => ({ name: b.name, x: sp.x[i], y: sp.y[i], w: sp.width(i), h: sp.height(i) }));
  return { blocks: placed, width, height, area: width * height, deadFraction: 1 - blockArea / (width * height), movesTried: tried, movesAccepted: accepted };
}

function mergeSkyline(sky: Array<{ x: number; w: number; y: number }>): Array<{ x: number; w: number; y: number }> {
  const out: Array<{ x: number; w: number; y: number }> = [];
  for (const s of sky) {
    const last = out[out.length - 1];
    if (last && Math.abs(last.y - s.y) <= 1e-9) last.w += s.w;
    else out.push({ ...s });
  }
  return out;
}

/**
 * Skyline packing with fitness numbers (pure; after Wei, Qin, Cheang and Xu's skyline heuristic for strip
 * packing, 2016): at the lowest segment of the skyline (leftmost on ties), every block that fits, either way
 * round, gets a fitness: 4 when it fills the segment's width and its top meets the taller neighbour, 3 when
 * it fills the width and meets the lower neighbour, 2 when it fills the width, 1 when its top meets the
 * taller neighbour, 0 otherwise; the fittest wins, ties going to the block earliest in `order`. It sits
 * against the taller neighbour. When nothing fits, the segment rises to its lower neighbour. Returns the
 * placement and its bounding box.
 */
export function skylinePack(blocks: readonly HardBlock[], order: ArrayLike<number>, stripWidth: number, rotate: boolean): { blocks: PlacedBlock[]; width: number; height: number; under: number } {
  const eps = 1e-9;
  const n = blocks.length;
  let sky: Array<{ x: number; w: number; y: number }> = [{ x: 0, w: stripWidth, y: 0 }];
  const used = new Uint8Array(n);
  const placed: PlacedBlock[] = new Array(n);
  let remaining = n;
  let width = 0;
  let height = 0;
  while (remaining > 0) {
    let s = 0;
    for (let i = 1; i < sky.length; i++) if (sky[i].y < sky[s].y - eps) s = i;
    const seg = sky[s];
    const lY = s > 0 ? sky[s - 1].y : Infinity;
    const rY = s + 1 < sky.length ? sky[s + 1].y : Infinity;
    const tall = Math.max(lY, rY);
    const low = Math.min(lY, rY);
    let pick = -1;
    let pickW = 0;
    let pickH = 0;
    let pickFit = -1;
    for (let k = 0; k < n && pickFit < 4; k++) {
      const i = order[k];
      if (used[i]) continue;
      const b = blocks[i];
      for (let r = 0; r < (rotate && b.w !== b.h ? 2 : 1); r++) {
        const w = r ? b.h : b.w;
        const h = r ? b.w : b.h;
        if (w > seg.w + eps) continue;
        const top = seg.y + h;
        const fillsWidth = Math.abs(w - seg.w) <= eps;
        const fit = fillsWidth ? (Math.abs(top - tall) <= eps ? 4 : Math.abs(top - low) <= eps ? 3 : 2) : Math.abs(top - tall) <= eps ? 1 : 0;
        if (fit > pickFit) {
          pick = i;
          pickW = w;
          pickH = h;
          pickFit = fit;
        }
      }
    }
    if (pick < 0) {
      if (!Number.isFinite(low)) throw new RangeError('a block is wider than the strip');
      seg.y = low;
      sky = mergeSkyline(sky);
      continue;
    }
    used[pick] = 1;
    remaining--;
    const atRight = rY > lY && pickW < seg.w - eps;
    const x = atRight ? seg.x + seg.w - pickW : seg.x;
    placed[pick] = { name: blocks[pick].name, x, y: seg.y, w: pickW, h: pickH };
    width = Math.max(width, x + pickW);
    height = Math.max(height, seg.y + pickH);
    const top = { x, w: pickW, y: seg.y + pickH };
    const rest = { x: atRight ? seg.x : x + pickW, w: seg.w - pickW, y: seg.y };
    sky.splice(s, 1, ...(rest.w > eps ? (atRight ? [rest, top] : [top, rest]) : [top]));
    sky = mergeSkyline(sky);
  }
  // Area under the final skyline: the blocks plus the holes they left (dead space no later block can fill).
  let under = 0;
  for (const seg of sky) under += seg.w * seg.y;
  return { blocks: placed, width, height, under };
}

/**
 * Minimize the bounding box of hard blocks with the skyline packer (pure, seeded): strip widths from the
 * widest block to 1.3 x the square side, block orders sorted four ways, then an annealed local search from
 * the best starts, swapping two blocks of the order or nudging the strip width. The search's cost is the
 * bounding box plus `holeWeight` (default 1) times the holes the packing leaves below its final skyline: the
 * box alone is flat over most moves (only the tallest column sets it), the holes tell a packing that is
 * closing up from one that is not (GSRC n100, best of seeds 1-3 at 150,000 moves: 1.61 % dead space with
 * the holes counted, 1.93 % without). The best packing by bounding box is returned.
 */
export function searchSkyline(blocks: readonly HardBlock[], o: { seed: number; iterations: number; rotate: boolean; widths?: number; starts?: number; holeWeight?: number }): AnnealResult {
  const n = blocks.length;
  const holeWeight = o.holeWeight ?? 1;
  const random = rng(o.seed);
  const blockArea = blocks.reduce((s, b) => s + b.w * b.h, 0);
  const widest = Math.max(...blocks.map((b) => (o.rotate ? Math.min(b.w, b.h) : b.w)));
  const ids = Array.from({ length: n }, (_, i) => i);
  const sorts = [
    [...ids].sort((a, b) => blocks[b].w * blocks[b].h - blocks[a].w * blocks[a].h || a - b),
    [...ids].sort((a, b) => Math.max(blocks[b].w, blocks[b].h) - Math.max(blocks[a].w, blocks[a].h) || a - b),
    [...ids].sort((a, b) => blocks[b].h - blocks[a].h || a - b),
    [...ids].sort((a, b) => blocks[b].w + blocks[b].h - (blocks[a].w + blocks[a].h) || a - b),
  ];
  type Candidate = { width: number; order: number[]; area: number; packed: ReturnType<typeof skylinePack> };
  const candidates: Candidate[] = [];
  const side = Math.sqrt(blockArea);
  const widths = o.widths ?? 40;
  for (let k = 0; k <= widths; k++) {
    const stripWidth = Math.max(widest, side * (0.85 + (0.45 * k) / widths));
    for (const order of sorts) {
      const packed = skylinePack(blocks, order, stripWidth, o.rotate);
      candidates.push({ width: stripWidth, order, area: packed.width * packed.height, packed });
    }
  }
  candidates.sort((a, b) => a.area - b.area || a.width - b.width);
  let best = candidates[0];
  const starts = candidates.slice(0, o.starts ?? 4);
  const perStart = Math.floor(o.iterations / starts.length);
  let tried = 0;
  let accepted = 0;
  for (const start of starts) {
    let current = { ...start, order: [...start.order], cost: start.area + holeWeight * (start.packed.under - blockArea) };
    // Annealed acceptance: from a 0.3 % larger box down to 0.003 % over the run (plateaus are wide).
    const t0 = start.area * 0.003;
    for (let it = 0; it < perStart; it++) {
      const temperature = t0 * Math.pow(0.01, it / Math.max(1, perStart));
      // Mostly swap two blocks of the order; sometimes nudge the strip width by up to 1 %.
      const order = [...current.order];
      let width = current.width;
      if (random() < 0.1) width = Math.max(widest, width * (1 + 0.02 * (random() - 0.5)));
      else {
        const i = Math.floor(random() * n);
        let j = Math.floor(random() * (n - 1));
        if (j >= i) j++;
        [order[i], order[j]] = [order[j], order[i]];
      }
      const packed = skylinePack(blocks, order, width, o.rotate);
      const area = packed.width * packed.height;
      const cost = area + holeWeight * (packed.under - blockArea);
      tried++;
      if (cost <= current.cost + 1e-9 || random() < Math.exp(-(cost - current.cost) / temperature)) {
        accepted++;
        current = { width, order, area, packed, cost };
        if (area < best.area - 1e-9) best = current;
      }
    }
  }
  const { packed } = best;
  return { blocks: packed.blocks, width: packed.width, height: packed.height, area: best.area, deadFraction: 1 - blockArea / best.area, movesTried: tried, movesAccepted: accepted };
}

/** Decode one sequence pair (pure): block i at positions of `plus` and `minus`, rotated where `rotated[i]`. */
export function packSequencePair(blocks: readonly HardBlock[], plus: readonly number[], minus: readonly number[], rotated: readonly boolean[] = []): { blocks: PlacedBlock[]; width: number; height: number } {
  const sp = new SequencePair(Float64Array.from(blocks, (b) => b.w), Float64Array.from(blocks, (b) => b.h));
  sp.plus.set(plus);
  sp.minus.set(minus);
  rotated.forEach((r, i) => (sp.rotated[i] = r ? 1 : 0));
  const { width, height } = sp.decode();
  return { blocks: blocks.map((b, i) => ({ name: b.name, x: sp.x[i], y: sp.y[i], w: sp.width(i), h: sp.height(i) })), width, height };
}
