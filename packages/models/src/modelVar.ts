/** The `--model` config var, checked against the catalog when the flow starts. */
import { custom } from '@hardwire/core';
import { knownModelNames, resolveModelId } from './catalog.ts';

/** Parse a model id or alias; unknown ids list the known ones. */
export function parseModelName(raw: string): string | { error: string } {
  return resolveModelId(raw) ?? { error: `unknown model '${raw}'; known: ${knownModelNames().join(', ')}` };
}

/** `--model ID`: catalog id or alias (resolved to the id). */
export const modelVar = custom('model id', parseModelName, { required: true, doc: 'Catalog model id or alias (e.g. llama-8b, llama-3.1-70b, gpt-oss-20b, stories-260k).' });
