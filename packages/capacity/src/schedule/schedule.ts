/**
 * The schedule of one token (pure): the steps a token takes through one layer and around the layers, each on
 * a unit with a number of lanes and a rate, in phases (the steps of a phase run at the same time, the phases
 * one after another). A step takes ceil(work / (lanes x rate)) cycles plus its unit's latency, and never fewer
 * than its memory delivers (KV-cache bits / (banks x read width)); cycles per token are the sum of the phases'
 * longest steps over the layers plus the steps around them. Every unit is priced from its synthesized lane
 * (Units.Synthesize) or, for the weights, from the tiles the estimate prices; `checkSchedule` is the rule that no
 * step claims more than the hardware priced.
 */

/** Units a step can run on: the synthesized lanes, the weight tiles, rom MAC lanes, the KV banks and the embedding ROM. */
export type ScheduleUnitId = 'attn_dot' | 'softmax_exp' | 'norm_sumsq' | 'recip' | 'reducer' | 'silu_mul' | 'rope' | 'argmax' | 'weight_tiles' | 'rom_macs' | 'kv_banks' | 'embedding_rom';

/** One synthesized lane as the schedule needs it (from units.json). */
export interface LaneCost {
  readonly transistors: number;
  readonly latencyCycles: number;
  readonly ratePerCycle: number;
  readonly clockMHz?: number;
}

export type LaneCosts = Readonly<Record<'attn_dot' | 'softmax_exp' | 'norm_sumsq' | 'recip' | 'reducer' | 'silu_mul' | 'rope' | 'argmax', LaneCost>>;

/** The knobs of the non-weight hardware, per layer (each layer has its own units: every layer can be busy at once). */
export interface ScheduleConfig {
  /** Attention lanes (attn_dot) per layer. */
  readonly attentionLanes: number;
  /** KV-cache banks per layer, and the bits each reads per cycle. */
  readonly kvBanks: number;
  readonly kvReadBits: number;
  /** Elements per cycle of the vector units per layer (reducer and SiLU lanes; RMSNorm, RoPE and argmax lanes in proportion). */
  readonly vectorLanes: number;
}

export interface ScheduleModel {
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly moe?: { readonly experts: number; readonly topK: number };
  /** The weight matrices the estimate prices, with role, layer and [out, in] or [experts, out, in] shape. */
  readonly matrices: ReadonlyArray<{ readonly role: string; readonly layer: number | null; readonly shape: readonly number[] }>;
}

export interface ScheduleInputs {
  readonly model: ScheduleModel;
  /** Hardwired tiles (rows x cols, cycles per input vector) or rom MAC lanes per layer. */
  readonly weights: { readonly kind: 'tiles'; readonly rows: number; readonly cols: number; readonly cyclesPerVector: number; readonly pipelineCycles: number } | { readonly kind: 'rom'; readonly macLanesPerLayer: number };
  readonly lanes: LaneCosts;
  readonly config: ScheduleConfig;
  readonly context: number;
  readonly kvBits: number;
  /** Bits of one embedding row the embedding ROM reads per cycle. */
  readonly embeddingReadBits: number;
  readonly weightBits: number;
}

export interface ScheduleStep {
  readonly name: string;
  readonly unit: ScheduleUnitId;
  readonly perLayer: boolean;
  /** Steps of the same phase run at the same time. */
  readonly phase: number;
  readonly work: number;
  readonly workUnit: 'mac' | 'bit' | 'op';
  readonly lanes: number;
  readonly ratePerLanePerCycle: number;
  readonly latencyCycles: number;
  readonly cycles: number;
  readonly what: string;
}

export interface ScheduleUnit {
  readonly name: ScheduleUnitId;
  /** Instances in the whole chip (lanes x layers for per-layer units). */
  readonly count: number;
  /** Instances a layer has (or the chip, for the units around the layers). */
  readonly perLayer: number;
  /** Transistors of one instance (0 where the estimate prices the unit by area: tiles, ROM, SRAM). */
  readonly transistors: number;
  readonly source: string;
}

