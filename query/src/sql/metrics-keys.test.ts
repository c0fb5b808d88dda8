import { describe, expect, it } from 'vitest';
import { filtersSql, keyExpr, Params } from './metrics-keys.ts';

describe('metric filters', () => {
  it('reads point attributes, resource attributes and the service, values as parameters only', () => {
    const p = new Params();
    const sql = filtersSql(
      [
        { key: 'route', op: 'eq', value: "/cart'; DROP TABLE x" },
        { key: 'resource.host.name', op: 'neq', value: 'h1' },
        { key: 'service.name', op: 'in', values: ['a', 'b'] },
        { key: 'code', op: 'not_in', values: ['500'] },
      ],
      'cart',
      p,
      'queries[0].filters',
    );
    expect(sql).toBe(
      'ServiceName = {m0:String} AND Attributes[{m1:String}] = {m2:String} AND ' +
        'ResourceAttributes[{m3:String}] != {m4:String} AND has({m5:Array(String)}, ServiceName) AND ' +
        'NOT has({m7:Array(String)}, Attributes[{m6:String}])',
    );
    expect(p.values).toEqual({
      m0: 'cart',
      m1: 'route',
      m2: "/cart'; DROP TABLE x",
      m3: 'host.name',
      m4: 'h1',
      m5: ['a', 'b'],
      m6: 'code',
      m7: ['500'],
    });
  });

  it('names the filter that lacks its value', () => {
    expect(() =>
      filtersSql(
        [
          { key: 'a', op: 'eq', value: 'x' },
          { key: 'b', op: 'neq' },
        ],
        undefined,
        new Params(),
        'queries[2].filters',
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'SL_ERR_METRIC_FILTER',
        statusCode: 400,
        message: "queries[2].filters[1].value: required for op 'neq'",
      }),
    );
    expect(() =>
      filtersSql([{ key: 'a', op: 'in', values: [] }], undefined, new Params(), 'f'),
    ).toThrow(/^f\[0\]\.values: /);
  });

  it('treats a bare `resource.` as a point attribute key', () => {
    const p = new Params();
    expect(keyExpr('resource.', p)).toBe('Attributes[{m0:String}]');
    expect(p.values).toEqual({ m0: 'resource.' });
  });
});
