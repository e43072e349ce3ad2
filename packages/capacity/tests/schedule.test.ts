import { describe, expect, it } from 'vitest';
import { lanes } from './lanes.ts';
import { balancedKvBanks, buildSchedule, checkSchedule, cheapestReaching, chipPower, searchGrid, type ScheduleInputs } from '../src/index.ts';


/** A two-layer model small enough to schedule by hand: hidden 64, 4 heads of 16 (2 KV heads), MLP 128, vocabulary 100. */
function tiny(): ScheduleInputs {
  const layer = (l: number) => [
    { role: 'attn.q', layer: l, shape: [64, 64] },
    { role: 'attn.k', layer: l, shape: [32, 64] },
    { role: 'attn.v', layer: l, shape: [32, 64] },
    { role: 'attn.o', layer: l, shape: [64, 64] },
    { role: 'mlp.gate', layer: l, shape: [128, 64] },
    { role: 'mlp.up', layer: l, shape: [128, 64] },
    { role: 'mlp.down', layer: l, shape: [64, 128] },
  ];
  return {
    model: { hiddenSize: 64, layers: 2, heads: 4, kvHeads: 2, headDim: 16, matrices: [...layer(0), ...layer(1), { role: 'head', layer: null, shape: [100, 64] }] },
    weights: { kind: 'tiles', rows: 8, cols: 16, cyclesPerVector: 10, pipelineCycles: 4 },
    lanes,
    config: { attentionLanes: 4, kvBanks: 2, kvReadBits: 64, vectorLanes: 16 },
    context: 32,
    kvBits: 8,
    embeddingReadBits: 128,
    weightBits: 3,
  };
}

