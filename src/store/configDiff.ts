/**
 * The configuration differences between runs: only the keys whose values differ, each named by
 * its form label. A key that does not apply to a run's task and variant shows as "n/a", so
 * softmax beside Proxyformer lists the proxy settings as Proxyformer's alone.
 */
import { appliesTo, CONFIG_KEYS, paramSpec, type ConfigKey, type RunConfig } from '../config';

export interface ConfigDiffRow {
  key: ConfigKey;
  label: string;
  /** One value per run, in the order given ("n/a" where the key does not apply). */
  values: string[];
}

/** What a run's config holds for a key, as the table shows it. */
export function shownValue(config: RunConfig, key: ConfigKey): string {
  return appliesTo(paramSpec(key), config.task, config.attention) ? String(config[key]) : 'n/a';
}

/** The keys (in schema order) whose shown values are not all the same; empty for fewer than two runs. */
export function configDiff(configs: readonly RunConfig[]): ConfigDiffRow[] {
  if (configs.length < 2) return [];
  const rows: ConfigDiffRow[] = [];
  for (const key of CONFIG_KEYS) {
    const values = configs.map((c) => shownValue(c, key));
    if (values.some((v) => v !== values[0])) rows.push({ key, label: paramSpec(key).label, values });
  }
  return rows;
}
