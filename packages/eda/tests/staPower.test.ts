import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLogged } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { findKit, hasSta, kitAvailable, measureSwitchingPower } from '../src/index.ts';

const ready = kitAvailable() && (await hasSta());
if (!ready) console.log('skip: OpenSTA (sta) or the kit missing (bash tools/setup.sh installs it); power driver not run');

describe.runIf(ready)('OpenSTA power driver', () => {
  it('reports more switching power for a register chain twice as long, and more at a faster clock', async () => {
    const kit = findKit();
    const dir = mkdtempSync(join(tmpdir(), 'hw-sta-power-'));
    const chain = (n: number) => {
      const cells = Array.from({ length: n }, (_, i) => `  sky130_fd_sc_hd__dfxtp_1 r${i} (.CLK(clk), .D(${i === 0 ? 'd' : `q${i - 1}`}), .Q(q${i}));`);
      return [`module chain${n} (clk, d, q);`, '  input clk, d;', '  output q;', ...Array.from({ length: n }, (_, i) => `  wire q${i};`), ...cells, `  assign q = q${n - 1};`, 'endmodule', ''].join('\n');
    };
    const ctx = { exec: (cmd: string, args: readonly string[], o?: { cwd?: string }) => execLogged(cmd, args, { commandsFile: join(dir, 'COMMANDS'), logFile: join(dir, 'exec.log') }, { cwd: o?.cwd }) };
    const power = async (n: number, clockNs: number) => {
      writeFileSync(join(dir, `chain${n}.v`), chain(n));
      return measureSwitchingPower(ctx as never, dir, { libPath: kit.liberty, netlist: `chain${n}.v`, top: `chain${n}`, clockNs, activity: 0.2 });
    };
    const p8 = await power(8, 10);
    const p16 = await power(16, 10);
    const p16fast = await power(16, 5);
    expect(p8).toBeGreaterThan(0);
    expect(p16! / p8!).toBeGreaterThan(1.6);
    expect(p16! / p8!).toBeLessThan(2.4);
    expect(p16fast!).toBeGreaterThan(p16! * 1.5);
  });
});
