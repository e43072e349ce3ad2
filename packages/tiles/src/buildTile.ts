/**
 * A tile's RTL in one of the micro-architectures (pure). Every architecture has the same stream interface
 * (clk, rst, in_valid, in_ready, x, out_valid, y) and the same golden model, y = W·x.
 */
import type { KindSpec } from '@hardwire/blocks';
import { buildNetwork, fixedNetworkVerilog, routePermutation } from '@hardwire/permute';
import { columnStreams, digitTerms, rowCoefficientSums, type OffsetTerm, type Stream, type Term } from './arch/streams.ts';
import { shareStreams, type ShareOptions } from './arch/shareStreams.ts';
import { planTile, type TilePlan } from './planTile.ts';
import { bitSerialTileVerilog, type BitSerialBlock, type TileCircuitStats } from './rtl/bitSerialTile.ts';
import { daOffsetBlock, parallelOffsetBlock } from './rtl/blockModules.ts';
import { parallelTileVerilog } from './rtl/parallelTile.ts';

export const TILE_ARCHS = ['da', 'parallel', 'bitserial', 'bitserial-shared'] as const;
export type TileArch = (typeof TILE_ARCHS)[number];

/** One line per architecture (help text and reports). */
export const TILE_ARCH_DOCS: Record<TileArch, string> = {
  da: 'bit-serial distributed arithmetic: each block kind a 2^k-entry function of one bit of each input, block outputs into per-row carry-save trees',
  parallel: 'one vector per cycle: each block kind shift-and-add over whole inputs, block outputs into per-row carry-save trees, y the only register',
  bitserial: 'bit-level: every coefficient as canonical signed digits, each row a carry-save tree over the input bits its digits select, no block functions',
  'bitserial-shared': 'bit-level with sharing across rows: pairs of signed input streams common to several rows summed once by serial adders (greedy pair extraction)',
};

export interface BuildTileOptions {
  readonly top: string;
  readonly arch: TileArch;
  readonly spec: KindSpec;
  readonly inputBits: number;
  readonly outputBits: number;
  /** bitserial-shared: pair extraction settings (default: pairs used by 3+ rows, two levels). */
  readonly share?: ShareOptions;
}

export interface TileStructure extends TileCircuitStats {
  /** Block instances (da, parallel) after sharing equal tuples across rows. */
  readonly blockInstances: number;
  /** bitserial-shared: row bits before sharing (the bitserial tree of the same window). */
  readonly rowBitsUnshared?: number;
}

export interface BuiltTile {
  readonly verilog: string;
  readonly structure: TileStructure;
  readonly plan?: TilePlan;
}

export const DEFAULT_SHARE: ShareOptions = { minUses: 3, maxWidth: 0 };

/** Shared-stream settings for A-bit inputs: two levels of sums unless given. */
export function shareOptions(inputBits: number, o?: Partial<ShareOptions>): ShareOptions {
  return { minUses: o?.minUses ?? 3, maxWidth: o?.maxWidth && o.maxWidth > 0 ? o.maxWidth : inputBits + 2 };
}

function fabricModule(k: number, width: number, portColumn: readonly number[], modules: Map<string, string>): string {
  const name = `hw_fabric_k${k}_w${width}_p${portColumn.join('')}`;
  if (!modules.has(name)) {
    // Fabric input j is column j of the group; output i feeds block port i, so input portColumn[i] goes to output i.
    const perm = new Array<number>(k);
    portColumn.forEach((column, port) => (perm[column] = port));
    const network = buildNetwork(k, 'waksman');
    modules.set(name, fixedNetworkVerilog(network, routePermutation(network, perm), name, width));
  }
  return name;
}

