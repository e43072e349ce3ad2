/** Worker threads that run TypeScript modules under tsx, whatever started the parent (tsx, vitest). */
import { Worker } from 'node:worker_threads';

const BOOT = new URL('./tsWorkerBoot.mjs', import.meta.url);

/** Start a worker running the TypeScript module `entry` with `workerData`. */
export function createTsWorker(entry: URL, workerData: unknown): Worker {
  return new Worker(BOOT, { workerData: { entry: entry.href, data: workerData } });
}

/**
 * Run the TypeScript module `entry` in a worker thread for one reply: resolves with the first message it posts
 * (an error thrown in the worker, or its exit before replying, rejects), then stops the worker.
 */
export async function tsWorkerReply<T>(entry: URL, workerData: unknown): Promise<T> {
  const worker = createTsWorker(entry, workerData);
  try {
    return await new Promise<T>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker ${entry.pathname} exited with code ${code} before replying`)));
    });
  } finally {
    await worker.terminate();
  }
}