export interface Schedule {
  readonly context: number;
  readonly steps: readonly ScheduleStep[];
  readonly units: readonly ScheduleUnit[];
  /** Cycles of one layer (its phases' longest steps) and of the steps around the layers. */
  readonly layerCycles: number;
  readonly aroundCycles: number;
  readonly cyclesPerToken: number;
  /** The longest pipeline stage (a layer, or the head), which bounds the rate with every stage busy. */
  readonly stageCycles: number;
  /** Pipeline stages a token passes: one per layer and the head; with each busy on another user's token, this many users are in flight. */
  readonly pipelineStages: number;
  /** Cycles per token by step name, summed over the layers (the critical path: the longest step of each phase). */
  readonly criticalCyclesByStep: Readonly<Record<string, number>>;
  /** The critical path: the longest step of each phase (the first on a tie), in order. */
  readonly criticalSteps: readonly string[];
  /** Lanes of the derived units per layer. */
  readonly derived: { readonly softmaxLanes: number; readonly normLanes: number; readonly ropeLanes: number; readonly recipLanes: number; readonly argmaxLanes: number; readonly kvBankBits: number };
}

export const SCHEDULE_DEFAULTS: ScheduleConfig = { attentionLanes: 1024, kvBanks: 64, kvReadBits: 256, vectorLanes: 256 };

/** Matrix stages of a layer in order, with the roles each multiplies (those in one stage run at once). */
const MATRIX_STAGES: ReadonlyArray<{ name: string; roles: readonly string[]; after: string }> = [
  { name: 'qkv', roles: ['attn.q', 'attn.k', 'attn.v'], after: 'q, k and v products' },
  { name: 'o', roles: ['attn.o'], after: 'attention output product' },
  { name: 'gate_up', roles: ['mlp.gate', 'mlp.up', 'moe.gate_up'], after: 'gate and up products' },
  { name: 'down', roles: ['mlp.down', 'moe.down'], after: 'down product' },
];

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Rows (outputs) and columns (inputs) a token uses of one matrix: experts count top-k of their rows. */
function activeRowsCols(t: { role: string; shape: readonly number[] }, moe: ScheduleModel['moe']): { rows: number; cols: number } {
  const cols = t.shape[t.shape.length - 1];
  const out = t.shape[t.shape.length - 2];
  const experts = t.shape.length === 3 ? t.shape[0] : 1;
  const active = t.role.startsWith('moe.') && moe ? moe.topK : experts;
  return { rows: out * active, cols };
}

