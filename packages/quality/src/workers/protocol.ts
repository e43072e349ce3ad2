/** Messages between the quality pool and its workers. */
import type { Calibration } from '../hardwired.ts';
import type { FormatOutcome, QualityTask, SensitivityOutcome, TextSequences } from '../plan.ts';

export interface QualityWorkerData {
  readonly weightsPath: string;
  readonly modelId: string;
  readonly seqLen: number;
  readonly calibration: Calibration;
  readonly texts: readonly TextSequences[];
  readonly sensitivityText: TextSequences;
}

export type QualityWorkerMessage =
  | { readonly type: 'progress'; readonly tokens: number }
  | { readonly type: 'result'; readonly id: number; readonly format?: FormatOutcome; readonly sensitivity?: SensitivityOutcome }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

export type { QualityTask };
