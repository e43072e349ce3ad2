/** @hardwire/gatesim: a zero-delay, bit-parallel gate-level simulator for yosys netlists of Liberty cells. */
export * from './booleanExpr.ts';
export * from './compileNetlist.ts';
export { GateSim } from './GateSim.ts';
export { ActivityCounter } from './activity.ts';
