/**
 * `Arch.Sweep`: collect every synthesized and proven tile of the run (architectures x sizes) into
 * `DIR/arch.csv`, where their transistors go (`DIR/where.csv`, `where.md`), the chart of transistors per
 * coefficient against tile size (`DIR/images/arch.png`), and the sweep's metrics (edge).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, defineVars, writeFileAtomic, type Finding } from '@hardwire/core';
import { svgToPng } from '@hardwire/render';
import { archChartSvg, archCsv, bestPerArch, sortSweep, whereCsv, whereTableMarkdown, type SweepTile } from '../archSweep.ts';

interface GateSimReportEntry { id: string; mismatches: number; cyclesPerVector: number; icarus: { vectors: number; mismatches: number } | null }

export const archSweepStage = defineStage({
  id: 'Arch.Sweep',
  summary: 'Tabulate every tile of the sweep (architecture x size): transistors, area, cycles per vector, clock, mismatches, synthesis time; where the transistors go; the chart of transistors per coefficient against tile size.',
  version: '1',
  inputs: ['tilesSynth', 'gatesimReport'],
  outputs: ['archCsv', 'archWhere', 'archChart'],
  publish: { archCsv: 'arch.csv', archWhere: 'where.csv', archChart: 'images/arch.png' },
  vars: defineVars({}),
  async run(ctx) {
    const tilesDir = ctx.inputPath('tilesSynth');
    const report = JSON.parse(readFileSync(ctx.inputPath('gatesimReport'), 'utf8')) as GateSimReportEntry[];
    const proofs = new Map(report.map((r) => [r.id, r]));
    const findings: Finding[] = [];
    const tiles: SweepTile[] = [];
    for (const id of readdirSync(tilesDir).sort()) {
      const golden = JSON.parse(readFileSync(join(tilesDir, id, 'golden.json'), 'utf8')) as { arch: string; rows: number; cols: number; tensor: string; structure?: { rowBits: number; rowBitsUnshared?: number; serialAdders: number } };
      const synthPath = join(tilesDir, id, 'synth.json');
      if (!existsSync(synthPath)) continue;
      const synth = JSON.parse(readFileSync(synthPath, 'utf8')) as { cells: number; transistors: number; areaUm2: number; synthWallS: number; synthPeakMb?: number; clockMhz?: number; transistorsByGroup: Record<string, number> };
      const proof = proofs.get(id);
      if (!proof) {
        findings.push({ type: 'arch_unproven_error', severity: 'error', message: `${id}: synthesized but not in the gate-level report` });
        continue;
      }
      tiles.push({
        id,
        arch: golden.arch,
        rows: golden.rows,
        cols: golden.cols,
        cells: synth.cells,
        transistors: synth.transistors,
        areaUm2: synth.areaUm2,
        cyclesPerVector: proof.cyclesPerVector,
        clockMhz: synth.clockMhz,
        mismatches: proof.mismatches + (proof.icarus?.mismatches ?? 0),
        synthS: synth.synthWallS,
        synthPeakMb: synth.synthPeakMb,
        transistorsByGroup: synth.transistorsByGroup,
        rowBits: golden.structure?.rowBits,
        rowBitsUnshared: golden.structure?.rowBitsUnshared,
        serialAdders: golden.structure?.serialAdders,
      });
    }
    const sorted = sortSweep(tiles);
    writeFileSync(join(ctx.stageDir, 'arch.csv'), archCsv(sorted));
    writeFileSync(join(ctx.stageDir, 'where.csv'), whereCsv(sorted));
    writeFileSync(join(ctx.stageDir, 'where.md'), whereTableMarkdown(sorted));
    const metrics: Record<string, number | string> = { arch__tile__count: sorted.length, arch__mismatch__count: sorted.reduce((s, t) => s + t.mismatches, 0) };
    for (const t of sorted) {
      const q = `__arch:${t.arch}__size:${t.rows}x${t.cols}`;
      metrics[`arch__transistors_per_coefficient${q}`] = Number((t.transistors / (t.rows * t.cols)).toFixed(3));
      metrics[`arch__cycles_per_vector${q}`] = t.cyclesPerVector;
      if (t.clockMhz !== undefined) metrics[`arch__clock_mhz${q}`] = t.clockMhz;
      if (t.rowBitsUnshared !== undefined && t.rowBits !== undefined) {
        metrics[`arch__row_bits${q}`] = t.rowBits;
        metrics[`arch__row_bits_unshared${q}`] = t.rowBitsUnshared;
        metrics[`arch__serial_adders${q}`] = t.serialAdders ?? 0;
      }
    }
    const best = bestPerArch(sorted).sort((a, b) => a.transistors / (a.rows * a.cols) - b.transistors / (b.rows * b.cols));
    if (best.length > 0) {
      metrics.arch__best__transistors_per_coefficient = Number((best[0].transistors / (best[0].rows * best[0].cols)).toFixed(3));
      metrics.arch__best__arch = best[0].arch;
      metrics.arch__best__size = `${best[0].rows}x${best[0].cols}`;
      ctx.log(`best: ${best[0].arch} at ${best[0].rows}x${best[0].cols}, ${metrics.arch__best__transistors_per_coefficient} transistors per coefficient`);
    }
    for (const t of sorted) ctx.log(`${t.id}: ${(t.transistors / (t.rows * t.cols)).toFixed(2)} T/coef, ${t.cyclesPerVector} cycles/vector, ${t.clockMhz ?? '?'} MHz, ${t.mismatches} mismatches, yosys ${t.synthS.toFixed(1)} s${t.synthPeakMb ? ` ${t.synthPeakMb} MB` : ''}`);
    const images = join(ctx.stageDir, 'images');
    mkdirSync(images, { recursive: true });
    const tensor = sorted.length > 0 ? JSON.parse(readFileSync(join(tilesDir, sorted[0].id, 'golden.json'), 'utf8')).tensor : '';
    const svg = archChartSvg(sorted, `Transistors per coefficient by tile size (${tensor})`);
    await writeFileAtomic(join(images, 'arch.svg'), svg);
    await svgToPng(svg, join(images, 'arch.png'));
    return { views: { archCsv: 'arch.csv', archWhere: 'where.csv', archChart: 'images/arch.png' }, metrics, findings };
  },
});