/** Build a tile: codes is rows x cols (row-major) of integer coefficients; levelIndex maps a code to its level. */
export function buildTile(codes: ArrayLike<number>, rows: number, cols: number, levelIndex: (code: number) => number, o: BuildTileOptions): BuiltTile {
  const A = o.inputBits;
  const rowSums = rowCoefficientSums(codes, rows, cols);
  if (o.arch === 'bitserial' || o.arch === 'bitserial-shared') {
    const columns = columnStreams(cols, A);
    const terms = digitTerms(codes, rows, cols);
    let streams: readonly Stream[] = columns;
    let rowTerms: readonly (readonly Term[])[] = terms;
    let unshared: number | undefined;
    if (o.arch === 'bitserial-shared') {
      const shared = shareStreams(columns, terms, shareOptions(A, o.share));
      streams = shared.streams;
      rowTerms = shared.rows;
      unshared = shared.bitsBefore;
    }
    const { verilog, stats } = bitSerialTileVerilog({ top: o.top, rows, cols, inputBits: A, outputBits: o.outputBits, streams, rowTerms, rowSums });
    return { verilog, structure: { ...stats, blockInstances: 0, rowBitsUnshared: unshared } };
  }
  const k = o.spec.k;
  const plan = planTile(codes, rows, cols, k, levelIndex, o.spec.signFold);
  const modules = new Map<string, string>();
  const kinds = new Map<number, ReturnType<typeof daOffsetBlock>>();
  const kindOf = (rank: number, coefficients: readonly number[]) => {
    let block = kinds.get(rank);
    if (!block) {
      block = o.arch === 'da' ? daOffsetBlock(o.spec, { rank, coefficients }) : parallelOffsetBlock(o.spec, { rank, coefficients }, A);
      kinds.set(rank, block);
      modules.set(block.module, block.verilog);
    }
    return block;
  };
  // Sign-folded kinds hold magnitudes (no offset of their own): an instance's offset is its negative
  // coefficients' share, since it reads those columns inverted (da: |c|·(1 − b); parallel: |c|·(2^A − 1 − u)).
  const inputFull = o.arch === 'da' ? 1 : 2 ** A - 1;
  const blocks = plan.instances.map((inst) => {
    const kind = kindOf(inst.kindRank, inst.kindCoefficients);
    const offset = o.spec.signFold ? inst.tuple.reduce((s, c) => s + (c < 0 ? -c * inputFull : 0), 0) : kind.offset;
    return { id: inst.id, group: inst.group, fabric: fabricModule(k, o.arch === 'da' ? 1 : A, inst.portColumn, modules), module: kind.module, outputBits: kind.outputBits, offset, negated: inst.negated };
  });
  if (o.arch === 'parallel') {
    const rowConstants = plan.rowInstances.map((ids, r) => -ids.reduce((s, id) => s + blocks[id].offset, 0) - 2 ** (A - 1) * rowSums[r]);
    const { verilog, stats } = parallelTileVerilog({ top: o.top, rows, cols, k, inputBits: A, outputBits: o.outputBits, blocks, blockModules: modules, rowInstances: plan.rowInstances, rowConstants });
    return { verilog, structure: { ...stats, blockInstances: plan.instances.length }, plan };
  }
  // da: each block output bit is a stream of width A; rows add the bits of their instances, minus the offsets.
  const streams: Stream[] = columnStreams(cols, A);
  const firstBit = new Map<number, number>();
  for (const b of blocks) {
    firstBit.set(b.id, streams.length);
    for (let bit = 0; bit < b.outputBits; bit++) streams.push({ id: streams.length, width: A, source: { kind: 'block', instance: b.id, bit }, offset: [] });
  }
  const rowTerms: Term[][] = plan.rowInstances.map((ids) => ids.flatMap((id) => Array.from({ length: blocks[id].outputBits }, (_, bit) => ({ stream: firstBit.get(id)! + bit, weight: bit, sign: 1 as const }))));
  const rowExtra: OffsetTerm[][] = plan.rowInstances.map((ids) => ids.map((id) => ({ coef: -blocks[id].offset, cycles: A })));
  const daBlocks: BitSerialBlock[] = blocks.map(({ offset: _o, ...b }) => b);
  const { verilog, stats } = bitSerialTileVerilog({ top: o.top, rows, cols, inputBits: A, outputBits: o.outputBits, streams, rowTerms, rowExtra, rowSums, k, blocks: daBlocks, blockModules: modules });
  return { verilog, structure: { ...stats, blockInstances: plan.instances.length }, plan };
}