describe('the token schedule', () => {
  it('gives the cycles of a small model worked out by hand', () => {
    const s = buildSchedule(tiny());
    const cycles = Object.fromEntries(s.steps.map((x) => [x.name, x.cycles]));
    // RMSNorm: 64 squares on 2 lanes of 8 = 4 cycles, latency 2, one more level to add the 2 partial sums (2 + 1).
    expect(cycles.norm1_sumsq).toBe(4 + 2 + 2 + 1);
    expect(cycles.norm1_rsqrt).toBe(1 + 1);
    expect(cycles.norm1_scale).toBe(64 / 16 + 7);
    // q, k, v in 8x16 tiles: one vector (10 cycles) plus the 4 pipeline cycles; 128 rows, each split over 4 tiles, one reducer pass each.
    expect(cycles.qkv).toBe(14);
    expect(cycles.qkv_reduce).toBe(128 / 16 + 7);
    // RoPE: 6 heads x 8 pairs, plus 8 angle steps, on 8 lanes.
    expect(cycles.rope).toBe(56 / 8 + 1);
    expect(cycles.kv_write).toBe((2 * 2 * 16 * 8) / (2 * 64) + 1);
    // q·k: 4 heads x 16 x 32 positions = 2,048 MACs on 4 lanes of 8; k read: 2 heads x 16 x 32 x 8 bits from 2 banks of 64;
    // the running maximum: 128 scores on 2 softmax lanes (4 lanes x 8 / head size 16), latency 3.
    expect([cycles.qk, cycles.kv_read_k, cycles.softmax_max]).toEqual([2048 / 32 + 1, 8192 / 128 + 1, 128 / 2 + 3]);
    expect([cycles.av, cycles.kv_read_v, cycles.softmax]).toEqual([65, 65, 67]);
    expect(cycles.gate_up_reduce).toBe(256 / 16 + 7);
    expect(cycles.silu_mul).toBe(128 / 16 + 4);
    // The layer: each phase's longest step.
    const layer = 9 + 2 + 11 + 14 + 15 + 8 + 5 + 67 + 67 + 2 + 11 + 14 + 11 + 9 + 2 + 11 + 14 + 23 + 12 + 14 + 11;
    expect(s.layerCycles).toBe(layer);
    // Around: embedding (192 bits at 128 a cycle, +1), final norm (22), head tiles (14), 100 rows reduced (7 + 7), argmax (100 on 4 lanes of 4, two levels).
    expect(cycles.argmax).toBe(7 + 1 * 3 + 2);
    expect(s.aroundCycles).toBe(3 + 22 + 14 + 14 + 12);
    expect(s.cyclesPerToken).toBe(2 * layer + 65);
    expect(s.stageCycles).toBe(layer);
    expect(s.pipelineStages).toBe(3);
    // The critical path by step adds up to the cycles per token.
    expect(Object.values(s.criticalCyclesByStep).reduce((a, b) => a + b, 0)).toBe(s.cyclesPerToken);
    expect(s.criticalCyclesByStep.softmax_max).toBe(2 * 67);
    // 32 + 16 + 16 tiles for q, k, v, each doing 8 x 16 MACs in 10 cycles: exactly the 8,192 MACs of the stage.
    const qkv = s.steps.find((x) => x.name === 'qkv')!;
    expect([qkv.lanes, qkv.work, qkv.ratePerLanePerCycle]).toEqual([64, 8192, 12.8]);
    expect(checkSchedule(s, 2)).toEqual([]);
  });

  it('the consistency rule names a step that claims more than its lanes do, or more lanes than the chip prices', () => {
    const s = buildSchedule(tiny());
    const tooFast = { ...s, steps: s.steps.map((x) => (x.name === 'qk' ? { ...x, cycles: 10 } : x)) };
    expect(checkSchedule(tooFast, 2)).toEqual([expect.stringMatching(/^step qk: 2,048 mac of work, but 4 lanes x 8 per cycle x 9 cycles do 288/)]);
    const unpriced = { ...s, units: s.units.map((u) => (u.name === 'attn_dot' ? { ...u, perLayer: 2, count: 4 } : u)) };
    const v = checkSchedule(unpriced, 2);
    expect(v).toContain('step qk: uses 4 attn_dot lanes, the chip prices 2 per layer');
    expect(v).toContain('step av: uses 4 attn_dot lanes, the chip prices 2 per layer');
  });

  it('more context costs attention cycles linearly; more attention lanes and banks win them back', () => {
    const base = tiny();
    const at = (context: number, attentionLanes = 4, kvBanks = 2) => buildSchedule({ ...base, context, config: { ...base.config, attentionLanes, kvBanks } });
    const a = at(32);
    const b = at(64);
    expect(b.layerCycles - a.layerCycles).toBe(2 * (128 / 2)); // two passes, each 4 heads x 32 more positions on 2 softmax lanes
    const wide = at(64, 8, 4);
    expect(wide.layerCycles).toBeLessThan(b.layerCycles);
    // KV banks too few: the read, not the lanes, sets the phase.
    const starved = at(64, 8, 1);
    const read = starved.steps.find((x) => x.name === 'kv_read_k')!;
    expect(read.cycles).toBe((2 * 16 * 64 * 8) / 64 + 1);
    expect(starved.layerCycles).toBeGreaterThan(wide.layerCycles);
  });

  it('rom: the weights stream through the MAC lanes', () => {
    const s = buildSchedule({ ...tiny(), weights: { kind: 'rom', macLanesPerLayer: 256 } });
    const qkv = s.steps.find((x) => x.name === 'qkv')!;
    expect([qkv.unit, qkv.cycles]).toEqual(['rom_macs', 8192 / 256 + 1]);
    expect(checkSchedule(s, 2)).toEqual([]);
  });

  it('balanced banks keep pace with the lanes, and the search finds the cheapest reaching a speed (brute force beside it)', () => {
    // 1,024 lanes x 8 MACs, 8 of 32 heads' k per cycle at 8 bits: 16,384 bits a cycle = 64 banks of 256.
    expect(balancedKvBanks(1024, 256, 32, 8, 8)).toBe(64);
    const grid = searchGrid(32, 8, 8);
    expect(grid.length).toBe(21 * 3 * 3 * 17); // 64..65,536 and 32..8,192 in steps of 1.5x and 2x
    const priced = grid.map((c) => ({ c, areaMm2: c.attentionLanes + c.kvBanks * 2 + c.vectorLanes / 3 + c.kvReadBits / 7, tokensPerS: Math.min(c.attentionLanes * 10, c.kvBanks * c.kvReadBits, c.vectorLanes * 40) }));
    for (const target of [5_000, 50_000, 300_000]) {
      const found = cheapestReaching(grid, (c) => priced.find((p) => p.c === c)!, target);
      const brute = priced.filter((p) => p.tokensPerS >= target).sort((x, y) => x.areaMm2 - y.areaMm2)[0];
      expect(found.reached).toBe(true);
      if (found.reached) expect(found.estimate.areaMm2).toBe(brute.areaMm2);
    }
    const none = cheapestReaching(grid, (c) => priced.find((p) => p.c === c)!, 1e9);
    expect(none.reached).toBe(false);
    if (!none.reached) expect(none.estimate.tokensPerS).toBe(Math.max(...priced.map((p) => p.tokensPerS)));
  });
});

