/**
 * Flat metrics in OpenROAD-flow-scripts style (pure): `stage__category__metric[__qualifier]`,
 * qualifiers written `key:value`, e.g. `synth__design__instance__count__arch:da`.
 */

export type MetricValue = number | string;
export type Metrics = Record<string, MetricValue>;

const PART = '[a-z0-9]+(?:_[a-z0-9]+)*';
const QUALIFIER = '[a-z0-9]+(?:_[a-z0-9]+)*:[A-Za-z0-9_.+-]+';
/**
 * `stage__category__metric` then any number of plain or `key:value` parts. Two plain parts are allowed
 * too (`permute__n`), and qualifiers may follow them (`study__largest_params__node:n5__arch:da`).
 */
export const METRIC_NAME_PATTERN = new RegExp(`^${PART}__${PART}(__(${PART}|${QUALIFIER}))*$`);

/** True when `name` is a valid flat metric name. */
export function isMetricName(name: string): boolean {
  return METRIC_NAME_PATTERN.test(name) && !name.includes('___');
}

/** Merge metric updates in order; later values win. Keys come out sorted for stable files. */
export function mergeMetrics(...updates: ReadonlyArray<Readonly<Metrics> | undefined>): Metrics {
  const merged: Metrics = {};
  for (const update of updates) if (update) Object.assign(merged, update);
  const sorted: Metrics = {};
  for (const key of Object.keys(merged).sort()) sorted[key] = merged[key];
  return sorted;
}
