/** ELK's layered layout of a small graph, in this thread (edge: elkjs; the dataflow diagram has a few dozen nodes). */
import ELKBundled from 'elkjs/lib/elk.bundled.js';
import type { ElkLayeredGraph } from '../dataflow.ts';

const elk = new (ELKBundled as unknown as new () => { layout(graph: unknown): Promise<unknown> })();

export async function layoutLayered(graph: ElkLayeredGraph): Promise<ElkLayeredGraph> {
  return (await elk.layout(structuredClone(graph))) as ElkLayeredGraph;
}
