/**
 * Multi-operand addition as a carry-save compressor tree and one ripple carry-propagate adder (pure).
 * Bits of any weight go in; per weight, full adders take the three earliest-arriving bits (sum stays, carry
 * moves up a weight) until at most two remain (the three-greedy of Stelling and Oklobdzija: fewest adder
 * levels, no half adders in the tree); a constant 1 of that weight is absorbed by a cheap XNOR/OR pair.
 * The result is taken modulo 2^width: carries out of the top weight are dropped.
 */
import { CONST0, CONST1, type ModuleWriter } from './ModuleWriter.ts';

export interface TreeBit {
  readonly signal: string;
  readonly weight: number;
}

export interface SumStats {
  readonly inputBits: number;
  readonly treeFullAdders: number;
  readonly cpaFullAdders: number;
  readonly cpaHalfAdders: number;
  /** Adder levels of the tree (longest path in full-adder delays, before the carry-propagate adder). */
  readonly treeLevels: number;
}

interface Arrival {
  readonly signal: string;
  readonly level: number;
}

function insertSorted(column: Arrival[], bit: Arrival): void {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (column[mid].level <= bit.level) lo = mid + 1;
    else hi = mid;
  }
  column.splice(lo, 0, bit);
}

/**
 * Emit Σ bits + constant (mod 2^width) into `m`; returns the `width` result bits (LSB first; a bit may be a
 * constant literal) and what was spent.
 */
export function emitSum(m: ModuleWriter, bits: readonly TreeBit[], constant: bigint, width: number): { sum: string[]; stats: SumStats } {
  const modulus = 1n << BigInt(width);
  const k = ((constant % modulus) + modulus) % modulus;
  const constOne = Array.from({ length: width }, (_, w) => ((k >> BigInt(w)) & 1n) === 1n);
  const columns: Arrival[][] = Array.from({ length: width }, () => []);
  for (const b of bits) {
    if (b.weight < 0 || b.weight >= width) throw new RangeError(`adder tree: bit ${b.signal} of weight ${b.weight} outside width ${width}`);
    columns[b.weight].push({ signal: b.signal, level: 0 });
  }
  const fa0 = m.fullAdders;
  let treeLevels = 0;
  for (let w = 0; w < width; w++) {
    const col = columns[w];
    const up = w + 1 < width ? columns[w + 1] : undefined;
    while (col.length + (constOne[w] ? 1 : 0) > 2) {
      if (constOne[w] && col.length >= 2) {
        const [a, b] = col.splice(0, 2);
        const level = Math.max(a.level, b.level) + 1;
        constOne[w] = false;
        if (up) {
          const r = m.plusOne(a.signal, b.signal);
          insertSorted(col, { signal: r.s, level });
          insertSorted(up, { signal: r.co, level });
        } else {
          const s = m.wire();
          m.assign(s, `~(${a.signal} ^ ${b.signal})`);
          insertSorted(col, { signal: s, level });
        }
        treeLevels = Math.max(treeLevels, level);
        continue;
      }
      const [a, b, c] = col.splice(0, 3);
      const level = Math.max(a.level, b.level, c.level) + 1;
      treeLevels = Math.max(treeLevels, level);
      if (up) {
        const r = m.fullAdder(a.signal, b.signal, c.signal);
        insertSorted(col, { signal: r.s, level });
        insertSorted(up, { signal: r.co, level });
      } else {
        const s = m.wire();
        m.assign(s, `${a.signal} ^ ${b.signal} ^ ${c.signal}`);
        insertSorted(col, { signal: s, level });
      }
    }
  }
  const treeFullAdders = m.fullAdders - fa0;
  // Ripple carry-propagate adder over the two rows that are left.
  const fa1 = m.fullAdders;
  const ha1 = m.halfAdders;
  const sum: string[] = [];
  let carry: string | undefined;
  for (let w = 0; w < width; w++) {
    const items = columns[w].map((b) => b.signal);
    if (carry) items.push(carry);
    carry = undefined;
    const top = w === width - 1;
    const one = constOne[w];
    if (items.length === 3) {
      if (top) {
        const s = m.wire();
        m.assign(s, items.join(' ^ '));
        sum.push(s);
      } else {
        const r = m.fullAdder(items[0], items[1], items[2]);
        sum.push(r.s);
        carry = r.co;
      }
    } else if (items.length === 2 && one) {
      if (top) {
        const s = m.wire();
        m.assign(s, `~(${items[0]} ^ ${items[1]})`);
        sum.push(s);
      } else {
        const r = m.plusOne(items[0], items[1]);
        sum.push(r.s);
        carry = r.co;
      }
    } else if (items.length === 2) {
      if (top) {
        const s = m.wire();
        m.assign(s, `${items[0]} ^ ${items[1]}`);
        sum.push(s);
      } else {
        const r = m.halfAdder(items[0], items[1]);
        sum.push(r.s);
        carry = r.co;
      }
    } else if (items.length === 1 && one) {
      const s = m.wire();
      m.assign(s, `~${items[0]}`);
      sum.push(s);
      carry = top ? undefined : items[0];
    } else if (items.length === 1) sum.push(items[0]);
    else sum.push(one ? CONST1 : CONST0);
  }
  return { sum, stats: { inputBits: bits.length, treeFullAdders, cpaFullAdders: m.fullAdders - fa1, cpaHalfAdders: m.halfAdders - ha1, treeLevels } };
}