export function buildSchedule(i: ScheduleInputs): Schedule {
  const m = i.model;
  const c = i.config;
  for (const [k, v] of Object.entries(c)) if (!(Number.isInteger(v) && v >= 1)) throw new Error(`schedule config ${k} must be a whole number >= 1, got ${v}`);
  const L = i.lanes;
  const softmaxLanes = Math.max(1, ceilDiv(c.attentionLanes * L.attn_dot.ratePerCycle, m.headDim));
  const normLanes = Math.max(1, ceilDiv(c.vectorLanes, L.norm_sumsq.ratePerCycle));
  const ropeLanes = Math.max(1, ceilDiv(c.vectorLanes, 2));
  const recipLanes = m.heads;
  const argmaxLanes = Math.max(1, ceilDiv(c.vectorLanes, L.argmax.ratePerCycle));
  const kvBitsPerLayer = 2 * m.kvHeads * m.headDim * i.context * i.kvBits;
  const steps: ScheduleStep[] = [];
  let phase = 0;
  /** A step on a synthesized lane: ceil(work / (lanes x rate)) + latency; `levels` extra passes to combine the lanes' partial results. */
  const onLanes = (name: string, id: keyof LaneCosts, lanes: number, work: number, perLayer: boolean, what: string, levels = 0, workUnit: 'mac' | 'op' = 'op') => {
    const u = L[id];
    steps.push({ name, unit: id, perLayer, phase, work, workUnit, lanes, ratePerLanePerCycle: u.ratePerCycle, latencyCycles: u.latencyCycles * (1 + levels), cycles: work === 0 ? 0 : ceilDiv(work, lanes * u.ratePerCycle) + u.latencyCycles * (1 + levels) + levels, what });
  };
  const kvStep = (name: string, bits: number, perLayer: boolean, what: string) => {
    steps.push({ name, unit: 'kv_banks', perLayer, phase, work: bits, workUnit: 'bit', lanes: c.kvBanks, ratePerLanePerCycle: c.kvReadBits, latencyCycles: 1, cycles: bits === 0 ? 0 : ceilDiv(bits, c.kvBanks * c.kvReadBits) + 1, what });
  };
  const levelsFor = (lanes: number, fanIn: number) => (lanes <= 1 ? 0 : Math.ceil(Math.log(lanes) / Math.log(fanIn)));
  const norm = (prefix: string, perLayer: boolean, what: string) => {
    onLanes(`${prefix}_sumsq`, 'norm_sumsq', normLanes, m.hiddenSize, perLayer, `${what}: sum of squares of the hidden vector (the lanes' partial sums combined in a tree)`, levelsFor(normLanes, L.norm_sumsq.ratePerCycle));
    phase++;
    onLanes(`${prefix}_rsqrt`, 'recip', 1, 1, perLayer, `${what}: 1/√(mean square) as a factor and shift`);
    phase++;
    onLanes(`${prefix}_scale`, 'reducer', c.vectorLanes, m.hiddenSize, perLayer, `${what}: the hidden vector scaled and requantized to the tiles' int8 input (the norm's weights are folded into the next matrix)`);
    phase++;
  };
  const matrixStage = (stage: (typeof MATRIX_STAGES)[number], tensors: ScheduleModel['matrices'], perLayer: boolean, residual: boolean) => {
    const mine = tensors.filter((t) => stage.roles.includes(t.role));
    if (mine.length === 0) return;
    let macs = 0;
    let rows = 0;
    let rowPasses = 0;
    let tiles = 0;
    for (const t of mine) {
      const a = activeRowsCols(t, m.moe);
      macs += a.rows * a.cols;
      rows += a.rows;
      if (i.weights.kind === 'tiles') {
        const perRow = ceilDiv(a.cols, i.weights.cols);
        tiles += ceilDiv(a.rows, i.weights.rows) * perRow;
        rowPasses += a.rows * ceilDiv(perRow, 16);
      } else rowPasses += a.rows;
    }
    if (i.weights.kind === 'tiles') {
      const w = i.weights;
      const cycles = w.cyclesPerVector + (w.cyclesPerVector > 1 ? w.pipelineCycles : 0);
      steps.push({ name: stage.name, unit: 'weight_tiles', perLayer, phase, work: macs, workUnit: 'mac', lanes: tiles, ratePerLanePerCycle: (w.rows * w.cols) / w.cyclesPerVector, latencyCycles: cycles - w.cyclesPerVector, cycles, what: `${stage.after} in the hardwired tiles (${w.rows}x${w.cols}, ${w.cyclesPerVector} cycles per vector)` });
    } else {
      steps.push({ name: stage.name, unit: 'rom_macs', perLayer, phase, work: macs, workUnit: 'mac', lanes: i.weights.macLanesPerLayer, ratePerLanePerCycle: 1, latencyCycles: 1, cycles: ceilDiv(macs, i.weights.macLanesPerLayer) + 1, what: `${stage.after}: the weights stream from ROM through the MAC lanes` });
    }
    phase++;
    onLanes(`${stage.name}_reduce`, 'reducer', c.vectorLanes, rowPasses, perLayer, `row partial sums of the ${i.weights.kind === 'tiles' ? 'tiles that split a row added, ' : ''}requantized with the row scales${residual ? ', plus the residual' : ''} (${rows.toLocaleString('en-US')} rows)`);
    phase++;
  };
  // Around the layers, before: the embedding row.
  const embedBits = m.hiddenSize * i.weightBits;
  steps.push({ name: 'embed', unit: 'embedding_rom', perLayer: false, phase, work: embedBits, workUnit: 'bit', lanes: 1, ratePerLanePerCycle: i.embeddingReadBits, latencyCycles: 1, cycles: ceilDiv(embedBits, i.embeddingReadBits) + 1, what: 'the token\'s embedding row read from the embedding ROM' });
  phase++;
  const firstLayerPhase = phase;
  const layerMatrices = m.matrices.filter((t) => t.layer === 0);
  norm('norm1', true, 'RMSNorm before attention');
  matrixStage(MATRIX_STAGES[0], layerMatrices, true, false);
  onLanes('rope', 'rope', ropeLanes, (m.heads + m.kvHeads) * (m.headDim / 2) + m.headDim / 2, true, 'RoPE: each q and k pair rotated, and the angles stepped to the next position');
  phase++;
  kvStep('kv_write', 2 * m.kvHeads * m.headDim * i.kvBits, true, "the token's k and v written to the KV cache");
  phase++;
  const dotWork = m.heads * m.headDim * i.context;
  kvStep('kv_read_k', m.kvHeads * m.headDim * i.context * i.kvBits, true, 'every cached k read once (each serves its group of query heads)');
  onLanes('qk', 'attn_dot', c.attentionLanes, dotWork, true, 'q·k over the context for every head', 0, 'mac');
  onLanes('softmax_max', 'softmax_exp', softmaxLanes, m.heads * i.context, true, 'running maximum of the scores, as they leave the attention lanes');
  phase++;
  kvStep('kv_read_v', m.kvHeads * m.headDim * i.context * i.kvBits, true, 'every cached v read once');
  onLanes('softmax', 'softmax_exp', softmaxLanes, m.heads * i.context, true, 'softmax weights from the exponent table and their running sum, as the attention lanes take them');
  onLanes('av', 'attn_dot', c.attentionLanes, dotWork, true, 'weighted sum of v over the context for every head', 0, 'mac');
  phase++;
  onLanes('softmax_recip', 'recip', recipLanes, m.heads, true, "1 / (sum of the softmax weights), one per head");
  phase++;
  onLanes('attn_normalize', 'reducer', c.vectorLanes, m.heads * m.headDim, true, 'attention outputs scaled by their head\'s 1/sum and requantized to int8');
  phase++;
  matrixStage(MATRIX_STAGES[1], layerMatrices, true, true);
  norm('norm2', true, 'RMSNorm before the MLP');
  matrixStage(MATRIX_STAGES[2], layerMatrices, true, false);
  const inter = layerMatrices.filter((t) => t.role === 'mlp.down' || t.role === 'moe.down').reduce((s, t) => s + activeRowsCols(t, m.moe).cols * (t.role === 'moe.down' && m.moe ? m.moe.topK : 1), 0);
  onLanes('silu_mul', 'silu_mul', c.vectorLanes, inter, true, 'SiLU(gate) x up, requantized to int8');
  phase++;
  matrixStage(MATRIX_STAGES[3], layerMatrices, true, true);
  const lastLayerPhase = phase;
  // Around the layers, after: final norm, LM head, argmax.
  norm('final_norm', false, 'final RMSNorm');
  const head = m.matrices.filter((t) => t.role === 'head');
  const vocab = head.reduce((s, t) => s + t.shape[t.shape.length - 2], 0);
  matrixStage({ name: 'head', roles: ['head'], after: 'LM head product' }, head, false, false);
  if (vocab > 0) onLanes('argmax', 'argmax', argmaxLanes, vocab, false, 'greedy next token: the largest logit and its index', levelsFor(argmaxLanes, 2));
  phase++;

  // The critical path: the longest step of each phase.
  const longest = new Map<number, ScheduleStep>();
  for (const s of steps) if (!longest.has(s.phase) || s.cycles > longest.get(s.phase)!.cycles) longest.set(s.phase, s);
  const criticalCyclesByStep: Record<string, number> = {};
  let layerCycles = 0;
  let aroundCycles = 0;
  let headCycles = 0;
  for (const [p, s] of [...longest.entries()].sort((a, b) => a[0] - b[0])) {
    const inLayer = p >= firstLayerPhase && p < lastLayerPhase;
    if (inLayer) layerCycles += s.cycles;
    else aroundCycles += s.cycles;
    if (p >= lastLayerPhase) headCycles += s.cycles;
    criticalCyclesByStep[s.name] = (criticalCyclesByStep[s.name] ?? 0) + s.cycles * (inLayer ? m.layers : 1);
  }
  const cyclesPerToken = m.layers * layerCycles + aroundCycles;
  const tileCount = (perLayer: boolean) => steps.filter((s) => s.unit === 'weight_tiles' && s.perLayer === perLayer).reduce((a, s) => a + s.lanes, 0);
  const units: ScheduleUnit[] = [];
  const unit = (name: ScheduleUnitId, perLayer: number, around: number, transistors: number, source: string) => {
    const count = perLayer * m.layers + around;
    if (count > 0) units.push({ name, count, perLayer, transistors, source });
  };
  const measured = (id: keyof LaneCosts) => `Units.Synthesize: ${id} lane synthesized, timed and proven (${L[id].transistors.toLocaleString('en-US')} transistors)`;
  unit('attn_dot', c.attentionLanes, 0, L.attn_dot.transistors, measured('attn_dot'));
  unit('softmax_exp', softmaxLanes, 0, L.softmax_exp.transistors, measured('softmax_exp'));
  unit('recip', recipLanes, 1, L.recip.transistors, measured('recip'));
  unit('norm_sumsq', normLanes, normLanes, L.norm_sumsq.transistors, measured('norm_sumsq'));
  unit('reducer', c.vectorLanes, c.vectorLanes, L.reducer.transistors, measured('reducer'));
  unit('silu_mul', c.vectorLanes, 0, L.silu_mul.transistors, measured('silu_mul'));
  unit('rope', ropeLanes, 0, L.rope.transistors, measured('rope'));
  if (vocab > 0) unit('argmax', 0, argmaxLanes, L.argmax.transistors, measured('argmax'));
  if (i.weights.kind === 'tiles') unit('weight_tiles', tileCount(true), tileCount(false), 0, 'Capacity.Calibrate: the production tile, priced by the fitted tile model (active tiles of each stage)');
  else unit('rom_macs', i.weights.macLanesPerLayer, vocab > 0 ? i.weights.macLanesPerLayer : 0, 0, 'rom MAC lanes (romMacTransistors each): one bank per layer and one for the LM head');
  unit('kv_banks', c.kvBanks, 0, 0, 'KV-cache SRAM banks, priced by their bits and periphery');
  unit('embedding_rom', 0, 1, 0, 'embedding table as ROM bits');
  return {
    context: i.context,
    steps,
    units,
    layerCycles,
    aroundCycles,
    cyclesPerToken,
    stageCycles: Math.max(layerCycles, headCycles),
    pipelineStages: m.layers + (headCycles > 0 ? 1 : 0),
    criticalCyclesByStep,
    criticalSteps: [...longest.entries()].sort((a, b) => a[0] - b[0]).map(([, st]) => st.name),
    derived: { softmaxLanes, normLanes, ropeLanes, recipLanes, argmaxLanes, kvBankBits: Math.ceil(kvBitsPerLayer / c.kvBanks) },
  };
}

