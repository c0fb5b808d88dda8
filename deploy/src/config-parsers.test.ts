import { describe, expect, it } from 'vitest';
import { redactValue, url } from './config-parsers.ts';

describe('setting errors', () => {
  it('never echo a password given in a URL', () => {
    expect(() => url('ftp://ingest:s3cr:et@clickhouse:8123', 'SIGHTLINE_CLICKHOUSE_URL')).toThrow(
      "SIGHTLINE_CLICKHOUSE_URL: expected an http(s):// URL of a ClickHouse server, got 'ftp://ingest:***@clickhouse:8123'",
    );
  });

  it('leave values without credentials as they were', () => {
    expect(redactValue('http://clickhouse:8123/?user=x')).toBe('http://clickhouse:8123/?user=x');
    expect(redactValue('smtp://alerts@mail:25')).toBe('smtp://alerts@mail:25');
    expect(redactValue('not a url: really@')).toBe('not a url: really@');
  });
});
