import type { ReactNode } from 'react';
import type { Sort } from './table-sort.ts';

interface Props<K extends string> {
  readonly sortKey: K;
  readonly sort: Sort<K>;
  readonly onSort: (key: K) => void;
  readonly num?: boolean;
  readonly title?: string;
  readonly children: ReactNode;
}

/** A column header that sorts its table by a click, marked ▲/▼ and with `aria-sort`. */
export function SortHeader<K extends string>(props: Props<K>) {
  const { sortKey, sort, onSort, num = true, title, children } = props;
  const active = sort.key === sortKey;
  return (
    <th
      className={num ? 'num' : undefined}
      aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      title={title}
    >
      <button type="button" className="sort-header" onClick={() => onSort(sortKey)}>
        {children}
        {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}
