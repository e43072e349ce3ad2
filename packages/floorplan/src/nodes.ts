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
