/** `PermNet.Route`: build a Beneš/Waksman network, route a permutation, verify it, emit and check its Verilog (edge). */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, int, oneOf, str, writeJsonAtomic, type StageContext } from '@hardwire/core';
import { chooseYosys, findKit, pdkRootVar, parseCellLibrary, parseYosysStat, readMarkedLiberty, runYosysScript, synthScript, type YosysBackend } from '@hardwire/eda';
import { GateSim, compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { networkCost } from './cost.ts';
import { buildNetwork, switchLowerBound, type Network } from './network.ts';
import { parsePermutationText, randomPermutation } from './randomPermutation.ts';
import { realizes, routePermutation } from './route.ts';
import { configBitstream, fixedNetworkVerilog, programmableNetworkVerilog } from './verilog.ts';

const vars = defineVars({
  n: int({ required: true, min: 1, max: 1 << 24, doc: 'Ports of the network.' }),
  seed: int({ default: 1, min: 0, doc: 'Seed of the random permutation (when --perm is not given).' }),
  perm: str({ doc: 'File with the permutation: output of each input, as a JSON array or whitespace-separated integers.' }),
  network: oneOf(['auto', 'benes', 'waksman'] as const, { default: 'auto', doc: 'auto: Beneš for powers of two, else Waksman.' }),
  verilogMaxN: int({ default: 256, min: 0, doc: 'Emit and simulate Verilog only up to this N (the programmable form is synthesized with yosys).' }),
  yosys: oneOf(['auto', 'native', 'wasm'] as const, { default: 'auto', doc: 'yosys for the gate-level check: auto, native or wasm.' }),
  pdkRoot: pdkRootVar,
});

/** Check the emitted netlist realizes the permutation: lane l carries bit l of every input index. */
function checkNetlist(sim: GateSim, network: Network, perm: ArrayLike<number>): number {
  const bits = Math.max(1, Math.ceil(Math.log2(network.n)));
  sim.setInput('x', (lane) => {
    let v = 0n;
    if (lane < bits) for (let i = 0; i < network.n; i++) if ((i >> lane) & 1) v |= 1n << BigInt(i);
    return v;
  });
  sim.evaluate();
  const inverse = new Int32Array(network.n);
  for (let i = 0; i < network.n; i++) inverse[perm[i]] = i;
  let mismatches = 0;
  for (let j = 0; j < network.n; j++) {
    let got = 0;
    for (let lane = 0; lane < bits; lane++) got |= Number((sim.readOutput('y', lane, false) >> BigInt(j)) & 1n) << lane;
    if (got !== inverse[j]) mismatches++;
  }
  return mismatches;
}

/**
 * Emit the fixed (with `settings`) and programmable Verilog into `dir`, synthesize both with yosys,
 * and simulate the netlists: the fixed one as is, the programmable one after shifting `settings` in.
 * Returns the outputs that do not carry the input `perm` sends them.
 */
export async function checkEmittedVerilog(
  ctx: Pick<StageContext<unknown>, 'exec' | 'log'>,
  dir: string,
  network: Network,
  settings: Uint8Array,
  perm: ArrayLike<number>,
  liberty: string,
  dontUseList: string | undefined,
  backend: YosysBackend,
): Promise<{ fixedMismatches: number; programmableMismatches: number; programmableCells: number; programmableFlops: number }> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'perm_fixed.v'), fixedNetworkVerilog(network, settings, 'perm_fixed'));
  writeFileSync(join(dir, 'perm_prog.v'), programmableNetworkVerilog(network, 'perm_prog'));
  const marked = readMarkedLiberty(liberty, dontUseList);
  writeFileSync(join(dir, 'cells.lib'), marked.text);
  writeFileSync(join(dir, 'synth.ys'), synthScript({ liberty: 'cells.lib', sources: ['perm_fixed.v', 'perm_prog.v'], modules: [{ top: 'perm_fixed', stem: 'perm_fixed.netlist' }, { top: 'perm_prog', stem: 'perm_prog.netlist' }] }));
  await runYosysScript(ctx, backend, dir, 'synth.ys', [join(dir, 'perm_fixed.v'), join(dir, 'perm_prog.v'), join(dir, 'cells.lib')]);
  const cells = parseCellLibrary(marked.text);
  const fixedSim = new GateSim(compileNetlist(JSON.parse(readFileSync(join(dir, 'perm_fixed.netlist.json'), 'utf8')) as YosysNetlistJson, 'perm_fixed', cells), 1);
  const fixedMismatches = checkNetlist(fixedSim, network, perm);
  const prog = compileNetlist(JSON.parse(readFileSync(join(dir, 'perm_prog.netlist.json'), 'utf8')) as YosysNetlistJson, 'perm_prog', cells);
  const progSim = new GateSim(prog, 1);
  progSim.setInput('cfg_en', () => -1);
  for (const bit of configBitstream(settings)) {
    progSim.setInput('cfg_in', () => (bit ? -1 : 0));
    progSim.evaluate();
    progSim.clock();
  }
  progSim.setInput('cfg_en', () => 0);
  const programmableMismatches = checkNetlist(progSim, network, perm);
  const stat = parseYosysStat(readFileSync(join(dir, 'perm_prog.netlist.stat.json'), 'utf8'), 'perm_prog');
  writeFileSync(join(dir, 'cells.lib'), ''); // the Liberty copy is large and reproducible: keep the run folder small
  return { fixedMismatches, programmableMismatches, programmableCells: stat.cells, programmableFlops: prog.flops.length };
}

