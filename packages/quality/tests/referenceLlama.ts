/**
 * An independent Llama forward pass for the tests: reads a llama2.c checkpoint's bytes itself (Meta layout,
 * interleaved RoPE pairs (2i, 2i+1) as llama2.c's run.c rotates them), computes in float64, and attends over
 * the whole sequence at once with a causal mask (no KV cache). Shares no code with the package.
 */
export function referenceLogits(bytes: Uint8Array, tokens: readonly number[]): Float64Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [dim, hidden, layers, heads, kvHeads, vocabRaw, seqLen] = Array.from({ length: 7 }, (_, i) => view.getInt32(4 * i, true));
  const vocab = Math.abs(vocabRaw);
  const hs = dim / heads;
  const kvDim = kvHeads * hs;
  let at = 28;
  const take = (n: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * n;
    return out;
  };
  const emb = take(vocab * dim);
  const rmsAtt = take(layers * dim);
  const wq = take(layers * dim * dim);
  const wk = take(layers * kvDim * dim);
  const wv = take(layers * kvDim * dim);
  const wo = take(layers * dim * dim);
  const rmsFfn = take(layers * dim);
  const w1 = take(layers * hidden * dim);
  const w2 = take(layers * dim * hidden);
  const w3 = take(layers * hidden * dim);
  const rmsFinal = take(dim);
  at += seqLen * hs * 4; // freq_cis, unused
  const wcls = vocabRaw > 0 ? emb : take(vocab * dim);
  const T = tokens.length;
  const mat = (w: Float64Array, off: number, rows: number, cols: number, x: Float64Array) => {
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += w[off + r * cols + c] * x[c];
      y[r] = s;
    }
    return y;
  };
  const norm = (x: Float64Array, g: Float64Array, off: number) => {
    let ss = 0;
    for (const v of x) ss += v * v;
    const inv = 1 / Math.sqrt(ss / x.length + 1e-5);
    return x.map((v, i) => v * inv * g[off + i]);
  };
  const rope = (v: Float64Array, pos: number, n: number) => {
    for (let i = 0; i < n; i += 2) {
      const f = 1 / 10000 ** ((i % hs) / hs);
      const c = Math.cos(pos * f);
      const s = Math.sin(pos * f);
      const [a, b] = [v[i], v[i + 1]];
      v[i] = a * c - b * s;
      v[i + 1] = a * s + b * c;
    }
  };
  let xs = tokens.map((t) => emb.slice(t * dim, (t + 1) * dim));
  for (let l = 0; l < layers; l++) {
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (let p = 0; p < T; p++) {
      const xb = norm(xs[p], rmsAtt, l * dim);
      const q = mat(wq, l * dim * dim, dim, dim, xb);
      const k = mat(wk, l * kvDim * dim, kvDim, dim, xb);
      rope(q, p, dim);
      rope(k, p, kvDim);
      qs.push(q);
      ks.push(k);
      vs.push(mat(wv, l * kvDim * dim, kvDim, dim, xb));
    }
    xs = xs.map((x, p) => {
      const att = new Float64Array(dim);
      for (let h = 0; h < heads; h++) {
        const kh = Math.floor(h / (heads / kvHeads));
        const scores = Array.from({ length: p + 1 }, (_, t) => {
          let s = 0;
          for (let i = 0; i < hs; i++) s += qs[p][h * hs + i] * ks[t][kh * hs + i];
          return s / Math.sqrt(hs);
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t <= p; t++) for (let i = 0; i < hs; i++) att[h * hs + i] += (e[t] / z) * vs[t][kh * hs + i];
      }
      const o = mat(wo, l * dim * dim, dim, dim, att);
      const x1 = x.map((v, i) => v + o[i]);
      const xb = norm(x1, rmsFfn, l * dim);
      const g = mat(w1, l * hidden * dim, hidden, dim, xb);
      const u = mat(w3, l * hidden * dim, hidden, dim, xb);
      const hb = g.map((v, i) => (v / (1 + Math.exp(-v))) * u[i]);
      const d = mat(w2, l * dim * hidden, dim, hidden, hb);
      return x1.map((v, i) => v + d[i]);
    });
  }
  return xs.map((x) => mat(wcls, 0, vocab, dim, norm(x, rmsFinal, 0)));
}
