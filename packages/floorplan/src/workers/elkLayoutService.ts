/** A layout function backed by one ELK worker thread (edge). Call `close()` when done. */
import { createTsWorker } from '@hardwire/core';
import type { ElkGraph, ElkLayout } from '../packField.ts';

export function elkLayoutService(): { layout: ElkLayout; close: () => Promise<void> } {
  const worker = createTsWorker(new URL('./elkWorker.ts', import.meta.url), {});
  const pending = new Map<number, { resolve: (g: ElkGraph) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.on('message', (m: { id: number; graph?: ElkGraph; error?: string }) => {
    const p = pending.get(m.id)!;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`ELK: ${m.error}`));
    else p.resolve(m.graph!);
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
  });
  return {
    layout: (graph) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, graph });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
