/** Compare metrics against flow rules (pure). Each broken or missing rule is one error finding. */
import type { Metrics } from './metrics.ts';
import type { Finding, MetricRule } from './stage.ts';

/** Does a metric value satisfy a rule? */
export function ruleHolds(actual: number, rule: Pick<MetricRule, 'compare' | 'value'>): boolean {
  switch (rule.compare) {
    case '==': return actual === rule.value;
    case '!=': return actual !== rule.value;
    case '<': return actual < rule.value;
    case '<=': return actual <= rule.value;
    case '>': return actual > rule.value;
    case '>=': return actual >= rule.value;
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The metrics a rule name covers, sorted: every match of a `*` pattern, or the name itself when present. */
export function ruleMatches(metrics: Readonly<Record<string, unknown>>, name: string): string[] {
  return name.includes('*') ? Object.keys(metrics).filter((key) => globToRegExp(name).test(key)).sort() : name in metrics ? [name] : [];
}

/**
 * Check every rule; a name with `*` must match at least one metric and every match must hold.
 * @example checkRules({ a__b__c: 1 }, { a__b__c: { compare: '==', value: 0 } }) // one finding
 */
export function checkRules(metrics: Readonly<Metrics>, rules: Readonly<Record<string, MetricRule>>): Finding[] {
  const findings: Finding[] = [];
  for (const name of Object.keys(rules).sort()) {
    const rule = rules[name];
    const matches = ruleMatches(metrics, name);
    if (matches.length === 0) {
      if (rule.optional) continue;
      findings.push({ type: 'metric_missing_error', severity: 'error', message: `metric ${name} was not produced (rule: ${rule.compare} ${rule.value})`, metric: name });
      continue;
    }
    for (const key of matches) {
      const actual = metrics[key];
      if (typeof actual !== 'number' || !ruleHolds(actual, rule)) {
        findings.push({ type: 'metric_rule_error', severity: 'error', message: `${key} = ${actual}, expected ${rule.compare} ${rule.value}`, metric: key, actual, rule });
      }
    }
  }
  return findings;
}