export const permuteStage = defineStage({
  id: 'PermNet.Route',
  summary: 'Route a permutation through a Beneš or Waksman network (looping algorithm), verify by simulation, emit fixed and programmable Verilog and check it at gate level.',
  version: '1',
  inputs: [],
  outputs: ['route'],
  vars,
  async cacheSalt(config) {
    const salt: Record<string, string> = {};
    if (config.perm) salt.perm = readFileSync(config.perm, 'utf8');
    if (config.n <= config.verilogMaxN) salt.yosys = (await chooseYosys(config.yosys)).version;
    return salt;
  },
  async run(ctx) {
    const c = ctx.config;
    let perm: ArrayLike<number>;
    if (c.perm) {
      let text: string;
      try {
        text = readFileSync(c.perm, 'utf8');
      } catch {
        throw new UserError(`--perm: cannot read ${c.perm}`);
      }
      const parsed = parsePermutationText(text);
      if ('error' in parsed) throw new UserError(`--perm ${c.perm}: ${parsed.error}`);
      if (parsed.length !== c.n) throw new UserError(`--perm ${c.perm}: ${parsed.length} entries, but --n is ${c.n}`);
      perm = parsed;
    } else perm = randomPermutation(c.n, c.seed);
    const kind = c.network === 'auto' ? ((c.n & (c.n - 1)) === 0 ? 'benes' : 'waksman') : c.network;
    if (kind === 'benes' && (c.n & (c.n - 1)) !== 0) throw new UserError(`--network benes needs --n a power of two, got ${c.n}`);
    const network = buildNetwork(c.n, kind);
    const settings = routePermutation(network, perm);
    const ok = realizes(network, settings, perm);
    const cost = networkCost(network);
    const crossed = settings.reduce((s, x) => s + x, 0);
    ctx.log(`${kind} N=${c.n}: ${cost.switches} switches, ${cost.stages} stages, ${crossed} crossed, verify ${ok ? 'ok' : 'FAILED'}`);

    const metrics: Record<string, number | string> = {
      permute__n: c.n,
      permute__network__kind: kind,
      permute__switch__count: cost.switches,
      permute__switch__crossed: crossed,
      permute__stage__count: cost.stages,
      permute__control__bits: cost.controlBits,
      permute__switch__lower_bound: switchLowerBound(c.n),
      permute__crossings__total: cost.crossingsTotal,
      permute__crossings__max_gap: Math.max(0, ...cost.crossingsPerGap),
      permute__verify__ok: ok ? 1 : 0,
      permute__verilog__checked: 0,
      permute__verilog__mismatch__count: 0,
    };
    if (c.n <= c.verilogMaxN) {
      const kit = findKit(c.pdkRoot);
      const { backend } = await chooseYosys(c.yosys);
      const check = await checkEmittedVerilog(ctx, join(ctx.stageDir, 'verilog'), network, settings, perm, kit.liberty, kit.dontUseList, backend);
      ctx.log(`gate-level: fixed ${check.fixedMismatches} mismatched outputs, programmable ${check.programmableMismatches} (${check.programmableCells} cells, ${check.programmableFlops} flops)`);
      Object.assign(metrics, {
        permute__verilog__checked: 1,
        permute__verilog__mismatch__count: check.fixedMismatches + check.programmableMismatches,
        permute__verilog__fixed__mismatch__count: check.fixedMismatches,
        permute__verilog__programmable__mismatch__count: check.programmableMismatches,
        permute__verilog__programmable__cells: check.programmableCells,
        permute__verilog__programmable__flops: check.programmableFlops,
      });
    }
    await writeJsonAtomic(join(ctx.stageDir, 'route.json'), {
      n: c.n,
      network: kind,
      switches: cost.switches,
      stages: cost.stages,
      crossingsPerGap: cost.crossingsPerGap,
      permutation: c.n <= 65_536 ? Array.from(perm) : undefined,
      settings: c.n <= 65_536 ? Array.from(settings).join('') : undefined,
    });
    return { views: { route: 'route.json' }, metrics };
  },
});
