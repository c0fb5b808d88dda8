import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseSettings } from '@clickhouse/client';
import { pino } from 'pino';
import { startSightline, type RunningSightline } from '../src/all-in-one.ts';
import { loadConfig, type SightlineConfig } from '../src/config.ts';

export function testConfig(env: Record<string, string> = {}): SightlineConfig {
  return loadConfig([], {
    SIGHTLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sightline-test-')),
    SIGHTLINE_OTLP_PORT: '0',
    SIGHTLINE_GRPC_PORT: '0',
    SIGHTLINE_API_PORT: '0',
    // The SDK is process-global and would mix Sightline's own data into every test's store.
    SIGHTLINE_SELF_TELEMETRY: 'off',
    ...env,
  });
}

export async function startTestSightline(
  config: SightlineConfig = testConfig(),
): Promise<RunningSightline> {
  return startSightline(config, pino({ level: process.env.SIGHTLINE_TEST_LOG ?? 'silent' }));
}

/** Rows from the running store, through its read client. */
export async function select<T>(
  s: RunningSightline,
  query: string,
  params: Record<string, unknown> = {},
  settings: ClickHouseSettings = {},
): Promise<T[]> {
  const rs = await s.store.reader.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: settings,
  });
  return rs.json<T>();
}

/** Nanoseconds since the epoch as a decimal string, from OpenTelemetry's [seconds, nanos]. */
export const hrToNanos = (t: readonly [number, number]): string =>
  (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

export const nowNanos = (offsetMs = 0): string =>
  (BigInt(Date.now() + offsetMs) * 1_000_000n).toString();
