import type { MapLimits } from '@sightline/collector/otlp/values';
import type { SightlineConfig } from './config.ts';

/**
 * Without credentials (auth off) the API answers only loopback names, the bound address, the
 * public URL's host and SIGHTLINE_ALLOWED_HOSTS; with auth on, only a configured list narrows it.
 */
export function queryHosts(config: SightlineConfig): { allowedHosts?: readonly string[] } {
  const { auth, allowedHosts } = config.security;
  if (auth === 'on') return allowedHosts.length > 0 ? { allowedHosts } : {};
  const publicHost = config.alerting.publicUrl ? new URL(config.alerting.publicUrl).hostname : '';
  return {
    allowedHosts: [
      'localhost',
      '127.0.0.1',
      '::1',
      config.host,
      publicHost,
      ...allowedHosts,
    ].filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::'),
  };
}

/**
 * What receive accepts, the same over every protocol: attribute limits, and item times within
 * each signal's retention behind now and SIGHTLINE_TIMESTAMP_FUTURE_MINUTES ahead.
 */
export function receiveLimits(config: SightlineConfig): MapLimits {
  const day = 86_400_000;
  return {
    maxValueLength: config.maxAttributeLength,
    maxAttributes: config.maxAttributes,
    maxDepth: 16,
    timeWindow: {
      futureMs: config.timestampFutureMinutes * 60_000,
      pastMs: {
        traces: config.retention.tracesDays * day,
        logs: config.retention.logsDays * day,
        metrics: config.retention.metricsDays * day,
      },
    },
  };
}
