import { describe, expect, it } from 'vitest';
import { unitOfExpr } from './promql-unit.ts';

describe('unit of a PromQL expression', () => {
  it.each([
    ['process_resident_memory_bytes', 'By'],
    ['process_resident_memory_bytes{job="api"}', 'By'],
    ['rate(process_cpu_seconds_total[5m])', 's/s'],
    ['sum by (job) (rate(http_requests_total[5m]))', '/s'],
    ['rate(net_bytes_total[1m]) * 8', 'By/s'],
    ['histogram_quantile(0.99, sum by (le) (rate(http_server_duration_seconds_bucket[5m])))', 's'],
    ['count(up)', ''],
    ['max_over_time(go_memstats_heap_bytes[1h] offset 1d)', 'By'],
    ['(go_memstats_heap_bytes)', 'By'],
    ['go_memstats_heap_bytes > 1e9', 'By'],
    ['go_memstats_heap_bytes / go_memstats_sys_bytes', ''],
    ['process_resident_memory_bytes - process_resident_memory_bytes offset 1h', 'By'],
    ['time()', ''],
  ])('%s → %s', (expr, unit) => {
    expect(unitOfExpr(expr)).toBe(unit);
  });
});
