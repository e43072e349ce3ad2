/** `Check.Rules`: the flow file's metric rules, checked late; failures become findings that fail the run at the end. */
import { checkRules } from '../checkRules.ts';
import { defineStage } from '../stage.ts';
import { defineVars } from '../vars.ts';

export const checkRulesStage = defineStage({
  id: 'Check.Rules',
  summary: "Check metrics against the flow file's rules; failures are reported after the flow ends.",
  version: '1',
  inputs: [],
  outputs: [],
  vars: defineVars({}),
  cacheable: false,
  readsWholeRun: true,
  async run(ctx, state) {
    const findings = checkRules(state.metrics, ctx.flow.rules);
    const count = Object.keys(ctx.flow.rules).length;
    ctx.log(`${count} rule(s), ${findings.length} failing`);
    for (const finding of findings) ctx.log(`FAIL ${finding.message}`);
    return { metrics: { check__rules__count: count, check__rules__failed: findings.length }, findings };
  },
});
