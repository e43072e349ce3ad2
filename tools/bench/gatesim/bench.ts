/**
 * Gate-level check speed: the 10,000-vector check of sample tiles (stories260K layer 0 q_proj, 16x32, both
 * architectures) in our simulator, in Icarus (kit cell models, functional, zero delay) and in Verilator
 * (the netlist flattened to plain logic by yosys from the Liberty functions), same netlist and vectors,
 * compile times included. Prints wall times, gate evaluations per second and the ratios.
 *
 *   npx tsx tools/bench/gatesim/bench.ts [--vectors 10000] [--tile 16x32]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT, fixtureFile } from '@hardwire/core';
import { findKit, parseCellLibrary, parseOutputsHex, tileTestbench, vectorsHex } from '@hardwire/eda';
import { compileNetlist } from '@hardwire/gatesim';
import { checkTile, goldenOutputs, tileVectors } from '@hardwire/tiles';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const vectorsCount = Number(arg('vectors', '10000'));
const tile = arg('tile', '16x32');
const stories = fixtureFile('stories260K.bin');
const out = join(REPO_ROOT, 'out', 'bench', 'gatesim');
rmSync(out, { recursive: true, force: true });
const gen = await execa('npx', ['tsx', 'packages/flow/src/cli.ts', 'tiles', '--model', 'stories-260k', ...(stories ? ['--weights', stories] : []), '--tile', tile, '--crosscheck-vectors', '0', '--out', join(out, 'run')], { cwd: REPO_ROOT, reject: false });
if (gen.exitCode !== 0) throw new Error(gen.stderr);
const kit = findKit();
const timed = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
};
console.log(`gate-level check bench: ${vectorsCount} vectors per tile, tiles ${tile} of stories260K layer 0 q_proj`);
for (const arch of ['da', 'parallel']) {
  const dir = join(out, 'run', 'tiles', `l0.q_proj-r0c0-${tile}-${arch}`);
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  const codes = golden.codes.flat();
  const vectors = tileVectors(golden.cols, golden.inputBits, vectorsCount, 1);
  // Ours, end to end: Liberty parse, netlist compile, simulation.
  const [ours, oursS] = await timed(() => {
    const cells = parseCellLibrary(readFileSync(kit.liberty, 'utf8'));
    const netlist = compileNetlist(JSON.parse(readFileSync(join(dir, 'netlist.json'), 'utf8')), golden.top, cells);
    return { netlist, result: checkTile(netlist, codes, golden.rows, golden.cols, golden.inputBits, golden.outputBits, vectors, 32) };
  });
  const simDir = join(out, arch);
  mkdirSync(simDir, { recursive: true });
  writeFileSync(join(simDir, 'vectors.hex'), vectorsHex(vectors, golden.inputBits));
  writeFileSync(join(simDir, 'tb.v'), tileTestbench({ top: golden.top, cols: golden.cols, rows: golden.rows, inputBits: golden.inputBits, outputBits: golden.outputBits, vectors: vectors.length, drainCycles: golden.inputBits + 4 }));
  const compare = (file: string) => {
    const got = parseOutputsHex(readFileSync(file, 'utf8'), golden.rows, golden.outputBits);
    let bad = Math.abs(got.length - vectors.length);
    vectors.forEach((v, i) => {
      const want = goldenOutputs(codes, golden.rows, golden.cols, v);
      if (!got[i] || got[i]!.some((y, r) => y !== want[r])) bad++;
    });
    return bad;
  };
  // Icarus: compile and run.
  const [, icarusS] = await timed(async () => {
    await execa('iverilog', ['-g2012', '-DFUNCTIONAL', '-DUNIT_DELAY=', '-o', 'sim.vvp', kit.verilogPrimitives, kit.verilogCells, join(dir, 'netlist.v'), 'tb.v'], { cwd: simDir });
    await execa('vvp', ['-n', 'sim.vvp'], { cwd: simDir });
  });
  const icarusBad = compare(join(simDir, 'outputs.hex'));
  // Verilator: yosys flattens the cells to logic (Liberty functions), then verilator --binary, then the run.
  const vDir = join(simDir, 'verilator');
  mkdirSync(vDir, { recursive: true });
  writeFileSync(join(vDir, 'vectors.hex'), readFileSync(join(simDir, 'vectors.hex')));
  const [vOk, verilatorS] = await timed(async () => {
    writeFileSync(join(vDir, 'flat.ys'), `read_liberty -ignore_miss_func ${kit.liberty}\nread_verilog ${join(dir, 'netlist.v')}\nhierarchy -top ${golden.top}\nflatten\nopt_clean\nwrite_verilog -noattr flat.v\n`);
    await execa('yosys', ['-q', '-s', 'flat.ys'], { cwd: vDir });
    const build = await execa('verilator', ['--binary', '--timing', '-Wno-fatal', '-Wno-lint', '-Wno-style', '-j', '2', '--top-module', 'tb', join(simDir, 'tb.v'), 'flat.v'], { cwd: vDir, reject: false });
    if (build.exitCode !== 0) return `build failed: ${(build.stderr || build.stdout).split('\n').slice(0, 3).join(' ')}`;
    await execa('./obj_dir/Vtb', [], { cwd: vDir });
    return 'ok';
  });
  const verilatorBad = vOk === 'ok' ? compare(join(vDir, 'outputs.hex')) : -1;
  const evalsPerS = ours.result.gateEvaluations / oursS;
  console.log(
    `${arch.padEnd(8)} ${ours.netlist.cellCount} cells: ours ${oursS.toFixed(2)} s (${(evalsPerS / 1e9).toFixed(2)} G gate evals/s, ${ours.result.mismatches} mismatches) | ` +
      `Icarus ${icarusS.toFixed(1)} s (${icarusBad} mismatches) = ${(icarusS / oursS).toFixed(0)}x ours | ` +
      `Verilator ${verilatorS.toFixed(1)} s incl. compile (${vOk === 'ok' ? `${verilatorBad} mismatches` : vOk}) = ${(verilatorS / oursS).toFixed(1)}x ours`,
  );
}
