/** Step 1, netlist (edge: yosys): buffer high-fanout nets, then yosys writes the BLIF qflow places and the netlist every check reads. */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferFanout, cellArea, parseYosysStat, runYosysScript, type YosysJsonModule } from '@hardwire/eda';
import type { TileRun } from './tileRun.ts';

export async function netlistStep(r: TileRun): Promise<{ placedModule: YosysJsonModule; cellAreaUm2: number }> {
  const { tile, work, tech } = r;
  const buffer = tech.cells.fanoutBuffer;
  const doc = JSON.parse(readFileSync(tile.netlistJson, 'utf8')) as { modules: Record<string, YosysJsonModule> };
  const module = doc.modules[tile.top];
  if (!module) throw new Error(`${tile.netlistJson} has no module ${tile.top}`);
  const buffered = bufferFanout(module, {
    maxFanout: r.o.maxFanout,
    buffer: buffer.name,
    bufferIn: buffer.input,
    bufferOut: buffer.output,
    inputsOf: (type) => r.cells.get(type)?.inputs ?? [],
  });
  for (const cell of Object.values(buffered.module.cells) as { type: string; port_directions?: Record<string, string> }[]) {
    if (!cell.port_directions && cell.type === buffer.name) cell.port_directions = { [buffer.input]: 'input', [buffer.output]: 'output' };
  }
  r.metrics['physical__fanout__buffers__count'] = buffered.buffersAdded;
  r.metrics['physical__fanout__nets__count'] = buffered.netsBuffered;
  writeFileSync(join(work, 'buffered.json'), JSON.stringify({ creator: 'hardwire bufferFanout', modules: { [tile.top]: buffered.module } }));
  if (r.yosys === 'native' && !existsSync(join(work, 'cells.lib'))) copyFileSync(r.libertyPath, join(work, 'cells.lib'));
  const feed = tech.cells.blifBuffer;
  writeFileSync(
    join(work, 'netlist.ys'),
    [
      'read_liberty -lib cells.lib',
      'read_json buffered.json',
      `hierarchy -top ${tile.top}`,
      'rename -enumerate',
      'check -assert',
      'tee -q -o placed.stat.json stat -json -liberty cells.lib',
      `write_blif -gates -impltf -buf ${feed.name} ${feed.input} ${feed.output} placed.blif`,
      'write_verilog -noattr -noexpr placed.v',
      'write_json placed.json',
      '',
    ].join('\n'),
  );
  await runYosysScript(r.ctx, r.yosys, work, 'netlist.ys', [join(work, 'buffered.json'), r.libertyPath]);
  const placedModule = (JSON.parse(readFileSync(join(work, 'placed.json'), 'utf8')) as { modules: Record<string, YosysJsonModule> }).modules[tile.top];
  const stat = parseYosysStat(readFileSync(join(work, 'placed.stat.json'), 'utf8'), tile.top);
  const cellAreaUm2 = cellArea(stat.cellsByType, r.cells);
  r.metrics['physical__design__instance__count'] = stat.cells;
  r.metrics['physical__design__instance__area'] = Number(cellAreaUm2.toFixed(3));
  return { placedModule, cellAreaUm2 };
}
