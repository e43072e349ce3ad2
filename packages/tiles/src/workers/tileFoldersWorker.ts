/** Worker: `writeTileFolders` off the main thread (the 64x1024 tile's shared sub-expressions take half a minute of one core). */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '@hardwire/core';
import { writeTileFolders, type TileFoldersRequest } from '../stages/generateStage.ts';

const request = (workerData as { data: TileFoldersRequest }).data;
try {
  const { ids } = await writeTileFolders(request);
  parentPort!.postMessage({ ok: true, ids });
} catch (error) {
  parentPort!.postMessage({ ok: false, userError: error instanceof UserError, message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined });
}
