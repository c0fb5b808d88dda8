import { describe, expect, it } from 'vitest';
import { unitOfMetricName } from './metric-units.ts';

describe('unitOfMetricName', () => {
  it.each([
    ['http_server_duration_seconds', 's'],
    ['http_server_duration_seconds_bucket', 's'],
    ['process_cpu_seconds_total', 's'],
    ['rpc_duration_seconds_count', 's'],
    ['process_resident_memory_bytes', 'By'],
    ['net_received_bytes_total', 'By'],
    ['cache_hit_ratio', '1'],
    ['up', ''],
    ['', ''],
    ['seconds', ''],
    ['latency_seconds_max', ''],
    ['größe_bytes', 'By'],
  ])('%s → %s', (name, unit) => {
    expect(unitOfMetricName(name)).toBe(unit);
  });
});
