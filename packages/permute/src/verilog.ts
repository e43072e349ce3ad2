/**
 * Verilog of a permutation network (pure), `W`-bit data per port.
 * - fixed: settings known at manufacture; each switch is two straight or two crossed wires.
 * - programmable: each switch is two 2:1 muxes with a control bit; the bits form a shift chain loaded
 *   through `cfg_in` while `cfg_en` is high (bit of switch k ends in cfg[k]).
 */
import type { Network } from './network.ts';

function ports(network: Network, width: number): string[] {
  return [`input wire [${network.n * width - 1}:0] x`, `output wire [${network.n * width - 1}:0] y`];
}

function wireName(network: Network, w: number, width: number): string {
  return w < network.n ? `x[${w * width + width - 1}:${w * width}]` : `w${w}`;
}

function body(network: Network, width: number, select: (k: number) => { lo: string; hi: string }): string[] {
  const lines: string[] = [];
  const { lo, hi, count } = network.switches;
  for (let k = 0; k < count; k++) lines.push(`  wire [${width - 1}:0] w${lo[k]}, w${hi[k]};`);
  for (let k = 0; k < count; k++) {
    const s = select(k);
    lines.push(`  assign w${lo[k]} = ${s.lo};`, `  assign w${hi[k]} = ${s.hi};`);
  }
  network.outputs.forEach((w, j) => lines.push(`  assign y[${j * width + width - 1}:${j * width}] = ${wireName(network, w, width)};`));
  return lines;
}

export function fixedNetworkVerilog(network: Network, settings: ArrayLike<number>, module: string, width = 1): string {
  const { a, b } = network.switches;
  const lines = [`// ${network.kind} network, N=${network.n}, fixed settings: wires only`, `module ${module} (${ports(network, width).join(', ')});`];
  lines.push(...body(network, width, (k) => (settings[k] ? { lo: wireName(network, b[k], width), hi: wireName(network, a[k], width) } : { lo: wireName(network, a[k], width), hi: wireName(network, b[k], width) })));
  lines.push('endmodule', '');
  return lines.join('\n');
}

export function programmableNetworkVerilog(network: Network, module: string, width = 1): string {
  const { a, b, count } = network.switches;
  const lines = [
    `// ${network.kind} network, N=${network.n}, programmable: two 2:1 muxes per switch, ${count} control bits in a shift chain`,
    `module ${module} (input wire clk, input wire cfg_en, input wire cfg_in, ${ports(network, width).join(', ')});`,
    `  reg [${Math.max(count, 1) - 1}:0] cfg;`,
    `  always @(posedge clk) if (cfg_en) cfg <= ${count > 1 ? `{cfg[${count - 2}:0], cfg_in}` : 'cfg_in'};`,
  ];
  lines.push(...body(network, width, (k) => ({ lo: `cfg[${k}] ? ${wireName(network, b[k], width)} : ${wireName(network, a[k], width)}`, hi: `cfg[${k}] ? ${wireName(network, a[k], width)} : ${wireName(network, b[k], width)}` })));
  lines.push('endmodule', '');
  return lines.join('\n');
}

/** Bits to shift in (first to last) so that cfg[k] = settings[k] after `count` clocks. */
export function configBitstream(settings: ArrayLike<number>): number[] {
  return Array.from({ length: settings.length }, (_, t) => settings[settings.length - 1 - t]);
}
