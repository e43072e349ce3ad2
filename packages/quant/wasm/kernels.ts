// AssemblyScript source of the quantize-and-count kernel (WebAssembly SIMD). Built by tools/wasm/build.ts into
// kernels.wasm beside it; packages/quant/src/io/wasmKernels.ts loads it. The host owns the memory layout and
// passes byte offsets; nothing here allocates. Every value is computed with the same float64 operations in the
// same order as the JavaScript kernel (quantizeRows.ts, BlockStatsAccumulator.quantizeAndAddK4), so levels,
// counts and distinct tuples are identical; only the order of the error sums differs.

const RULE_MIDTREAD: i32 = 0;
const RULE_ABSMEAN: i32 = 1;

/** Scale of the f32 weights [ptr, ptr + 4n) under a linear rule (0 when all are zero). */
function groupScale(ptr: usize, n: i32, rule: i32, posMax: f64, negMax: f64): f64 {
  if (rule == RULE_ABSMEAN) {
    let sumAbs: f64 = 0;
    for (let i = 0; i < n; i++) sumAbs += Math.abs(<f64>load<f32>(ptr + (<usize>i << 2)));
    return sumAbs / <f64>n;
  }
  let vmax = f32x4.splat(0);
  let vmin = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(ptr + (<usize>i << 2));
    // pmax/pmin: vmax < x ? x : vmax, exactly the scalar rule (one instruction each; max/min order NaN and -0).
    vmax = f32x4.pmax(vmax, x);
    vmin = f32x4.pmin(vmin, x);
  }
  let mx: f32 = 0;
  let mn: f32 = 0;
  for (let lane = 0; lane < 4; lane++) {
    const a = lane == 0 ? f32x4.extract_lane(vmax, 0) : lane == 1 ? f32x4.extract_lane(vmax, 1) : lane == 2 ? f32x4.extract_lane(vmax, 2) : f32x4.extract_lane(vmax, 3);
    const b = lane == 0 ? f32x4.extract_lane(vmin, 0) : lane == 1 ? f32x4.extract_lane(vmin, 1) : lane == 2 ? f32x4.extract_lane(vmin, 2) : f32x4.extract_lane(vmin, 3);
    if (a > mx) mx = a;
    if (b < mn) mn = b;
  }
  for (; i < n; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    if (x > mx) mx = x;
    if (x < mn) mn = x;
  }
  const max = <f64>mx;
  const min = <f64>mn;
  return rule == RULE_MIDTREAD ? Math.max(max / posMax, -min / negMax) : Math.max(max, -min) / 3.5;
}

/**
 * Quantize `rows` rows of `cols` f32 weights (k = 4, `group` a multiple of 4 dividing into whole blocks) with a
 * linear rule, count each block's ordered tuple (t = l0 + q l1 + q² l2 + q³ l3) in u32 counts[t], mark it in
 * the input group's bitset seen[g * words ..], and add Σw² and Σ(w − ŵ)² to the two f64 at accPtr.
 * tuplesPtr is scratch for rows x cols/4 u16 tuples.
 */
