/**
 * Every constant of the capacity model in one table, each with its value, unit, kind and source (pure data).
 * `sourced`: a public figure (domain brief); `derived`: computed from sourced figures; `assumption`: our choice,
 * stated so a reviewer can change it (each is a flag of the study). Measured figures come from the run itself
 * (synthesized and routed tiles) and are reported beside these.
 */

export type ConstantKind = 'sourced' | 'derived' | 'assumption';

export interface Constant {
  readonly value: number;
  readonly unit: string;
  readonly kind: ConstantKind;
  readonly source: string;
}

export const CAPACITY_NODES = ['sky130', 'n7', 'n6', 'n5', 'n3'] as const;
export type CapacityNode = (typeof CAPACITY_NODES)[number];
export const CAPACITY_ARCHS = ['parallel', 'da', 'bitserial', 'bitserial-shared', 'rom'] as const;
export type CapacityArch = (typeof CAPACITY_ARCHS)[number];

const c = (value: number, unit: string, kind: ConstantKind, source: string): Constant => ({ value, unit, kind, source });

/** Per-node constants. sky130 logic density is measured from the run's tiles, so it has none here. */
export const NODE_CONSTANTS: Readonly<Record<CapacityNode, { logicMTrPerMm2?: Constant; sramBitcellUm2?: Constant; defectsPerCm2: Constant; speedupVsSky130: Constant; energyDivisorVsSky130: Constant }>> = {
  sky130: {
    sramBitcellUm2: c(2.1, 'µm²', 'assumption', 'SKY130 single-port SRAM bitcell about 2.1 µm² (OpenRAM-class 6T cell); no SRAM in the kit'),
    defectsPerCm2: c(0.3, '/cm²', 'assumption', 'mature 130 nm line, D0 taken at 0.3'),
    speedupVsSky130: c(1, '×', 'derived', 'reference node (clock from the routed sample tiles)'),
    energyDivisorVsSky130: c(1, '×', 'derived', 'reference node (switching power from OpenSTA on the sample tiles)'),
  },
  n7: {
    logicMTrPerMm2: c(91, 'MTr/mm²', 'sourced', 'TSMC N7, 91 MTr/mm² (domain brief §6)'),
    sramBitcellUm2: c(0.027, 'µm²', 'sourced', 'TSMC N7 high-density SRAM bitcell 0.027 µm²'),
    defectsPerCm2: c(0.09, '/cm²', 'sourced', 'TSMC N7 in volume, 0.09 /cm² (domain brief §5)'),
    speedupVsSky130: c(4, '×', 'assumption', 'gate delay (FO4) ratio 130 nm to 7 nm taken as 4'),
    energyDivisorVsSky130: c(25, '×', 'assumption', 'switching energy per gate, 1.8 V to 0.75 V (5.8x in V²) times about 4x less capacitance'),
  },
  n6: {
    logicMTrPerMm2: c(91 * 1.18, 'MTr/mm²', 'derived', 'TSMC N6, +18 % over N7 (domain brief §6)'),
    sramBitcellUm2: c(0.027, 'µm²', 'sourced', 'N6 shares the N7 bitcell, 0.027 µm²'),
    defectsPerCm2: c(0.09, '/cm²', 'assumption', 'as N7 (same family)'),
    speedupVsSky130: c(4.2, '×', 'assumption', 'N7 plus about 5 %'),
    energyDivisorVsSky130: c(28, '×', 'assumption', 'N7 plus about 10 %'),
  },
  n5: {
    logicMTrPerMm2: c(171, 'MTr/mm²', 'sourced', 'TSMC N5, 171 MTr/mm² cell level (domain brief §6)'),
    sramBitcellUm2: c(0.021, 'µm²', 'sourced', 'TSMC N5 bitcell 0.021 µm²'),
    defectsPerCm2: c(0.1, '/cm²', 'sourced', 'TSMC N5 in volume, 0.10 /cm² (domain brief §5)'),
    speedupVsSky130: c(5, '×', 'assumption', 'FO4 ratio 130 nm to 5 nm taken as 5'),
    energyDivisorVsSky130: c(35, '×', 'assumption', 'N7 plus about 40 % (TSMC quotes 30 % less power N7 to N5 at iso speed)'),
  },
  n3: {
    logicMTrPerMm2: c(290, 'MTr/mm²', 'sourced', 'TSMC N3, just under 300 MTr/mm² (domain brief §6)'),
    sramBitcellUm2: c(0.021, 'µm²', 'sourced', 'N3E bitcell 0.021 µm² (SRAM stopped scaling)'),
    defectsPerCm2: c(0.1, '/cm²', 'assumption', 'taken as N5 in volume, 0.10 /cm²'),
    speedupVsSky130: c(5.8, '×', 'assumption', 'N5 plus about 15 %'),
    energyDivisorVsSky130: c(45, '×', 'assumption', 'N5 plus about 30 %'),
  },
};