describe('power over the schedule', () => {
  it('adds each unit\'s energy over its busy cycles, the KV reads by the bit, leakage on top; by hand for the small model', () => {
    const s = buildSchedule(tiny());
    const lanesPower = Object.fromEntries(Object.keys(lanes).map((id, i) => [id, { energyPj: 10 + i, leakageNw: 1, transistors: 1000 }]));
    const p = chipPower({
      schedule: s,
      layers: 2,
      weightBits: 3,
      lanes: lanesPower,
      tile: { energyPerTransistorCyclePj: 0.001, leakageNwPerTransistor: 0, transistorsEach: 5000, cyclesPerVector: 10 },
      tokensPerS: 1000,
      aggregateTokensPerS: 3000,
      energyDivisor: 10,
      logicLeakageW: 0.5,
      sramLeakageWPerBit: 1e-12,
      sramReadJPerBit: 1e-15,
      romReadJPerBit: 2e-15,
      logicTransistors: 1e6,
      sramBits: 1e6,
    });
    const pj = (x: number) => (x * 1e-12) / 10;
    // attn_dot (energy 10 pJ a busy lane-cycle): q·k and p·v, each 2,048 MACs at 8 a lane-cycle, in each of 2 layers.
    expect(p.energyPerTokenByUnitJ.attn_dot).toBeCloseTo(2 * 2 * (2048 / 8) * pj(10), 18);
    // Weight tiles: per layer 64 (qkv) + 32 (o) + 128 (gate, up) + 64 (down) tiles, and 13 x 4 for the head's 100 rows, each busy 10 cycles at 5 pJ.
    const tiles = 2 * (64 + 32 + 128 + 64) + 13 * 4;
    expect(s.steps.filter((x) => x.unit === 'weight_tiles').reduce((a, x) => a + x.lanes * (x.perLayer ? 2 : 1), 0)).toBe(tiles);
    expect(p.energyPerTokenByUnitJ.weight_tiles).toBeCloseTo(tiles * 10 * pj(5), 18);
    // KV: per layer 512 bits written and 2 x 8,192 read, at 1 fJ a bit; the embedding row 192 bits at 2 fJ.
    expect(p.energyPerTokenByUnitJ.kv_banks).toBeCloseTo(2 * (512 + 2 * 8192) * 1e-15, 20);
    expect(p.energyPerTokenByUnitJ.embedding_rom).toBeCloseTo(192 * 2e-15, 20);
    expect(p.leakageW).toBeCloseTo(0.5 + 1e6 * 1e-12, 12);
    expect(p.batch1W).toBeCloseTo(p.dynamicEnergyPerTokenJ * 1000 + p.leakageW, 12);
    expect(p.fullPipelineW).toBeCloseTo(p.dynamicEnergyPerTokenJ * 3000 + p.leakageW, 12);
    expect(p.joulesPerToken).toBeCloseTo(p.dynamicEnergyPerTokenJ + p.leakageW / 1000, 15);
    expect(Object.values(p.energyPerTokenByUnitJ).reduce((a, b) => a + b, 0)).toBeCloseTo(p.dynamicEnergyPerTokenJ, 18);
  });
});
