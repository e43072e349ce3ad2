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
  /** Assumptions: a plausible low and high value and why (the sensitivity sweep moves each alone). */
  readonly range?: { readonly low: number; readonly high: number; readonly why: string };
}

export const CAPACITY_NODES = ['sky130', 'n7', 'n6', 'n5', 'n3'] as const;
export type CapacityNode = (typeof CAPACITY_NODES)[number];
export const CAPACITY_ARCHS = ['parallel', 'da', 'bitserial', 'bitserial-shared', 'rom'] as const;
export type CapacityArch = (typeof CAPACITY_ARCHS)[number];

const c = (value: number, unit: string, kind: ConstantKind, source: string, range?: Constant['range']): Constant => ({ value, unit, kind, source, ...(range ? { range } : {}) });

/** Per-node constants. sky130 logic density is measured from the run's tiles, so it has none here. */
export const NODE_CONSTANTS: Readonly<Record<CapacityNode, { logicMTrPerMm2?: Constant; sramBitcellUm2?: Constant; defectsPerCm2: Constant; speedupVsSky130: Constant; energyDivisorVsSky130: Constant }>> = {
  sky130: {
    sramBitcellUm2: c(2.1, 'µm²', 'assumption', 'SKY130 single-port SRAM bitcell about 2.1 µm² (OpenRAM-class 6T cell); no SRAM in the kit', { low: 1.5, high: 3, why: 'foundry high-density 6T cells near 1.5 µm²; OpenRAM-generated cells nearer 3' }),
    defectsPerCm2: c(0.3, '/cm²', 'assumption', 'mature 130 nm line, D0 taken at 0.3', { low: 0.1, high: 0.5, why: 'mature lines quote 0.1–0.5 /cm²' }),
    speedupVsSky130: c(1, '×', 'derived', 'reference node (clock from the routed sample tiles)'),
    energyDivisorVsSky130: c(1, '×', 'derived', 'reference node (switching power from OpenSTA on the sample tiles)'),
  },
  n7: {
    logicMTrPerMm2: c(91, 'MTr/mm²', 'sourced', 'TSMC N7, 91 MTr/mm² (domain brief §6)'),
    sramBitcellUm2: c(0.027, 'µm²', 'sourced', 'TSMC N7 high-density SRAM bitcell 0.027 µm²'),
    defectsPerCm2: c(0.09, '/cm²', 'sourced', 'TSMC N7 in volume, 0.09 /cm² (domain brief §5)'),
    speedupVsSky130: c(4, '×', 'assumption', 'gate delay (FO4) ratio 130 nm to 7 nm taken as 4', { low: 3, high: 6, why: 'FO4 ratio estimates 130 nm to 7 nm range about 3 to 6' }),
    energyDivisorVsSky130: c(25, '×', 'assumption', 'switching energy per gate, 1.8 V to 0.75 V (5.8x in V²) times about 4x less capacitance', { low: 15, high: 40, why: 'capacitance ratio 2.5x to 7x on top of the V² ratio' }),
  },
  n6: {
    logicMTrPerMm2: c(91 * 1.18, 'MTr/mm²', 'derived', 'TSMC N6, +18 % over N7 (domain brief §6)'),
    sramBitcellUm2: c(0.027, 'µm²', 'sourced', 'N6 shares the N7 bitcell, 0.027 µm²'),
    defectsPerCm2: c(0.09, '/cm²', 'assumption', 'as N7 (same family)', { low: 0.05, high: 0.2, why: 'early N6 lots higher, mature ones lower' }),
    speedupVsSky130: c(4.2, '×', 'assumption', 'N7 plus about 5 %', { low: 3, high: 6, why: 'as N7, 3 to 6' }),
    energyDivisorVsSky130: c(28, '×', 'assumption', 'N7 plus about 10 %', { low: 17, high: 45, why: 'as N7, with N6 a little better' }),
  },
  n5: {
    logicMTrPerMm2: c(171, 'MTr/mm²', 'sourced', 'TSMC N5, 171 MTr/mm² cell level (domain brief §6)'),
    sramBitcellUm2: c(0.021, 'µm²', 'sourced', 'TSMC N5 bitcell 0.021 µm²'),
    defectsPerCm2: c(0.1, '/cm²', 'sourced', 'TSMC N5 in volume, 0.10 /cm² (domain brief §5)'),
    speedupVsSky130: c(5, '×', 'assumption', 'FO4 ratio 130 nm to 5 nm taken as 5', { low: 3.5, high: 7, why: 'FO4 ratio estimates 130 nm to 5 nm range about 3.5 to 7' }),
    energyDivisorVsSky130: c(35, '×', 'assumption', 'N7 plus about 40 % (TSMC quotes 30 % less power N7 to N5 at iso speed)', { low: 20, high: 55, why: 'as N7, times 1.3 to 1.4' }),
  },
  n3: {
    logicMTrPerMm2: c(290, 'MTr/mm²', 'sourced', 'TSMC N3, just under 300 MTr/mm² (domain brief §6)'),
    sramBitcellUm2: c(0.021, 'µm²', 'sourced', 'N3E bitcell 0.021 µm² (SRAM stopped scaling)'),
    defectsPerCm2: c(0.1, '/cm²', 'assumption', 'taken as N5 in volume, 0.10 /cm²', { low: 0.05, high: 0.3, why: 'N3 ramp figures higher than N5 in volume' }),
    speedupVsSky130: c(5.8, '×', 'assumption', 'N5 plus about 15 %', { low: 4, high: 8, why: 'as N5, times about 1.15' }),
    energyDivisorVsSky130: c(45, '×', 'assumption', 'N5 plus about 30 %', { low: 25, high: 70, why: 'as N5, times 1.2 to 1.4' }),
  },
};

