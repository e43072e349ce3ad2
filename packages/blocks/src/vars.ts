/** Config vars of the block-library and synthesis stages. */
import { int, oneOf, str } from '@hardwire/core';

export const blockArchVar = oneOf(['parallel', 'da'] as const, { default: 'da', doc: 'Block micro-architecture: parallel (one sum per cycle) or da (bit-serial distributed arithmetic).' });
export const inputBitsVar = int({ default: 8, min: 2, max: 16, unit: 'bits', doc: 'Activation width A (signed) the blocks multiply.' });
export const yosysVar = oneOf(['auto', 'native', 'wasm'] as const, { default: 'auto', doc: 'yosys to run: auto (native on PATH, else the npm WebAssembly build), native, or wasm.' });
export { pdkRootVar } from '@hardwire/eda';
export const verifyVectorsVar = int({ default: 10_000, min: 1000, doc: 'Vectors per kind when its input space is too large for an exhaustive proof.' });
export const verifySeedVar = int({ default: 1, min: 0, doc: 'Seed of the random verification vectors.' });
export const synthBatchVar = int({ default: 16, min: 1, max: 1000, doc: 'Block kinds per yosys run (each run reads the Liberty file once).' });
export const kindsVar = str({ pattern: /^\d+(,\d+)*$/, patternDoc: 'comma-separated kind ranks', doc: 'Only these kind ranks (default: every kind). For quick looks and tests.' });
