/** One quality work item on loaded weights (pure): compile, run the passes, compare with float. */
import { evaluatePasses } from '../evaluate.ts';
import { chipWeights, compileHardwired, HardwiredLlama, selectiveWeights, type Calibration } from '../hardwired.ts';
import { FloatLlama, type LlamaWeights } from '../llama.ts';
import type { FormatOutcome, QualityTask, SensitivityOutcome, TextSequences } from '../plan.ts';

export interface TaskContext {
  readonly weights: LlamaWeights;
  readonly calibration: Calibration;
  readonly texts: readonly TextSequences[];
  /** The sensitivity's sequences (a prefix of the first text). */
  readonly sensitivityText: TextSequences;
  readonly onTokens?: (done: number) => void;
}

export function runQualityTask(task: QualityTask, c: TaskContext): { format?: FormatOutcome; sensitivity?: SensitivityOutcome } {
  if (task.kind === 'format') {
    const model = compileHardwired(c.weights, c.calibration, { format: task.format, overrides: task.overrides ? new Map(task.overrides) : undefined });
    const hardwired = new HardwiredLlama(model);
    const weightsOnly = new FloatLlama(chipWeights(c.weights, model));
    const reference = new FloatLlama(c.weights);
    const texts = c.texts.map((t) => ({ name: t.name, result: evaluatePasses(reference, [hardwired, weightsOnly], t.sequences, c.onTokens) }));
    const saturations = Object.fromEntries(Object.entries(hardwired.saturations).filter(([, v]) => v.count > 0).map(([k, v]) => [k, v.count]));
    return { format: { label: task.label, texts, saturations } };
  }
  const { layer, matrix } = task;
  const weights = selectiveWeights(c.weights, task.format, (l, m) => (layer === '*' || l === layer) && (matrix === '*' ? typeof l === 'number' : m === matrix));
  const result = evaluatePasses(new FloatLlama(c.weights), [new FloatLlama(weights)], c.sensitivityText.sequences, c.onTokens);
  return { sensitivity: { format: task.format, layer, matrix, result } };
}
