/**
 * What a quality run measures (pure): texts into token sequences, the work items (each format's hardwired
 * and weights-only passes, the pipeline's own loss, a mixed-precision configuration, the per-matrix and
 * per-layer sensitivity) and the tables they become.
 */
import { QUANT_FORMATS } from '@hardwire/quant';
import { barChartSvg } from '@hardwire/render';
import { LAYER_MATRICES, type LayerMatrix } from './llama.ts';
import type { WeightFormat } from './hardwired.ts';
import type { QualityResult } from './evaluate.ts';

export interface TextSequences {
  readonly name: string;
  readonly sequences: number[][];
}

/** Stories split at blank lines, each with BOS and clipped to `context` tokens, until `maxPositions` predictions. */
export function textSequences(text: string, encodeStory: (story: string) => number[], context: number, maxPositions: number): number[][] {
  const out: number[][] = [];
  let positions = 0;
  for (const raw of text.split(/\r?\n\s*\r?\n/)) {
    const story = raw.trim().replace(/\s*\r?\n\s*/g, ' ');
    if (!story || positions >= maxPositions) continue;
    let ids = encodeStory(story).slice(0, context);
    if (ids.length < 2) continue;
    if (positions + ids.length - 1 > maxPositions) ids = ids.slice(0, maxPositions - positions + 1);
    out.push(ids);
    positions += ids.length - 1;
  }
  return out;
}

/** Sequences clipped to `maxPositions` predictions in all. */
export function clipSequences(sequences: readonly number[][], maxPositions: number): number[][] {
  const out: number[][] = [];
  let positions = 0;
  for (const seq of sequences) {
    if (positions >= maxPositions) break;
    const ids = seq.slice(0, maxPositions - positions + 1);
    if (ids.length < 2) continue;
    out.push(ids);
    positions += ids.length - 1;
  }
  return out;
}

/** A mixed-precision override: matrices `<layer|*>.<matrix|*>`, `head` or `embed` (the embedding ROM) in another format. */
export const MIXED_SELECTOR = /^((\*|\d+)\.(\*|q|k|v|o|gate|up|down)|head|embed)$/;

/** Parse `SEL=FORMAT,...` (e.g. `*.down=int4,head=int4`); an error text names the bad item. */
export function parseMixed(items: readonly string[], layers: number): Map<string, WeightFormat> | { error: string } {
  const out = new Map<string, WeightFormat>();
  for (const item of items) {
    const [sel, fmt, extra] = item.split('=');
    if (extra !== undefined || !sel || !fmt) return { error: `"${item}" is not SELECTOR=FORMAT` };
    if (!MIXED_SELECTOR.test(sel)) return { error: `"${sel}": expected <layer|*>.<q|k|v|o|gate|up|down|*>, head or embed` };
    const layer = sel.split('.')[0];
    if (/^\d+$/.test(layer) && Number(layer) >= layers) return { error: `"${sel}": the model has layers 0..${layers - 1}` };
    if (!(QUANT_FORMATS as readonly string[]).includes(fmt) && fmt !== 'int8') return { error: `"${fmt}": expected one of ${[...QUANT_FORMATS, 'int8'].join(', ')}` };
    out.set(sel, fmt as WeightFormat);
  }
  return out;
}

/** One work item: a format's passes over every text, or one sensitivity selection over the first text. */
export type QualityTask =
  | { readonly id: number; readonly kind: 'format'; readonly label: string; readonly format: WeightFormat; readonly overrides?: ReadonlyArray<readonly [string, WeightFormat]> }
  | { readonly id: number; readonly kind: 'sensitivity'; readonly format: WeightFormat; readonly layer: number | '*'; readonly matrix: LayerMatrix | 'head' | 'embed' | '*' };

