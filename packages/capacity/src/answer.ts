/**
 * The answer a run gives, in a few lines (pure): model, format, node, architecture, silicon, reticle
 * fields, wafers, speed, power, the comparison with Taalas HC1 and the largest model per wafer, from the
 * run's metrics. Empty when the run made no estimate.
 */
import { CONSTANTS } from './constants.ts';

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function answerLines(metrics: Readonly<Record<string, number | string>>): string[] {
  const area = metrics.capacity__area__mm2;
  if (typeof area !== 'number') return [];
  const num = (k: string) => (typeof metrics[k] === 'number' ? (metrics[k] as number) : undefined);
  const model = String(metrics.run__model__id ?? 'model');
  const hc1Area = CONSTANTS.hc1AreaMm2.value;
  const hc1Transistors = CONSTANTS.hc1Transistors.value;
  const hc1Tokens = CONSTANTS.hc1TokensPerS.value;
  const transistors = num('capacity__transistors') ?? 0;
  const tokens = num('capacity__tokens_per_s');
  const power = num('capacity__power_w');
  const largest = num('capacity__largest__params');
  const lines = [
    `${model}, ${metrics.capacity__format ?? '?'} weights, ${metrics.capacity__node ?? '?'}, ${metrics.capacity__arch ?? '?'}${metrics.capacity__production_tile ? ` (${metrics.capacity__production_tile} tiles)` : ''}:`,
    `  silicon   ${fmt(area)} mm², ${fmt(transistors / 1e9, 1)} B transistors (Taalas HC1: ${fmt(hc1Area)} mm², ${fmt(hc1Transistors / 1e9)} B on N6; ${area / hc1Area >= 0.1 ? fmt(area / hc1Area, 1) : (area / hc1Area).toPrecision(2)}x its area)`,
    `  fields    ${num('capacity__reticles') ?? '?'} reticle field(s) of 26 x 33 mm, ${num('capacity__wafers') ?? '?'} wafer(s)`,
  ];
  const context = num('capacity__context');
  const aggregate = num('capacity__aggregate_tokens_per_s');
  const users = num('capacity__users_in_flight');
  if (tokens !== undefined) {
    lines.push(`  speed     ${fmt(tokens)} tokens/s per user${context !== undefined ? ` at context ${fmt(context)}` : ''}, ${fmt(num('capacity__clock_mhz') ?? 0)} MHz (HC1: about ${fmt(hc1Tokens)} at about 2k)`);
    if (aggregate !== undefined && users !== undefined) lines.push(`  all users ${fmt(aggregate)} tokens/s with the layer pipeline full (${fmt(users)} users in flight, each its own KV cache)`);
    const cycles = num('capacity__schedule__cycles_per_token');
    if (cycles !== undefined) lines.push(`  schedule  ${fmt(cycles)} cycles per token; ${fmt(num('capacity__schedule__attention_lanes') ?? 0)} attention lanes, ${fmt(num('capacity__schedule__kv_banks') ?? 0)} KV banks x ${fmt(num('capacity__schedule__kv_read_bits') ?? 0)} bits, ${fmt(num('capacity__schedule__vector_lanes') ?? 0)} vector lanes per layer`);
  }
  const batch1 = num('capacity__power__batch1_w');
  if (batch1 !== undefined) {
    const jpt = num('capacity__power__joules_per_token') ?? 0;
    lines.push(`  power     ${fmt(batch1, batch1 < 100 ? 1 : 0)} W for one user (${fmt(jpt * 1e3, 2)} mJ/token), ${fmt(num('capacity__power__full_pipeline_w') ?? 0)} W with the pipeline full (${fmt((num('capacity__power__joules_per_token_full') ?? 0) * 1e3, 3)} mJ/token); leakage ${fmt(num('capacity__power__leakage_w') ?? 0, 1)} W (measured activity, Liberty energies, idle units clock-gated)`);
  } else if (power !== undefined) lines.push(`  power     ${fmt(power)} W (first order: logic switching at the measured SKY130 energy, scaled to the node)`);
  if (largest !== undefined) lines.push(`  largest   ${largest > 0 ? `${fmt(largest / 1e9, 1)} B parameters (llama-shaped) on one wafer at this node and architecture` : 'no llama-shaped model fits one wafer'}`);
  return lines;
}