/**
 * The consistency rule: every step's work fits what its lanes can do in its cycles (work <= lanes x rate x
 * (cycles − latency)), and no step uses more lanes than the chip has of its unit. Returns one line per
 * violation, naming the step.
 */
export function checkSchedule(s: Schedule, layers: number): string[] {
  const out: string[] = [];
  const priced = new Map(s.units.map((u) => [u.name, u]));
  for (const step of s.steps) {
    const capacity = step.lanes * step.ratePerLanePerCycle * Math.max(0, step.cycles - step.latencyCycles);
    if (step.work > capacity + 1e-6) out.push(`step ${step.name}: ${step.work.toLocaleString('en-US')} ${step.workUnit} of work, but ${step.lanes} lanes x ${step.ratePerLanePerCycle} per cycle x ${step.cycles - step.latencyCycles} cycles do ${capacity.toLocaleString('en-US')}`);
    const u = priced.get(step.unit);
    const available = u ? (step.perLayer ? u.perLayer : u.count - u.perLayer * layers) : 0;
    if (step.work > 0 && step.lanes > available + 1e-9) out.push(`step ${step.name}: uses ${step.lanes} ${step.unit} lanes, the chip prices ${available}${step.perLayer ? ' per layer' : ' around the layers'}`);
  }
  return out;
}
