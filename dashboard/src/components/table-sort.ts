/** A table's order as kept in the URL: `sort=key` ascending, `sort=-key` descending. */
export interface Sort<K extends string> {
  readonly key: K;
  readonly desc: boolean;
}

/** The order in `param` when its key is one of `keys`; `fallback` otherwise. */
export function readSort<K extends string>(
  param: string | null,
  keys: readonly K[],
  fallback: Sort<K>,
): Sort<K> {
  const desc = param?.startsWith('-') ?? false;
  const key = (desc ? param?.slice(1) : param) as K;
  return keys.includes(key) ? { key, desc } : fallback;
}

export const writeSort = <K extends string>(s: Sort<K>): string => `${s.desc ? '-' : ''}${s.key}`;

/** What a click on `key`'s header makes: the other direction, or a new key in `desc` first. */
export const nextSort = <K extends string>(current: Sort<K>, key: K, desc = true): Sort<K> => ({
  key,
  desc: current.key === key ? !current.desc : desc,
});