/** Model-wide constants. */
export const CONSTANTS = {
  logicUtilization: c(0.7, '', 'assumption', 'standard-cell utilization after place and route at advanced nodes (ORFS designs close at 0.5–0.8); sky130 uses the routed sample tiles instead', { low: 0.5, high: 0.85, why: 'ORFS closes sky130hd designs at 0.5–0.7; dense datapath macros reach 0.85' }),
  sramRowPeripheryBitcells: c(12, 'bitcell areas per row', 'assumption', 'KV-cache bank periphery per word line: row decoder slice and word-line driver, in bitcell areas (a driver about 4x a bitcell wide across a bank of 256+ columns; CACTI-style decomposition)', { low: 6, high: 30, why: 'a shared predecoder and a thin driver to a full decoder and a wide driver per row' }),
  sramColumnPeripheryBitcells: c(120, 'bitcell areas per read bit', 'assumption', 'KV-cache bank periphery per bit read in a cycle: sense amplifier, write driver, column multiplexer and output latch, in bitcell areas (a sense amplifier is some 10-20 bitcells tall on the bitcell pitch, the rest about as much again)', { low: 60, high: 250, why: 'a latch-type sense amplifier on the bitcell pitch to one with its own precharge, write and redundancy per column group' }),
  sramBankFixedBitcells: c(4000, 'bitcell areas per bank', 'assumption', 'KV-cache bank control, clocking and timing replica, in bitcell areas', { low: 1500, high: 15000, why: 'a minimal control block to one with BIST and repair' }),
  sramColumnMux: c(4, 'columns per read bit', 'assumption', 'columns sharing one sense amplifier in a KV-cache bank (sets rows = bank bits / (read bits x mux))', { low: 2, high: 8, why: 'wide fast banks mux less, dense ones more' }),
  embeddingReadBits: c(4096, 'bits per cycle', 'assumption', 'bits of an embedding row the embedding ROM reads per cycle (the row is read once per token)', { low: 512, high: 16384, why: 'one narrow ROM macro to many in parallel' }),
  romBitcellOverSram: c(0.5, '', 'assumption', 'mask-ROM bit (one transistor, via-programmed) at half a 6T SRAM bitcell', { low: 0.25, high: 1, why: 'a contact- or via-programmed NOR ROM bit from a quarter of a 6T cell to a whole one' }),
  romArrayEfficiency: c(0.6, '', 'assumption', 'ROM bits over ROM macro area (decoders, column muxes, sense)', { low: 0.4, high: 0.8, why: 'decoders and sense amplifiers as for SRAM, more or less shared' }),
  romMacTransistors: c(2500, 'transistors', 'assumption', 'one 3-bit x 8-bit multiply-accumulate with a 24-bit accumulator', { low: 1500, high: 5000, why: 'a 3x8-bit multiplier and 24-bit adder in 60–200 full-adder equivalents, with or without pipeline flops' }),
  romMacsPerHidden: c(4, 'MACs per hidden unit', 'assumption', 'ROM architecture default: MAC units per layer = 4 x hidden size, each reading one weight per cycle (a configuration knob: --rom-macs-per-hidden, and the study sweeps it)', { low: 1, high: 16, why: 'the rom configuration knob; the study sweeps 4 to 1,024' }),
  activationBitsPerElement: c(16, 'bits', 'assumption', 'activation buffers: two hidden-size vectors per layer at 16 bits, in flops', { low: 8, high: 32, why: 'int8 to fp32 activations' }),
  flopTransistors: c(28, 'transistors', 'sourced', 'SKY130 dfrtp_1 from the kit CDL (28 MOSFETs)'),
  kvBits: c(8, 'bits', 'derived', 'K and V kept as int8, the width the attention lanes (Units.Synthesize attn_dot) multiply'),
  sramTransistorsPerBit: c(6, 'transistors', 'sourced', 'a 6T SRAM bitcell (the KV cache)'),
  rowScaleBits: c(16, 'bits', 'assumption', 'one 16-bit scale per weight row stored beside the codes (ROM weights, embedding tables)', { low: 8, high: 32, why: 'an 8-bit exponent to an fp32 scale' }),
  ioAreaMm2: c(10, 'mm²', 'assumption', 'SerDes and host interface per chip', { low: 5, high: 40, why: 'one PCIe/SerDes macro to a full set of die-to-die links' }),
  fieldAreaMm2: c(858, 'mm²', 'sourced', 'scanner field 26 x 33 mm'),
  fieldWidthMm: c(26, 'mm', 'sourced', 'scanner field width (x)'),
  fieldHeightMm: c(33, 'mm', 'sourced', 'scanner field height (y)'),
  fieldMarginMm: c(0.5, 'mm', 'assumption', 'margin inside each field kept for stitching and I/O (Floorplan.Wafer --field-margin-mm); the fields needed come from filling them as the floorplan does', { low: 0.25, high: 1, why: 'stitched wires only to a ring of pads and test structures' }),
  tileSpacingMm: c(0.05, 'mm', 'assumption', 'gap between floorplan tiles (Floorplan.Wafer --tile-spacing-mm)', { low: 0.02, high: 0.2, why: 'abutted tiles with a halo to a routing channel' }),
  maxTileAreaMm2: c(25, 'mm²', 'derived', 'largest floorplan tile (Floorplan.Wafer --max-tile-area-mm2)'),
  maxTileAspect: c(4, '', 'derived', 'largest long-to-short side ratio of a soft floorplan tile (Floorplan.Wafer --max-tile-aspect)'),
  fullFieldsPerWafer: c(64, 'fields', 'derived', 'full 26 x 33 mm fields in a 300 mm wafer with 3 mm edge exclusion (exact grid search)'),
  negativeBinomialAlpha: c(2, '', 'sourced', 'clustering parameter, 0.5–2 (domain brief §5)'),
  targetFieldYield: c(0.9, '', 'assumption', 'spares are added until a field works with this probability', { low: 0.8, high: 0.99, why: 'how much a field may fail before a wafer is scrapped' }),
  serialPipelineCycles: c(4, 'cycles', 'assumption', 'bit-serial tiles (da, bitserial): pipeline cycles per matrix stage beyond the cycles per vector (accept, result, hand-over)', { low: 2, high: 16, why: 'a bare hand-over to registered stages between tiles and layers' }),
  switchingActivity: c(0.2, '', 'assumption', 'toggle rate of every net per cycle given to OpenSTA report_power (set_power_activity -global; glitches not modeled)', { low: 0.05, high: 0.5, why: 'sparse activations to random ones and glitching adder trees (enters the measured energy per transistor, not the estimate itself)' }),
  sramReadFjPerBitN7: c(15, 'fJ per bit', 'assumption', 'KV-cache SRAM read or write energy per bit at N7 (bit line, sense amplifier, local wires of a small bank; a 256-bit read about 4 pJ), scaled to other nodes by their switching-energy divisor', { low: 5, high: 40, why: 'a small low-swing bank to a large one with long bit lines' }),
  romReadFjPerBitN7: c(8, 'fJ per bit', 'assumption', 'mask-ROM read energy per bit at N7 (embedding rows, rom weights), scaled as SRAM', { low: 2, high: 25, why: 'a NOR ROM with low-swing sensing to full-swing bit lines' }),
  logicLeakagePwPerTransistor: c(100, 'pW per transistor', 'assumption', 'logic leakage per transistor at N7-N3 (typical corner, standard-Vt mix); SKY130 uses the Liberty cell_leakage_power of the synthesized cells', { low: 20, high: 500, why: 'high-Vt heavy libraries to low-Vt and hot silicon' }),
  sramLeakagePwPerBit: c(20, 'pW per bit', 'assumption', 'SRAM bitcell leakage at N7-N3 (typical corner; arrays retain data, no power gating)', { low: 5, high: 100, why: 'high-density cells with source biasing to hot silicon' }),
  familyHeadDim: c(128, 'elements', 'sourced', 'head_dim of the Llama 3.x models from 3 B up (config.json), used by the interpolated llama shapes'),
  familySmallHeadDim: c(64, 'elements', 'sourced', 'head_dim of Llama 3.2 1B (config.json), used by interpolated shapes below familySmallHiddenBelow'),
  familySmallHiddenBelow: c(3072, 'elements', 'sourced', 'hidden size of Llama 3.2 3B, the smallest with head_dim 128'),
  familyKvHeads: c(8, 'heads', 'sourced', 'key/value heads of every Llama 3.x model (config.json num_key_value_heads)'),
  familyVocab: c(128_256, 'tokens', 'sourced', 'Llama 3.x vocabulary (config.json vocab_size)'),
  hc1AreaMm2: c(815, 'mm²', 'sourced', 'Taalas HC1 die, TSMC N6, holding Llama 3.1 8B (vendor figure; domain brief §1)'),
  hc1Transistors: c(53e9, 'transistors', 'sourced', 'Taalas HC1, 53 B transistors (vendor figure; domain brief §1)'),
  hc1TokensPerS: c(17_000, 'tokens/s', 'sourced', 'Taalas HC1, about 17,000 tokens/s per user (16,960 at batch 1, context about 2k; vendor figure)'),
} as const satisfies Record<string, Constant>;

/** Every constant as rows for printing beside the results. */
export function constantRows(): Array<Constant & { name: string }> {
  const rows: Array<Constant & { name: string }> = [];
  for (const [name, k] of Object.entries(CONSTANTS)) rows.push({ name, ...k });
  for (const node of CAPACITY_NODES) {
    for (const [name, k] of Object.entries(NODE_CONSTANTS[node])) if (k) rows.push({ name: `${node}.${name}`, ...k });
  }
  return rows;
}
