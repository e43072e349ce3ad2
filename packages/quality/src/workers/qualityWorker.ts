/** Worker: loads the weights once, then runs the quality tasks the pool sends (edge: reads the checkpoint). */
import { parentPort, workerData } from 'node:worker_threads';
import { MODEL_CATALOG } from '@hardwire/models';
import { loadLlamaWeights } from '../io/loadWeights.ts';
import type { QualityTask } from '../plan.ts';
import type { QualityWorkerData, QualityWorkerMessage } from './protocol.ts';
import { runQualityTask } from './runTask.ts';

const data = (workerData as { data: QualityWorkerData }).data;
const weights = loadLlamaWeights(data.weightsPath, MODEL_CATALOG[data.modelId], data.seqLen);
const port = parentPort!;
const send = (m: QualityWorkerMessage) => port.postMessage(m);

port.on('message', (task: QualityTask | null) => {
  if (task === null) {
    port.close();
    return;
  }
  try {
    let pending = 0;
    const onTokens = () => {
      if (++pending === 16) {
        send({ type: 'progress', tokens: pending });
        pending = 0;
      }
    };
    const out = runQualityTask(task, { weights, calibration: data.calibration, texts: data.texts, sensitivityText: data.sensitivityText, onTokens });
    if (pending > 0) send({ type: 'progress', tokens: pending });
    send({ type: 'result', id: task.id, ...out });
  } catch (error) {
    send({ type: 'error', id: task.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
