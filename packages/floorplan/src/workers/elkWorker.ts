/** Worker: ELK layouts off the main thread (elkjs is synchronous and slow on big graphs). */
import { parentPort } from 'node:worker_threads';
import ELKBundled from 'elkjs/lib/elk.bundled.js';

const elk = new (ELKBundled as unknown as new () => { layout(graph: unknown): Promise<unknown> })();
parentPort!.on('message', (message: { id: number; graph: unknown } | null) => {
  if (message === null) {
    parentPort!.close();
    return;
  }
  elk.layout(message.graph as never).then(
    (graph: unknown) => parentPort!.postMessage({ id: message.id, graph }),
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: String(error) }),
  );
});
