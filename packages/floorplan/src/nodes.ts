/**
 * Logic density by process node (pure data, domain brief §6): TSMC N7 91 MTr/mm², N6 18 % over N7,
 * N5 171 (cell level), N3 just under 300. SKY130 is measured from synthesized tiles instead.
 */
export const NODE_LOGIC_MTR_PER_MM2: Readonly<Record<string, { density: number; source: string }>> = {
  n7: { density: 91, source: 'TSMC N7, 91 MTr/mm²' },
  n6: { density: 91 * 1.18, source: 'TSMC N6, +18 % over N7' },
  n5: { density: 171, source: 'TSMC N5, 171 MTr/mm² (cell level)' },
  n3: { density: 290, source: 'TSMC N3, just under 300 MTr/mm²' },
};
export const NODES = ['sky130', 'n7', 'n6', 'n5', 'n3'] as const;
export type NodeId = (typeof NODES)[number];

/** mm² per coefficient at a node from a measured SKY130 tile: its transistors at the node's density and utilization. */
export function areaPerCoefficientMm2(node: NodeId, measured: { areaUm2: number; transistors: number; coefficients: number }, utilization: number): number {
  if (node === 'sky130') return measured.areaUm2 / 1e6 / measured.coefficients;
  return measured.transistors / measured.coefficients / (NODE_LOGIC_MTR_PER_MM2[node].density * 1e6 * utilization);
}

/**
 * SRAM bitcell area by node, µm² (domain brief §6: N5 and N3E 0.021; TSMC N7 high-density 0.027, N6 shares
 * N7's cell). SKY130 has no entry: give --kv-bitcell-um2 to place KV-cache SRAM there.
 */
export const NODE_SRAM_BITCELL_UM2: Readonly<Record<string, number>> = { n7: 0.027, n6: 0.027, n5: 0.021, n3: 0.021 };

/** KV-cache SRAM per layer, mm²: 2 (K and V) x kvHeads x headDim x context x batch x bits, bitcells over the array efficiency. */
export function kvAreaPerLayerMm2(o: { kvHeads: number; headDim: number; context: number; batch: number; bitsPerValue: number; bitcellUm2: number; arrayEfficiency: number }): number {
  const bits = 2 * o.kvHeads * o.headDim * o.context * o.batch * o.bitsPerValue;
  return (bits * o.bitcellUm2) / o.arrayEfficiency / 1e6;
}
