import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@hardwire/flow';
import { describe, expect, it } from 'vitest';
import { parseWindowsFile, windowSuffix } from '../src/windows.ts';

describe('--windows files', () => {
  it('reads tensor, corner, seed and size per window', () => {
    const w = parseWindowsFile('- { tensor: a.weight, at: "0,16" }\n- { tensor: b.weight, at: "8, 32", seed: 3, tile: 4x8 }\n', 'w.yaml');
    expect(w).toEqual([
      { tensor: 'a.weight', row: 0, col: 16 },
      { tensor: 'b.weight', row: 8, col: 32, seed: 3, rows: 4, cols: 8 },
    ]);
    expect(windowSuffix(w[0], 1)).toBe('');
    expect(windowSuffix(w[1], 1)).toBe('-s3');
    expect(windowSuffix(w[1], 3)).toBe('');
  });

  it('rejects a bad file with one line naming the file, the window and the field', () => {
    const bad = (text: string) => {
      try {
        parseWindowsFile(text, 'w.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(bad('{ tensor: a }')).toMatch(/^--windows w\.yaml: expected a YAML list/);
    expect(bad('- { tensor: a.weight }')).toBe('--windows w.yaml: window 1: field at: expected "ROW,COL", e.g. "0,0", got undefined');
    expect(bad('- { tensor: a.weight, at: "0,0" }\n- { tensor: a.weight, at: "0,0", seed: -1 }')).toMatch(/window 2: field seed: expected a whole number >= 0/);
    expect(bad('- { tensor: a.weight, at: "0,0", tile: 8 }')).toMatch(/window 1: field tile: expected ROWSxCOLS/);
    expect(bad('- { tensor: a.weight, at: "0,0", size: 8x8 }')).toMatch(/window 1: unknown field size/);
    expect(bad('- { at: "0,0" }')).toMatch(/window 1: field tensor: expected a tensor name/);
    expect(bad('- { tensor: a.weight, at: "0,0" }\n- { tensor: a.weight, at: "0,0" }')).toBe('--windows w.yaml: window 2: the same window as an earlier one');
    expect(bad('- [unclosed')).toMatch(/^--windows w\.yaml: not valid YAML/);
  });

  it('cuts each window exactly as a run with --tensor, --tile-at and --seed cuts it alone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hw-windows-'));
    const file = join(root, 'windows.yaml');
    writeFileSync(file, ['- { tensor: model.layers.15.self_attn.o_proj.weight, at: "1000,2048", seed: 2 }', '- { tensor: model.layers.0.self_attn.q_proj.weight, at: "64,256", tile: 4x8 }', ''].join('\n'));
    const tiles = (out: string) => join(out, readdirSync(out).find((d) => d.endsWith('tile-generate'))!, 'tiles');
    const many = await runCli(['tiles', '--model', 'llama-8b', '--tile', '8x16', '--windows', file, '--tile-archs', 'da', '--to', 'Tile.Generate', '--out', join(root, 'many'), '--no-cache']);
    expect(many.code, many.stderr).toBe(0);
    expect(readdirSync(tiles(join(root, 'many'))).sort()).toEqual(['l0.q_proj-r64c256-4x8-da', 'l15.o_proj-r1000c2048-s2-8x16-da']);
    const alone = [
      { args: ['--tensor', 'model.layers.15.self_attn.o_proj.weight', '--tile-at', '1000,2048', '--seed', '2', '--tile', '8x16'], id: 'l15.o_proj-r1000c2048-8x16-da', inMany: 'l15.o_proj-r1000c2048-s2-8x16-da' },
      { args: ['--tensor', 'model.layers.0.self_attn.q_proj.weight', '--tile-at', '64,256', '--tile', '4x8'], id: 'l0.q_proj-r64c256-4x8-da', inMany: 'l0.q_proj-r64c256-4x8-da' },
    ];
    for (const [i, a] of alone.entries()) {
      const out = join(root, `alone-${i}`);
      const r = await runCli(['tiles', '--model', 'llama-8b', ...a.args, '--tile-archs', 'da', '--to', 'Tile.Generate', '--out', out, '--no-cache']);
      expect(r.code, r.stderr).toBe(0);
      const golden = (dir: string, id: string) => JSON.parse(readFileSync(join(tiles(dir), id, 'golden.json'), 'utf8')) as { codes: number[][]; top: string };
      // The same weights and codes; only the names differ where the window's seed is in the id.
      expect(golden(join(root, 'many'), a.inMany).codes).toEqual(golden(out, a.id).codes);
      expect(golden(join(root, 'many'), a.inMany).codes.flat().some((c) => c !== 0)).toBe(true);
    }
    // With a different seed the window's weights differ (the seed is really used).
    const other = await runCli(['tiles', '--model', 'llama-8b', '--tensor', 'model.layers.15.self_attn.o_proj.weight', '--tile-at', '1000,2048', '--seed', '3', '--tile', '8x16', '--tile-archs', 'da', '--to', 'Tile.Generate', '--out', join(root, 'other'), '--no-cache']);
    expect(other.code).toBe(0);
    const codesOf = (dir: string, id: string) => (JSON.parse(readFileSync(join(tiles(dir), id, 'golden.json'), 'utf8')) as { codes: number[][] }).codes;
    expect(codesOf(join(root, 'other'), 'l15.o_proj-r1000c2048-8x16-da')).not.toEqual(codesOf(join(root, 'many'), 'l15.o_proj-r1000c2048-s2-8x16-da'));
    // Bad input: one line, exit 2.
    const missingFile = await runCli(['tiles', '--model', 'llama-8b', '--windows', join(root, 'nope.yaml'), '--to', 'Tile.Generate', '--out', join(root, 'bad'), '--no-cache']);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr.trim()).toMatch(/--windows .*nope\.yaml: cannot read it \(ENOENT\)$/);
    const both = await runCli(['tiles', '--model', 'llama-8b', '--windows', file, '--tensor', 'model.layers.0.self_attn.q_proj.weight', '--to', 'Tile.Generate', '--out', join(root, 'bad2'), '--no-cache']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--windows: the file gives each window its tensor and size; drop --sizes and --tensor/);
  }, 300_000);
});
