import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROW,
  parseFilter,
  readMode,
  readRows,
  toApiQuery,
  writeRows,
  type QueryRow,
} from './metric-queries.ts';

describe('metric explorer URL state', () => {
  it('round-trips several rows, names with separators included', () => {
    const rows: QueryRow[] = [
      { metric: 'http.server.duration', agg: 'p95', by: 'route', filter: 'method=GET' },
      { metric: 'odd|name', agg: null, by: '', filter: 'queue!=a|b' },
    ];
    const p = new URLSearchParams('range=1h');
    writeRows(p, rows);
    expect(p.getAll('m')).toHaveLength(2);
    expect(readRows(new URLSearchParams(p.toString()))).toEqual(rows);
    expect(p.get('range')).toBe('1h');
  });

  it('opens old single-query links and defaults to one empty row', () => {
    expect(readRows(new URLSearchParams('metric=x&agg=max&by=queue'))).toEqual([
      { metric: 'x', agg: 'max', by: 'queue', filter: '' },
    ]);
    expect(readRows(new URLSearchParams('metric=x&agg=bogus'))[0]?.agg).toBeNull();
    expect(readRows(new URLSearchParams(''))).toEqual([EMPTY_ROW]);
  });

  it('reads the chart mode, line by default', () => {
    expect(readMode(new URLSearchParams('mode=stacked'))).toBe('stacked');
    expect(readMode(new URLSearchParams('mode=pie'))).toBe('line');
  });

  it('parses filters and turns rows into API queries', () => {
    expect(parseFilter('')).toBe('none');
    expect(parseFilter(' queue = a ')).toEqual({ key: 'queue', op: 'eq', value: 'a' });
    expect(parseFilter('queue!=b')).toEqual({ key: 'queue', op: 'neq', value: 'b' });
    expect(parseFilter('no operator')).toBeNull();
    const info = {
      name: 'c',
      type: 'sum' as const,
      unit: '',
      description: '',
      services: ['shop'],
      monotonic: true,
    };
    expect(toApiQuery({ metric: 'c', agg: null, by: 'q', filter: 'k=v' }, 2, info)).toEqual({
      id: '2',
      metric: 'c',
      aggregation: 'rate',
      groupBy: ['q'],
      filters: [{ key: 'k', op: 'eq', value: 'v' }],
    });
    expect(toApiQuery(EMPTY_ROW, 0, undefined)).toBeNull();
    expect(toApiQuery({ ...EMPTY_ROW, metric: 'c', filter: 'bad' }, 0, info)).toBeNull();
  });
});
