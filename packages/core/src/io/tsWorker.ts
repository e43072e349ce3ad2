/** Worker threads that run TypeScript modules under tsx, whatever started the parent (tsx, vitest). */
import { Worker } from 'node:worker_threads';

const BOOT = new URL('./tsWorkerBoot.mjs', import.meta.url);

/** Start a worker running the TypeScript module `entry` with `workerData`. */
export function createTsWorker(entry: URL, workerData: unknown): Worker {
  return new Worker(BOOT, { workerData: { entry: entry.href, data: workerData } });
}
