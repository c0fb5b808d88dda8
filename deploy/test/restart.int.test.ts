import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '@sightline/store/migrations';
import { nowNanos, select, startTestSightline, testConfig } from './harness.ts';

const VERSIONS = MIGRATIONS.map((m) => m.version);

describe('restart', () => {
  it('keeps data and schema, and does not re-run migrations', async () => {
    const config = testConfig();
    const first = await startTestSightline(config);
    expect(first.migrations.applied).toEqual(VERSIONS);
    const res = await fetch(`${first.otlpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [{ timeUnixNano: nowNanos(), body: { stringValue: 'before restart' } }],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await first.close();

    const second = await startTestSightline(config);
    try {
      expect(second.migrations).toEqual({ applied: [], alreadyApplied: VERSIONS });
      const rows = await select<{ Body: string }>(second, 'SELECT Body FROM sightline.otel_logs');
      expect(rows).toEqual([{ Body: 'before restart' }]);
      const recorded = await select<{ c: string }>(
        second,
        'SELECT count() AS c FROM sightline.schema_migrations',
      );
      expect(recorded).toEqual([{ c: String(VERSIONS.length) }]);
    } finally {
      await second.close();
    }
  });
});