export function quantizeCountK4(
  vPtr: usize, rows: i32, cols: i32, group: i32,
  rule: i32, posMax: f64, negMax: f64, offset: f64, top: i32, center: f64, q: i32, zeroLevel: i32,
  countsPtr: usize, seenPtr: usize, words: i32, tuplesPtr: usize, accPtr: usize,
): void {
  const q2 = q * q;
  const q3 = q2 * q;
  const zeroTuple = zeroLevel + q * zeroLevel + q2 * zeroLevel + q3 * zeroLevel;
  const offv = f64x2.splat(offset);
  const magic = f64x2.splat(4503599627370496.0);
  const zerof = f64x2.splat(0);
  const cenv = f64x2.splat(center);
  const topv = i32x4.splat(top);
  const mulv = i32x4(1, q, q2, q3);
  let sumAcc = f64x2.splat(0);
  let errAcc = f64x2.splat(0);
  const groups = cols >> 2;
  let tp = tuplesPtr;
  for (let r = 0; r < rows; r++) {
    const rowPtr = vPtr + (<usize>(r * cols) << 2);
    for (let g0 = 0; g0 < cols; g0 += group) {
      const n = min(group, cols - g0);
      const ptr = rowPtr + (<usize>g0 << 2);
      const scale = groupScale(ptr, n, rule, posMax, negMax);
      if (scale == 0) {
        for (let i = 0; i < n; i += 4) {
          store<u32>(countsPtr + (<usize>zeroTuple << 2), load<u32>(countsPtr + (<usize>zeroTuple << 2)) + 1);
          store<u16>(tp, <u16>zeroTuple);
          tp += 2;
        }
        continue;
      }
      const inv = 1 / scale;
      const invv = f64x2.splat(inv);
      const scv = f64x2.splat(scale);
      const end = ptr + (<usize>n << 2);
      for (let p = ptr; p < end; p += 16) {
        const x = v128.load(p);
        const xlo = f64x2.promote_low_f32x4(x);
        const xhi = f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 0, 1));
        // level = clamp(trunc(w / scale + offset), 0, top) as in JavaScript's `| 0` and clamps: pmax(0, y) sends
        // negatives and NaN to 0, and trunc(y) + 2^52 holds trunc(y) in its low 32 bits (y < 2^31 here, since
        // |w| / scale is bounded by the group's own extremes).
        const ylo = f64x2.add(f64x2.trunc(f64x2.pmax(zerof, f64x2.add(f64x2.mul(xlo, invv), offv))), magic);
        const yhi = f64x2.add(f64x2.trunc(f64x2.pmax(zerof, f64x2.add(f64x2.mul(xhi, invv), offv))), magic);
        const l = i32x4.min_s(v128.shuffle<i32>(ylo, yhi, 0, 2, 4, 6), topv);
        const dlo = f64x2.sub(xlo, f64x2.mul(f64x2.sub(f64x2.convert_low_i32x4_s(l), cenv), scv));
        const dhi = f64x2.sub(xhi, f64x2.mul(f64x2.sub(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(l, l, 2, 3, 0, 1)), cenv), scv));
        errAcc = f64x2.add(errAcc, f64x2.add(f64x2.mul(dlo, dlo), f64x2.mul(dhi, dhi)));
        sumAcc = f64x2.add(sumAcc, f64x2.add(f64x2.mul(xlo, xlo), f64x2.mul(xhi, xhi)));
        const m = i32x4.mul(l, mulv);
        const t = i32x4.extract_lane(m, 0) + i32x4.extract_lane(m, 1) + i32x4.extract_lane(m, 2) + i32x4.extract_lane(m, 3);
        const cp = countsPtr + (<usize>t << 2);
        store<u32>(cp, load<u32>(cp) + 1);
        store<u16>(tp, <u16>t);
        tp += 2;
      }
    }
  }
  // Distinct tuples per input group, group-major over the chunk: each group's bitset is touched once per chunk.
  for (let g = 0; g < groups; g++) {
    const base = seenPtr + (<usize>(g * words) << 2);
    for (let r = 0; r < rows; r++) {
      const t = <i32>load<u16>(tuplesPtr + (<usize>(r * groups + g) << 1));
      const wp = base + (<usize>(t >>> 5) << 2);
      store<u32>(wp, load<u32>(wp) | (1 << (t & 31)));
    }
  }
  store<f64>(accPtr, load<f64>(accPtr) + f64x2.extract_lane(sumAcc, 0) + f64x2.extract_lane(sumAcc, 1));
  store<f64>(accPtr + 8, load<f64>(accPtr + 8) + f64x2.extract_lane(errAcc, 0) + f64x2.extract_lane(errAcc, 1));
}

/**
 * The synthetic weight stream (mirror of packages/models/src/synthetic.ts fillSynthetic, proven bit-identical
 * by the tests). A 16-bit draw is a 12-bit cell of the quantile table and a 4-bit position inside it; its value
 * is a + (a1 - a) (pos + 0.5) / 16 in float64, times std, rounded to f32. `buildDrawTable` evaluates that once
 * for all 65,536 draws of a (quantile table, std); the outer cells (0 and 4095), whose values come from a
 * second hash on the host, get 0.
 */
export function buildDrawTable(knotsPtr: usize, std: f64, tablePtr: usize): void {
  for (let d = 0; d < 65536; d++) {
    const cell = d >>> 4;
    let v: f32 = 0;
    if (cell != 0 && cell != 4095) {
      const a = <f64>load<f32>(knotsPtr + (<usize>cell << 2));
      const a1 = <f64>load<f32>(knotsPtr + (<usize>(cell + 1) << 2));
      v = <f32>((a + (a1 - a) * (<f64>(d & 15) + 0.5) * 0.0625) * std);
    }
    store<f32>(tablePtr + (<usize>d << 2), v);
  }
}

/**
 * Pair j of the output holds elements 2(counter0 + j) and 2(counter0 + j) + 1: one lowbias32 hash of the pair
 * counter, its high 16 bits the first element's draw, its low 16 bits the second's. Pairs with a draw in an
 * outer cell go (as j) to the u32 list at tailPtr for the host to fill exactly; returns their count.
 */
export function fillSyntheticPairs(outPtr: usize, pairs: i32, counter0: u32, tablePtr: usize, tailPtr: usize, mul: u32, add: u32): i32 {
  let tails = 0;
  for (let j = 0; j < pairs; j++) {
    let x: u32 = (counter0 + <u32>j) * mul + add;
    x ^= x >>> 16;
    x *= 0x7feb352d;
    x ^= x >>> 15;
    x *= 0x846ca68b;
    x ^= x >>> 16;
    const d0 = x >>> 16;
    const d1 = x & 0xffff;
    const p = outPtr + (<usize>j << 3);
    store<f32>(p, load<f32>(tablePtr + (<usize>d0 << 2)));
    store<f32>(p + 4, load<f32>(tablePtr + (<usize>d1 << 2)));
    // Outer cell: draw < 16 or draw >= 65520, i.e. (draw - 16) mod 2^16 >= 65504.
    if (((d0 - 16) & 0xffff) >= 65504 || ((d1 - 16) & 0xffff) >= 65504) {
      store<u32>(tailPtr + (<usize>tails << 2), <u32>j);
      tails++;
    }
  }
  return tails;
}
