import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('SIGHTLINE_CLICKHOUSE_CLUSTER', () => {
  it('is unset by default and taken with a ClickHouse server', () => {
    expect(loadConfig([], {}).clickhouseCluster).toBeUndefined();
    const config = loadConfig([], {
      SIGHTLINE_CLICKHOUSE_URL: 'http://ch:8123',
      SIGHTLINE_CLICKHOUSE_CLUSTER: 'observability',
    });
    expect(config.clickhouseCluster).toBe('observability');
  });

  it('is refused with the embedded store, naming the variable', () => {
    expect(() => loadConfig([], { SIGHTLINE_CLICKHOUSE_CLUSTER: 'observability' })).toThrow(
      /SIGHTLINE_CLICKHOUSE_CLUSTER=observability: a cluster needs a ClickHouse server \(set SIGHTLINE_CLICKHOUSE_URL\)/,
    );
  });

  it('refuses a name that is not a cluster name', () => {
    expect(() =>
      loadConfig([], {
        SIGHTLINE_CLICKHOUSE_URL: 'http://ch:8123',
        SIGHTLINE_CLICKHOUSE_CLUSTER: 'a b',
      }),
    ).toThrow(/SIGHTLINE_CLICKHOUSE_CLUSTER: expected a cluster name/);
  });
});