/** Model-wide constants. */
export const CONSTANTS = {
  logicUtilization: c(0.7, '', 'assumption', 'standard-cell utilization after place and route at advanced nodes (ORFS designs close at 0.5–0.8); sky130 uses the routed sample tiles instead'),
  sramArrayEfficiency: c(0.7, '', 'assumption', 'bitcell area over macro area (decoders, sense amplifiers)'),
  romBitcellOverSram: c(0.5, '', 'assumption', 'mask-ROM bit (one transistor, via-programmed) at half a 6T SRAM bitcell'),
  romArrayEfficiency: c(0.6, '', 'assumption', 'ROM bits over ROM macro area (decoders, column muxes, sense)'),
  romMacTransistors: c(2500, 'transistors', 'assumption', 'one 3-bit x 8-bit multiply-accumulate with a 24-bit accumulator'),
  romMacsPerHidden: c(4, 'MACs per hidden unit', 'assumption', 'ROM architecture default: MAC units per layer = 4 x hidden size, each reading one weight per cycle (a configuration knob: --rom-macs-per-hidden, and the study sweeps it)'),
  matrixStagesPerLayer: c(4, 'stages', 'derived', 'matrix products one after another in a transformer layer: q/k/v, o, gate/up, down (q, k and v at once; gate and up at once)'),
  attentionTransistorsPerHead: c(2e6, 'transistors', 'assumption', 'per head: q·k dot products, streaming softmax (exp table, running max and sum), weighted V sum'),
  normTransistors: c(1e6, 'transistors', 'assumption', 'one RMSNorm unit (square sum, reciprocal square root, scale)'),
  activationBitsPerElement: c(16, 'bits', 'assumption', 'activation buffers: two hidden-size vectors per layer at 16 bits, in flops'),
  flopTransistors: c(28, 'transistors', 'sourced', 'SKY130 dfrtp_1 from the kit CDL (28 MOSFETs)'),
  kvBits: c(16, 'bits', 'assumption', 'KV cache kept in 16-bit'),
  sramTransistorsPerBit: c(6, 'transistors', 'sourced', 'a 6T SRAM bitcell (the KV cache)'),
  rowScaleBits: c(16, 'bits', 'assumption', 'one 16-bit scale per weight row stored beside the codes (ROM weights, embedding tables)'),
  ioAreaMm2: c(10, 'mm²', 'assumption', 'SerDes and host interface per chip'),
  fieldAreaMm2: c(858, 'mm²', 'sourced', 'scanner field 26 x 33 mm'),
  fieldUtilization: c(0.7, '', 'derived', 'tile area over field area in our floorplans (llama-3.1-8b 0.69, 70b 0.71 at n5)'),
  fullFieldsPerWafer: c(64, 'fields', 'derived', 'full 26 x 33 mm fields in a 300 mm wafer with 3 mm edge exclusion (exact grid search)'),
  negativeBinomialAlpha: c(2, '', 'sourced', 'clustering parameter, 0.5–2 (domain brief §5)'),
  targetFieldYield: c(0.9, '', 'assumption', 'spares are added until a field works with this probability'),
  serialPipelineCycles: c(4, 'cycles', 'assumption', 'bit-serial tiles (da, bitserial): pipeline cycles per matrix stage beyond the cycles per vector (accept, result, hand-over)'),
  attentionCyclesPerLayer: c(64, 'cycles', 'assumption', 'attention and normalization per layer per token (streaming, one user)'),
  switchingActivity: c(0.2, '', 'assumption', 'toggle rate of the tile inputs given to OpenSTA report_power'),
  hc1AreaMm2: c(815, 'mm²', 'sourced', 'Taalas HC1 die, TSMC N6, holding Llama 3.1 8B (vendor figure; domain brief §1)'),
  hc1Transistors: c(53e9, 'transistors', 'sourced', 'Taalas HC1, 53 B transistors (vendor figure; domain brief §1)'),
  hc1TokensPerS: c(17_000, 'tokens/s', 'sourced', 'Taalas HC1, about 17,000 tokens/s per user (16,960 at batch 1, context about 2k; vendor figure)'),
} as const satisfies Record<string, Constant>;

/** Every constant as rows for printing beside the results. */
export function constantRows(): { name: string; value: number; unit: string; kind: ConstantKind; source: string }[] {
  const rows: { name: string; value: number; unit: string; kind: ConstantKind; source: string }[] = [];
  for (const [name, k] of Object.entries(CONSTANTS)) rows.push({ name, ...k });
  for (const node of CAPACITY_NODES) {
    for (const [name, k] of Object.entries(NODE_CONSTANTS[node])) if (k) rows.push({ name: `${node}.${name}`, ...k });
  }
  return rows;
}