/** The items of a run: every format, the int8 pipeline row, the mixed configuration, then the sensitivity selections. */
export function qualityTasks(o: { formats: readonly WeightFormat[]; mixed?: ReadonlyMap<string, WeightFormat>; mixedBase: WeightFormat; sensitivityFormat?: WeightFormat; layers: number }): QualityTask[] {
  const tasks: QualityTask[] = [];
  for (const format of o.formats) tasks.push({ id: tasks.length, kind: 'format', label: format, format });
  if (o.mixed && o.mixed.size > 0) {
    const overrides = [...o.mixed.entries()];
    tasks.push({ id: tasks.length, kind: 'format', label: `${o.mixedBase}+${overrides.map(([k, v]) => `${k}=${v}`).join('+')}`, format: o.mixedBase, overrides });
  }
  if (o.sensitivityFormat) {
    const f = o.sensitivityFormat;
    for (const matrix of [...LAYER_MATRICES, 'head', 'embed'] as const) tasks.push({ id: tasks.length, kind: 'sensitivity', format: f, layer: '*', matrix });
    for (let layer = 0; layer < o.layers; layer++) tasks.push({ id: tasks.length, kind: 'sensitivity', format: f, layer, matrix: '*' });
  }
  return tasks;
}

export interface FormatOutcome {
  readonly label: string;
  /** Per text: [hardwired, weights-only] qualities. */
  readonly texts: ReadonlyArray<{ readonly name: string; readonly result: QualityResult }>;
  readonly saturations: Readonly<Record<string, number>>;
}

export interface SensitivityOutcome {
  readonly format: WeightFormat;
  readonly layer: number | '*';
  readonly matrix: string;
  readonly result: QualityResult;
}

const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

export const QUALITY_CSV_HEADER = 'format,act_bits,kv_bits,tokens,ppl,ppl_float,kl_mean,kl_p99,top1_agree,text';

/** quality.csv: per format and text, the hardwired pass (8-bit activations and KV) and the weights-only pass (float arithmetic, 32). */
export function qualityCsv(outcomes: readonly FormatOutcome[], actBits: number, kvBits: number): string {
  const rows = [QUALITY_CSV_HEADER];
  for (const o of outcomes) for (const t of o.texts) {
    const [hw, weightsOnly] = t.result.passes;
    const line = (p: typeof hw, a: number, k: number) => [o.label, a, k, p.tokens, fixed(p.ppl, 4), fixed(t.result.pplFloat, 4), fixed(p.klMean, 5), fixed(p.klP99, 4), fixed(p.top1Agree, 4), t.name].join(',');
    rows.push(line(hw, actBits, kvBits));
    if (weightsOnly) rows.push(line(weightsOnly, 32, 32));
  }
  return `${rows.join('\n')}\n`;
}

export function sensitivityCsv(outcomes: readonly SensitivityOutcome[]): string {
  const rows = ['format,layer,matrix,tokens,ppl,ppl_float,kl_mean,top1_agree'];
  for (const o of outcomes) {
    const p = o.result.passes[0];
    rows.push([o.format, o.layer, o.matrix, p.tokens, fixed(p.ppl, 4), fixed(o.result.pplFloat, 4), fixed(p.klMean, 5), fixed(p.top1Agree, 4)].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** The chart: KL(float || chip) per format on one text, the chip's pass (red) beside its weights in float (blue). */
export function qualityChartSvg(outcomes: readonly FormatOutcome[], model: string, text: string): string {
  const bars = outcomes.flatMap((o) => {
    const r = o.texts.find((t) => t.name === text)!.result;
    return [
      { label: o.label, value: r.passes[0].klMean, color: '#c0392b' },
      { label: `${o.label} (w)`, value: r.passes[1].klMean, color: '#2e86c1' },
    ];
  });
  return barChartSvg({ title: `${model}, ${text} text: red the chip, blue (w) its weights in float`, bars, valueLabel: 'KL(float || chip), nats per token', showValues: true, widthPx: 1600, heightPx: 800 });
}
