import type { Params } from '../../sql/metrics-keys.ts';

/**
 * Label maps narrowed for matching and grouping, as SQL over a Map(String, String) column. An
 * empty value is the same as no label, as in Prometheus.
 */

/** Only the labels `names` (`on (…)`, `by (…)`). */
export const keepLabelsSql = (ls: string, names: readonly string[], p: Params): string =>
  `mapFilter((k, v) -> has(${p.add(names, 'Array(String)')}, k) AND v != '', ${ls})`;

/** Every label but `names` and `__name__` (`ignoring (…)`, `without (…)`). */
export const dropLabelsSql = (ls: string, names: readonly string[], p: Params): string =>
  `mapFilter((k, v) -> NOT has(${p.add([...names, '__name__'], 'Array(String)')}, k) AND v != '', ${ls})`;

/** A grouping or matching key: `on`/`by` names kept, else `ignoring`/`without` names dropped. */
export const narrowLabelsSql = (
  ls: string,
  keep: readonly string[] | undefined,
  drop: readonly string[] | undefined,
  p: Params,
): string => (keep ? keepLabelsSql(ls, keep, p) : dropLabelsSql(ls, drop ?? [], p));

/** A hash of a label map that does not depend on the order of its entries. */
export const labelsHashSql = (ls: string): string => `cityHash64(mapSort(${ls}))`;

/** A constant label map. */
export const labelMapSql = (labels: Readonly<Record<string, string>>, p: Params): string => {
  const keys = Object.keys(labels);
  if (keys.length === 0) return `CAST(map(), 'Map(String, String)')`;
  return `mapFromArrays(${p.add(keys, 'Array(String)')}, ${p.add(Object.values(labels), 'Array(String)')})`;
};

/** An aggregation's group: `by` names kept, or `without` names and the name dropped; else {}. */
export const groupLabelsSql = (
  by: readonly string[] | undefined,
  without: readonly string[] | undefined,
  ls: string,
  p: Params,
): string =>
  by || without ? narrowLabelsSql(ls, by, without, p) : `CAST(map(), 'Map(String, String)')`;
